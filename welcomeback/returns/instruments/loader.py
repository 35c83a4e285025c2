"""Reading the instrument files (<code>.toml) into frozen definitions, once.

The item wording lives in data files so that clinicians can read and check it
against the published forms without reading Python. The format is described
in docs/instruments.md; every file is validated here so that a typo fails
loudly at start-up rather than showing a broken question to a person.
"""

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.functional import lazy
from django.utils.translation import get_language

DATA_DIR = Path(__file__).resolve().parent
CODES = ("cssrs", "phq9", "gad7", "auditc", "dast10", "bam")  # the safety screen first
TRANSLATIONS = ("published", "ours")

_FILE_KEYS = {
    "code",
    "name_en",
    "name_es",
    "version",
    "translation_es",
    "stem_en",
    "stem_es",
    "safety",
    "source",
    "terms",
    "options",
    "items",
}
_ITEM_KEYS = {"key", "options", "en", "es", "hint_en", "hint_es", "ask_if", "reverse"}


class InstrumentFileError(ValueError):
    """An instrument file is malformed; the message names the file and the item."""


def _in_language(en: str, es: str) -> str:
    return es if (get_language() or "en").startswith("es") else en


# A string that picks English or Spanish when it is rendered, not when it is
# built: definitions are loaded once per process, pages render in many languages.
in_language = lazy(_in_language, str)


class Option(tuple):
    """One answer: (value, label_en, label_es); `label` is in the active language."""

    __slots__ = ()

    def __new__(cls, value: int, label_en: str, label_es: str):
        return super().__new__(cls, (value, label_en, label_es))

    value = property(lambda self: self[0])
    label_en = property(lambda self: self[1])
    label_es = property(lambda self: self[2])

    @property
    def label(self):
        return in_language(self.label_en, self.label_es)


@dataclass(frozen=True)
class AskIf:
    """Published skip logic: ask this item only when `item` was answered with one of `values`."""

    item: str
    values: tuple[int, ...]


@dataclass(frozen=True)
class Item:
    key: str
    text_en: str
    text_es: str
    options: tuple[Option, ...]
    hint_en: str = ""
    hint_es: str = ""
    ask_if: AskIf | None = None
    reverse: bool = False  # scored the other way round (DAST-10 item 3)

    @property
    def text(self):
        return in_language(self.text_en, self.text_es)

    @property
    def hint(self):
        return in_language(self.hint_en, self.hint_es) if self.hint_en else ""

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(option.value for option in self.options)


@dataclass(frozen=True)
class Instrument:
    code: str
    name_en: str
    name_es: str
    version: str
    items: tuple[Item, ...]
    stem_en: str
    stem_es: str
    translation_es: str  # "published" (a published Spanish version) or "ours"
    source: str  # citation
    source_url: str
    terms: str
    terms_url: str
    terms_verified: str  # what was and was not checked
    safety: bool  # the safety screen (C-SSRS)

    @property
    def name(self):
        return in_language(self.name_en, self.name_es)

    @property
    def stem(self):
        return in_language(self.stem_en, self.stem_es)

    def item(self, key: str) -> Item:
        for item in self.items:
            if item.key == key:
                return item
        raise KeyError(key)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.items)


def _fail(path: Path, message: str):
    raise InstrumentFileError(f"{path.name}: {message}")


def _options(path: Path, raw: dict) -> dict[str, tuple[Option, ...]]:
    sets = {}
    for name, spec in raw.items():
        values, en, es = spec.get("values"), spec.get("en"), spec.get("es")
        if not (values and en and es) or not len(values) == len(en) == len(es):
            _fail(path, f"option set {name!r} needs values, en and es of the same length")
        if any(type(v) is not int for v in values) or len(set(values)) != len(values):
            _fail(path, f"option set {name!r} needs distinct whole-number values")
        sets[name] = tuple(Option(*triple) for triple in zip(values, en, es, strict=True))
    return sets


def _item(path: Path, raw: dict, option_sets: dict, earlier: dict[str, Item]) -> Item:
    key = raw.get("key", "?")
    if unknown := set(raw) - _ITEM_KEYS:
        _fail(path, f"item {key!r} has unknown keys {sorted(unknown)}")
    if not (raw.get("key") and raw.get("en") and raw.get("es")):
        _fail(path, f"item {key!r} needs a key and its text in en and es")
    if key in earlier:
        _fail(path, f"item {key!r} appears twice")
    if raw.get("options") not in option_sets:
        _fail(path, f"item {key!r} names an unknown option set {raw.get('options')!r}")
    ask_if = None
    if "ask_if" in raw:
        condition = raw["ask_if"]
        if condition.get("item") not in earlier:
            _fail(path, f"item {key!r} depends on {condition.get('item')!r}, not an earlier item")
        ask_if = AskIf(condition["item"], tuple(condition["values"]))
    return Item(
        key=key,
        text_en=raw["en"],
        text_es=raw["es"],
        options=option_sets[raw["options"]],
        hint_en=raw.get("hint_en", ""),
        hint_es=raw.get("hint_es", ""),
        ask_if=ask_if,
        reverse=bool(raw.get("reverse", False)),
    )


def load_file(path: Path) -> Instrument:
    with path.open("rb") as handle:
        raw = tomllib.load(handle)
    if unknown := set(raw) - _FILE_KEYS:
        _fail(path, f"unknown keys {sorted(unknown)}")
    if missing := _FILE_KEYS - set(raw):
        _fail(path, f"missing keys {sorted(missing)}")
    if raw["translation_es"] not in TRANSLATIONS:
        _fail(path, f"translation_es must be one of {TRANSLATIONS}")
    option_sets = _options(path, raw["options"])
    items: dict[str, Item] = {}
    for item_raw in raw["items"]:
        item = _item(path, item_raw, option_sets, items)
        items[item.key] = item
    return Instrument(
        code=raw["code"],
        name_en=raw["name_en"],
        name_es=raw["name_es"],
        version=raw["version"],
        items=tuple(items.values()),
        stem_en=raw["stem_en"],
        stem_es=raw["stem_es"],
        translation_es=raw["translation_es"],
        source=raw["source"]["citation"],
        source_url=raw["source"]["url"],
        terms=raw["terms"]["summary"],
        terms_url=raw["terms"]["url"],
        terms_verified=raw["terms"]["verified"],
        safety=bool(raw["safety"]),
    )


@cache
def registry() -> dict[str, Instrument]:
    found = {}
    for code in CODES:
        instrument = load_file(DATA_DIR / f"{code}.toml")
        if instrument.code != code:
            raise InstrumentFileError(f"{code}.toml says its code is {instrument.code!r}")
        found[code] = instrument
    return found
