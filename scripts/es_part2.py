"""Spanish for the 42 CFR Part 2 screens (welcomeback/disclosures and the
"may I speak with them?" box), written by hand.

Run `python scripts/es_part2.py` after `manage.py makemessages -l es`, then
`manage.py compilemessages`. Needs polib (a maintainer's tool only).
"""

import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "welcomeback/locale/es/LC_MESSAGES/django.po"

ES = {
    "May I speak with them?": "¿Puedo hablar con esta persona?",
    "You may talk with %(name)s (%(relationship)s) about:": (
        "Puede hablar con %(name)s (%(relationship)s) sobre:"
    ),
    "You may talk with %(name)s about:": "Puede hablar con %(name)s sobre:",
    "until %(until)s": "hasta %(until)s",
    "No consent on file:": "No hay consentimiento registrado:",
    "you may listen, but do not confirm that %(name)s is in care.": (
        "puede escuchar, pero no confirme que %(name)s está en tratamiento."
    ),
    "you may listen, but do not confirm that this person is in care.": (
        "puede escuchar, pero no confirme que esta persona está en tratamiento."
    ),
    'If they ask, you can say: "I have no information I can share about that person."': (
        'Si preguntan, puede decir: "No tengo información que pueda compartir sobre esa persona."'
    ),
    "No consent names them: you may listen, but don't confirm anything to them. "
    "Try another way to reach the person.": (
        "Ningún consentimiento los nombra: puede escuchar, pero no les confirme nada. "
        "Busque otra forma de comunicarse con la persona."
    ),
    "Reached them through this person (%(result)s).": (
        "Nos comunicamos a través de esta persona (%(result)s)."
    ),
    "Consent to share": "Consentimiento para compartir",
    "Consent to share (42 CFR Part 2)": "Consentimiento para compartir (42 CFR parte 2)",
    "Sharing": "Compartir información",
    "Part 2 consent on file:": "Consentimiento de la parte 2 registrado:",
    "yes": "sí",
    "no": "no",
    "Before you say anything about this person to someone else, even that they are in care, "
    "check that a consent names them. Listening is always fine.": (
        "Antes de decirle algo sobre esta persona a otra, incluso que está en tratamiento, "
        "confirme que un consentimiento la nombra. Escuchar siempre está bien."
    ),
    "Consents": "Consentimientos",
    "Record a signed consent": "Registrar un consentimiento firmado",
    "signed": "firmado",
    "revoked": "revocado",
    "not valid for Part 2 records": "no es válido para expedientes de la parte 2",
    "Revoke for %(name)s": "Revocar para %(name)s",
    "Record a written revocation of this consent": (
        "Registrar una revocación por escrito de este consentimiento"
    ),
    "No consent recorded.": "No hay consentimientos registrados.",
    "What was shared, and with whom": "Qué se compartió y con quién",
    "Record something you shared under a consent": (
        "Registrar algo que compartió con base en un consentimiento"
    ),
    "Disclosures": "Divulgaciones",
    "Nothing shared yet.": "Todavía no se ha compartido nada.",
    "Medical emergency (42 CFR 2.51):": "Emergencia médica (42 CFR 2.51):",
    "Consent %(id)s": "Consentimiento %(id)s",
    "A medical emergency": "Una emergencia médica",
    "In a real medical emergency you may tell medical staff what they need without consent "
    "(42 CFR 2.51). Record it here right after.": (
        "En una emergencia médica real puede decirle al personal médico lo que necesita sin "
        "consentimiento (42 CFR 2.51). Regístrelo aquí justo después."
    ),
    "Record the emergency disclosure": "Registrar la divulgación de emergencia",
    "Record something you shared": "Registrar algo que compartió",
    "Save the consent": "Guardar el consentimiento",
    "Emergency access": "Acceso de emergencia",
    "Emergency access to a record": "Acceso de emergencia a un expediente",
    "Open the record": "Abrir el expediente",
    "Record number": "Número de expediente",
    "Why you need this record now": "Por qué necesita este expediente ahora",
    "The program director is told, and the access ends after an hour.": (
        "Se avisa a la dirección del programa, y el acceso termina en una hora."
    ),
    "No record has that number.": "Ningún expediente tiene ese número.",
    "Say in a few words why you need this record now.": (
        "Diga en pocas palabras por qué necesita este expediente ahora."
    ),
    "that they are in care here": "que está en tratamiento aquí",
    "appointments and attendance": "citas y asistencia",
    "plans for coming back": "planes para regresar",
    "a summary of treatment": "un resumen del tratamiento",
    "counseling notes": "notas de consejería",
    "at the request of the patient": "a petición del paciente",
    "helping them come back to care": "ayudarle a regresar al tratamiento",
    "coordinating their care": "coordinar su atención",
    "treatment, payment, and health care operations": (
        "tratamiento, pago y operaciones de atención médica"
    ),
    "What you shared": "Qué compartió",
    "Why": "Por qué",
    "What you said, briefly": "Qué dijo, en pocas palabras",
    "Notice sent with it (42 CFR 2.32)": "Aviso enviado con ello (42 CFR 2.32)",
    "To whom": "A quién",
    "Who received it": "Quién lo recibió",
    "Their affiliation": "Su institución",
    "The nature of the emergency": "La naturaleza de la emergencia",
    "Counseling notes need a consent of their own.": (
        "Las notas de consejería necesitan su propio consentimiento."
    ),
    "Their consent does not cover this information or purpose. Please don't share it.": (
        "Su consentimiento no cubre esta información o propósito. Por favor, no la comparta."
    ),
    "No consent in force covers this. Please don't share it.": (
        "Ningún consentimiento vigente cubre esto. Por favor, no lo comparta."
    ),
    "Emergency access to a record.": "Acceso de emergencia a un expediente.",
}


def main() -> int:
    po = polib.pofile(str(PO))
    for entry in po:
        if entry.msgid in ES:
            entry.msgstr = ES[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    po.save()
    known = {entry.msgid for entry in po}
    for msgid in sorted(set(ES) - known):
        print(f"not in the catalog yet: {msgid!r}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
