"""docs/integration.md runs: every curl in its "REST API" section is sent
to the API with a real key, and its webhook verification code checks a
real delivery's signature."""

import json
import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.api_helpers import bearer, build_world
from welcomeback.api import signing

pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parent.parent / "docs" / "integration.md"


def section(title: str) -> str:
    text = DOC.read_text()
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end]


def blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, re.S)


def curls() -> list[list[str]]:
    commands = []
    for block in blocks(section("REST API"), "sh"):
        words = shlex.split(block, comments=True)
        starts = [i for i, word in enumerate(words) if word == "curl"]
        for start, end in zip(starts, [*starts[1:], len(words)], strict=True):
            commands.append(words[start:end])
    return commands


def request_of(words: list[str]) -> tuple[str, str, str | None]:
    method, body, url = "GET", None, None
    words = iter(words[1:])
    for word in words:
        if word == "-X":
            method = next(words)
        elif word == "-H":
            next(words)
        elif word == "-d":
            body = next(words)
        elif word.startswith("$WB/"):
            url = word
    parts = urlsplit(url.replace("$WB", "https://welcomeback.example.org"))
    return method, parts.path + (f"?{parts.query}" if parts.query else ""), body


def test_the_docs_show_curls_for_reading_lookup_and_bulk_attendance():
    paths = {request_of(words)[1].split("?")[0] for words in curls()}
    assert {"/api/v1/groups", "/api/v1/clients/lookup", "/api/v1/attendance"} <= paths


def test_every_documented_curl_works(client):
    world = build_world()
    for words in curls():
        method, path, body = request_of(words)
        if method == "POST":
            json.loads(body)  # the example is valid JSON
            response = client.post(
                path, body, content_type="application/json", **bearer(world.write_token)
            )
        else:
            response = client.get(path, **bearer(world.read_token))
        assert response.status_code == 200, (method, path, response.content[:300])


def test_the_documented_bulk_example_answers_per_row():
    text = section("REST API")
    answer = json.loads(blocks(text, "json")[-1])
    assert [r["index"] for r in answer["results"]] == [0, 1, 2]
    assert answer["results"][2]["error"].startswith("Unknown attendance mark")


def test_the_documented_verification_code_accepts_our_signature_and_nothing_else():
    [code] = blocks(section("Webhooks"), "python")
    namespace = {}
    exec(compile(code, "integration.md", "exec"), namespace)  # noqa: S102 (our own docs)
    verify = namespace["verify"]
    body = '{"id":"x","type":"engagement.status_changed"}'
    header = signing.header("whsec_test", body)
    assert verify("whsec_test", body.encode(), header)
    assert not verify("whsec_other", body.encode(), header)
    assert not verify("whsec_test", body.encode() + b" ", header)
    old = signing.header("whsec_test", body, timestamp=1)
    assert not verify("whsec_test", body.encode(), old)
