"""Settings for bench/intake.py: production mode over plain HTTP on
loopback, plus one bare view as the ratio's baseline."""

from welcomeback.settings import *  # noqa: F403

ROOT_URLCONF = "bench.intake_urls"
# Plain HTTP on loopback: cookies must travel without TLS.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
# The benchmark is one visitor address sending many forms: the limits
# would turn it away, which is their job, not what is measured here.
PUBLIC_LIMIT_PER_ADDRESS = (10**9, 60)
PUBLIC_LIMIT_PER_CONTACT = (10**9, 60)
PUBLIC_PROXY_ANSWER_SECONDS = 0
LOGGING = {"version": 1, "disable_existing_loggers": True, "root": {"level": "ERROR"}}
