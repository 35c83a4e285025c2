"""The console SMS provider: the demo's texts land in files, and the
console says where without showing a number or a word of the text."""

import json

import pytest

from tests.channels import a_client, a_program, outbound
from welcomeback.outreach.providers.console import ConsoleSms

pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox(settings, tmp_path):
    settings.SMS_FILE_PATH = tmp_path / "sms"
    return tmp_path / "sms"


def test_it_writes_the_whole_message_to_a_file_in_the_outbox(outbox):
    program = a_program()
    message = outbound(a_client(program), program, state="sending", body="See you Tuesday?")

    accepted = ConsoleSms().send(message)

    files = list(outbox.glob("*.json"))
    assert len(files) == 1
    record = json.loads(files[0].read_text())
    assert record["message"] == message.pk
    assert record["to"] == "+15555550101"
    assert record["body"] == "See you Tuesday?"
    assert record["provider_id"] == accepted.provider_id
    assert accepted.provider_id.startswith("console-")
    assert len(accepted.provider_id) <= 64


def test_its_console_line_names_the_message_but_not_the_number_or_the_text(outbox, capsys):
    program = a_program()
    message = outbound(a_client(program), program, state="sending", body="See you Tuesday?")

    ConsoleSms().send(message)

    printed = capsys.readouterr().out
    assert printed.count("\n") == 1
    assert f"message {message.pk}" in printed
    assert "+15555550101" not in printed
    assert "Tuesday" not in printed


def test_the_file_name_carries_no_number(outbox):
    program = a_program()
    ConsoleSms().send(outbound(a_client(program), program, state="sending"))
    (path,) = outbox.glob("*.json")
    assert "5555550101" not in path.name


def test_each_send_gets_its_own_file_and_id(outbox):
    program = a_program()
    message = outbound(a_client(program), program, state="sending")
    first, second = ConsoleSms().send(message), ConsoleSms().send(message)
    assert first.provider_id != second.provider_id
    assert len(list(outbox.glob("*.json"))) == 2
