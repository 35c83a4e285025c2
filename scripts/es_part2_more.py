"""Spanish for the Part 2 consent screens, program settings and a few
staff strings the other tables do not hold, written by hand.

Run after `manage.py makemessages -l es` (with the other scripts/es_*.py),
then `manage.py compilemessages`. Needs polib, a maintainer's tool only.
"""

import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "welcomeback/locale/es/LC_MESSAGES/django.po"

ES = {
    "A return within this many days of the last episode's end resumes it; after that a new episode is opened, linked to the last one.": "Un regreso dentro de esta cantidad de días desde el fin del último episodio lo reanuda; después se abre un episodio nuevo, vinculado al anterior.",
    "Contact attempts without reaching the person before a request closes as unreachable and outreach slows to occasional check-ins.": "Intentos de contacto sin lograr hablar con la persona antes de cerrar la solicitud como sin contacto; después solo se envían mensajes ocasionales.",
    "Require the fuller re-assessment, not only the safety screen, before a re-entry plan is agreed.": "Exigir la reevaluación completa, no solo la evaluación de seguridad, antes de acordar un plan de regreso.",
    "Staff are signed out after this many idle minutes.": "El personal cierra sesión automáticamente tras esta cantidad de minutos sin actividad.",
    "A record was opened with emergency access by %(user)s at %(at)s UTC, for %(minutes)s minutes. Please review it in the audit trail: %(link)s": "%(user)s abrió un expediente con acceso de emergencia a las %(at)s UTC, durante %(minutes)s minutos. Revísalo en el registro de auditoría: %(link)s",
    "A Part 2 consent needs at least one recipient (42 CFR 2.31(a)(4)).": "Un consentimiento de la Parte 2 necesita al menos un destinatario (42 CFR 2.31(a)(4)).",
    "Each recipient needs a name.": "Cada destinatario necesita un nombre.",
    "Consent %(id)s signed %(signed)s by %(signer)s. Who may share: %(discloser)s. With: %(recipients)s. What: %(information)s. Why: %(purpose)s. Until: %(until)s.": "Consentimiento %(id)s firmado el %(signed)s por %(signer)s. Quién puede compartir: %(discloser)s. Con: %(recipients)s. Qué: %(information)s. Para qué: %(purpose)s. Hasta: %(until)s.",
    "Say what was shared.": "Indica qué se compartió.",
    "Choose the notice that goes with it.": "Elige el aviso que lo acompaña.",
    "An emergency disclosure needs who received it, their affiliation, what was shared and the nature of the emergency (42 CFR 2.51).": "Una divulgación de emergencia necesita quién la recibió, su afiliación, qué se compartió y la naturaleza de la emergencia (42 CFR 2.51).",
    "What may be shared (as we act on it)": "Qué se puede compartir (como lo aplicamos)",
    "Why (as we act on it)": "Para qué (como lo aplicamos)",
    "Program that may share": "Programa que puede compartir",
    "Who may share, as named on the form": "Quién puede compartir, como figura en el formulario",
    "Why, in the words on the form": "Para qué, con las palabras del formulario",
    "Ends on (date)": "Termina el (fecha)",
    "Or ends when (event)": "O termina cuando (evento)",
    "Their authority to sign for the person": "Su autoridad para firmar por la persona",
    "How it was signed": "Cómo se firmó",
    "Date signed": "Fecha de la firma",
    "The right to revoke, as stated": "El derecho a revocar, como está escrito",
    "Statement about redisclosure": "Declaración sobre la divulgación posterior",
    "Statement that care does not depend on signing": "Declaración de que la atención no depende de firmar",
    "HIPAA redisclosure statement (TPO consents)": "Declaración de HIPAA sobre divulgación posterior (consentimientos TPO)",
    "Recipient %(n)s: name": "Destinatario %(n)s: nombre",
    "Recipient %(n)s: a person or an organization": "Destinatario %(n)s: una persona o una organización",
    "Recipient %(n)s: relationship or role": "Destinatario %(n)s: relación o función",
    "Recipient %(n)s: phone": "Destinatario %(n)s: teléfono",
    "Recipient %(n)s: email": "Destinatario %(n)s: correo electrónico",
    "Part 2 consent to disclose": "Consentimiento de la Parte 2 para divulgar",
    "Consent for treatment, payment and health care operations": "Consentimiento para tratamiento, pago y operaciones de atención médica",
    "Consent for counseling notes": "Consentimiento para notas de consejería",
    "General medical release (not valid for Part 2)": "Autorización médica general (no válida para la Parte 2)",
    "An organization": "Una organización",
    "Treating providers, health plans, payers and program operations": "Proveedores que atienden, planes de salud, pagadores y operaciones del programa",
    "Parent or guardian (minor)": "Madre, padre o tutor (menor de edad)",
    "Authorized representative": "Representante autorizado",
    "Signed electronically": "Firmado electrónicamente",
    "The program or organization that may disclose, as named.": "El programa u organización que puede divulgar, como figura en el formulario.",
    "What may be shared, how much and what kind, in the words on the form.": "Qué se puede compartir, cuánto y de qué tipo, con las palabras del formulario.",
    "For a parent, guardian or representative.": "Para una madre, un padre, un tutor o un representante.",
    "A Part 2 consent needs every element of 42 CFR 2.31: %(missing)s missing.": "Un consentimiento de la Parte 2 necesita todos los elementos de 42 CFR 2.31: falta %(missing)s.",
    "Unknown information or purpose.": "Información o propósito desconocido.",
    "Counseling notes need a consent of their own (42 CFR 2.31(b)).": "Las notas de consejería necesitan su propio consentimiento (42 CFR 2.31(b)).",
    "A counseling-notes consent covers counseling notes only (42 CFR 2.31(b)).": "Un consentimiento para notas de consejería cubre solo las notas de consejería (42 CFR 2.31(b)).",
    'e.g. "sister", or an organization\'s role.': "p. ej., «hermana», o la función de una organización.",
    "Statement 1 (the full notice)": "Declaración 1 (el aviso completo)",
    "Statement 2 (the short notice)": "Declaración 2 (el aviso breve)",
    "None (medical emergency)": "Ninguno (emergencia médica)",
    "What was shared, briefly.": "Qué se compartió, en pocas palabras.",
    "Use this only when someone's safety depends on it and the record is outside your programs. You will see this one record for an hour. It is written to the audit trail and the program director is told.": "Usa esto solo cuando la seguridad de alguien dependa de ello y el expediente esté fuera de tus programas. Verás solo este expediente durante una hora. Queda escrito en el registro de auditoría y se avisa a la dirección del programa.",
    "Back": "Volver",
    "Copy what the signed form says. Every part is required by 42 CFR 2.31; a general medical release is kept, but never covers these records.": "Copia lo que dice el formulario firmado. 42 CFR 2.31 exige cada parte; una autorización médica general se guarda, pero nunca cubre estos expedientes.",
    "The notice required by 42 CFR 2.32 and the consent's scope are attached to the record of it; send them along with what you shared.": "El aviso que exige 42 CFR 2.32 y el alcance del consentimiento quedan adjuntos al registro; envíalos junto con lo que compartiste.",
    "Until": "Hasta",
    "To": "A",
    "Basis": "Base",
    "By": "Por",
    "Only a general medical release names them, and it never covers these records. Please don't share this.": "Solo una autorización médica general menciona a esta persona, y nunca cubre estos expedientes. Por favor, no compartas esto.",
    "Thank you": "Gracias",
    "Agreeing a plan, and closing a request, have their own steps above.": "Acordar un plan y cerrar una solicitud tienen sus propios pasos más arriba.",
    "Clinician review": "Revisión clínica",
    "Kind of consent": "Tipo de consentimiento",
    "What may be shared, in the words on the form": "Qué se puede compartir, con las palabras del formulario",
    "Signed by": "Firmado por",
    "Who signed": "Quién firmó",
    "How to revoke, as stated": "Cómo revocar, como está escrito",
    "Language of the form": "Idioma del formulario",
    "A person": "Una persona",
    "The patient": "La persona atendida",
    "Signed on paper": "Firmado en papel",
    "Part 2 consent": "Consentimiento de la Parte 2",
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
