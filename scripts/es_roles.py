"""Spanish for staff roles and what they open, written by hand.

Run `python scripts/es_roles.py` after `manage.py makemessages -l es` to
fill any empty entries this file knows, then `manage.py compilemessages`.
Needs polib (`pip install polib`), a maintainer's tool only.
"""

import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "welcomeback/locale/es/LC_MESSAGES/django.po"

ES = {
    # accounts.models.Role
    "Front desk": "Recepción",
    "Case manager": "Gestor de casos",
    "Clinician": "Clínico",
    "Program director": "Director del programa",
    "Organization admin": "Administrador de la organización",
    "staff role": "función del personal",
    # The staff menu (base.html).
    "Audit": "Auditoría",
    # The access report, for a reader who may not see the person's name.
    "For client %(id)s.": "Para el cliente %(id)s.",
}


def main() -> int:
    po = polib.pofile(str(PO))
    filled = 0
    for entry in po:
        if entry.msgid in ES and not entry.msgstr:
            entry.msgstr = ES[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            filled += 1
    po.save()
    print(f"filled {filled} entries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
