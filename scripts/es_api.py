"""Spanish for the API key and webhook screens, written by hand (not machine
translated).

Run `python scripts/es_api.py` after `manage.py makemessages -l es` to fill
any empty entries this file knows, then `manage.py compilemessages`.
Needs polib (`pip install polib`), a maintainer's tool only.
"""

import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "welcomeback/locale/es/LC_MESSAGES/django.po"

ES = {
    # Screens
    "API keys": "Claves de la API",
    "Webhooks": "Webhooks",
    "Webhook": "Webhook",
    "All webhooks": "Todos los webhooks",
    "A key lets one of your program's systems, such as its EHR, read from Welcome Back or "
    "send attendance to it. Each key works for one program only. Every call it makes is "
    "written to the audit trail.": (
        "Una clave permite que uno de los sistemas de su programa, como su historia clínica "
        "electrónica, lea datos de Welcome Back o le envíe la asistencia. Cada clave sirve "
        "para un solo programa. Cada llamada que hace queda anotada en el registro de "
        "auditoría."
    ),
    "Your new key": "Su nueva clave",
    "Copy it now and keep it somewhere safe, like a password manager. We only keep a "
    "fingerprint of it, so this is the only time it can be shown.": (
        "Cópiela ahora y guárdela en un lugar seguro, como un gestor de contraseñas. Solo "
        "guardamos una huella de ella, así que esta es la única vez que se puede mostrar."
    ),
    "Key": "Clave",
    "Keys": "Claves",
    "Access": "Acceso",
    "Read": "Lectura",
    "Read and write": "Lectura y escritura",
    "Last used": "Último uso",
    "Not yet": "Todavía no",
    "State": "Estado",
    "Revoke": "Revocar",
    "Revoked": "Revocada",
    "No keys yet.": "Todavía no hay claves.",
    "Make a key": "Crear una clave",
    "Make key": "Crear clave",
    "Program": "Programa",
    "Name": "Nombre",
    "What uses it, e.g. “EHR nightly sync”.": (
        "Qué la usa, por ejemplo «Sincronización nocturna de la historia clínica»."
    ),
    "What will use it, e.g. “EHR nightly sync”.": (
        "Qué la va a usar, por ejemplo «Sincronización nocturna de la historia clínica»."
    ),
    "A webhook tells one of your systems when something happens, such as a change in "
    "someone's engagement or a new request to come back. It sends ids and statuses only, "
    "never names or messages, signed so your system can check it came from us.": (
        "Un webhook avisa a uno de sus sistemas cuando pasa algo, como un cambio en la "
        "participación de una persona o una nueva solicitud para volver. Solo envía "
        "identificadores y estados, nunca nombres ni mensajes, y va firmado para que su "
        "sistema pueda comprobar que viene de nosotros."
    ),
    "Your signing secret": "Su secreto de firma",
    "Copy it now into the system that receives the webhook. It is how that system checks "
    "each delivery; this is the only time it is shown.": (
        "Cópielo ahora en el sistema que recibe el webhook. Con él ese sistema comprueba "
        "cada envío; esta es la única vez que se muestra."
    ),
    "Signing secret": "Secreto de firma",
    "Address": "Dirección",
    "Where we send events: an https:// address that your system answers.": (
        "Adónde enviamos los eventos: una dirección https:// que su sistema responda."
    ),
    "Use an https:// address.": "Use una dirección https://.",
    "Events": "Eventos",
    "Event": "Evento",
    "Choose at least one event.": "Elija al menos un evento.",
    "Engagement status changed": "Cambió el estado de participación",
    "Return request opened": "Se abrió una solicitud para volver",
    "On": "Activado",
    "Off": "Desactivado",
    "Turn off": "Desactivar",
    "No webhooks yet.": "Todavía no hay webhooks.",
    "Add a webhook": "Añadir un webhook",
    "Add webhook": "Añadir webhook",
    "Recent deliveries": "Envíos recientes",
    "Tries": "Intentos",
    "Last answer": "Última respuesta",
    "next try %(at)s": "próximo intento: %(at)s",
    "Nothing sent yet.": "Todavía no se ha enviado nada.",
    "Waiting to send": "Esperando para enviar",
    "Sending": "Enviando",
    "Delivered": "Entregado",
    "Gave up": "Se dejó de intentar",
    "Error:": "Error:",
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
