"""Spanish for the import screens and messages (interop), written by hand.

Run `python scripts/es_interop.py` after `manage.py makemessages -l es` to
fill any empty entries this file knows, then `manage.py compilemessages`.
Needs polib (`pip install polib`), a maintainer's tool only.
"""

import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "welcomeback/locale/es/LC_MESSAGES/django.po"

ES = {
    # The upload screen
    "Import from your EHR": "Importar desde su expediente clínico (EHR)",
    "Send a CSV export of people, groups, who is expected at which group, or attendance. Import them in that order the first time. Importing the same file again changes nothing; a changed row updates. Rows with a problem are set aside and listed, and every other row is kept.": "Envíe una exportación CSV de personas, grupos, quién se espera en cada grupo o asistencia. La primera vez, impórtelos en ese orden. Importar el mismo archivo otra vez no cambia nada; una fila modificada se actualiza. Las filas con un problema se apartan y se enumeran, y todas las demás se conservan.",
    "Program": "Programa",
    "What the file holds": "Qué contiene el archivo",
    "Column names from": "Nombres de columnas según",
    "A preset maps your EHR's column names and codes to ours.": "Un perfil traduce los nombres de columnas y los códigos de su EHR a los nuestros.",
    "Encoding": "Codificación",
    "Dates": "Fechas",
    "CSV file": "Archivo CSV",
    "Choose a .csv file.": "Elija un archivo .csv.",
    "UTF-8 (checked; most exports)": "UTF-8 (comprobado; la mayoría de las exportaciones)",
    "Latin-1 (older Windows and EHR exports)": "Latin-1 (exportaciones antiguas de Windows y de EHR)",
    "Windows-1252 (Excel on Windows)": "Windows-1252 (Excel en Windows)",
    "As the preset says (YYYY-MM-DD unless it says otherwise)": "Según el perfil (AAAA-MM-DD salvo que diga otra cosa)",
    "Import": "Importar",
    "Imports": "Importaciones",
    "Recent imports": "Importaciones recientes",
    "Started": "Inicio",
    "What": "Qué",
    "Where it stands": "En qué punto está",
    "Nothing imported yet.": "Todavía no se ha importado nada.",
    "The file formats and presets are described in the integration guide (docs/integration.md).": "Los formatos de archivo y los perfiles se describen en la guía de integración (docs/integration.md).",
    "Error:": "Error:",
    # Progress
    "Import of %(what)s": "Importación de %(what)s",
    "%(created)s added, %(updated)s updated, %(unchanged)s unchanged, %(errors)s to fix.": "%(created)s añadidas, %(updated)s actualizadas, %(unchanged)s sin cambios, %(errors)s por corregir.",
    "Waiting to start…": "Esperando para empezar…",
    "%(rows)s rows read so far.": "%(rows)s filas leídas hasta ahora.",
    "Finished.": "Terminado.",
    "%(rows)s rows read (encoding: %(encoding)s).": "%(rows)s filas leídas (codificación: %(encoding)s).",
    "The file was not imported.": "El archivo no se importó.",
    "Something went wrong on our side. Nothing in the file is lost; please try again, and tell your administrator if it happens again.": "Algo falló de nuestro lado. No se ha perdido nada del archivo; inténtelo de nuevo y, si vuelve a pasar, avise a su administrador.",
    "Progress": "Progreso",
    "Rows to fix": "Filas por corregir",
    "These rows were set aside; every other row was kept. Fix them in your EHR or in the file, and import the file again: rows already in are left as they are.": "Estas filas se apartaron; todas las demás se conservaron. Corríjalas en su EHR o en el archivo e impórtelo de nuevo: las filas que ya están dentro se quedan como están.",
    "Download the list (CSV)": "Descargar la lista (CSV)",
    "Line": "Línea",
    "Column": "Columna",
    "What is wrong": "Qué está mal",
    "The first %(n)s are shown; the download lists them all.": "Se muestran las primeras %(n)s; la descarga las incluye todas.",
    # Kinds and states
    "People": "Personas",
    "Groups and their weekly schedules": "Grupos y sus horarios semanales",
    "Who is expected at which group": "Quién se espera en cada grupo",
    "Attendance": "Asistencia",
    "Waiting to start": "Esperando para empezar",
    "Importing": "Importando",
    "Finished": "Terminada",
    "Stopped": "Detenida",
    "Group": "Grupo",
    "Individual appointment": "Cita individual",
    "Expectation": "Asistencia esperada",
    "Episode": "Episodio",
    "Blank: UTF-8, checked strictly.": "En blanco: UTF-8, comprobado de forma estricta.",
    "Why the whole file stopped, if it did.": "Por qué se detuvo todo el archivo, si se detuvo.",
    # Problems with a row
    "No one with this client id has been imported yet; import them in the clients file.": "Todavía no se ha importado a nadie con este identificador; impórtelo en el archivo de personas.",
    "This person has no episode in this program; give them an admission date in the clients file.": "Esta persona no tiene un episodio en este programa; indique su fecha de admisión en el archivo de personas.",
    "No group with this id has been imported yet.": "Todavía no se ha importado ningún grupo con este identificador.",
    "This is empty.": "Está vacío.",
    "This value is not valid here.": "Este valor no es válido aquí.",
    "Give either the group or the appointment.": "Indique el grupo o la cita.",
    "Line %(line)s is for the same person and session; that later line was used.": "La línea %(line)s es de la misma persona y sesión; se usó esa línea posterior.",
    "The group does not meet exactly once on that weekday, so the session needs its start time.": "El grupo no se reúne exactamente una vez ese día de la semana, así que la sesión necesita su hora de inicio.",
    "The program cancelled this session, so attendance can't be recorded for it.": "El programa canceló esta sesión, así que no se puede registrar asistencia para ella.",
    "An id can be at most 64 characters.": "Un identificador puede tener como máximo 64 caracteres.",
    "This can be at most %(limit)s characters.": "Puede tener como máximo %(limit)s caracteres.",
    "This is not a phone number we can text or call.": "No es un número de teléfono al que podamos escribir o llamar.",
    "This is not an email address.": "No es una dirección de correo electrónico.",
    "“%(value)s” is not a language code like en or es.": "«%(value)s» no es un código de idioma como en o es.",
    "“%(value)s” is not yes or no.": "«%(value)s» no es sí ni no.",
    "“%(value)s” is not a whole number.": "«%(value)s» no es un número entero.",
    "%(value)s is outside %(low)s–%(high)s.": "%(value)s está fuera de %(low)s–%(high)s.",
    "“%(value)s” is not a weekday like Mon or Monday.": "«%(value)s» no es un día de la semana como lun o lunes.",
    "“%(value)s” is not a meeting like “Mon 09:00”.": "«%(value)s» no es una reunión como «lun 09:00».",
    "“%(value)s” is not one of: %(choices)s.": "«%(value)s» no es ninguno de estos: %(choices)s.",
    "“%(value)s” is not an attendance mark we know (%(choices)s); a preset can map it.": "«%(value)s» no es una marca de asistencia que conozcamos (%(choices)s); un perfil puede traducirla.",
    "“%(value)s” is not a study day (a number).": "«%(value)s» no es un día de estudio (un número).",
    "“%(value)s” is not a whole study day.": "«%(value)s» no es un día de estudio entero.",
    "“%(value)s” could be read as month/day or day/month; dates must be YYYY-MM-DD, or choose the file's date format (MM/DD/YYYY or DD/MM/YYYY).": "«%(value)s» puede leerse como mes/día o como día/mes; las fechas deben ir como AAAA-MM-DD, o elija el formato de fecha del archivo (MM/DD/YYYY o DD/MM/YYYY).",
    "“%(value)s” is not a date in the form YYYY-MM-DD.": "«%(value)s» no es una fecha con la forma AAAA-MM-DD.",
    "“%(value)s” is not a date in the form %(format)s.": "«%(value)s» no es una fecha con la forma %(format)s.",
    "“%(value)s” is not a time like 09:30 or 6:00 PM.": "«%(value)s» no es una hora como 09:30 o 6:00 PM.",
    "“%(value)s” is not a time like 6:00 PM.": "«%(value)s» no es una hora como 6:00 PM.",
    "“%(value)s” is not a time of day.": "«%(value)s» no es una hora del día.",
    # Problems with the whole file
    "There is no preset called “%(name)s”. Presets: %(names)s.": "No hay ningún perfil llamado «%(name)s». Perfiles: %(names)s.",
    "The preset %(path)s is not valid TOML: %(error)s": "El perfil %(path)s no es TOML válido: %(error)s",
    "The file has no column %(columns)s. Its columns are: %(header)s.": "El archivo no tiene la columna %(columns)s. Sus columnas son: %(header)s.",
    "Unknown kind of file: %(kind)s.": "Tipo de archivo desconocido: %(kind)s.",
    "This file is not %(encoding)s after all; choose its encoding.": "Este archivo no es %(encoding)s después de todo; elija su codificación.",
    "Unknown encoding “%(name)s”. Choose utf-8, latin-1 or windows-1252.": "Codificación desconocida «%(name)s». Elija utf-8, latin-1 o windows-1252.",
    "This file is not UTF-8 (line %(line)s has a character UTF-8 does not allow). If it came from Excel or an older Windows or EHR export, it is probably Latin-1 or Windows-1252: choose that encoding and import it again.": "Este archivo no es UTF-8 (la línea %(line)s tiene un carácter que UTF-8 no admite). Si viene de Excel o de una exportación antigua de Windows o de un EHR, probablemente sea Latin-1 o Windows-1252: elija esa codificación e impórtelo de nuevo.",
    "This file is not UTF-8: it ends in the middle of a character.": "Este archivo no es UTF-8: termina a mitad de un carácter.",
    "The file is empty: it has no header row.": "El archivo está vacío: no tiene fila de encabezados.",
    "The header row cannot be read: %(error)s": "No se puede leer la fila de encabezados: %(error)s",
    "Line %(line)s cannot be read as CSV: %(error)s": "La línea %(line)s no se puede leer como CSV: %(error)s",
    "Unknown date format “%(name)s”. Choose one of: %(names)s.": "Formato de fecha desconocido «%(name)s». Elija uno de estos: %(names)s.",
    "The study-day date format needs an anchor date (day 0).": "El formato de día de estudio necesita una fecha de referencia (el día 0).",
}

PLURALS = {
    "%(n)s row to fix": ["%(n)s fila por corregir", "%(n)s filas por corregir"],
}


def main() -> int:
    po = polib.pofile(str(PO))
    for entry in po:
        if entry.msgid_plural:
            forms = PLURALS.get(entry.msgid)
            if forms and not any(entry.msgstr_plural.values()):
                entry.msgstr_plural = {0: forms[0], 1: forms[1]}
        elif entry.msgid in ES and not entry.msgstr:
            entry.msgstr = ES[entry.msgid]
        if "fuzzy" in entry.flags and (entry.msgid in ES or entry.msgid in PLURALS):
            entry.flags.remove("fuzzy")
    po.save()
    return 0


if __name__ == "__main__":
    sys.exit(main())
