"""Reading a CSV export: its encoding, its header, its rows, a chunk at a time.

The encoding is never guessed. UTF-8 (with or without a byte-order mark) is
checked strictly over the whole file before anything is written; a file that
is not UTF-8 is refused with a plain message unless the encoding was chosen.
"""

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

ENCODINGS = {
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "latin-1": "latin-1",
    "latin1": "latin-1",
    "iso-8859-1": "latin-1",
    "windows-1252": "cp1252",
    "cp1252": "cp1252",
}
BLOCK = 1 << 20


class FileRefused(ValueError):
    """The whole file cannot be read; nothing was imported."""


def choose_encoding(name: str) -> str:
    key = (name or "").strip().lower()
    if key not in ENCODINGS:
        raise FileRefused(
            _("Unknown encoding “%(name)s”. Choose utf-8, latin-1 or windows-1252.")
            % {"name": name}
        )
    return ENCODINGS[key]


def detect_encoding(path: Path, chosen: str = "") -> str:
    """The encoding to read ``path`` with: the chosen one, or UTF-8 after a
    strict check of every byte ("utf-8-sig" when the file starts with a BOM)."""
    with open(path, "rb") as raw:
        head = raw.read(3)
        has_bom = head == codecs.BOM_UTF8
        if chosen:
            encoding = choose_encoding(chosen)
            return "utf-8-sig" if encoding == "utf-8" and has_bom else encoding
        raw.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")("strict")
        line = 1
        while block := raw.read(BLOCK):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as error:
                line += block[: error.start].count(b"\n")
                raise FileRefused(
                    _(
                        "This file is not UTF-8 (line %(line)s has a character UTF-8 does "
                        "not allow). If it came from Excel or an older Windows or EHR "
                        "export, it is probably Latin-1 or Windows-1252: choose that "
                        "encoding and import it again."
                    )
                    % {"line": line}
                ) from None
            line += block.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise FileRefused(
                _("This file is not UTF-8: it ends in the middle of a character.")
            ) from None
    return "utf-8-sig" if has_bom else "utf-8"


@dataclass
class Row:
    line: int
    cells: list[str]


class CsvSource:
    """Rows of a CSV file, read in chunks, with the bytes read so far."""

    def __init__(self, path: Path, encoding: str):
        self.path = Path(path)
        self.encoding = encoding
        self.bytes_total = self.path.stat().st_size
        self._raw = open(self.path, "rb")  # noqa: SIM115 (closed in close())
        self._text = io.TextIOWrapper(self._raw, encoding=encoding, newline="")
        self._reader = csv.reader(self._text)
        try:
            self.header = [name.strip() for name in next(self._reader)]
        except StopIteration:
            self.close()
            raise FileRefused(_("The file is empty: it has no header row.")) from None
        except (csv.Error, UnicodeDecodeError) as error:
            self.close()
            raise FileRefused(
                _("The header row cannot be read: %(error)s") % {"error": error}
            ) from None

    @property
    def bytes_read(self) -> int:
        try:
            return min(self._raw.tell(), self.bytes_total)
        except ValueError:  # closed
            return self.bytes_total

    def chunks(self, size: int) -> Iterator[list[Row]]:
        chunk = []
        reader = self._reader
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as error:
                # A broken quote: the csv module cannot go on past it.
                raise FileRefused(
                    _("Line %(line)s cannot be read as CSV: %(error)s")
                    % {"line": reader.line_num, "error": error}
                ) from None
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue  # blank line
            chunk.append(Row(reader.line_num, cells))
            if len(chunk) >= size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def close(self) -> None:
        self._text.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
