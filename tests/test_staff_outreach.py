"""Staff screens for outreach: templates with live checks, contact
preferences and consent, the outreach log, and the task queue."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from tests.auth import roles_everywhere, sign_in
from tests.outreach_helpers import person, texting_program
from welcomeback.outreach import consent
from welcomeback.outreach.models import Channel, Message, Purpose, Template
from welcomeback.outreach.templating import template_for
from welcomeback.worklist.models import TaskKind, TaskStatus
from welcomeback.worklist.tasks import open_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = User.objects.create_user("casey", password="a-long-test-password", is_staff=True)
    with roles_everywhere(user):
        yield sign_in(client, user)


def test_the_templates_page_lists_every_shipped_text(staff):
    program = texting_program()
    response = staff.get(reverse("staff:templates"), {"program": program.pk})
    assert response.status_code == 200
    assert Template.objects.filter(program=program).count() > 40
    assert "After a missed session" in response.content.decode()


def test_findings_show_up_as_staff_type(staff):
    program = texting_program()
    template = template_for(program, Channel.SMS, "en", Purpose.MISSED).template
    response = staff.post(
        reverse("staff:template_check", args=[template.pk]),
        {"body": "Hi {name}, you were a no-show. Last chance! {sender} {phone}"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert 'id="findings"' in html
    assert "no-show" in html and "Last chance" in html
    assert "Change before saving" in html


def test_saving_a_shaming_text_is_refused_and_keeps_what_was_typed(staff):
    program = texting_program()
    template = template_for(program, Channel.SMS, "en", Purpose.MISSED).template
    typed = "Hi {name}, you are non-compliant. Call {phone}. {sender}"
    response = staff.post(reverse("staff:template_edit", args=[template.pk]), {"body": typed})
    assert response.status_code == 400
    html = response.content.decode()
    assert "non-compliant" in html
    assert "<title>Error:" in html
    assert template.versions.count() == 1


def test_saving_a_kind_text_makes_version_two(staff):
    program = texting_program()
    template = template_for(program, Channel.SMS, "en", Purpose.MISSED).template
    kind = "Hi {name}, thinking of you this week. Call {phone} any time. - {sender}"
    response = staff.post(reverse("staff:template_edit", args=[template.pk]), {"body": kind})
    assert response.status_code == 302
    assert template.current().number == 2
    assert template.current().created_by == staff.user


def test_recording_text_consent_sends_the_confirmation_first(staff):
    program = texting_program()
    client = person(program, consented=False)
    from django.utils import timezone

    from tests.factories import enrolled

    enrolled(client, program, timezone.now())
    response = staff.post(
        reverse("staff:contact", args=[client.pk]),
        {
            "form": "consent",
            "channel": "sms",
            "source": "verbal",
            "wording": "We may text you about your visits, up to 3 a week.",
        },
    )
    assert response.status_code == 302
    assert consent.has_consent(Channel.SMS, client.phone)
    [confirmation] = Message.objects.filter(client=client)
    assert confirmation.purpose == Purpose.OPT_IN_CONFIRMATION
    event = consent.latest(Channel.SMS, client.phone)
    assert event.captured_by == staff.user
    assert event.wording == "We may text you about your visits, up to 3 a week."


def test_an_opt_out_said_on_a_call_takes_effect_at_once(staff):
    program = texting_program()
    client = person(program)
    staff.post(
        reverse("staff:contact", args=[client.pk]),
        {
            "form": "opt_out",
            "channel": "email",
            "source": "verbal",
            "wording": "Asked on the phone not to get emails.",
        },
    )
    assert not consent.has_consent(Channel.EMAIL, client.email)
    assert consent.has_consent(Channel.SMS, client.phone)


def test_consent_without_the_words_is_refused_kindly(staff):
    program = texting_program()
    client = person(program, consented=False)
    response = staff.post(
        reverse("staff:contact", args=[client.pk]),
        {
            "form": "consent",
            "channel": "sms",
            "source": "verbal",
            "wording": "",
        },
    )
    assert response.status_code == 400
    assert "Enter the words they saw or heard" in response.content.decode()


def test_preferences_keep_a_phone_in_any_common_format(staff):
    program = texting_program()
    client = person(program)
    response = staff.post(
        reverse("staff:contact", args=[client.pk]),
        {
            "form": "preferences",
            "phone": "(212) 555-0199",
            "language": "es",
            "preferred_name": "Anita",
            "email": client.email,
            "sms_allowed": "on",
            "discreet": "on",
        },
    )
    assert response.status_code == 302
    client.refresh_from_db()
    assert client.phone == "+12125550199"
    assert client.preferred_name == "Anita" and client.language == "es"
    assert client.voicemail_allowed is False


def test_the_task_queue_shows_a_call_and_closes_it(staff):
    program = texting_program()
    client = person(program)
    task = open_task(
        kind=TaskKind.CALL,
        program=program,
        client=client,
        title="Call Ana",
        detail="Hi, this is (your name) from Riverbend",
        key="t1",
    )
    page = staff.get(reverse("staff:tasks")).content.decode()
    assert "Call Ana" in page
    staff.post(reverse("staff:task_done", args=[task.pk]), {"outcome": "Left a message"})
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.outcome == "Left a message"
    assert task.closed_by == staff.user


def test_the_outreach_log_shows_why_a_message_was_not_sent(staff):
    from welcomeback.outreach.outbox import queue_from_template

    program = texting_program()
    client = person(program, consented=False)
    queue_from_template(
        client=client, program=program, channel=Channel.SMS, purpose=Purpose.MISSED, key="m1"
    )
    page = staff.get(reverse("staff:outreach_log")).content.decode()
    assert "no consent on record yet" in page
