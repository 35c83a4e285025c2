"""``manage.py check --deploy`` is clean with production settings: what
docs/deploy.md asks an operator to run, run here in a fresh process."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_check(**environment):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECURE_", "SESSION_", "SIGNIN_", "CACHE_"))
    }
    env.update(environment)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DEBUG": "false",
    "ALLOWED_HOSTS": "example.org",
    # docs/deploy.md: a cache the web processes share, for the rate limits.
    "CACHE_BACKEND": "django.core.cache.backends.db.DatabaseCache",
}


def test_check_deploy_passes_with_production_settings():
    result = run_check(**PRODUCTION, SECRET_KEY=secrets.token_urlsafe(64))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_asks_for_a_shared_cache_for_the_rate_limits():
    production = {**PRODUCTION, "CACHE_BACKEND": ""}
    result = run_check(**production, SECRET_KEY=secrets.token_urlsafe(64))
    assert result.returncode != 0
    assert "portal.W002" in result.stdout + result.stderr
    assert "CACHE_BACKEND" in result.stdout + result.stderr


def test_check_deploy_would_fail_on_a_development_configuration():
    result = run_check(DEBUG="true")
    assert result.returncode != 0
    assert "security.W018" in result.stdout + result.stderr  # DEBUG on
