"""`manage.py checktone` prints findings like a compiler and fails only on errors."""

import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

ROOT = Path(__file__).resolve().parent.parent
LINE = re.compile(
    r"^(?P<file>.+):(?P<line>\d+):(?P<col>\d+) (?P<rule>[a-z0-9-]+) (?P<level>error|warning): "
    r'"(?P<text>[^"]*)" (?P<why>.+) \((?P<suggestion>.+)\)$'
)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(*args):
    """call_command; returns (exit code, stdout lines)."""
    out = StringIO()
    try:
        call_command("checktone", *args, stdout=out)
        code = 0
    except CommandError as exc:
        code = exc.returncode
    return code, out.getvalue().splitlines()


def parsed(lines):
    matches = [LINE.match(line) for line in lines]
    assert all(matches), lines
    return [m.groupdict() for m in matches]


def test_a_kind_file_prints_nothing_and_passes(tmp_path):
    path = write(tmp_path, "kind.txt", "We missed you at group on Tuesday.\n")
    assert run(path) == (0, [])


def test_each_finding_is_file_line_col_rule_message_and_suggestion(tmp_path):
    path = write(tmp_path, "harsh.txt", "Hi Sam.\nYou are an addict. Last chance!!\n")
    code, lines = run(path)
    assert code == 1
    found = parsed(lines)
    assert [(f["file"], f["line"], f["col"], f["rule"]) for f in found] == [
        (path, "2", "12", "stigma-addict"),
        (path, "2", "20", "pressure-last-chance"),
        (path, "2", "31", "shouting-exclaim-stacked"),
    ]
    first = found[0]
    assert first["level"] == "error" and first["text"] == "addict"
    assert first["why"].startswith("“Addict” makes a person")
    assert "person with a substance use disorder" in first["suggestion"]


def test_columns_count_characters_not_bytes(tmp_path):
    path = write(tmp_path, "es.txt", "¡Hola! Ésta es tu última oportunidad.\n")
    code, lines = run("--language", "es", path)
    (found,) = parsed(lines)
    assert (found["line"], found["col"], found["rule"]) == ("1", "19", "pressure-last-chance")
    assert code == 1


def test_warnings_print_but_do_not_fail(tmp_path):
    path = write(tmp_path, "warn.txt", "You missed group. Please call us right away.\n")
    code, lines = run(path)
    assert code == 0
    assert [f["level"] for f in parsed(lines)] == ["warning", "warning"]


def test_privacy_errors_fail_only_with_discreet(tmp_path):
    path = write(tmp_path, "sms.txt", "Your therapy group is tonight.\n")
    assert run(path) == (0, [])
    code, lines = run("--discreet", path)
    assert code == 1
    assert [f["rule"] for f in parsed(lines)] == ["privacy-therapy"]


def test_a_revealing_program_name_can_be_given(tmp_path):
    path = write(tmp_path, "sms.txt", "Greetings from Harbor House.\n")
    code, lines = run("--discreet", "--revealing", "Harbor House", path)
    assert code == 1
    assert [f["rule"] for f in parsed(lines)] == ["privacy-program-name"]


def test_an_email_body_is_not_privacy_checked_but_its_subject_is(tmp_path):
    path = write(tmp_path, "email.txt", "Your therapist would love to hear from you.\n")
    assert run("--channel", "email", "--discreet", path) == (0, [])
    code, _ = run("--channel", "email", "--part", "subject", "--discreet", path)
    assert code == 1


def test_a_long_sms_gets_a_length_warning(tmp_path):
    path = write(tmp_path, "long.txt", "We missed you. " * 12)
    code, lines = run(path)
    assert code == 0
    assert [f["rule"] for f in parsed(lines)] == ["sms-segments"]


def test_several_files_are_each_named_and_any_error_fails(tmp_path):
    kind = write(tmp_path, "a.txt", "We missed you.\n")
    harsh = write(tmp_path, "b.txt", "You were a no-show.\n")
    code, lines = run(kind, harsh)
    assert code == 1
    assert [f["file"] for f in parsed(lines)] == [harsh]


def test_an_unreadable_file_is_reported_with_exit_code_2(tmp_path):
    with pytest.raises(CommandError, match="Can't read") as caught:
        call_command("checktone", str(tmp_path / "missing.txt"), stdout=StringIO())
    assert caught.value.returncode == 2


def test_a_byte_order_mark_is_not_part_of_the_text(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffYou are an addict.".encode())
    _, lines = run(str(path))
    assert parsed(lines)[0]["col"] == "12"


# ---------------------------------------------------------------- as a real process


def checktone(*args, stdin=None):
    # A fixed argv running our own manage.py; no shell.
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "checktone", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        timeout=60,
    )


def test_the_process_exits_1_on_an_error_and_says_so(tmp_path):
    path = write(tmp_path, "harsh.txt", "This is your final notice.\n")
    result = checktone(path)
    assert result.returncode == 1
    assert result.stdout.startswith(f"{path}:1:14 pressure-final-notice error: ")
    assert "Found 1 thing to change before sending." in result.stderr


def test_the_process_exits_0_when_only_warnings_are_found(tmp_path):
    path = write(tmp_path, "warn.txt", "Please call us immediately.\n")
    result = checktone(path)
    assert result.returncode == 0, result.stderr
    assert "pressure-urgency warning" in result.stdout


def test_the_process_reads_standard_input_for_a_dash():
    result = checktone("--language", "es", "--discreet", "-", stdin="Tu terapia es el lunes.\n")
    assert result.returncode == 1
    assert result.stdout.startswith("-:1:4 privacy-therapy error: ")


def test_the_process_refuses_an_unknown_language(tmp_path):
    path = write(tmp_path, "a.txt", "Hello\n")
    result = checktone("--language", "fr", path)
    assert result.returncode == 2
    assert "invalid choice" in result.stderr
