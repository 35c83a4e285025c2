import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "welcomeback.settings")
application = get_wsgi_application()

# Ready before the first visitor: each web process compiles the triage phrase
# sets as it starts, not while someone's first message waits for it.
from welcomeback.returns.triage import load_all  # noqa: E402

load_all()
