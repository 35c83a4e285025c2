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
    # The team page (staff/team.html, staff/team_views.py).
    "Team": "Equipo",
    "Username": "Nombre de usuario",
    "Role": "Función",
    "since %(since)s": "desde %(since)s",
    "No active account has that username. Accounts are made on the admin site.": (
        "Ninguna cuenta activa tiene ese nombre de usuario. "
        "Las cuentas se crean en el sitio de administración."
    ),
    "Each role opens only what that work needs, in this program only. Front desk and case "
    "managers never see clinical notes or questionnaire answers. Every change here is kept "
    "in the audit trail.": (
        "Cada función abre solo lo que ese trabajo necesita, y solo en este programa. "
        "Recepción y gestión de casos nunca ven notas clínicas ni respuestas de cuestionarios. "
        "Cada cambio aquí queda en el registro de auditoría."
    ),
    "Who works in %(program)s": "Quién trabaja en %(program)s",
    "Remove %(role)s from %(name)s": "Quitar %(role)s a %(name)s",
    "Nobody holds a role here yet.": "Todavía nadie tiene una función aquí.",
    "Give someone a role": "Dar una función a alguien",
    "Give this role": "Dar esta función",
    "API keys": "Claves de API",
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
