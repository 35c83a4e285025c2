"""Spanish for signing in: the second step, recovery codes, the pause after
failures, the idle sign-out and one's own sessions. Written by hand.

Run `python scripts/es_signin.py` after `manage.py makemessages -l es` to
fill any empty entries this file knows, then `manage.py compilemessages`.
Needs polib (`pip install polib`), a maintainer's tool only.
"""

import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "welcomeback/locale/es/LC_MESSAGES/django.po"

ES = {
    # signin/apps.py, models.py
    "Sign-in": "Inicio de sesión",
    "staff session": "sesión del personal",
    # The code step (signin/forms.py, views.py, verify.html)
    "Code": "Código",
    "Enter the 6-digit code from your authenticator app.": (
        "Escriba el código de 6 dígitos de su aplicación de autenticación."
    ),
    "Enter your code": "Escriba su código",
    "Open the authenticator app on your phone and enter the 6-digit code it shows for "
    "Welcome Back.": (
        "Abra la aplicación de autenticación en su teléfono y escriba el código de 6 dígitos "
        "que muestra para Welcome Back."
    ),
    "No phone with you? Enter one of your recovery codes instead.": (
        "¿No tiene el teléfono a mano? Escriba uno de sus códigos de recuperación."
    ),
    "Continue": "Continuar",
    "Lost your phone and your recovery codes? Ask your administrator to reset your second step.": (
        "¿Perdió el teléfono y los códigos de recuperación? Pida a su administrador que "
        "restablezca su segundo paso."
    ),
    "Please wait a few seconds, then enter the code again.": (
        "Espere unos segundos y vuelva a escribir el código."
    ),
    "That code did not work. Codes change every 30 seconds: enter the one your app shows "
    "now, or one of your recovery codes.": (
        "Ese código no funcionó. Los códigos cambian cada 30 segundos: escriba el que muestra "
        "la aplicación ahora, o uno de sus códigos de recuperación."
    ),
    # Setting up the second step (set_up.html)
    "Set up your second step": "Configure su segundo paso",
    "Staff sign in with a password and a code from an app on their phone. Even if someone "
    "learns your password, people's records stay safe.": (
        "El personal entra con una contraseña y un código de una aplicación en su teléfono. "
        "Así, aunque alguien sepa su contraseña, los expedientes de las personas siguen "
        "seguros."
    ),
    "Get an authenticator app": "Consiga una aplicación de autenticación",
    "Any authenticator app that makes 6-digit codes works. Your organization may tell you "
    "which one to use.": (
        "Sirve cualquier aplicación de autenticación que genere códigos de 6 dígitos. Puede "
        "que su organización le diga cuál usar."
    ),
    "Add Welcome Back to the app": "Agregue Welcome Back a la aplicación",
    "In the app, choose to add an account and scan this code with your phone's camera.": (
        "En la aplicación, elija agregar una cuenta y escanee este código con la cámara del "
        "teléfono."
    ),
    "QR code to scan with your authenticator app": (
        "Código QR para escanear con su aplicación de autenticación"
    ),
    "Can't scan the code? Type the key instead": ("¿No puede escanear el código? Escriba la clave"),
    "Account": "Cuenta",
    "Key": "Clave",
    "Type": "Tipo",
    "Time-based": "Basado en el tiempo",
    "Enter the code the app shows": "Escriba el código que muestra la aplicación",
    "6-digit code": "Código de 6 dígitos",
    "Turn on": "Activar",
    "That code did not match. Check that the app shows Welcome Back with your username, "
    "and enter the code it shows now.": (
        "Ese código no coincide. Compruebe que la aplicación muestra Welcome Back con su "
        "nombre de usuario y escriba el código que muestra ahora."
    ),
    # Recovery codes (recovery_codes*.html)
    "Save your recovery codes": "Guarde sus códigos de recuperación",
    "Your second step is on. From now on you'll enter a code from the app each time you sign in.": (
        "Su segundo paso está activado. Desde ahora escribirá un código de la aplicación cada "
        "vez que entre."
    ),
    "Here are your new codes. Your old recovery codes no longer work.": (
        "Estos son sus códigos nuevos. Los códigos de recuperación anteriores ya no funcionan."
    ),
    "If you ever can't use your phone, each of these codes lets you sign in once. Keep them "
    "somewhere safe, like a password manager, or printed and locked away. They won't be "
    "shown again.": (
        "Si algún día no puede usar el teléfono, cada uno de estos códigos le permite entrar "
        "una vez. Guárdelos en un lugar seguro, como un gestor de contraseñas, o impresos y "
        "bajo llave. No se volverán a mostrar."
    ),
    "I've saved my codes": "Ya guardé mis códigos",
    "Recovery codes": "Códigos de recuperación",
    "Each code lets you sign in once without your phone. If you are running low, or think "
    "someone else has seen them, make new ones: the old ones stop working straight away.": (
        "Cada código le permite entrar una vez sin el teléfono. Si le quedan pocos, o cree "
        "que alguien más los ha visto, cree códigos nuevos: los anteriores dejan de funcionar "
        "en ese momento."
    ),
    "Make new recovery codes": "Crear códigos de recuperación nuevos",
    "Back to where you're signed in": "Volver a dónde tiene la sesión abierta",
    # One's own sessions (sessions.html)
    "Where you're signed in": "Dónde tiene la sesión abierta",
    "If you see a device you don't use any more, or one you don't recognize, end it. If you "
    "don't recognize one, also tell your administrator.": (
        "Si ve un dispositivo que ya no usa, o uno que no reconoce, cierre esa sesión. Si no "
        "reconoce alguno, avise también a su administrador."
    ),
    "Unknown browser": "Navegador desconocido",
    "this device": "este dispositivo",
    "Address": "Dirección",
    "Signed in": "Entró",
    "Last active": "Última actividad",
    "Sign out here": "Salir aquí",
    "End this session": "Cerrar esta sesión",
    "Your second step": "Su segundo paso",
    "That session has ended. It is signed out.": "Esa sesión se cerró. Ya no está abierta.",
    # The pause after failures (locked_out.html, lockout.py)
    "Signing in is paused": "El acceso está en pausa",
    "You can try again after that. If you've forgotten your password or lost your phone, "
    "your administrator can help.": (
        "Después puede volver a intentarlo. Si olvidó su contraseña o perdió el teléfono, su "
        "administrador puede ayudarle."
    ),
    "Back to sign in": "Volver a entrar",
    # The idle sign-out (signin/middleware.py)
    "You were signed out after %(minutes)s minutes without activity, to keep people's "
    "information safe. Sign in again to carry on.": (
        "Cerramos su sesión después de %(minutes)s minutos sin actividad, para proteger la "
        "información de las personas. Vuelva a entrar para seguir."
    ),
}

PLURALS = {
    "You have %(remaining)s recovery code left.": (
        "Le queda %(remaining)s código de recuperación.",
        "Le quedan %(remaining)s códigos de recuperación.",
    ),
    "There were several tries that did not work, so signing in from here is paused for "
    "%(minutes)s minute. This keeps people's information safe.": (
        "Hubo varios intentos que no funcionaron, así que el acceso desde aquí está en pausa "
        "durante %(minutes)s minuto. Así protegemos la información de las personas.",
        "Hubo varios intentos que no funcionaron, así que el acceso desde aquí está en pausa "
        "durante %(minutes)s minutos. Así protegemos la información de las personas.",
    ),
}


def main() -> int:
    po = polib.pofile(str(PO))
    filled = 0
    for entry in po:
        if entry.msgid_plural and entry.msgid in PLURALS:
            if not any(entry.msgstr_plural.values()):
                one, many = PLURALS[entry.msgid]
                entry.msgstr_plural = {0: one, 1: many}
                filled += 1
        elif entry.msgid in ES and not entry.msgstr:
            entry.msgstr = ES[entry.msgid]
            filled += 1
        else:
            continue
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save()
    print(f"filled {filled} entries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
