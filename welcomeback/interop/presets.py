"""Column-mapping presets: how one EHR's export maps onto our columns, as data.

A preset is a TOML file in ``interop/presets/`` (or any path). For each kind
of file it says which of the EHR's columns holds each of our fields, how the
EHR's values read in ours (``"DNA" = "missed"``), and fixed values for fields
the export leaves out. A program can write its own without code;
docs/integration.md describes the format.
"""

import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.utils.translation import gettext as _

PRESET_DIR = Path(__file__).resolve().parent / "presets"
KINDS = ("clients", "groups", "expectations", "attendance")


class PresetError(ValueError):
    pass


@dataclass(frozen=True)
class Mapping:
    """One kind's mapping. ``columns`` maps our field to the EHR's header,
    or to several headers whose values are joined with ":" (a compound id)."""

    columns: dict[str, str | list[str]] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    # Our value → the EHR's first code for it, as the preset writes it (for exports).
    exports: dict[str, dict[str, str]] = field(default_factory=dict)

    def header_for(self, name: str) -> str | list[str]:
        return self.columns.get(name, name)

    def translate(self, name: str, value: str) -> str:
        table = self.values.get(name)
        if not table:
            return value
        return table.get(value.strip().casefold(), value)


@dataclass(frozen=True)
class Preset:
    name: str
    description: str = ""
    encoding: str = ""
    date_format: str = ""
    # For date_format "study-day": day 0 of the study is this date.
    anchor: date | None = None
    mappings: dict[str, Mapping] = field(default_factory=dict)

    def mapping(self, kind: str) -> Mapping:
        return self.mappings.get(kind, Mapping())


def available() -> list[str]:
    return sorted(path.stem for path in PRESET_DIR.glob("*.toml"))


def load(name_or_path: str) -> Preset:
    """A preset by name (``ctn0094``) or by the path of a TOML file."""
    path = Path(name_or_path)
    if path.suffix != ".toml":
        path = PRESET_DIR / f"{name_or_path}.toml"
    if not path.is_file():
        raise PresetError(
            _("There is no preset called “%(name)s”. Presets: %(names)s.")
            % {"name": name_or_path, "names": ", ".join(available())}
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise PresetError(
            _("The preset %(path)s is not valid TOML: %(error)s")
            % {
                "path": path.name,
                "error": error,
            }
        ) from error
    return parse(path.stem, data)


def parse(name: str, data: dict) -> Preset:
    mappings = {}
    for kind in KINDS:
        section = data.get(kind, {})
        values = {
            column: {str(theirs).strip().casefold(): str(ours) for theirs, ours in table.items()}
            for column, table in section.get("values", {}).items()
        }
        exports = {}
        for column, table in section.get("values", {}).items():
            exports[column] = {}
            for theirs, ours in table.items():
                exports[column].setdefault(str(ours), str(theirs))
        mappings[kind] = Mapping(
            columns=dict(section.get("columns", {})),
            values=values,
            exports=exports,
            constants={key: str(value) for key, value in section.get("constants", {}).items()},
        )
    anchor = data.get("anchor")
    if isinstance(anchor, str):
        anchor = date.fromisoformat(anchor)
    return Preset(
        name=name,
        description=data.get("description", ""),
        encoding=data.get("encoding", ""),
        date_format=data.get("date_format", ""),
        anchor=anchor,
        mappings=mappings,
    )
