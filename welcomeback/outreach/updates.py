"""Email updates from the public site: sign up, confirm (double opt-in),
unsubscribe in one click (RFC 8058).

These are not outreach to clients: nobody here is known as a client, and
the only email sent is the one confirmation, through Django's email
framework directly. Signing up twice gives the same answer and sends the
same email, so the sign-up page never tells anyone whether an address was
already on the list.
"""

import logging
import smtplib
from email.utils import formataddr, make_msgid, parseaddr

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from welcomeback.outreach.models import UpdateSubscriber

log = logging.getLogger(__name__)

CONFIRM_SALT = "welcomeback.outreach.updates.confirm"
UNSUBSCRIBE_SALT = "welcomeback.outreach.updates.unsubscribe"
CONFIRM_DAYS = 7


def sign_up(*, email: str, language: str, wording: str, program=None, now=None) -> UpdateSubscriber:
    """Record the address (once) and send it one confirmation email."""
    now = now or timezone.now()
    email = email.strip().lower()
    subscriber = _subscriber(email, language, wording, program, now)
    if not subscriber.active:
        # Their words are the ones in force from now on; a confirmed
        # subscriber keeps the words they confirmed.
        UpdateSubscriber.objects.filter(pk=subscriber.pk).update(wording=wording)
    sent = send_confirmation(subscriber, language)
    if sent:
        UpdateSubscriber.objects.filter(pk=subscriber.pk).update(confirmation_sent_at=now)
    return subscriber


def _subscriber(email, language, wording, program, now) -> UpdateSubscriber:
    try:
        with transaction.atomic():
            return UpdateSubscriber.objects.get_or_create(
                email=email,
                defaults={
                    "language": language,
                    "wording": wording,
                    "program": program,
                    "created": now,
                },
            )[0]
    except IntegrityError:
        # Two sign-ups for one address at the same moment.
        return UpdateSubscriber.objects.get(email=email)


def confirm_token(subscriber, language: str) -> str:
    # The language chosen on the form travels in the link, and only takes
    # effect when the owner of the address confirms.
    return signing.dumps([subscriber.pk, language], salt=CONFIRM_SALT, compress=True)


def unsubscribe_token(subscriber) -> str:
    # No expiry: a way to stop that stops working harms more than it saves.
    return signing.dumps(subscriber.pk, salt=UNSUBSCRIBE_SALT)


def read_confirm_token(token: str) -> tuple[UpdateSubscriber, str] | None:
    try:
        subscriber_id, language = signing.loads(
            token, salt=CONFIRM_SALT, max_age=CONFIRM_DAYS * 86400
        )
    except (signing.BadSignature, TypeError, ValueError):
        return None
    subscriber = UpdateSubscriber.objects.filter(pk=subscriber_id).first()
    return (subscriber, language) if subscriber else None


def read_unsubscribe_token(token: str) -> UpdateSubscriber | None:
    try:
        subscriber_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(subscriber_id, int):
        return None
    return UpdateSubscriber.objects.filter(pk=subscriber_id).first()


def confirm(subscriber, language: str, now=None) -> None:
    """They followed the link and pressed the button: updates may go."""
    now = now or timezone.now()
    UpdateSubscriber.objects.filter(pk=subscriber.pk).update(
        confirmed_at=now, unsubscribed_at=None, language=language
    )


def unsubscribe(subscriber, now=None) -> None:
    """Stop at once; a repeated click keeps the first time."""
    now = now or timezone.now()
    UpdateSubscriber.objects.filter(pk=subscriber.pk, unsubscribed_at__isnull=True).update(
        unsubscribed_at=now
    )


def public_url(path: str) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def confirmation_email(subscriber, language: str) -> EmailMessage:
    sender = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    name = subscriber.program.neutral_name if subscriber.program else ""
    confirm_link = public_url(
        reverse("portal:updates_confirm", args=[confirm_token(subscriber, language)])
    )
    stop_link = public_url(
        reverse("portal:updates_unsubscribe", args=[unsubscribe_token(subscriber)])
    )
    with translation.override(language):
        subject = _("Please confirm your email")
        body = confirmation_text(name, confirm_link, stop_link)
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=formataddr((name, sender)) if name else sender,
        to=[subscriber.email],
        headers={
            "Message-ID": make_msgid(domain=sender.rpartition("@")[2] or None),
            # RFC 2369 and RFC 8058: one click in the mail program stops it.
            "List-Unsubscribe": f"<{stop_link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )


def confirmation_text(name: str, confirm_link: str, stop_link: str) -> str:
    lines = [
        _("Hello,"),
        "",
        _("Someone asked for email updates from %(name)s at this address.")
        % {"name": name or _("us")},
        _("If that was you, open this link and press the button to say yes:"),
        confirm_link,
        "",
        _("If it wasn't you, you can ignore this email. We won't write again."),
        "",
        _("To stop, open this link:"),
        stop_link,
    ]
    return "\n".join(lines) + "\n"


def send_confirmation(subscriber, language: str) -> bool:
    """Send the one confirmation; a mail server that is down is logged (by
    id only) and the sign-up still stands."""
    email = confirmation_email(subscriber, language)
    try:
        return bool(email.send())
    except (smtplib.SMTPException, OSError):
        log.warning("updates: the confirmation for subscriber %s was not sent", subscriber.pk)
        return False
