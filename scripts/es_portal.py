"""Spanish for the public pages, written by hand (not machine translated),
with "tú" as in the Spanish outreach texts.

Run `python scripts/es_portal.py` after
`manage.py makemessages -l es --ignore .venv` to fill the entries this file
knows, then `manage.py compilemessages -l es --ignore .venv`. Every page it
fills is checked by tests/test_portal_pages.py with the Spanish tone rules.
Needs polib (`pip install polib`), a maintainer's tool only.
"""

import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "welcomeback/locale/es/LC_MESSAGES/django.po"

ES = {
    # -- every page ---------------------------------------------------------
    "Skip to main content": "Saltar al contenido principal",
    "Error:": "Error:",
    "There is a problem": "Hay un problema",
    "Exit this page": "Salir de esta página",
    "Or press Shift 3 times": "O pulsa la tecla Shift 3 veces",
    "Need to talk to someone now?": "¿Necesitas hablar con alguien ahora?",
    'Call or text <a href="tel:988">988</a>, any time, day or night. It\'s free and private.': 'Llama o envía un mensaje de texto al <a href="tel:988">988</a>, a cualquier hora, de día o de noche. Es gratis y privado.',
    'In an emergency, call <a href="tel:911">911</a>.': 'En una emergencia, llama al <a href="tel:911">911</a>.',
    "More pages": "Más páginas",
    "Home": "Inicio",
    "Ask us to reach you": "Pide que te contactemos",
    "For someone else": "Para otra persona",
    "Small first steps": "Primeros pasos pequeños",
    "Questions and answers": "Preguntas y respuestas",
    "Email updates": "Noticias por correo",
    "You can also call or text us at %(phone)s.": "También puedes llamarnos o enviarnos un mensaje de texto al %(phone)s.",
    "Send a text": "Enviar un mensaje de texto",
    "Call us": "Llámanos",
    "Other choices": "Otras opciones",
    # -- what the program says about itself ---------------------------------
    "We're open %(days)s, %(opens)s to %(closes)s %(zone)s.": "Abrimos %(days)s, de %(opens)s a %(closes)s, %(zone)s.",
    "%(first)s to %(last)s": "de %(first)s a %(last)s",
    "%(some)s and %(last)s": "%(some)s y %(last)s",
    "every day": "todos los días",
    "on %(day)s": "solo el %(day)s",
    "Eastern time": "hora del Este",
    "Central time": "hora del Centro",
    "Mountain time": "hora de la Montaña",
    "Arizona time": "hora de Arizona",
    "Pacific time": "hora del Pacífico",
    "Alaska time": "hora de Alaska",
    "Hawaii time": "hora de Hawái",
    "Puerto Rico time": "hora de Puerto Rico",
    # -- the landing page ---------------------------------------------------
    "You can come back": "Puedes volver",
    "However long it's been, and whatever happened, you're welcome here. You don't need a reason, and you don't need to have it all worked out.": "No importa cuánto tiempo haya pasado ni lo que haya pasado: aquí te recibimos con los brazos abiertos. No necesitas dar una razón ni tenerlo todo resuelto.",
    "Coming back doesn't mean starting over. What you did before still counts.": "Volver no es empezar de cero. Lo que hiciste antes sigue contando.",
    "Three ways to reach us": "Tres formas de contactarnos",
    "A few words are enough, like “I'd like to talk.”": "Bastan unas palabras, como «Quiero hablar».",
    "Text %(phone)s": "Envía un mensaje al %(phone)s",
    "Call %(phone)s": "Llama al %(phone)s",
    "Use a short form": "Usa un formulario corto",
    "Leave a phone number or an email. That's the only thing we ask.": "Deja un teléfono o un correo electrónico. Es lo único que te pedimos.",
    "Asking for someone else?": "¿Preguntas por otra persona?",
    "A family member, a friend, or someone who works with them can reach out too.": "Un familiar, un amigo o alguien que trabaja con esa persona también puede contactarnos.",
    "Reach out for someone else": "Contactarnos por otra persona",
    "Not sure yet?": "¿Todavía no lo tienes claro?",
    "That's okay. You can take your time.": "Está bien. Tómate tu tiempo.",
    "See some small first steps": "Ver algunos primeros pasos pequeños",
    "Read questions and answers": "Leer preguntas y respuestas",
    # -- the return form ----------------------------------------------------
    "Leave a phone number or an email, and someone from %(name)s will get in touch. That's all we need.": "Deja un teléfono o un correo electrónico y alguien de %(name)s se pondrá en contacto contigo. Es todo lo que necesitamos.",
    "Your phone number or email": "Tu teléfono o correo electrónico",
    "We'll only use it to get in touch about coming back.": "Solo lo usaremos para hablar contigo sobre volver.",
    "Everything below is up to you. Skip any of it.": "Todo lo que sigue es opcional. Puedes saltarte lo que quieras.",
    "Anything you'd like to say (optional)": "¿Quieres decirnos algo? (opcional)",
    "A few words are fine. So is nothing.": "Unas pocas palabras están bien. No decir nada también.",
    "When is a good time to reach you? (optional)": "¿Cuándo es un buen momento para contactarte? (opcional)",
    "For example: weekday mornings, or after 5 PM.": "Por ejemplo: por las mañanas entre semana, o después de las 5 p. m.",
    "Which language should we use? (optional)": "¿En qué idioma prefieres que te hablemos? (opcional)",
    "Did something make it hard to keep coming? (optional)": "¿Algo te hizo difícil seguir viniendo? (opcional)",
    "Choose any that fit, or none. You never have to tell us.": "Elige las que quieras, o ninguna. Nunca tienes que contárnoslo.",
    "Would a small first step help? (optional)": "¿Te ayudaría empezar con un paso pequeño? (opcional)",
    "Choose any you'd like to talk about.": "Elige los que te gustaría conversar.",
    "What you send stays private. Our texts and emails only say “%(name)s” and never what they are about.": "Lo que nos envías es privado. Nuestros mensajes y correos solo dicen «%(name)s» y nunca de qué se tratan.",
    "Leave this empty": "Deja esto en blanco",
    "Enter a phone number or an email so we can reach you": "Escribe un teléfono o un correo electrónico para que podamos contactarte",
    "Enter an email like name@example.com, or a phone number": "Escribe un correo como nombre@ejemplo.com, o un teléfono",
    "Enter a phone number with its area code, like 212 555 0100, or an email": "Escribe un teléfono con su código de área, como 212 555 0100, o un correo electrónico",
    # Reasons and small first steps, as the form shows them
    "I started feeling better": "Empecé a sentirme mejor",
    "The group didn't feel right": "El grupo no me hacía sentir bien",
    "Work": "El trabajo",
    "Childcare": "El cuidado de los niños",
    "Getting there": "Llegar hasta allí",
    "I used again and worried about being judged": "Volví a consumir y temía que me juzgaran",
    "It got too heavy": "Se volvió demasiado pesado",
    "I was tired or overwhelmed": "Sentía mucho cansancio o agobio",
    "Grief": "Un duelo",
    "Anxiety": "La ansiedad",
    "It felt boring": "Me parecía aburrido",
    "The schedule": "El horario",
    "Cost or insurance": "El costo o el seguro",
    "Something else": "Otra cosa",
    "Just a conversation first": "Primero, solo una conversación",
    "One group a week to start": "Un grupo a la semana para empezar",
    "A meeting with a case manager": "Una reunión con un administrador de casos",
    "A one-on-one session first": "Primero, una sesión individual",
    "A different time or group": "Otro horario u otro grupo",
    "Joining from home (video)": "Conectarme desde casa (por video)",
    "Fewer hours a week": "Menos horas a la semana",
    # -- the return confirmation --------------------------------------------
    "We've got your request": "Recibimos tu solicitud",
    "Thank you. We've got your request.": "Gracias. Recibimos tu solicitud.",
    "Someone from %(name)s will email you %(when)s.": "Alguien de %(name)s te escribirá un correo %(when)s.",
    "Someone from %(name)s will call or text you %(when)s.": "Alguien de %(name)s te llamará o te enviará un mensaje de texto %(when)s.",
    "Someone from %(name)s will get in touch %(when)s.": "Alguien de %(name)s se pondrá en contacto contigo %(when)s.",
    "What happens next": "Qué pasa ahora",
    "A person on our team, not a machine, will reach out. They'll ask how you are and what would help now. You don't need to prepare anything.": "Una persona de nuestro equipo, no una máquina, se pondrá en contacto contigo. Te preguntará cómo estás y qué te ayudaría ahora. No necesitas preparar nada.",
    "If you change your mind": "Si cambias de opinión",
    "That's okay. You don't have to answer, and you can tell us “not now” at any time.": "Está bien. No tienes que contestar, y puedes decirnos «ahora no» en cualquier momento.",
    "If you'd like to talk sooner, call or text %(phone)s.": "Si quieres hablar antes, llama o escribe al %(phone)s.",
    # -- small first steps --------------------------------------------------
    "Coming back doesn't have to be all or nothing. You can start with something small, and we'll go from there together.": "Volver no tiene que ser todo o nada. Puedes empezar con algo pequeño y seguimos desde ahí, juntos.",
    "Talk with someone on our team about what has changed and what you'd like. No plans or promises needed.": "Habla con alguien de nuestro equipo sobre lo que ha cambiado y lo que te gustaría. Sin planes ni promesas.",
    "Ease back in at a pace that fits your week.": "Vuelve poco a poco, a un ritmo que se acomode a tu semana.",
    "Sort out practical things, like rides, childcare, work hours or insurance.": "Resuelve cosas prácticas, como el transporte, el cuidado de los niños, el horario de trabajo o el seguro.",
    "Get comfortable again with one person before you join a group.": "Vuelve a sentirte a gusto con una persona antes de unirte a un grupo.",
    "If the old time or group didn't work for you, we can look at others.": "Si el horario o el grupo de antes no te funcionaba, podemos buscar otros.",
    "Ask us whether you can join by video, from wherever you are.": "Pregúntanos si puedes conectarte por video, desde donde estés.",
    "If you're doing better, a lighter schedule may fit. We'll talk it through with you.": "Si te sientes mejor, quizá te convenga un horario más ligero. Lo hablamos contigo.",
    "You can pick any of these on the short form, or just tell us when we talk.": "Puedes elegir cualquiera de estos en el formulario corto, o simplemente decírnoslo cuando hablemos.",
    # -- questions and answers ----------------------------------------------
    "Will I get in trouble for stepping away?": "¿Me voy a meter en problemas por haberme alejado?",
    "No. People step away for all kinds of reasons. Nobody will scold you, and you don't have to explain.": "No. La gente se aleja por todo tipo de razones. Nadie te va a regañar y no tienes que dar explicaciones.",
    "Do I have to start over?": "¿Tengo que empezar de cero?",
    "No. The work you did before still counts. We pick up from where you are now.": "No. Lo que trabajaste antes sigue contando. Seguimos desde donde estás ahora.",
    "What if things have been hard since I left?": "¿Y si las cosas han sido difíciles desde que me fui?",
    "You're welcome as you are, whatever has happened. That includes drinking or using again. You don't need to be at your best to come back.": "Te recibimos tal como estás, pase lo que haya pasado. Eso incluye si volviste a beber o a consumir. No necesitas estar en tu mejor momento para volver.",
    "Will anyone find out I contacted you?": "¿Alguien se va a enterar de que los contacté?",
    "What you send us stays private. Our texts and emails only say “%(name)s” and never what they are about. If you'd rather we didn't text, email or leave a voicemail, tell us and we won't.": "Lo que nos envías es privado. Nuestros mensajes y correos solo dicen «%(name)s» y nunca de qué se tratan. Si prefieres que no te enviemos mensajes de texto o correos, o que no dejemos mensajes de voz, dínoslo y no lo haremos.",
    "How soon will someone get back to me?": "¿Cuándo me van a contestar?",
    "What happens when I come back?": "¿Qué pasa cuando vuelvo?",
    "We'll talk about what has changed and what would help now. Your plan can change too: another time, a smaller start, or a one-on-one session first. It's your plan as much as ours.": "Hablaremos de lo que ha cambiado y de lo que te ayudaría ahora. Tu plan también puede cambiar: otro horario, un comienzo más pequeño o primero una sesión individual. El plan es tanto tuyo como nuestro.",
    "Can someone else ask for me?": "¿Puede otra persona preguntar por mí?",
    "Yes. A family member, a friend, or someone who works with you can reach out for you.": "Sí. Un familiar, un amigo o alguien que trabaja contigo puede contactarnos por ti.",
    "What if I change my mind?": "¿Y si cambio de opinión?",
    "That's fine. You can tell us “not now”, ask us to check in later, or ask us to stop messages. The door stays open either way.": "Está bien. Puedes decirnos «ahora no», pedirnos que te escribamos más adelante o que dejemos de enviarte mensajes. La puerta sigue abierta de todos modos.",
    # -- on someone's behalf ------------------------------------------------
    "If someone you care about might want to come back, you can tell us here. Thank you for looking out for them.": "Si alguien que te importa quizá quiera volver, puedes decírnoslo aquí. Gracias por preocuparte por esa persona.",
    "First, about privacy": "Primero, sobre la privacidad",
    "We can listen to anything you'd like to share.": "Podemos escuchar todo lo que quieras contarnos.",
    "But the law protects people's privacy. So we can't tell you whether someone is or was with us, or anything about them, unless they've told us in writing that we may.": "Pero la ley protege la privacidad de las personas. Por eso no podemos decirte si alguien viene o ha venido con nosotros, ni nada sobre esa persona, a menos que nos haya dado permiso por escrito.",
    "We give the same answer to everyone who asks, about anyone.": "Damos la misma respuesta a todos los que preguntan, sobre cualquier persona.",
    "About you": "Sobre ti",
    "About them": "Sobre esa persona",
    "Your name (optional)": "Tu nombre (opcional)",
    "How do you know them? (optional)": "¿De qué la conoces? (opcional)",
    "For example: parent, partner, friend or case manager.": "Por ejemplo: madre o padre, pareja, amistad o administrador de casos.",
    "Your phone number or email (optional)": "Tu teléfono o correo electrónico (opcional)",
    "So we can get back to you. We can listen, but we can't share anything.": "Para poder responderte. Podemos escucharte, pero no podemos compartir nada.",
    "Their name (optional)": "Su nombre (opcional)",
    "Their phone number or email": "Su teléfono o correo electrónico",
    "We'll reach out to them gently, in a message that says nothing private.": "Le escribiremos con cuidado, en un mensaje que no dice nada privado.",
    "What would you like to tell us? (optional)": "¿Qué te gustaría contarnos? (opcional)",
    "Anything you think would help. We read every word.": "Lo que creas que puede ayudar. Leemos cada palabra.",
    "Enter their phone number or email so we can reach them": "Escribe su teléfono o correo electrónico para que podamos contactarle",
    "Send": "Enviar",
    "Thank you for reaching out": "Gracias por escribirnos",
    "We've got what you sent. A person on our team will read it %(when)s.": "Recibimos lo que nos enviaste. Una persona de nuestro equipo lo leerá %(when)s.",
    "What we can tell you": "Lo que podemos decirte",
    "We can't say whether we know the person you wrote about, or whether we get in touch with them. We give this same answer to everyone, to protect everyone's privacy.": "No podemos decir si conocemos a la persona de la que nos escribiste, ni si nos pondremos en contacto con ella. Damos esta misma respuesta a todos, para proteger la privacidad de todos.",
    "If you're worried about them": "Si te preocupa esa persona",
    'If they might be in danger right now, call <a href="tel:911">911</a>. You can call or text <a href="tel:988">988</a> for advice about someone else, too.': 'Si puede estar en peligro en este momento, llama al <a href="tel:911">911</a>. También puedes llamar o enviar un mensaje de texto al <a href="tel:988">988</a> para pedir consejo sobre otra persona.',
    "Support for you": "Apoyo para ti",
    "Caring about someone can be hard. You're welcome to call or text 988 for yourself as well, any time.": "Preocuparse por alguien puede ser difícil. Tú también puedes llamar o escribir al 988 cuando lo necesites.",
    # -- email updates ------------------------------------------------------
    "Now and then we'll send news from %(name)s, like new group times. It's at most once a month, and you can stop any time with one click.": "De vez en cuando te enviaremos noticias de %(name)s, como nuevos horarios de grupos. Como mucho una vez al mes, y puedes darte de baja cuando quieras con un clic.",
    "We'll first send you an email to check it's you. Nothing else comes until you say yes.": "Primero te enviaremos un correo para comprobar que eres tú. No te llegará nada más hasta que digas que sí.",
    "Sign me up": "Quiero recibirlas",
    "Your email": "Tu correo electrónico",
    "Which language? (optional)": "¿En qué idioma? (opcional)",
    "Enter your email so we can send you updates": "Escribe tu correo electrónico para que podamos enviarte noticias",
    "Enter an email like name@example.com": "Escribe un correo como nombre@ejemplo.com",
    "Check your email": "Revisa tu correo",
    "If the address is right, an email from us is on its way.": "Si la dirección es correcta, ya va en camino un correo nuestro.",
    "Open the link in it and press the button to say yes. We won't send any updates until you do.": "Abre el enlace que contiene y pulsa el botón para decir que sí. No te enviaremos noticias hasta que lo hagas.",
    "Nothing there after a few minutes? Look in your spam or junk folder.": "¿No ha llegado en unos minutos? Mira en la carpeta de correo no deseado.",
    "Confirm your email": "Confirma tu correo",
    "Press the button to start getting email updates from %(name)s. You can stop any time.": "Pulsa el botón para empezar a recibir noticias de %(name)s por correo. Puedes darte de baja cuando quieras.",
    "Yes, send me updates": "Sí, envíenme noticias",
    "You're signed up": "Listo, ya te suscribiste",
    "Thank you. Each email has a link at the bottom to stop them.": "Gracias. Cada correo tiene al final un enlace para darte de baja.",
    "Back to the home page": "Volver a la página de inicio",
    "Stop email updates": "Dejar de recibir noticias",
    "Stop email updates?": "¿Dejar de recibir noticias por correo?",
    "Press the button and we'll stop at once. Nothing else changes.": "Pulsa el botón y dejaremos de enviarlas enseguida. Nada más cambia.",
    "Stop updates": "Dejar de recibirlas",
    "Updates stopped": "Ya no recibirás noticias",
    "We won't send you any more updates.": "No te enviaremos más noticias.",
    "If you'd like to talk, now or later, we're here.": "Si quieres hablar, ahora o más adelante, aquí estamos.",
    "Sign up for email updates again": "Suscribirte de nuevo a las noticias por correo",
    "It may be too old, or part of it may have gone missing when it was copied.": "Puede que sea demasiado antiguo, o que se haya perdido una parte al copiarlo.",
    # the confirmation email
    "Please confirm your email": "Confirma tu correo, por favor",
    "Hello,": "Hola:",
    "Someone asked for email updates from %(name)s at this address.": "Alguien pidió recibir noticias de %(name)s en esta dirección de correo.",
    "us": "nosotros",
    "If that was you, open this link and press the button to say yes:": "Si fuiste tú, abre este enlace y pulsa el botón para decir que sí:",
    "If it wasn't you, you can ignore this email. We won't write again.": "Si no fuiste tú, puedes ignorar este correo. No volveremos a escribirte.",
    "To stop, open this link:": "Para darte de baja, abre este enlace:",
    # -- one-tap links ------------------------------------------------------
    "I'd like to talk": "Quiero hablar",
    "Not yet, ask me again later": "Todavía no, pregúntenme más adelante",
    "Stop messages": "Dejar de recibir mensajes",
    "Stop messages?": "¿Dejar de recibir mensajes?",
    "We'll stop sending you texts and emails. You can still call or text us whenever you like.": "Dejaremos de enviarte mensajes de texto y correos. Tú puedes seguir llamándonos o escribiéndonos cuando quieras.",
    "Would you like to talk?": "¿Quieres hablar?",
    "Press the button and someone from %(name)s will get in touch. You don't need to explain anything.": "Pulsa el botón y alguien de %(name)s se pondrá en contacto contigo. No necesitas explicar nada.",
    "Yes, I'd like to talk": "Sí, quiero hablar",
    "Not yet": "Todavía no",
    "Not yet? That's okay.": "¿Todavía no? Está bien.",
    "We'll stop checking in for a while, then ask again.": "Dejaremos de escribirte por un tiempo y luego te volveremos a preguntar.",
    "When should we ask again?": "¿Cuándo te volvemos a preguntar?",
    "In a week": "En una semana",
    "In a month": "En un mes",
    "Ask me later": "Pregúntenme más adelante",
    "We'll be in touch": "Nos pondremos en contacto",
    "Thank you. We'll be in touch.": "Gracias. Nos pondremos en contacto contigo.",
    "If you change your mind, that's fine. You don't have to answer.": "Si cambias de opinión, está bien. No tienes que contestar.",
    "We'll ask again later": "Te preguntaremos más adelante",
    "We won't check in again until %(paused_until)s.": "No volveremos a escribirte hasta el %(paused_until)s.",
    "We won't check in for a while.": "No te escribiremos por un tiempo.",
    "Messages stopped": "Ya no recibirás mensajes",
    "We won't send you any more texts or emails.": "No te enviaremos más mensajes de texto ni correos.",
    "The door stays open.": "La puerta sigue abierta.",
    "Whenever you'd like to talk, call or text %(phone)s.": "Cuando quieras hablar, llama o escribe al %(phone)s.",
    "not sent: they asked us to wait until %(date)s": "no enviado: pidió que esperáramos hasta el %(date)s",
    "This link has expired": "Este enlace ya caducó",
    "To keep them safe, the links in our messages only work for a short time.": "Para que sean seguros, los enlaces de nuestros mensajes solo funcionan por poco tiempo.",
    "This link isn't working": "Este enlace no funciona",
    "Part of it may have gone missing when it was copied.": "Puede que se haya perdido una parte al copiarlo.",
    "You can still reach us. Whatever you'd like to say, we're glad to hear it.": "Puedes contactarnos de todos modos. Sea lo que sea que quieras decirnos, nos alegra escucharlo.",
    "Or use the short form": "O usa el formulario corto",
    # -- limits and the rest ------------------------------------------------
    "Please try again a little later": "Inténtalo de nuevo un poco más tarde",
    "We've had several requests from here in a short time, so this form is resting for a few minutes.": "Hemos recibido varias solicitudes desde aquí en poco tiempo, así que este formulario descansa unos minutos.",
    "You can still reach us right now: call or text %(phone)s.": "Puedes contactarnos ahora mismo: llama o escribe al %(phone)s.",
    "Not open yet": "Todavía no está disponible",
    "This page isn't taking requests yet. Please come back soon.": "Esta página todavía no recibe solicitudes. Vuelve pronto, por favor.",
    # -- error pages: 404, 500, a form sent too late ------------------------
    "We can't find that page": "No encontramos esa página",
    "The link may be old, or part of the address may be missing. Nothing is wrong on your side.": "Puede que el enlace sea antiguo o que falte parte de la dirección. Tú no hiciste nada mal.",
    "Go to the home page": "Ir a la página de inicio",
    "Sorry, something went wrong on our side": "Perdona, algo falló de nuestro lado",
    "It's nothing you did. Please try again in a few minutes.": "No es nada que hayas hecho tú. Vuelve a intentarlo en unos minutos.",
    "If you were sending us a message, it may not have reached us. Please send it again in a little while.": "Si nos estabas enviando un mensaje, puede que no nos haya llegado. Envíalo de nuevo en un rato, por favor.",
    "Please send it again": "Envíalo de nuevo, por favor",
    "This page was open a long time": "Esta página estuvo abierta mucho tiempo",
    "To keep what you send private, a page stops taking answers after a while. Please go back, reload the page and send it again.": "Para que lo que envías siga siendo privado, una página deja de aceptar respuestas después de un rato. Vuelve atrás, recarga la página y envíala de nuevo, por favor.",
    "Please send it again. What you typed is still here.": "Envíalo de nuevo, por favor. Lo que escribiste sigue aquí.",
}

# (context, English): Spanish, for words whose Spanish depends on where they sit.
IN_CONTEXT = {
    ("clock", "AM"): "a. m.",
    ("clock", "PM"): "p. m.",
    ("day and date", "l, F j"): "l j \\d\\e F",
    ("hours", "by %(time)s today"): "antes de las %(time)s de hoy",
    ("hours", "by %(time)s tomorrow"): "antes de las %(time)s de mañana",
    ("hours", "by %(time)s on %(day)s"): "antes de las %(time)s del %(day)s",
    ("one o'clock", "by %(time)s today"): "antes de la %(time)s de hoy",
    ("one o'clock", "by %(time)s tomorrow"): "antes de la %(time)s de mañana",
    ("one o'clock", "by %(time)s on %(day)s"): "antes de la %(time)s del %(day)s",
}

PLURALS = {
    "A person on our team answers within %(minutes)s minute while we're open, or soon after we next open.": [
        "Una persona de nuestro equipo responde en menos de %(minutes)s minuto cuando estamos abiertos, o poco después de que volvamos a abrir.",
        "Una persona de nuestro equipo responde en menos de %(minutes)s minutos cuando estamos abiertos, o poco después de que volvamos a abrir.",
    ],
}


def spanish_for(entry) -> str | None:
    if entry.msgctxt:
        return IN_CONTEXT.get((entry.msgctxt, entry.msgid))
    return ES.get(entry.msgid)


def main() -> int:
    po = polib.pofile(str(PO))
    known = set(ES) | set(PLURALS) | {msgid for _context, msgid in IN_CONTEXT}
    filled = set()
    for entry in po:
        if entry.msgid_plural and entry.msgid in PLURALS:
            forms = PLURALS[entry.msgid]
            entry.msgstr_plural = {0: forms[0], 1: forms[1]}
            filled.add(entry.msgid)
        elif not entry.msgid_plural and spanish_for(entry) is not None:
            entry.msgstr = spanish_for(entry)
            filled.add(entry.msgid)
        else:
            continue
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            entry.previous_msgid = None
            entry.previous_msgctxt = None
    po.save()
    for msgid in sorted(known - filled):
        print(f"not in the catalogue (yet): {msgid!r}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
