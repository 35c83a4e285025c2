"""Spanish for engagement after a return (the reason a resumed episode is
engaged again), written by hand (not machine translated).

Run `python scripts/es_engagement_return.py` after `manage.py makemessages -l es`
to fill any empty entries this file knows, then `manage.py compilemessages`.
Needs polib (`pip install polib`), a maintainer's tool only.
"""

import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "welcomeback/locale/es/LC_MESSAGES/django.po"

ES = {
    # %(when)s is "hoy", "ayer" or "hace 3 días".
    "Came back and attended %(when)s": "Volvió y asistió %(when)s",
}


def main() -> int:
    po = polib.pofile(str(PO))
    for entry in po:
        if entry.msgid in ES:
            entry.msgstr = ES[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    po.save()
    return 0


if __name__ == "__main__":
    sys.exit(main())
