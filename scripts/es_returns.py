"""Spanish for the re-entry domain (reasons, first steps, re-assessment,
plans, resuming care, outcomes, the story), written by hand (not machine
translated).

Run `python scripts/es_returns.py` after `manage.py makemessages -l es` to
fill any empty entries this file knows, then `manage.py compilemessages`.
Needs polib (`pip install polib`), a maintainer's tool only.
"""

import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "welcomeback/locale/es/LC_MESSAGES/django.po"

ES = {
    # Reasons and first steps
    "because: %(reasons)s": "porque: %(reasons)s",
    "Unknown reason: %(reason)s": "Motivo desconocido: %(reason)s",
    "A single re-entry conversation": "Una sola conversación para volver",
    "One-on-one bridge sessions": "Sesiones individuales de transición",
    "Another schedule": "Otro horario",
    "Another group": "Otro grupo",
    "Another site": "Otra sede",
    "A telehealth group (joining from home)": "Un grupo por video (desde casa)",
    "A step-down level of care (fewer hours)": "Un nivel de atención menor (menos horas)",
    "A harm-reduction welcome and a safety check": (
        "Una bienvenida desde la reducción de daños y una revisión de seguridad"
    ),
    "A referral to more care": "Una derivación a más apoyo",
    "Reasons in their own words, if they gave any.": (
        "Los motivos con sus propias palabras, si los dieron."
    ),
    # Re-assessment
    "If they may be in danger now, stay with them (or on the line) and call or text 988 "
    "together, or call 911 for an emergency. Follow the program's safety protocol.": (
        "Si la persona puede estar en peligro ahora, quédate con ella (o en la línea) y llamen "
        "o escriban juntos al 988, o llama al 911 si es una emergencia. Sigue el protocolo de "
        "seguridad del programa."
    ),
    "the person who asked to come back": "la persona que pidió volver",
    "An assessment belongs to a return request or an episode.": (
        "Una evaluación pertenece a una solicitud de regreso o a un episodio."
    ),
    "Urgent: safety review for %(name)s now": "Urgente: revisión de seguridad para %(name)s ahora",
    "Clinician review today for %(name)s": "Revisión clínica hoy para %(name)s",
    "The safety screen (C-SSRS) is not recorded yet.": (
        "Todavía no se ha registrado la evaluación de seguridad (C-SSRS)."
    ),
    "The safety screen (C-SSRS) is not complete yet.": (
        "La evaluación de seguridad (C-SSRS) todavía no está completa."
    ),
    "A substance use measure (AUDIT-C, DAST-10 or the BAM) is not recorded yet.": (
        "Todavía no se ha registrado una medida de consumo de sustancias (AUDIT-C, DAST-10 o BAM)."
    ),
    "%(name)s is not recorded yet.": "Todavía no se ha registrado %(name)s.",
    "This link has expired or isn't valid.": "Este enlace ha vencido o no es válido.",
    "Unknown questionnaire.": "Cuestionario desconocido.",
    "Filled in with staff": "Respondido con el personal",
    "Filled in by the person (one-tap link)": "Respondido por la persona (enlace de un toque)",
    # Plans and the level of care
    "Link this request to the person's record first.": (
        "Primero vincula esta solicitud con el expediente de la persona."
    ),
    "Name the milestone.": "Escribe el nombre del logro.",
    "Enter the planned hours a week as a number.": (
        "Escribe con un número las horas por semana planeadas."
    ),
    "This request is closed already.": "Esta solicitud ya está cerrada.",
    "Choose at least one first step.": "Elige al menos un primer paso.",
    "Choose the ASAM edition.": "Elige la edición de ASAM.",
    "Unknown transition.": "Transición desconocida.",
    "Unknown first step: %(step)s": "Primer paso desconocido: %(step)s",
    "Book the first session: a group session or an individual appointment.": (
        "Reserva la primera sesión: una sesión de grupo o una cita individual."
    ),
    "That session was cancelled; choose another.": "Esa sesión se canceló; elige otra.",
    "Choose a session that hasn't started yet.": "Elige una sesión que todavía no haya empezado.",
    "Book a session in the person's own program.": "Reserva una sesión en el programa de la persona.",
    "Intensive outpatient care is at most 19 hours a week.": (
        "La atención ambulatoria intensiva es de 19 horas por semana como máximo."
    ),
    "%(hours)s hours a week is below the intensive outpatient level of care (%(minimum)s or "
    "more hours a week). Record it as a short ramp back to the full schedule, with the date "
    "it ends, or as a step-down to outpatient care.": (
        "%(hours)s horas por semana está por debajo del nivel ambulatorio intensivo "
        "(%(minimum)s horas por semana o más). Regístralo como un regreso gradual y corto al "
        "horario completo, con la fecha en que termina, o como un paso a atención ambulatoria."
    ),
    "A ramp back is only for a start below the full hours; leave it out.": (
        "El regreso gradual es solo para empezar con menos horas; quítalo."
    ),
    "A ramp back is a start inside intensive outpatient care (level 2.1).": (
        "El regreso gradual es un comienzo dentro de la atención ambulatoria intensiva (nivel 2.1)."
    ),
    "Outpatient care is under %(minimum)s hours a week.": (
        "La atención ambulatoria es de menos de %(minimum)s horas por semana."
    ),
    "Give the date the ramp back ends.": "Indica la fecha en que termina el regreso gradual.",
    "The ramp back ends after today.": "El regreso gradual termina después de hoy.",
    "A ramp back lasts two weeks at most (until %(date)s). For longer, record a step-down to "
    "outpatient care.": (
        "Un regreso gradual dura dos semanas como máximo (hasta el %(date)s). Si es más largo, "
        "registra un paso a atención ambulatoria."
    ),
    "%(level)s is not a level of care in that ASAM edition.": (
        "%(level)s no es un nivel de atención en esa edición de ASAM."
    ),
    "The ramp back ends: agree the next schedule with %(name)s": (
        "Termina el regreso gradual: acuerda el próximo horario con %(name)s"
    ),
    "Their start was planned as a short ramp back to the full schedule. Talk with them about "
    "what fits next, or record a step-down.": (
        "Su comienzo se planeó como un regreso gradual y corto al horario completo. Hablen de "
        "lo que le conviene ahora, o registra un paso a un nivel menor."
    ),
    "Re-entry plan": "Plan de regreso",
    "That session only": "Solo esa sesión",
    "That group, on that weekday each week": "Ese grupo, ese día de la semana cada semana",
    "Every session of that group": "Todas las sesiones de ese grupo",
    "ASAM Criteria, 3rd edition (2013)": "Criterios ASAM, 3.ª edición (2013)",
    "ASAM Criteria, 4th edition (2023)": "Criterios ASAM, 4.ª edición (2023)",
    "Early intervention": "Intervención temprana",
    "Outpatient": "Ambulatorio",
    "Intensive outpatient": "Ambulatorio intensivo",
    "Partial hospitalization": "Hospitalización parcial",
    "Clinically managed low-intensity residential": (
        "Residencial de baja intensidad con manejo clínico"
    ),
    "Clinically managed population-specific high-intensity residential": (
        "Residencial de alta intensidad para poblaciones específicas con manejo clínico"
    ),
    "Clinically managed high-intensity residential": (
        "Residencial de alta intensidad con manejo clínico"
    ),
    "Medically monitored intensive inpatient": "Hospitalización intensiva con supervisión médica",
    "Medically managed intensive inpatient": "Hospitalización intensiva con manejo médico",
    "Long-term remission monitoring": "Seguimiento de la remisión a largo plazo",
    "Outpatient therapy": "Terapia ambulatoria",
    "Medically managed outpatient": "Ambulatorio con manejo médico",
    "High-intensity outpatient": "Ambulatorio de alta intensidad",
    "Medically managed intensive outpatient": "Ambulatorio intensivo con manejo médico",
    "Medically managed residential": "Residencial con manejo médico",
    "Medically managed inpatient": "Hospitalización con manejo médico",
    "No transition": "Sin transición",
    "A short ramp back to the full schedule": "Un regreso gradual y corto al horario completo",
    "A step-down to a lower level of care": "Un paso a un nivel de atención menor",
    "The ASAM level code, in the episode's ASAM edition.": (
        "El código de nivel ASAM, en la edición ASAM del episodio."
    ),
    "Planned hours of care a week.": "Horas de atención planeadas por semana.",
    "%(name)s (level %(code)s)": "%(name)s (nivel %(code)s)",
    "When a ramp ends.": "Cuándo termina el regreso gradual.",
    "Only the group's sessions on this weekday (a reduced schedule); blank means every session.": (
        "Solo las sesiones del grupo en este día de la semana (un horario reducido); en blanco "
        "significa todas las sesiones."
    ),
    "Resumed: they came back": "Reanudado: volvió",
    # Contact and outcomes
    "Choose how you tried and what happened.": "Elige cómo lo intentaste y qué pasó.",
    "If not reached: what happened, in a few words.": (
        "Si no se logró el contacto: qué pasó, en pocas palabras."
    ),
    "A day they said they plan to come.": "Un día en que dijo que piensa venir.",
    "A person is talking with them about coming back": "Alguien está hablando con la persona sobre su regreso",
    "Not reached: occasional check-ins only": "Sin contacto: solo saludos de vez en cuando",
    "They said not for now; the door stays open": "Dijo que por ahora no; la puerta sigue abierta",
    "Not reached after %(count)s tries": "Sin contacto después de %(count)s intentos",
    "A gentle check-in with %(name)s": "Un saludo amable a %(name)s",
    "They planned to come on %(date)s and we haven't seen them yet. Nothing is wrong with "
    "that: ask how they are and whether another day would suit them.": (
        "Pensaba venir el %(date)s y todavía no la hemos visto. No pasa nada: pregúntale cómo "
        "está y si otro día le vendría mejor."
    ),
    # The story
    "Asked to come back": "Pidió volver",
    "Wrote again": "Volvió a escribir",
    "Request: %(status)s": "Solicitud: %(status)s",
    "Request assigned": "Solicitud asignada",
    "Request past its response time": "Solicitud fuera de su tiempo de respuesta",
    "Contact attempt %(note)s": "Intento de contacto %(note)s",
    "Reasons noted": "Motivos anotados",
    "Re-assessment: %(note)s": "Reevaluación: %(note)s",
    "Re-entry plan agreed": "Plan de regreso acordado",
    "Episode resumed": "Episodio reanudado",
    "New episode, linked to the last": "Nuevo episodio, vinculado al anterior",
    "Came back": "Volvió",
    "Door-open message": "Mensaje de puertas abiertas",
    "%(band)s; flagged for a clinician": "%(band)s; señalado para un clínico",
    "Engagement: %(status)s": "Participación: %(status)s",
    "%(channel)s: %(purpose)s": "%(channel)s: %(purpose)s",
    "Re-assessment: %(name)s": "Reevaluación: %(name)s",
    "Re-entry plan: %(steps)s": "Plan de regreso: %(steps)s",
    "Level of care %(level)s, %(hours)s hours a week": (
        "Nivel de atención %(level)s, %(hours)s horas por semana"
    ),
}


def main() -> int:
    po = polib.pofile(str(PO))
    missing = []
    for entry in po:
        if entry.msgid in ES:
            entry.msgstr = ES[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        elif not entry.msgstr and not entry.msgid_plural:
            missing.append(entry.msgid)
    po.save()
    for msgid in missing:
        print(f"no Spanish yet: {msgid!r}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
