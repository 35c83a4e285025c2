"""Email through Django's email framework: SMTP, the file backend in the demo,
or any Anymail provider (docs/email-providers.md) — whichever EMAIL_BACKEND
names.

Every email carries List-Unsubscribe with one-click POST (RFC 8058), a
plain-text body with the unsubscribe link at the foot, and an HTML part
whose hidden preheader is the template's preview line.
"""

import logging
import smtplib
from email.utils import formataddr, make_msgid, parseaddr

import requests
from anymail.exceptions import AnymailAPIError, AnymailInvalidAddress, AnymailRecipientsRefused
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from welcomeback.outreach.callbacks import provider_key
from welcomeback.outreach.providers.base import (
    Accepted,
    PermanentProviderError,
    ProviderError,
    TemporaryProviderError,
)
from welcomeback.outreach.providers.transport import transport_error
from welcomeback.outreach.unsubscribe import unsubscribe_mailto, unsubscribe_url

logger = logging.getLogger(__name__)

# RCPT answers that mean the mailbox itself is bad (RFC 5321 4.2.3):
# 550 unavailable, 551 not local, 553 name not allowed.
BAD_MAILBOX_CODES = {550, 551, 553}


class DjangoEmail:
    def send(self, message) -> Accepted:
        email = build_email(message)
        connection = get_connection()
        try:
            connection.open()
        except (smtplib.SMTPException, OSError) as error:
            raise connect_error(error) from None
        try:
            sent = connection.send_messages([email])
        except (OSError, AnymailAPIError, AnymailRecipientsRefused, AnymailInvalidAddress) as error:
            raise send_error(error, email) from None
        finally:
            close_quietly(connection)
        if not sent:
            raise PermanentProviderError("no-recipient", "the message has no address to send to")
        logger.info("email: message %s handed to %s", message.pk, type(connection).__module__)
        return Accepted(provider_id=provider_key(sent_id(email)))


def close_quietly(connection) -> None:
    """A QUIT that fails changes nothing: the server has answered the DATA."""
    try:
        connection.close()
    except (smtplib.SMTPException, OSError):
        logger.warning("email: closing the connection failed; the send stands")


def build_email(message) -> EmailMultiAlternatives:
    sender = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    link = unsubscribe_url(message)
    language = language_of(message)
    with translation.override(language):
        # The templates promise "the unsubscribe link below".
        text = f"{message.body}\n\n-- \n{_('Unsubscribe:')} {link}\n"
        html = render_to_string(
            "outreach/email/message.html", {"message": message, "link": link, "language": language}
        )
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=text,
        # Only the discreet sender name shows; it passed the discretion lint.
        from_email=formataddr((message.sender_name, sender)),
        to=[message.to_address],
        headers=headers_for(message, sender, link),
    )
    email.attach_alternative(html, "text/html")
    return email


def headers_for(message, sender: str, link: str) -> dict:
    headers = {
        # Our own domain, not this server's host name, and short enough to
        # be stored as the provider id.
        "Message-ID": make_msgid(domain=sender.rpartition("@")[2] or None),
        # RFC 2369 and RFC 8058: mail programs show an Unsubscribe button
        # that POSTs "List-Unsubscribe=One-Click" to the https address.
        "List-Unsubscribe": f"<{link}>, <{unsubscribe_mailto()}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    if message.automated:
        # RFC 3834: auto-responders should not answer (no vacation replies).
        headers["Auto-Submitted"] = "auto-generated"
    return headers


def language_of(message) -> str:
    client = message.client if message.client_id else None
    return (client.language if client else "") or settings.LANGUAGE_CODE


def sent_id(email) -> str:
    """The id later reports will name: the provider's own message id when
    an Anymail backend reports one, else our Message-ID header."""
    status = getattr(email, "anymail_status", None)
    if status is not None and status.message_id is not None:
        return str(status.message_id)
    return email.extra_headers["Message-ID"]


# -- errors -----------------------------------------------------------------
# SMTP and provider errors quote the address; none is chained or logged.


def connect_error(error: Exception) -> TemporaryProviderError:
    """Nothing was sent: the dispatcher may retry at once (code "connect")
    — unless the server answered, e.g. refused our login (code 535)."""
    if isinstance(error, smtplib.SMTPResponseException):
        return TemporaryProviderError(str(error.smtp_code), _mail_server_said(error.smtp_code))
    return TemporaryProviderError("connect", "could not connect to the mail server")


def send_error(error: Exception, email) -> ProviderError:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(error.recipients.values()), (0, b""))
        return by_smtp_code(code, text, recipient=True)
    if isinstance(error, smtplib.SMTPResponseException):
        return by_smtp_code(error.smtp_code, error.smtp_error, recipient=False)
    if isinstance(error, TimeoutError):
        return TemporaryProviderError("timeout", "the mail server did not answer in time")
    if isinstance(error, OSError):
        # Includes SMTPServerDisconnected: it may have the message, or not.
        return TemporaryProviderError("dropped", "the connection to the mail server broke")
    return anymail_error(error, email)


def by_smtp_code(code: int, text, recipient: bool) -> ProviderError:
    """4xx: try again later. 5xx: never. A 5xx refusing the recipient is a
    bad address unless its enhanced code is 5.7.x, which is policy (RFC 3463)
    — a block on us, not a fault of the address."""
    if 400 <= code < 500:
        return TemporaryProviderError(str(code), _mail_server_said(code))
    enhanced = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    bad_address = recipient and code in BAD_MAILBOX_CODES and not enhanced.startswith("5.7.")
    return PermanentProviderError(str(code), _mail_server_said(code), address_failed=bad_address)


def anymail_error(error: Exception, email) -> ProviderError:
    if isinstance(error, AnymailInvalidAddress):
        return PermanentProviderError("invalid", "not a valid address", address_failed=True)
    if isinstance(error, AnymailRecipientsRefused):
        invalid = "invalid" in (email.anymail_status.status or set())
        return PermanentProviderError(
            "refused", "the email service refused the address", address_failed=invalid
        )
    status = error.status_code
    if status is None:
        cause = error.__cause__
        if isinstance(cause, requests.RequestException):
            return transport_error(cause, "the email service")
        return TemporaryProviderError("dropped", "no answer from the email service")
    if status >= 500 or status == 429:
        return TemporaryProviderError(str(status), f"the email service answered HTTP {status}")
    return PermanentProviderError(str(status), f"the email service refused it (HTTP {status})")


def _mail_server_said(code: int) -> str:
    return f"the mail server answered {code}"
