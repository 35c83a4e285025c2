"""Shipped templates, variables, versions, and the checks on saving."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import ProgramFactory
from welcomeback.outreach import checks
from welcomeback.outreach.models import Channel, Purpose, Template
from welcomeback.outreach.templating import (
    LANGUAGES,
    LONGEST_VALUES,
    TemplateCheckError,
    install_defaults,
    render_parts,
    save_version,
    shipped_defaults,
    template_for,
)

SHIPPED = [
    (language, purpose, channel)
    for language in LANGUAGES
    for purpose, channels in shipped_defaults(language).items()
    for channel in channels
]


@pytest.mark.parametrize(("language", "purpose", "channel"), SHIPPED)
def test_every_shipped_template_passes_the_tone_and_privacy_checks(language, purpose, channel):
    entry = shipped_defaults(language)[purpose][channel]
    parts = {part: entry.get(part, "") for part in ("subject", "preview", "body")}
    rendered = render_parts(parts, LONGEST_VALUES)
    findings = checks.check_message(
        {k: v for k, v in rendered.items() if v},
        language=language,
        channel=channel,
        discreet=True,
        revealing=["Adult IOP, evenings"],
    )
    assert checks.blocking(findings) == {}, findings


@pytest.mark.parametrize(
    ("language", "purpose", "channel"), [s for s in SHIPPED if s[2] == Channel.SMS]
)
def test_every_shipped_text_fits_one_gsm7_segment_with_long_values(language, purpose, channel):
    body = render_parts(shipped_defaults(language)[purpose][channel], LONGEST_VALUES)["body"]
    assert checks.is_gsm7(body), body
    assert checks.sms_segments(body) == 1, (len(body), body)


def test_both_languages_ship_the_same_templates():
    english = {(p, c) for _l, p, c in SHIPPED if _l == "en"}
    spanish = {(p, c) for _l, p, c in SHIPPED if _l == "es"}
    assert english == spanish


def test_every_status_has_a_text_and_an_email_in_both_languages():
    for language in LANGUAGES:
        defaults = shipped_defaults(language)
        for purpose in ["missed", "lapsing", "disengaged", "interrupted", "inactive"]:
            assert {"sms", "email", "voicemail", "letter"} <= set(defaults[purpose])


@pytest.mark.django_db
def test_a_program_gets_version_one_of_each_default_once():
    program = ProgramFactory()
    first = install_defaults(program)
    again = install_defaults(program)
    assert first == again == len(SHIPPED)
    assert Template.objects.filter(program=program).count() == len(SHIPPED)
    version = template_for(program, Channel.SMS, "es", Purpose.MISSED)
    assert version.number == 1
    assert "te echamos de menos" in version.body


@pytest.mark.django_db
def test_saving_writes_a_new_version_and_keeps_the_old_one():
    program = ProgramFactory()
    old = template_for(program, Channel.SMS, "en", Purpose.MISSED)
    new = save_version(
        old.template, {"body": "Hi {name}, thinking of you. Call {phone} any time. - {sender}"}
    )
    assert (old.number, new.number) == (1, 2)
    assert old.template.current() == new


@pytest.mark.django_db
def test_stigmatizing_words_block_saving_and_say_why():
    program = ProgramFactory()
    template = template_for(program, Channel.SMS, "en", Purpose.MISSED).template
    with pytest.raises(TemplateCheckError) as raised:
        save_version(
            template, {"body": "Hi {name}, stay clean! Last chance: call {phone}. {sender}"}
        )
    found = [f.text.lower() for f in raised.value.findings_by_part["body"]]
    assert "last chance" in found
    assert template.versions.count() == 1


@pytest.mark.django_db
def test_a_discreet_text_may_not_name_the_program():
    program = ProgramFactory(name="Adult IOP, evenings", revealing_names="Harbor Recovery House")
    template = template_for(program, Channel.SMS, "en", Purpose.MISSED).template
    with pytest.raises(TemplateCheckError):
        save_version(
            template, {"body": "Hi {name}, Harbor Recovery House misses you. {phone} {sender}"}
        )


@pytest.mark.django_db
def test_a_text_must_name_the_sender_and_a_number_and_use_known_variables():
    program = ProgramFactory()
    template = template_for(program, Channel.SMS, "en", Purpose.MISSED).template
    with pytest.raises(ValidationError, match="include"):
        save_version(template, {"body": "Hi {name}, thinking of you."})
    with pytest.raises(ValidationError, match="Unknown variable"):
        save_version(template, {"body": "Hi {nickname}, call {phone}. {sender}"})
    with pytest.raises(ValidationError, match="brace"):
        save_version(template, {"body": "Hi {name, call {phone}. {sender}"})
