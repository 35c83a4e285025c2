"""Schemathesis against the API's own OpenAPI schema, through WSGI, with a
valid write key (which may also read): whatever it sends, no server error,
and every answer matches the schema. A bounded number of examples per
operation keeps it to seconds (ARCHITECTURE.md: "The API and the forms
survive fuzzing with no server error")."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from tests.api_helpers import bearer, build_world
from welcomeback.wsgi import application

EXAMPLES = 20


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Django closes the database connection when a request starts and
    ends; inside a test's transaction that would end the test's own
    connection. Django's test client keeps it open in the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# Loaded through the app itself: the schema the fuzzer reads is the one served.
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_api_never_answers_with_a_server_error(case, world):
    headers = {"Authorization": bearer(world.write_token)["HTTP_AUTHORIZATION"]}
    response = case.call(headers=headers)
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])
    case.validate_response(response, checks=[content_type_conformance, response_schema_conformance])
