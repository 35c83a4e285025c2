"""Spanish for the strings the Part 2 pages gained when they were looked at
in a browser (welcomeback/disclosures/templates), written by hand.

Run after `manage.py makemessages -l es` (with the other scripts/es_*.py),
then `manage.py compilemessages`. Needs polib, a maintainer's tool only.
"""

import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "welcomeback/locale/es/LC_MESSAGES/django.po"

ES = {
    "Please check these answers": "Revise estas respuestas",
    "Back to their consents": "Volver a sus consentimientos",
    "Copy what the signed form says. 42 CFR 2.31 asks for every part. A general medical "
    "release can be kept here, but it never covers these records.": (
        "Copie lo que dice el formulario firmado. 42 CFR 2.31 pide cada parte. Una "
        "autorización médica general puede guardarse aquí, pero nunca cubre estos registros."
    ),
    "The consent": "El consentimiento",
    "What may be shared, and why": "Qué se puede compartir y para qué",
    "When it ends": "Cuándo termina",
    "A date, or an event such as leaving the program.": (
        "Una fecha, o un hecho como dejar el programa."
    ),
    "Who may receive it": "Quién puede recibirla",
    "Each person or organization named on the form. One is needed; each can be revoked "
    "on its own later.": (
        "Cada persona u organización nombrada en el formulario. Hace falta al menos una; "
        "más adelante se puede revocar cada una por separado."
    ),
    "Recipient %(n)s": "Destinatario %(n)s",
    "Signature": "Firma",
    "Statements on the form": "Declaraciones del formulario",
    "These are filled in with our standard wording. Change them only if the signed form "
    "says something different.": (
        "Vienen con nuestra redacción habitual. Cámbielas solo si el formulario firmado "
        "dice algo distinto."
    ),
    "No consent in force names anyone to share with. Please don't share anything until one does.": (
        "Ningún consentimiento vigente nombra a alguien con quien compartir. Por favor, no "
        "comparta nada hasta que lo haya."
    ),
    "Save what you shared": "Guardar lo que compartió",
    "Revoked": "Revocado",
    "Not valid for Part 2 records": "No es válido para registros de la parte 2",
    "Revoke only when the person has asked for it. It takes effect at once.": (
        "Revoque solo cuando la persona lo haya pedido. Tiene efecto de inmediato."
    ),
    "Relationship or role": "Relación o función",
    "A person or an organization": "Una persona o una organización",
    "Disclosures, newest first": "Información compartida, lo más reciente primero",
}


def main() -> int:
    po = polib.pofile(str(PO))
    filled = 0
    for entry in po:
        if entry.msgid in ES and not entry.msgid_plural:
            entry.msgstr = ES[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            filled += 1
    po.save()
    print(f"filled {filled} entries", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
