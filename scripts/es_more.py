"""Spanish for the staff, outreach, returns and audit screens, written by hand.

Run `python scripts/es_more.py` after `manage.py makemessages -l es` to fill
the empty entries this file knows, and the fuzzy ones it knows (those lose
their fuzzy flag), then `manage.py compilemessages`. Entries already
translated and not fuzzy are left as they are.
Staff screens use "usted"; words that reach clients use "tú", as elsewhere.
Needs polib (`pip install polib`), a maintainer's tool only.
"""

import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "welcomeback/locale/es/LC_MESSAGES/django.po"

ES = {
    # accounts: audit actions and outcomes
    "Viewed": "Visto",
    "Created": "Creado",
    "Changed": "Modificado",
    "Deleted": "Eliminado",
    "Exported": "Exportado",
    "Downloaded": "Descargado",
    "Printed": "Impreso",
    "Message sent": "Mensaje enviado",
    "Message received": "Mensaje recibido",
    "Signed in": "Inició sesión",
    "Signed out": "Cerró sesión",
    "Sign-in failed": "Inicio de sesión fallido",
    "Consent recorded or withdrawn": "Consentimiento registrado o retirado",
    "Disclosed": "Divulgado",
    "Emergency access": "Acceso de emergencia",
    "Access refused": "Acceso denegado",
    "Succeeded": "Correcto",
    "Refused": "Denegado",
    "Failed": "Fallido",
    "When, in UTC.": "Cuándo, en UTC.",
    'The username, or "system" or "public".': 'El nombre de usuario, o "system" o "public".',
    'e.g. "care.client"': 'p. ej. "care.client"',
    "The person whose record it is.": "La persona a quien pertenece el expediente.",
    "Never the query string.": "Nunca la cadena de consulta.",
    # accounts: audit screens
    "When (UTC)": "Cuándo (UTC)",
    "Who": "Quién",
    "user": "usuario",
    "What": "Qué",
    "Record": "Registro",
    "client %(id)s": "persona %(id)s",
    "Outcome": "Resultado",
    "From where": "Desde dónde",
    "Access and disclosure report": "Informe de accesos y divulgaciones",
    "Download this report as CSV": "Descargar este informe en CSV",
    "For %(name)s (client %(id)s).": "De %(name)s (persona %(id)s).",
    "For client %(id)s, whose record is no longer kept here.": "De la persona %(id)s, cuyo expediente ya no se guarda aquí.",
    "From %(start)s to %(end)s, UTC.": "Del %(start)s al %(end)s, UTC.",
    "From %(start)s, UTC.": "Desde el %(start)s, UTC.",
    "Up to %(end)s, UTC.": "Hasta el %(end)s, UTC.",
    "All dates.": "Todas las fechas.",
    "Every time this person's record was seen, changed, exported or disclosed, and every message to or from them: who, when, what and from where. Print it from your browser; the menus and the form are left out of the printout.": "Cada vez que alguien vio, modificó, exportó o divulgó el expediente de esta persona, y cada mensaje que se le envió o que envió: quién, cuándo, qué y desde dónde. Imprímalo desde su navegador; los menús y el formulario no salen en la copia impresa.",
    "Dates of the report": "Fechas del informe",
    "Show report": "Mostrar el informe",
    "Showing the first %(count)s events; the CSV has all of them.": "Se muestran los primeros %(count)s eventos; el CSV los tiene todos.",
    "Access, changes, messages and disclosures, oldest first": "Accesos, cambios, mensajes y divulgaciones, de los más antiguos a los más recientes",
    "Nothing recorded for these dates.": "No hay nada registrado en estas fechas.",
    "Audit trail": "Registro de auditoría",
    "Download these events as CSV": "Descargar estos eventos en CSV",
    "Every sign-in, view, change, export, message and refusal, with who, when (UTC), what and from where. Nothing here can be changed or deleted. Reading this page is recorded too.": "Cada inicio de sesión, consulta, cambio, exportación, mensaje y acceso denegado, con quién, cuándo (UTC), qué y desde dónde. Nada de lo que hay aquí se puede modificar ni eliminar. Consultar esta página también queda registrado.",
    "Filter the audit trail": "Filtrar el registro de auditoría",
    "Show events": "Mostrar eventos",
    "Audit events, newest first (an older page)": "Eventos de auditoría, de los más recientes a los más antiguos (una página anterior)",
    "Audit events, newest first": "Eventos de auditoría, de los más recientes a los más antiguos",
    "No events match.": "Ningún evento coincide.",
    "Pages of events": "Páginas de eventos",
    "Newest events": "Eventos más recientes",
    "Older events": "Eventos más antiguos",
    "From (UTC)": "Desde (UTC)",
    "To (UTC)": "Hasta (UTC)",
    "The “to” date must be on or after the “from” date.": "La fecha «hasta» debe ser igual o posterior a la fecha «desde».",
    "A username, “system” or “public”.": "Un nombre de usuario, «system» o «public».",
    "Any": "Cualquiera",
    "Client id": "Identificador de la persona",
    "audit trail": "registro de auditoría",
    # care
    "Other names that would tell someone this is care, one per line; discreet messages never use them. The program's own name is always one.": "Otros nombres que le dirían a alguien que se trata de atención, uno por línea; los mensajes discretos nunca los usan. El nombre del propio programa siempre cuenta como uno.",
    "Automated messages go no earlier, in the person's time.": "Los mensajes automáticos no salen antes de esta hora, según la hora de la persona.",
    "Automated messages go no later, in the person's time.": "Los mensajes automáticos no salen después de esta hora, según la hora de la persona.",
    "A person answers a return request within this many minutes while the program is open, or within this long after it next opens.": "Una persona del equipo responde a una solicitud de regreso en estos minutos mientras el programa está abierto, o en este mismo tiempo después de que vuelva a abrir.",
    "For a request in crisis, at any hour.": "Para una solicitud en crisis, a cualquier hora.",
    "Paged by text at once for a crisis.": "Recibe un aviso por mensaje de texto en el acto ante una crisis.",
    "Told when a request goes past its response time.": "Recibe un aviso cuando una solicitud pasa de su tiempo de respuesta.",
    "US state of the home address, e.g. NY; it sets calling hours.": "Estado de EE. UU. del domicilio, p. ej. NY; define el horario para llamar.",
    "No longer on the group's schedule": "Ya no está en el horario del grupo",
    "This episode has already ended.": "Este episodio ya terminó.",
    "appointment": "cita",
    # outreach: cadence, consent, contact points
    "They came back": "Volvió",
    "The episode is no longer active": "El episodio ya no está activo",
    "They replied; a person takes it from here": "Respondió; una persona del equipo sigue desde aquí",
    "They opted out of messages": "Pidió no recibir mensajes",
    "Not taken: it came due more than 2 days ago": "No se realizó: venció hace más de 2 días",
    "not sent: the program has no text for this yet": "no enviado: el programa aún no tiene un texto para esto",
    "Text": "Mensaje de texto",
    "%(what)s queued": "%(what)s en cola",
    "(your name)": "(su nombre)",
    "Call %(name)s": "Llamar a %(name)s",
    "Send a letter to %(name)s": "Enviar una carta a %(name)s",
    "Task for staff: %(title)s": "Tarea para el equipo: %(title)s",
    "not sent: they opted out of this channel": "no enviado: pidió no recibir mensajes por este medio",
    "Ask for a new way to reach them": "Pedir otra forma de contactarle",
    "Their %(kind)s stopped working: %(reason)s. Ask through another channel.": "Su %(kind)s dejó de funcionar: %(reason)s. Pregunte por otro medio.",
    # outreach: models
    "Text message": "Mensaje de texto",
    "Voicemail script": "Guion para el buzón de voz",
    "Letter": "Carta",
    "After a missed session": "Después de una sesión a la que faltó",
    "Inactive": "Inactivo",
    "Low-key check-in": "Saludo sin presión",
    "Texts turned on": "Mensajes de texto activados",
    "Texts turned off": "Mensajes de texto desactivados",
    "Reply to HELP": "Respuesta a HELP",
    "Written by staff": "Escrito por el equipo",
    "Answer to a message in crisis": "Respuesta a un mensaje en crisis",
    "Alert to the staff on call": "Aviso al personal de guardia",
    "The door stays open": "La puerta sigue abierta",
    "E.164 number or lower-case email": "Número E.164 o correo electrónico en minúsculas",
    "Confirmed as theirs; inbound messages match only these.": "Confirmado como suyo; los mensajes entrantes solo se asocian con estos.",
    "A form they filled in": "Un formulario que llenó",
    "On paper": "En papel",
    "Said to staff": "Se lo dijo al equipo",
    "A keyword they texted": "Una palabra clave que envió por mensaje",
    "A link they followed": "Un enlace que abrió",
    "Their own words in a reply": "Sus propias palabras en una respuesta",
    "Imported from the EHR": "Importado del EHR",
    "The exact words the person saw or heard.": "Las palabras exactas que la persona vio u oyó.",
    "Queued": "En cola",
    "Sending": "Enviándose",
    "Sent": "Enviado",
    "Delivered": "Entregado",
    "Not sent": "No enviado",
    "Outcome unknown": "Resultado desconocido",
    "Why it is held, not sent, or failed.": "Por qué está retenido, no se envió o falló.",
    "Held until then (quiet hours, caps, a pause).": "Retenido hasta entonces (horas de silencio, límites, una pausa).",
    "Accepted by the provider": "Aceptado por el proveedor",
    "Temporary error": "Error temporal",
    "Permanent error": "Error permanente",
    "Opt-out keyword": "Palabra clave para darse de baja",
    "Opt-in keyword": "Palabra clave para suscribirse",
    "Help keyword": "Palabra clave de ayuda",
    "Reads like an opt-out": "Parece una baja",
    "A reply": "Una respuesta",
    "Send an email": "Enviar un correo electrónico",
    "Ask a case manager to call": "Pedir a un administrador de casos que llame",
    "Ask staff to send a letter": "Pedir al equipo que envíe una carta",
    "Which template the step uses.": "Qué plantilla usa el paso.",
    "Repeat at this pace while the status lasts.": "Repetir a este ritmo mientras dure el estado.",
    # outreach: outbox and pacing
    "not sent: no %(channel)s on file": "no enviado: no hay %(channel)s registrado",
    "not sent: we don't know them": "no enviado: no conocemos a esta persona",
    "not sent: they asked us not to use this channel": "no enviado: pidió que no usemos este medio",
    "not sent: no consent on record yet": "no enviado: aún no hay consentimiento registrado",
    "not sent: this %(channel)s stopped working": "no enviado: este %(channel)s dejó de funcionar",
    "phone number": "número de teléfono",
    "email address": "correo electrónico",
    "address": "domicilio",
    "not sent: %(why)s (“%(text)s”)": "no enviado: %(why)s («%(text)s»)",
    "A message is waiting for a person": "Un mensaje espera a una persona del equipo",
    "not held: it goes now": "no retenido: sale ahora",
    "held: quiet hours until %(when)s": "retenido: horas de silencio hasta %(when)s",
    "held: paused until %(date)s": "retenido: en pausa hasta el %(date)s",
    "held: a live conversation — 30 minutes after their last message (%(when)s)": "retenido: conversación en curso — 30 minutos después de su último mensaje (%(when)s)",
    "held: a person on the staff is talking with them": "retenido: una persona del equipo está hablando con esta persona",
    "held: no hour is allowed in every possible time zone": "retenido: ninguna hora está permitida en todas las zonas horarias posibles",
    "held: no hour is allowed by their sending window and state rules": "retenido: ninguna hora cumple su horario de envío y las normas de su estado",
    "held: this program sends no automated messages": "retenido: este programa no envía mensajes automáticos",
    "held: no time meets every rule; staff decide": "retenido: ninguna hora cumple todas las reglas; el equipo decide",
    # outreach: replies
    "They wrote: %(words)s": "Escribió: %(words)s",
    "Their reply read like a request to stop.": "Su respuesta parecía una petición de no recibir más mensajes.",
    "Paused until a person on the staff reviews it.": "En pausa hasta que una persona del equipo la revise.",
    "Check whether they asked us to stop": "Comprobar si pidió que dejemos de escribirle",
    "Automated messages to this %(channel)s are paused. Read their reply and record what they want.": "Los mensajes automáticos a este %(channel)s están en pausa. Lea su respuesta y registre lo que quiere.",
    # outreach: public pages (client-facing, "tú")
    "Unsubscribe:": "Para darte de baja:",
    "Email preferences": "Preferencias de correo",
    'If you are in crisis, call or text <a href="tel:988">988</a>.': 'Si estás en crisis, llama o envía un mensaje de texto al <a href="tel:988">988</a>.',
    "You're unsubscribed": "Te diste de baja",
    "We've stopped emails to this address. If you'd like to talk, now or any time, you're welcome to get in touch.": "Ya no enviaremos correos a esta dirección. Si quieres hablar, ahora o cuando sea, con gusto te atendemos.",
    "Part of it may have gone missing when it was copied. If you'd like us to stop emailing you, reply to any of our emails and say so, and we'll take care of it.": "Puede que se haya perdido una parte al copiarlo. Si quieres que dejemos de enviarte correos, responde a cualquiera de nuestros correos y dínoslo; nosotros nos encargamos.",
    "Stop these emails?": "¿Dejar de recibir estos correos?",
    "Press the button and we'll stop emailing this address. Nothing else changes.": "Pulsa el botón y dejaremos de enviar correos a esta dirección. Nada más cambia.",
    "Stop emails": "Dejar de recibir correos",
    "The Unsubscribe button of their email program (one-click, RFC 8058).": "El botón de darse de baja de su programa de correo (un clic, RFC 8058).",
    # outreach: templating (staff)
    "the person's preferred name": "el nombre que prefiere la persona",
    "the program's discreet name": "el nombre discreto del programa",
    "the program's phone number": "el teléfono del programa",
    "a staff member's first name": "el nombre de pila de una persona del equipo",
    "the next session's day and time": "el día y la hora de la próxima sesión",
    "a one-tap link: I'd like to talk": "un enlace de un toque: quiero hablar",
    "a one-tap link: not yet, ask me again later": "un enlace de un toque: todavía no, pregúntenme más adelante",
    "a one-tap link: stop messages": "un enlace de un toque: dejar de recibir mensajes",
    "A brace is not closed: write variables like {name}. (%(error)s)": "Falta cerrar una llave: escriba las variables así: {name}. (%(error)s)",
    "Unknown variable: %(names)s. You can use: %(known)s.": "Variable desconocida: %(names)s. Puede usar: %(known)s.",
    "Every text names the program and a number to call back: include {sender} and {phone}.": "Cada mensaje de texto nombra el programa y un número para devolver la llamada: incluya {sender} y {phone}.",
    "Please change the marked words before saving.": "Cambie las palabras marcadas antes de guardar, por favor.",
    "Write the message before saving.": "Escriba el mensaje antes de guardar.",
    "Text received": "Mensaje de texto recibido",
    "Email received: %(subject)s": "Correo recibido: %(subject)s",
    "Email received": "Correo recibido",
    # returns
    "New": "Nueva",
    "Contacted": "Contactada",
    "Re-assessment booked": "Reevaluación programada",
    "Plan agreed": "Plan acordado",
    "Resumed": "Retomó la atención",
    "Declined for now": "Prefiere esperar por ahora",
    "Referred elsewhere": "Derivada a otro lugar",
    "Unreachable": "Sin poder contactarle",
    "Web form": "Formulario web",
    "Phone call": "Llamada telefónica",
    "Walk-in": "Llegó sin cita",
    "A link in a message": "Un enlace en un mensaje",
    "The person": "La propia persona",
    "Someone on their behalf": "Alguien en su nombre",
    "What triage read: return, crisis or other.": "Lo que leyó la clasificación: regreso, crisis u otro.",
    "When a person should have answered.": "Cuándo debería haber respondido una persona del equipo.",
    "Call": "Llamada",
    "Through a trusted person (with consent)": "A través de una persona de confianza (con consentimiento)",
    "Reached them": "Se habló con la persona",
    "Left a message": "Se dejó un mensaje",
    "No answer": "No contestó",
    "Wrong number or address": "Número o dirección equivocados",
    "Enter a phone number or an email so we can reach you.": "Escribe un teléfono o un correo electrónico para que podamos contactarte.",
    "Reach out to %(name)s directly": "Contactar directamente a %(name)s",
    "Someone who cares about them asked us to. Don't confirm anything to that person unless a Part 2 consent names them.": "Nos lo pidió alguien que se preocupa por esta persona. No le confirme nada a quien lo pidió, salvo que un consentimiento de la Parte 2 lo nombre.",
    "Welcome Back: a request needs a person now. Open Today: %(link)s": "Welcome Back: una solicitud necesita a una persona ahora. Abra Hoy: %(link)s",
    "A request needs a person now": "Una solicitud necesita a una persona ahora",
    "We're here": "Aquí estamos",
    "Unknown request status.": "Estado de la solicitud desconocido.",
    "Welcome Back: a return request is past its response time. Open it: %(link)s": "Welcome Back: una solicitud de regreso pasó de su tiempo de respuesta. Ábrala: %(link)s",
    "A request is waiting past its time": "Una solicitud lleva esperando más de lo debido",
    # staff: forms
    "Texts are fine": "Acepta mensajes de texto",
    "Email is fine": "Acepta correos electrónicos",
    "Calls are fine": "Acepta llamadas",
    "Voicemail is fine": "Acepta mensajes de voz",
    "Letters are fine": "Acepta cartas",
    "State (2 letters)": "Estado (2 letras)",
    "Time zone, if not the program's": "Zona horaria, si no es la del programa",
    "Messages from (their time)": "Mensajes desde (su hora)",
    "Messages until (their time)": "Mensajes hasta (su hora)",
    "Paused until": "En pausa hasta",
    "Discreet messages (nothing that reveals care)": "Mensajes discretos (nada que revele la atención)",
    "Enter a phone number like 212 555 0123.": "Escriba un teléfono como 212 555 0123.",
    "Text messages": "Mensajes de texto",
    "Said to staff (call or in person)": "Se lo dijo al equipo (por teléfono o en persona)",
    "In writing": "Por escrito",
    "In an email or message": "En un correo o mensaje",
    "Channel": "Medio",
    "The exact words they agreed to": "Las palabras exactas que aceptó",
    "Enter the words they saw or heard, as they were.": "Escriba las palabras que vio u oyó, tal como eran.",
    "How": "Cómo",
    "Add their phone number or email first, then record consent for it.": "Primero agregue su teléfono o correo electrónico y luego registre el consentimiento para ese medio.",
    "What they said": "Lo que dijo",
    "Note what they said, in a few words.": "Anote lo que dijo, en pocas palabras.",
    "What happened": "Qué pasó",
    "Note (optional)": "Nota (opcional)",
    "Where things stand": "Cómo van las cosas",
    "They reached us by": "Se comunicó por",
    "What they said, in their words": "Lo que dijo, con sus palabras",
    "Add a phone number or an email so we can reach them.": "Agregue un teléfono o un correo electrónico para que podamos contactarle.",
    "Subject line": "Asunto",
    "Preview text": "Texto de vista previa",
    "Message": "Mensaje",
    # staff: contact preferences
    "Contact preferences": "Preferencias de contacto",
    "Back to their story": "Volver a su historia",
    "Record what the person asks for, as they say it. Never ask why: everyone may choose how and when we reach them.": "Registre lo que pide la persona, tal como lo dice. Nunca le pregunte por qué: cada quien puede elegir cómo y cuándo lo contactamos.",
    "How to reach them": "Cómo contactarle",
    "Save preferences": "Guardar preferencias",
    "Record consent": "Registrar consentimiento",
    "They asked us to stop": "Pidió que dejáramos de escribirle",
    "An opt-out said on a call, in person or in writing takes effect as soon as you save it.": "Una baja comunicada por teléfono, en persona o por escrito se aplica en cuanto usted la guarda.",
    "Stop messages on this channel": "Dejar de enviar mensajes por este medio",
    "Consent history": "Historial de consentimiento",
    "When": "Cuándo",
    "Decision": "Decisión",
    "Words": "Palabras",
    "Agreed": "Aceptó",
    "Stopped": "Lo detuvo",
    # staff: outreach log, person, requests
    "Outreach log": "Registro de contactos",
    "State": "Estado",
    "Messages, newest first": "Mensajes, de los más recientes a los más antiguos",
    "Someone we don't know": "Alguien que no conocemos",
    "No messages yet.": "Aún no hay mensajes.",
    "Contact": "Contacto",
    "Preferences and consent": "Preferencias y consentimiento",
    "Return request": "Solicitud de regreso",
    "Someone wants to come back": "Alguien quiere volver",
    "This person may be in crisis": "Esta persona puede estar en crisis",
    "Reach them now. If they may be in danger, call 911. They can call or text 988 (the Suicide & Crisis Lifeline) any time; press 2 for Spanish. Stay with them on the line if you can.": "Contáctele ahora. Si puede estar en peligro, llame al 911. La persona puede llamar o enviar un mensaje de texto al 988 (la Línea de Prevención del Suicidio y Crisis) a cualquier hora; marcando el 2 la atienden en español. Si puede, quédese con ella en la línea.",
    "Asked": "Pidió",
    "Who asked": "Quién lo pidió",
    "Reach them at": "Contactarle en",
    "best time": "mejor momento",
    "The trusted person": "La persona de confianza",
    "don't confirm anything to them unless a Part 2 consent names them": "no le confirme nada salvo que un consentimiento de la Parte 2 lo nombre",
    "Status": "Estado",
    "with": "con",
    "Their story": "Su historia",
    "Open their timeline": "Abrir su historia",
    "What would make it easier:": "Qué lo haría más fácil:",
    "I'll take this": "Yo me encargo",
    "Log a contact": "Anotar un contacto",
    "Save contact": "Guardar contacto",
    "Try %(n)s": "Intento %(n)s",
    "Save": "Guardar",
    "Log a call or a walk-in": "Anotar una llamada o una visita sin cita",
    "Write down what they said in their own words. Nothing here is required of them except one way to reach them.": "Anote lo que dijo con sus propias palabras. No se le pide nada aquí, salvo una forma de contactarle.",
    "Save request": "Guardar solicitud",
    # staff: tasks and templates
    "Tasks": "Tareas",
    "due": "vence",
    "their story": "su historia",
    "contact preferences": "preferencias de contacto",
    "Done": "Hecha",
    "No open tasks.": "No hay tareas abiertas.",
    "What the checks found": "Lo que encontró la revisión",
    "Change before saving": "Cambiar antes de guardar",
    "Worth a look": "Conviene revisarlo",
    "Try:": "Pruebe:",
    "No findings: the words read kindly and discreetly.": "Sin observaciones: el texto se lee amable y discreto.",
    "Variables:": "Variables:",
    "Save a new version": "Guardar una versión nueva",
    "Versions": "Versiones",
    "Version %(n)s, %(when)s": "Versión %(n)s, %(when)s",
    "All templates": "Todas las plantillas",
    "Message templates": "Plantillas de mensajes",
    "Every text is checked for words that could shame or pressure someone, and for words that could tell someone nearby that the person is in care. Saving makes a new version; sent messages keep the version they used.": "Cada texto se revisa en busca de palabras que puedan avergonzar o presionar a alguien, y de palabras que puedan revelarle a alguien cercano que la persona está en atención. Al guardar se crea una versión nueva; los mensajes ya enviados conservan la versión que usaron.",
    "Templates": "Plantillas",
    "Version": "Versión",
    # staff: today
    "Asking to come back": "Piden volver",
    "Open return requests, crisis first, then by time left": "Solicitudes de regreso abiertas, primero las de crisis y luego por tiempo restante",
    "Clock": "Tiempo",
    "Their words": "Sus palabras",
    "With": "Con",
    "Crisis": "Crisis",
    "New person": "Persona nueva",
    "asked for by someone else": "la pidió otra persona",
    "No open requests right now.": "No hay solicitudes abiertas por ahora.",
    "Answered": "Respondida",
    "answer within %(time)s": "responder en %(time)s",
    "past due by %(time)s": "vencida hace %(time)s",
    # staff: timeline and menus
    "%(channel)s: %(state)s": "%(channel)s: %(state)s",
    "Outreach step": "Paso de contacto",
    "Agreed to %(channel)s": "Aceptó %(channel)s",
    "Stopped %(channel)s": "Detuvo %(channel)s",
    "Task: %(title)s": "Tarea: %(title)s",
    "Outreach": "Contactos",
    # worklist
    "Check a possible opt-out": "Revisar una posible baja",
    "A held message needs a person": "Un mensaje retenido necesita a una persona del equipo",
    "Follow up": "Seguimiento",
    "Open": "Abierta",
}

PLURALS = {
    "held: at most %(count)d message a day; next on %(when)s": [
        "retenido: como máximo %(count)d mensaje al día; el siguiente, %(when)s",
        "retenido: como máximo %(count)d mensajes al día; el siguiente, %(when)s",
    ],
    "held: at most %(count)d message a week; next on %(when)s": [
        "retenido: como máximo %(count)d mensaje a la semana; el siguiente, %(when)s",
        "retenido: como máximo %(count)d mensajes a la semana; el siguiente, %(when)s",
    ],
}


def main() -> int:
    po = polib.pofile(str(PO))
    missing = []
    for entry in po:
        if entry.obsolete:
            continue
        fuzzy = "fuzzy" in entry.flags
        if entry.msgid_plural:
            empty = not any(entry.msgstr_plural.values())
            forms = PLURALS.get(entry.msgid)
            if forms and (empty or fuzzy):
                entry.msgstr_plural = {0: forms[0], 1: forms[1]}
                known = True
            else:
                known = False
                if empty:
                    missing.append(entry.msgid)
        else:
            empty = not entry.msgstr
            if entry.msgid in ES and (empty or fuzzy):
                entry.msgstr = ES[entry.msgid]
                known = True
            else:
                known = False
                if empty:
                    missing.append(entry.msgid)
        if fuzzy and known:
            entry.flags.remove("fuzzy")
            entry.previous_msgid = None
            entry.previous_msgid_plural = None
            entry.previous_msgctxt = None
    po.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
    po.metadata["Language"] = "es"
    po.save()
    for msgid in missing:
        print(f"no Spanish yet: {msgid!r}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
