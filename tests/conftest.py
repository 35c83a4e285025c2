import os

import pytest


def pytest_collection_modifyitems(config, items):
    from django.db import connection

    on_postgres = connection.vendor == "postgresql"
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL to a postgres URL)")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _no_network_for_tests(monkeypatch):
    """A test that reaches out to a real provider fails loudly."""
    import socket

    real_connect = socket.socket.connect

    def guarded(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (
            host.startswith("127.") or host in ("localhost", "::1") or host.startswith("/")
        ):
            raise RuntimeError(f"tests may not reach the network ({host})")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(autouse=True)
def _language_of_the_settings():
    """Each test starts in the site's default language: a request in Spanish
    leaves Spanish active in the thread, and the next test would render in it."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


os.environ.setdefault("DJANGO_SETTINGS_MODULE", "welcomeback.settings")
