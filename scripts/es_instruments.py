"""Spanish for the re-assessment instruments' labels, flags and form, written by hand.

The questions and answers themselves are in the instrument files
(welcomeback/returns/instruments/*.toml), in English and Spanish; this file
covers only the strings that go through gettext.

Run `python scripts/es_instruments.py` after `manage.py makemessages -l es` to
fill any empty entries this file knows, then `manage.py compilemessages`.
Needs polib (`pip install polib`), a maintainer's tool only.
"""

import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "welcomeback/locale/es/LC_MESSAGES/django.po"

ES = {
    # Bands (staff see these beside each score).
    "Minimal symptoms": "Síntomas mínimos",
    "Mild symptoms": "Síntomas leves",
    "Moderate symptoms": "Síntomas moderados",
    "Moderately severe symptoms": "Síntomas moderadamente graves",
    "Severe symptoms": "Síntomas graves",
    "No problems reported": "No se reportan problemas",
    "Low level of problems": "Nivel bajo de problemas",
    "Moderate level of problems": "Nivel moderado de problemas",
    "Substantial level of problems": "Nivel considerable de problemas",
    "Severe level of problems": "Nivel grave de problemas",
    "Positive screen": "Detección positiva",
    "Negative screen": "Detección negativa",
    "No risk reported on the screen": "La detección no muestra riesgo",
    "Low risk": "Riesgo bajo",
    "Moderate risk": "Riesgo moderado",
    "High risk": "Riesgo alto",
    # AUDIT-C cut-off rules.
    "Cut-off for men: 4 or more.": "Punto de corte para hombres: 4 o más.",
    "Cut-off for women: 3 or more.": "Punto de corte para mujeres: 3 o más.",
    "Sex not recorded: the lower cut-off (3 or more) was used, the safer choice.": "Sexo no registrado: se usó el punto de corte más bajo (3 o más), la opción más segura.",
    # Flags (staff only).
    "PHQ-9 question 9 was answered above 'not at all' (thoughts of being better off dead or of self-harm): a clinician reviews it today.": 'En la pregunta 9 del PHQ-9 la respuesta fue más que "ningún día" (pensamientos de que estaría mejor muerto o de hacerse daño): un clínico la revisa hoy.',
    "C-SSRS: yes to intent or a plan, or a suicidal act or preparation within the past 3 months. A clinician sees the person now. If they may be in danger now, call 911; the 988 Lifeline (call or text 988) helps too.": "C-SSRS: sí a la intención o a un plan, o un acto o preparación suicida en los últimos 3 meses. Un clínico atiende a la persona ahora. Si puede estar en peligro ahora, llame al 911; la Línea 988 (llame o envíe un texto al 988) también ayuda.",
    "C-SSRS: a suicidal act or preparation, and when it happened was not answered; treated as within 3 months. A clinician sees the person now. If they may be in danger now, call 911; the 988 Lifeline (call or text 988) helps too.": "C-SSRS: un acto o preparación suicida, sin respuesta sobre cuándo ocurrió; se trata como si fuera en los últimos 3 meses. Un clínico atiende a la persona ahora. Si puede estar en peligro ahora, llame al 911; la Línea 988 (llame o envíe un texto al 988) también ayuda.",
    # The form (the person may see these).
    "Only if you answered “{answer}” to question {number}.": "Solo si respondió “{answer}” a la pregunta {number}.",
    "Skip this question": "Saltar esta pregunta",
    "Choose one of the answers shown, or skip this question.": "Elija una de las respuestas que se muestran, o salte esta pregunta.",
    "You can skip any question you would rather not answer.": "Puede saltar cualquier pregunta que prefiera no responder.",
    "About this questionnaire": "Sobre este cuestionario",
    "Source": "Fuente",
    "Terms of use": "Condiciones de uso",
    "The Spanish wording is our own translation, not a validated version.": "El texto en español es nuestra propia traducción, no una versión validada.",
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
