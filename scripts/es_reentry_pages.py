"""Spanish for the coming-back pages (staff/returns_views.py, its templates,
the person's questionnaire), written by hand (not machine translated).

Run `python scripts/es_reentry_pages.py` after `manage.py makemessages -l es`
to fill any empty entries this file knows, then `manage.py compilemessages`.
Needs polib (`pip install polib`), a maintainer's tool only.
"""

import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "welcomeback/locale/es/LC_MESSAGES/django.po"

ES = {
    # Forms and messages (returns_views.py)
    "Someone who wants to come back": "Alguien que quiere volver",
    "How": "Cómo",
    "What happened": "Qué pasó",
    "If not reached: why, in a few words (optional)": (
        "Si no se logró hablar: por qué, en pocas palabras (opcional)"
    ),
    "A day they plan to come (optional)": "Un día en que piensa venir (opcional)",
    "Note (optional)": "Nota (opcional)",
    "What they said made it hard (optional)": "Lo que dijo que le hizo difícil seguir (opcional)",
    "In their own words (optional)": "En sus propias palabras (opcional)",
    "Where to": "Adónde",
    "A program or service, e.g. a partial hospitalization program.": (
        "Un programa o servicio, por ejemplo un programa de hospitalización parcial."
    ),
    "First steps": "Primeros pasos",
    "Level of care (ASAM edition and level)": "Nivel de atención (edición y nivel ASAM)",
    "Planned hours a week": "Horas previstas por semana",
    "What a smaller start means": "Qué significa empezar con menos",
    "The ramp back ends on (two weeks at most)": (
        "La vuelta gradual termina el (dos semanas como máximo)"
    ),
    "An adolescent (intensive outpatient from 6 hours a week)": (
        "Adolescente (ambulatorio intensivo desde 6 horas por semana)"
    ),
    "First session": "Primera sesión",
    "After the first session, expect them at": "Después de la primera sesión, se le espera en",
    "Notes (optional)": "Notas (opcional)",
    "This request is closed already (%(status)s).": "Esta solicitud ya está cerrada (%(status)s).",
    "Try %(number)s saved.": "Intento %(number)s guardado.",
    "Reasons saved.": "Motivos guardados.",
    "%(name)s saved.": "%(name)s guardado.",
    "Plan agreed. %(name)s's care runs again on episode %(episode)s.": (
        "Plan acordado. La atención de %(name)s sigue en el episodio %(episode)s."
    ),
    "Choose how you tried to reach them.": "Elija cómo intentó comunicarse.",
    "Choose what happened.": "Elija qué pasó.",
    "Enter the day like 2026-03-09.": "Escriba el día así: 2026-03-09.",
    "Say where they were referred.": "Indique adónde se le derivó.",
    "Choose at least one first step.": "Elija al menos un primer paso.",
    "Choose the level of care.": "Elija el nivel de atención.",
    "Enter the planned hours a week.": "Escriba las horas previstas por semana.",
    "Enter the planned hours a week as a number.": (
        "Escriba las horas previstas por semana como un número."
    ),
    "Enter the day like 2026-03-16.": "Escriba el día así: 2026-03-16.",
    "No booking (a referral to more care)": "Sin cita (una derivación a más atención)",
    "Group sessions": "Sesiones de grupo",
    "Individual appointments": "Citas individuales",
    "Closed: declined for now. The door stays open.": (
        "Cerrada: por ahora no. La puerta sigue abierta."
    ),
    "Choose the level": "Elija el nivel",
    "Closed: referred elsewhere.": "Cerrada: derivada a otro lugar.",
    "Closed: not reached. Occasional check-ins only.": (
        "Cerrada: no se logró hablar. Solo algún saludo de vez en cuando."
    ),
    "Choose how": "Elija cómo",
    # The request page's panel
    "Coming back": "La vuelta",
    "Safety screen first, then the plan together. Reasons are only what they wanted to say: "
    "never a condition.": (
        "Primero la evaluación de seguridad, luego el plan juntos. Los motivos son solo lo que "
        "quiso contar: nunca una condición."
    ),
    "Reasons they left": "Motivos por los que dejó de venir",
    "none noted; optional": "ninguno anotado; es opcional",
    "Re-assessment": "Nueva evaluación",
    "the safety screen first": "primero la evaluación de seguridad",
    "The re-assessment and the plan are for clinicians.": (
        "La nueva evaluación y el plan son para el personal clínico."
    ),
    "Log a contact": "Anotar un contacto",
    "This is try %(n)s.": "Este es el intento %(n)s.",
    "Tries in a row without reaching them: %(tries)s of %(limit)s. At %(limit)s, the request "
    "closes as not reached and only occasional check-ins go out.": (
        "Intentos seguidos sin lograr hablar: %(tries)s de %(limit)s. Al llegar a %(limit)s, la "
        "solicitud se cierra como «no se logró hablar» y solo se envía algún saludo de vez en "
        "cuando."
    ),
    "Save contact": "Guardar contacto",
    "Try %(n)s": "Intento %(n)s",
    "plans to come": "piensa venir",
    "If they're not coming back now": "Si por ahora no va a volver",
    "Not for now (one door-open message)": "Por ahora no (un mensaje de puerta abierta)",
    "Not reached": "No se logró hablar",
    "%(tries)s of %(limit)s tries": "%(tries)s de %(limit)s intentos",
    "When they come to their first session, the request closes as returned by itself.": (
        "Cuando venga a su primera sesión, la solicitud se cierra sola como «volvió»."
    ),
    # Reasons
    "Only what %(name)s wanted to say. Never ask for reasons as a condition of anything; "
    "leaving everything blank is fine.": (
        "Solo lo que %(name)s quiso contar. Nunca pida motivos como condición para nada; dejarlo "
        "todo en blanco está bien."
    ),
    "Save reasons": "Guardar motivos",
    "Each reason suggests a few small first steps on the plan page.": (
        "Cada motivo sugiere algunos primeros pasos pequeños en la página del plan."
    ),
    "Back to the request": "Volver a la solicitud",
    # Outcomes
    "Not for now": "Por ahora no",
    "This request is closed": "Esta solicitud está cerrada",
    "It closed already: %(status)s. If they write again, a new request opens.": (
        "Ya se cerró: %(status)s. Si vuelve a escribir, se abre una solicitud nueva."
    ),
    "%(name)s would rather not come back now. That's their choice, and the door stays open.": (
        "%(name)s prefiere no volver por ahora. Es su decisión, y la puerta sigue abierta."
    ),
    "What happens": "Qué pasa",
    "Exactly one message goes to them: that the door stays open. Their consent, quiet hours "
    "and limits still apply.": (
        "Se le envía un solo mensaje: que la puerta sigue abierta. Su consentimiento, sus horas "
        "de silencio y los límites se respetan igual."
    ),
    "After it, no more outreach, unless they write to us again.": (
        "Después, no se le escribe más, salvo que vuelva a escribirnos."
    ),
    "The request closes as declined for now.": "La solicitud se cierra como «por ahora no».",
    "The message": "El mensaje",
    "No message can go: there is no channel they agreed to. The request still closes, and "
    "outreach stops.": (
        "No se puede enviar ningún mensaje: no hay un medio que haya aceptado. La solicitud se "
        "cierra igual y dejamos de escribirle."
    ),
    "%(name)s will be better served by another program or service, for now. The request closes "
    "as referred.": (
        "Por ahora, a %(name)s le conviene más otro programa o servicio. La solicitud se cierra "
        "como derivada."
    ),
    "Tries in a row without reaching them: %(tries)s (of %(attempts)s in all). The program "
    "closes a request after %(limit)s.": (
        "Intentos seguidos sin lograr hablar: %(tries)s (de %(attempts)s en total). El programa "
        "cierra una solicitud después de %(limit)s."
    ),
    "The request closes as not reached. From then on, only an occasional check-in goes to them, "
    "every 60 days, which they can pause or stop. If they write, a person answers.": (
        "La solicitud se cierra como «no se logró hablar». Desde entonces solo se le envía algún "
        "saludo cada 60 días, que puede pausar o detener. Si escribe, le responde una persona."
    ),
    "Close and send the one message": "Cerrar y enviar el único mensaje",
    "Close as referred": "Cerrar como derivada",
    "Close as not reached": "Cerrar como «no se logró hablar»",
    # Re-assessment
    "suggested": "sugerido",
    "score %(total)s": "puntuación %(total)s",
    "Flag:": "Alerta:",
    "Filled in by the person themselves": "Completado por la persona",
    "Filled in with staff": "Completado con el personal",
    "Their answers": "Sus respuestas",
    "skipped": "sin responder",
    "Re-assessment: %(name)s": "Nueva evaluación: %(name)s",
    "The safety screen needs a clinician now": (
        "La evaluación de seguridad necesita a alguien del personal clínico ahora"
    ),
    "Stay with them, in person or on the line. Call or text 988 together (the Suicide & Crisis "
    "Lifeline; press 2 for Spanish), or call 911 if they may be in danger now. Follow the "
    "program's safety protocol.": (
        "Quédese con la persona, en persona o al teléfono. Llamen o escriban juntos al 988 (la "
        "Línea de Prevención del Suicidio y Crisis; marque 2 para español), o llame al 911 si "
        "puede estar en peligro ahora. Siga el protocolo de seguridad del programa."
    ),
    "A task was opened for a clinician: “%(title)s”.": (
        "Se abrió una tarea para el personal clínico: «%(title)s»."
    ),
    "Open tasks": "Abrir tareas",
    "A clinician reviews this today": "Alguien del personal clínico lo revisa hoy",
    "They answered above 0 to question 9 of the PHQ-9 (thoughts of being better off dead or of "
    "hurting themselves). A clinician review task is due today.": (
        "Respondió más de 0 en la pregunta 9 del PHQ-9 (pensamientos de que estaría mejor muerto "
        "o de hacerse daño). Hay una tarea de revisión clínica para hoy."
    ),
    "A link for them to answer some questions beforehand (optional)": (
        "Un enlace para que responda algunas preguntas antes (opcional)"
    ),
    "They can answer the mood, worry, alcohol and drug questions themselves, skipping any they "
    "like. The link works for 14 days and names nothing. Send it only in a way they agreed to. "
    "The safety screen is always asked in conversation.": (
        "Puede responder por su cuenta las preguntas sobre el ánimo, la preocupación, el alcohol "
        "y las drogas, y saltar las que quiera. El enlace funciona 14 días y no nombra nada. "
        "Envíelo solo por un medio que haya aceptado. La evaluación de seguridad siempre se hace "
        "conversando."
    ),
    "Their link": "Su enlace",
    "1. The safety screen (required)": "1. La evaluación de seguridad (obligatoria)",
    "The C-SSRS screener, asked in conversation, before any plan. A yes to question 4 or 5, or "
    "to question 6 within the past 3 months, opens an urgent task for a clinician at once.": (
        "El cribado C-SSRS, conversando, antes de cualquier plan. Un sí en la pregunta 4 o 5, o "
        "en la 6 dentro de los últimos 3 meses, abre al instante una tarea urgente para el "
        "personal clínico."
    ),
    "2. The fuller re-assessment (this program requires it)": (
        "2. La evaluación completa (este programa la exige)"
    ),
    "2. The fuller re-assessment (recommended)": "2. La evaluación completa (recomendada)",
    "Mood and worry, and one substance use measure that fits the person (AUDIT-C, DAST-10 or "
    "the BAM). Every question can be skipped.": (
        "Ánimo y preocupación, y una medida de consumo de sustancias que le corresponda (AUDIT-C, "
        "DAST-10 o el BAM). Cualquier pregunta se puede saltar."
    ),
    "Not recorded yet.": "Todavía no registrado.",
    "They answered these themselves beforehand. Their answers are filled in below: go through "
    "them together, change what they'd like, and save.": (
        "Respondió esto por su cuenta antes. Sus respuestas están marcadas abajo: revísenlas "
        "juntos, cambien lo que quiera y guarde."
    ),
    "Record it again": "Registrarlo de nuevo",
    "Fill it in": "Completarlo",
    "Scoring rule": "Regla de puntuación",
    "Not known (both cut-offs shown)": "No se sabe (se muestran ambos puntos de corte)",
    "Men: positive at 4 or more": "Hombres: positivo con 4 o más",
    "Women: positive at 3 or more": "Mujeres: positivo con 3 o más",
    "Save %(name)s": "Guardar %(name)s",
    "On to the plan": "Ir al plan",
    "Everything recorded for this return": "Todo lo registrado para esta vuelta",
    # The plan
    "Re-entry plan: %(name)s": "Plan de regreso: %(name)s",
    "A start that fits them now, often smaller than before. Nothing in a plan is ever a "
    "condition such as staying sober.": (
        "Un comienzo que le quede bien ahora, a menudo más pequeño que antes. Nada en un plan es "
        "nunca una condición, como mantenerse sobrio."
    ),
    "What they did before counts": "Lo que hizo antes cuenta",
    "across %(n)s episodes": "en %(n)s episodios",
    "Agreed": "Acordado",
    "level %(level)s, %(hours)s hours a week": "nivel %(level)s, %(hours)s horas por semana",
    "until": "hasta",
    "first session": "primera sesión",
    "Before a plan: the safety screen": "Antes de un plan: la evaluación de seguridad",
    "It only takes a few minutes, in conversation. Then come back here.": (
        "Solo toma unos minutos, conversando. Luego vuelva aquí."
    ),
    "Go to the safety screen": "Ir a la evaluación de seguridad",
    "Recommended, not required": "Recomendado, no obligatorio",
    "Go to the fuller re-assessment": "Ir a la evaluación completa",
    "Suggested first steps": "Primeros pasos sugeridos",
    "From the reasons they gave. Choose freely with them: these are only ideas.": (
        "Según los motivos que dio. Elijan con libertad: son solo ideas."
    ),
    "Level of care": "Nivel de atención",
    "Intensive outpatient care (level 2.1) is %(min)s or more hours a week for adults (%(teen)s "
    "for adolescents). One group a week is below it, so say which it is: a short ramp back to "
    "the full schedule, with the day it ends (%(days)s days at most), or a step-down to "
    "outpatient care (level 1, or 1.5 in the 4th edition).": (
        "La atención ambulatoria intensiva (nivel 2.1) es de %(min)s horas o más por semana para "
        "adultos (%(teen)s para adolescentes). Un grupo por semana queda por debajo, así que "
        "indique qué es: una vuelta gradual corta al horario completo, con el día en que termina "
        "(%(days)s días como máximo), o un paso a atención ambulatoria (nivel 1, o 1.5 en la 4.ª "
        "edición)."
    ),
    "The first session": "La primera sesión",
    "Real sessions in the next three weeks: a group, or an open individual appointment.": (
        "Sesiones reales de las próximas tres semanas: un grupo o una cita individual libre."
    ),
    "When you agree": "Al acordarlo",
    "Their episode in %(program)s continues: the same episode, with all its history.": (
        "Su episodio en %(program)s continúa: el mismo episodio, con toda su historia."
    ),
    "It is %(status)s now and becomes active again.": (
        "Ahora está «%(status)s» y vuelve a estar activo."
    ),
    "Their last episode ended on %(ended)s, more than %(days)s days ago, so a new episode opens, "
    "linked to it. Everything they did before stays visible and counts.": (
        "Su último episodio terminó el %(ended)s, hace más de %(days)s días, así que se abre un "
        "episodio nuevo, enlazado con ese. Todo lo que hizo antes sigue a la vista y cuenta."
    ),
    "They have no episode in this program yet: a new one opens.": (
        "Todavía no tiene un episodio en este programa: se abre uno nuevo."
    ),
    "Their schedule becomes the plan's from the first session, and the request moves to “plan "
    "agreed”. It closes as returned when they come.": (
        "Desde la primera sesión, su horario pasa a ser el del plan, y la solicitud pasa a «plan "
        "acordado». Se cierra como «volvió» cuando venga."
    ),
    "The plan can be agreed once the safety screen is recorded.": (
        "El plan se puede acordar cuando esté registrada la evaluación de seguridad."
    ),
    "Agree the plan": "Acordar el plan",
    "This request is closed (%(status)s).": "Esta solicitud está cerrada (%(status)s).",
    # The person page
    "A return: linked to the earlier episode %(n)s.": (
        "Una vuelta: enlazado con el episodio anterior %(n)s."
    ),
    "So far in this program:": "Hasta ahora en este programa:",
    "milestones:": "logros:",
    # The person's own questionnaire (public, plain words)
    "A few questions": "Unas preguntas",
    "Part %(number)s of %(count)s": "Parte %(number)s de %(count)s",
    "These questions help us plan a start that fits you now. Every question is optional: skip "
    "any you'd rather not answer, or skip a whole part. Your answers go only to the team, and "
    "you can talk them through together.": (
        "Estas preguntas nos ayudan a planear un comienzo que te quede bien ahora. Todas son "
        "opcionales: salta las que prefieras no responder, o una parte entera. Tus respuestas "
        "solo las ve el equipo, y pueden hablarlas juntos."
    ),
    "If you're having thoughts of ending your life, or you don't feel safe, you don't have to "
    "wait: call or text 988 now, any time. In an emergency, call 911.": (
        "Si estás pensando en quitarte la vida, o no te sientes a salvo, no tienes que esperar: "
        "llama o escribe al 988 ahora, a cualquier hora. En una emergencia, llama al 911."
    ),
    "Send my answers": "Enviar mis respuestas",
    "Save and continue": "Guardar y seguir",
    "Skip this part": "Saltar esta parte",
    "That's all. The team will look at your answers before you talk, so you don't have to go "
    "through them again unless you want to.": (
        "Eso es todo. El equipo verá tus respuestas antes de hablar contigo, así que no tienes "
        "que repetirlas si no quieres."
    ),
    "Thank you for telling us": "Gracias por contárnoslo",
    "Someone from the team will reach out to you today.": (
        "Alguien del equipo se pondrá en contacto contigo hoy."
    ),
    "If you're thinking about ending your life, or you don't feel safe right now, please call or "
    "text 988 now. It's free and open day and night; press 2 for Spanish. In an emergency, call "
    "911.": (
        "Si estás pensando en quitarte la vida, o no te sientes a salvo ahora, por favor llama o "
        "escribe al 988 ahora. Es gratis y atiende de día y de noche; marca 2 para español. En "
        "una emergencia, llama al 911."
    ),
    "If you'd like to change an answer, tell the person you talk with. Nothing you said here is "
    "a condition for coming back.": (
        "Si quieres cambiar una respuesta, díselo a la persona con quien hables. Nada de lo que "
        "dijiste aquí es una condición para volver."
    ),
}

PLURALS = {
    "%(n)s question skipped": ["%(n)s pregunta sin responder", "%(n)s preguntas sin responder"],
    "%(weeks)s week in care": ["%(weeks)s semana en atención", "%(weeks)s semanas en atención"],
    "%(n)s session attended": ["%(n)s sesión a la que vino", "%(n)s sesiones a las que vino"],
}


def main() -> int:
    po = polib.pofile(str(PO))
    missing = []
    for entry in po:
        if entry.msgid_plural:
            forms = PLURALS.get(entry.msgid)
            if forms and not any(entry.msgstr_plural.values()):
                entry.msgstr_plural = {0: forms[0], 1: forms[1]}
        elif entry.msgid in ES and not entry.msgstr:
            entry.msgstr = ES[entry.msgid]
        if "fuzzy" in entry.flags and (entry.msgid in ES or entry.msgid in PLURALS):
            entry.flags.remove("fuzzy")
            entry.msgstr = ES.get(entry.msgid, entry.msgstr)
    po.save()
    known = {entry.msgid for entry in po}
    missing = sorted((set(ES) | set(PLURALS)) - known)
    for msgid in missing:
        print(f"not in the catalogue yet (run makemessages): {msgid!r}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
