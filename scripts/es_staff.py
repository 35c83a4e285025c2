"""Spanish for the staff screens, written by hand (not machine translated).

Run `python scripts/es_staff.py` after `manage.py makemessages -l es` to fill
any empty entries this file knows, then `manage.py compilemessages`.
Needs polib (`pip install polib`), a maintainer's tool only.
"""

import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "welcomeback/locale/es/LC_MESSAGES/django.po"

ES = {
    "Unknown attendance mark: %(status)s": "Marca de asistencia desconocida: %(status)s",
    "Unknown episode status.": "Estado del episodio desconocido.",
    "A discharge needs its reason code.": "Un alta necesita su código de motivo.",
    "%(zone)s is not a time zone we know.": "%(zone)s no es una zona horaria que conozcamos.",
    "Monday": "lunes",
    "Tuesday": "martes",
    "Wednesday": "miércoles",
    "Thursday": "jueves",
    "Friday": "viernes",
    "Saturday": "sábado",
    "Sunday": "domingo",
    "Outpatient (level 1)": "Ambulatorio (nivel 1)",
    "Intensive outpatient (level 2.1)": "Ambulatorio intensivo (nivel 2.1)",
    "Partial hospitalization (level 2.5)": "Hospitalización parcial (nivel 2.5)",
    "The name staff use.": "El nombre que usa el personal.",
    "A discreet name for messages and public pages; says nothing about care.": "Un nombre discreto para mensajes y páginas públicas; no dice nada sobre la atención.",
    "Weekday digits, Monday = 0.": "Dígitos de los días, lunes = 0.",
    "How long after a session ends before it counts as missed.": "Cuánto tiempo después de terminar una sesión cuenta como ausencia.",
    "How far ahead sessions are generated from group schedules.": "Con cuánta anticipación se generan las sesiones de los horarios de grupo.",
    "Thresholds must grow: lapsing < disengaged < interrupted < inactive.": "Los umbrales deben crecer: alejándose < desconectado < interrumpido < inactivo.",
    "In person": "En persona",
    "Telehealth": "Telesalud",
    "Scheduled": "Programada",
    "Cancelled by the program": "Cancelada por el programa",
    "Group": "Grupo",
    "Individual appointment": "Cita individual",
    "The client's id in the program's EHR.": "El identificador de la persona en el EHR del programa.",
    "E.164, e.g. +15555550123": "E.164, p. ej. +15555550123",
    "Blank means the program's time zone.": "En blanco: la zona horaria del programa.",
    "Messages say nothing that reveals care.": "Los mensajes no dicen nada que revele la atención.",
    "Planned": "Planificado",
    "Waitlist": "Lista de espera",
    "Active": "Activo",
    "On hold": "En pausa",
    "Finished": "Terminado",
    "Cancelled": "Cancelado",
    "Treatment completed": "Tratamiento completado",
    "Dropped out of treatment": "Dejó el tratamiento",
    "Terminated by facility": "Terminado por el centro",
    "Transferred to another program or facility": "Transferido a otro programa o centro",
    "Incarcerated": "Encarcelado",
    "Death": "Fallecimiento",
    "Other": "Otro",
    "The earlier episode this one continues.": "El episodio anterior que este continúa.",
    "An individual appointment.": "Una cita individual.",
    "Attended": "Asistió",
    "Late": "Tarde",
    "Missed": "Faltó",
    "Excused": "Justificado",
    "Cancelled by program": "Cancelada por el programa",
    "Roll call": "Lista de asistencia",
    "Import": "Importación",
    "API": "API",
    "Demo data": "Datos de demostración",
    "Came without being expected; counts as contact.": "Vino sin que se le esperara; cuenta como contacto.",
    "The program cancelled this session, so attendance can't be recorded for it.": "El programa canceló esta sesión, así que no se puede registrar asistencia.",
    "These meeting times overlap (each meeting lasts %(minutes)s minutes): %(pairs)s.": "Estos horarios se superponen (cada reunión dura %(minutes)s minutos): %(pairs)s.",
    "Choose a discharge reason.": "Elija un motivo de alta.",
    "It is too soon to record this as dropped out: the program waits %(days)s days "
    "without contact (until %(date)s).": "Todavía es pronto para registrarlo como abandono: el programa espera %(days)s días "
    "sin contacto (hasta el %(date)s).",
    "Engaged": "Conectado",
    "Just missed": "Acaba de faltar",
    "Lapsing": "Alejándose",
    "Disengaged": "Desconectado",
    "Interrupted": "Interrumpido",
    "Inactive: staff to decide": "Inactivo: el equipo decide",
    "%(first)s and %(last)s": "%(first)s y %(last)s",
    "today": "hoy",
    "yesterday": "ayer",
    "last attended %(when)s": "última asistencia %(when)s",
    "has not attended yet; started %(when)s": "aún no ha asistido; empezó %(when)s",
    "Missed %(shown)s": "Faltó a %(shown)s",
    "Here": "Presente",
    "Not here": "No vino",
    "Reason (TEDS-D)": "Motivo (TEDS-D)",
    "Choose a reason": "Elija un motivo",
    "Choose the reason for the discharge.": "Elija el motivo del alta.",
    "Note for the record (optional)": "Nota para el expediente (opcional)",
    "Error:": "Error:",
    "Legal name": "Nombre legal",
    "Language": "Idioma",
    "Phone": "Teléfono",
    "Email": "Correo electrónico",
    "Messages": "Mensajes",
    "Discreet": "Discretos",
    "May mention care": "Pueden mencionar la atención",
    "voicemail allowed": "se permite buzón de voz",
    "no voicemail": "sin buzón de voz",
    "Episodes of care": "Episodios de atención",
    "Started": "Empezó",
    "ended": "terminó",
    "Nobody is discharged automatically. Decide with the team whether to keep the door "
    "open as it is or record a discharge; the door stays open either way.": "Nadie recibe el alta automáticamente. Decidan en equipo si dejar la puerta abierta "
    "así o registrar un alta; la puerta sigue abierta en cualquier caso.",
    "Record a discharge": "Registrar un alta",
    "There is a problem": "Hay un problema",
    "Record discharge": "Registrar el alta",
    "No episodes yet.": "Aún no hay episodios.",
    "Timeline": "Historia",
    "Nothing recorded yet.": "Aún no hay nada registrado.",
    "Drop-in": "Sin cita",
    "Mark for %(name)s": "Marca para %(name)s",
    "Saved": "Guardado",
    "Recorded": "Registrado",
    "This session was cancelled": "Esta sesión se canceló",
    "The program cancelled this session, so there is no roll call for it. Nobody is "
    "counted as missing it.": "El programa canceló esta sesión, así que no hay lista de asistencia. A nadie se le "
    "cuenta como ausente.",
    "Back to sessions": "Volver a las sesiones",
    "Tap one mark for each person. Nobody is marked until you choose; saving again "
    "changes the same marks, it never adds twice.": "Toque una marca para cada persona. Nadie queda marcado hasta que usted elija; "
    "guardar otra vez cambia las mismas marcas, nunca las duplica.",
    "Expected at this session": "Esperados en esta sesión",
    "Person": "Persona",
    "Mark": "Marca",
    "Nobody is expected at this session.": "No se espera a nadie en esta sesión.",
    "Someone came who wasn't expected": "Vino alguien a quien no se esperaba",
    "Choose a person": "Elija una persona",
    "Save roll call": "Guardar la lista",
    "Sessions": "Sesiones",
    "Program": "Programa",
    "Day": "Día",
    "Show": "Mostrar",
    "Previous day": "Día anterior",
    "Next day": "Día siguiente",
    "No sessions on this day.": "No hay sesiones este día.",
    "Today": "Hoy",
    "All programs": "Todos los programas",
    "Earliest signs first: a kind word after one missed session helps most.": "Primero las señales más tempranas: una palabra amable después de una sola falta es "
    "lo que más ayuda.",
    "Sections": "Secciones",
    "Why": "Por qué",
    "Since": "Desde",
    "Last attended": "Última asistencia",
    "Showing the %(shown)s most recent of %(total)s.": "Se muestran los %(shown)s más recientes de %(total)s.",
    "Nobody here right now.": "Nadie aquí por ahora.",
    "never": "nunca",
    "in %(time)s": "en %(time)s",
    "%(time)s ago": "hace %(time)s",
    "Drop-in: not expected at this session": "Sin cita: no se le esperaba en esta sesión",
    "Episode in %(program)s: %(status)s": "Episodio en %(program)s: %(status)s",
    "Expected at %(what)s": "Se le espera en %(what)s",
    "No longer expected at %(what)s": "Ya no se le espera en %(what)s",
    "Now %(status)s": "Ahora: %(status)s",
    "That person is not on this roll call.": "Esa persona no está en esta lista.",
    "Skip to main content": "Saltar al contenido principal",
    "Staff": "Personal",
    "Settings": "Configuración",
    "Sign out": "Cerrar sesión",
    "Sign in": "Iniciar sesión",
    "That username and password did not match. Check them and try again.": "El usuario y la contraseña no coinciden. Revíselos e inténtelo de nuevo.",
    "Username": "Usuario",
    "Password": "Contraseña",
}

PLURALS = {
    "%(n)d day ago": ["hace %(n)d día", "hace %(n)d días"],
    "Missed %(n)d session, most recently %(shown)s": [
        "Faltó a %(n)d sesión, la más reciente %(shown)s",
        "Faltó a %(n)d sesiones, la más reciente %(shown)s",
    ],
    "Saved %(counter)s mark.": ["Se guardó %(counter)s marca.", "Se guardaron %(counter)s marcas."],
    "%(counter)s person may need a call from us.": [
        "%(counter)s persona puede necesitar una llamada nuestra.",
        "%(counter)s personas pueden necesitar una llamada nuestra.",
    ],
}


def main() -> int:
    po = polib.pofile(str(PO))
    missing = []
    for entry in po:
        if entry.msgid_plural:
            forms = PLURALS.get(entry.msgid)
            if forms:
                entry.msgstr_plural = {0: forms[0], 1: forms[1]}
            elif not any(entry.msgstr_plural.values()):
                missing.append(entry.msgid)
        elif entry.msgid in ES:
            entry.msgstr = ES[entry.msgid]
        elif not entry.msgstr:
            missing.append(entry.msgid)
        if "fuzzy" in entry.flags and (entry.msgid in ES or entry.msgid in PLURALS):
            entry.flags.remove("fuzzy")
    po.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
    po.metadata["Language"] = "es"
    po.save()
    for msgid in missing:
        print(f"no Spanish yet: {msgid!r}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
