"""Outreach templates: shipped defaults, variables, rendering, and saving a
new version — which the tone and privacy checks must pass first."""

import string
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from welcomeback.outreach.models import Channel, Template, TemplateVersion

DEFAULTS_DIR = Path(__file__).resolve().parent / "defaults"
LANGUAGES = ("en", "es")
VARIABLES = {
    "name": _("the person's preferred name"),
    "sender": _("the program's discreet name"),
    "phone": _("the program's phone number"),
    "staff": _("a staff member's first name"),
    "next_session": _("the next session's day and time"),
    "talk_link": _("a one-tap link: I'd like to talk"),
    "pause_link": _("a one-tap link: not yet, ask me again later"),
    "stop_link": _("a one-tap link: stop messages"),
}
# Long but realistic values, to tell whether a template fits one SMS.
LONGEST_VALUES = {
    "name": "Guadalupe",
    "sender": "Riverside Center",
    "phone": "(555) 555-0123",
    "staff": "Jordan",
    "next_session": "Thursday 6:00 PM",
    "talk_link": "https://riverbend.example.org/l/talk/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789/",
    "pause_link": "https://riverbend.example.org/l/pause/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789/",
    "stop_link": "https://riverbend.example.org/l/stop/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789/",
}
PARTS = ("subject", "preview", "body")


@cache
def shipped_defaults(language: str) -> dict:
    with open(DEFAULTS_DIR / f"{language}.toml", "rb") as handle:
        return tomllib.load(handle)


def default_text(purpose: str, channel: str, language: str) -> dict[str, str] | None:
    entry = shipped_defaults(language).get(purpose, {}).get(channel)
    if entry is None and language != "en":
        entry = shipped_defaults("en").get(purpose, {}).get(channel)
    if entry is None:
        return None
    return {part: entry.get(part, "") for part in PARTS}


def variables_in(text: str) -> set[str]:
    try:
        return {field for _lit, field, _spec, _conv in string.Formatter().parse(text) if field}
    except ValueError as error:
        raise ValidationError(
            _("A brace is not closed: write variables like {name}. (%(error)s)"),
            params={"error": error},
        ) from error


def validate_variables(parts: dict[str, str], channel: str) -> None:
    used = set()
    for text in parts.values():
        used |= variables_in(text)
    unknown = sorted(used - set(VARIABLES))
    if unknown:
        raise ValidationError(
            _("Unknown variable: %(names)s. You can use: %(known)s."),
            params={
                "names": ", ".join(f"{{{n}}}" for n in unknown),
                "known": ", ".join(f"{{{n}}}" for n in VARIABLES),
            },
        )
    if channel == Channel.SMS and not {"sender", "phone"} <= used:
        raise ValidationError(
            _(
                "Every text names the program and a number to call back: include {sender} "
                "and {phone}."
            )
        )


class SafeValues(dict):
    def __missing__(self, key):
        return ""


def render_parts(parts: dict[str, str], values: dict[str, str]) -> dict[str, str]:
    safe = SafeValues({k: v for k, v in values.items() if v is not None})
    return {part: text.format_map(safe).strip() for part, text in parts.items()}


def version_parts(version: TemplateVersion) -> dict[str, str]:
    return {"subject": version.subject, "preview": version.preview, "body": version.body}


@dataclass
class TemplateKey:
    program: object
    channel: str
    language: str
    purpose: str


def template_for(program, channel: str, language: str, purpose: str) -> TemplateVersion | None:
    """The current version of a program's template, installing the shipped
    default as version 1 the first time. None if no text exists at all."""
    language = language if language in LANGUAGES else "en"
    template, _created = Template.objects.get_or_create(
        program=program, channel=channel, language=language, purpose=purpose
    )
    current = template.current()
    if current:
        return current
    text = default_text(purpose, channel, language)
    if text is None:
        return None
    try:
        with transaction.atomic():
            return TemplateVersion.objects.create(template=template, number=1, **text)
    except IntegrityError:
        return template.current()  # another process installed it first


def install_defaults(program) -> int:
    """Install every shipped default for a program; idempotent."""
    installed = 0
    for language in LANGUAGES:
        for purpose, channels in shipped_defaults(language).items():
            for channel in channels:
                if template_for(program, channel, language, purpose):
                    installed += 1
    return installed


class TemplateCheckError(ValidationError):
    """The text did not pass the tone or privacy check; carries findings."""

    def __init__(self, findings_by_part):
        self.findings_by_part = findings_by_part
        super().__init__(_("Please change the marked words before saving."))


def check_template(template: Template, parts: dict[str, str]) -> dict:
    """Findings for a draft, checked as a discreet client would get it,
    with long but realistic values in place of the variables."""
    from welcomeback.outreach import checks

    rendered = render_parts(parts, LONGEST_VALUES)
    findings = checks.check_message(
        {part: text for part, text in rendered.items() if text},
        language=template.language,
        channel=template.channel,
        discreet=True,
        revealing=template.program.revealing_names_list(),
    )
    return findings


def save_version(template: Template, parts: dict[str, str], by=None) -> TemplateVersion:
    """Save a new version; refused while any error-level finding remains."""
    from welcomeback.outreach import checks

    parts = {part: (parts.get(part) or "").strip() for part in PARTS}
    if not parts["body"]:
        raise ValidationError(_("Write the message before saving."))
    validate_variables(parts, template.channel)
    findings = check_template(template, parts)
    if checks.blocking(findings):
        raise TemplateCheckError(findings)
    with transaction.atomic():
        current = template.current()
        number = (current.number if current else 0) + 1
        return TemplateVersion.objects.create(
            template=template, number=number, created_by=by, **parts
        )
