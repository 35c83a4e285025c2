"""Public endpoints of outreach, under /o/: provider webhooks and the
one-click unsubscribe. No path carries a number, an address or a name."""

from django.conf import settings
from django.urls import include, path

from welcomeback.outreach import webhooks

app_name = "outreach"

urlpatterns = [
    path("twilio/status/", webhooks.twilio_status, name="twilio-status"),
    path("twilio/inbound/", webhooks.twilio_inbound, name="twilio-inbound"),
    path("unsub/<str:token>/", webhooks.unsubscribe, name="unsubscribe"),
]

# Anymail's inbound and tracking webhooks (/o/email/<provider>/inbound/ and
# /o/email/<provider>/tracking/) exist only once they can be secured: without
# WEBHOOK_SECRET anyone could post a fake reply or a fake bounce.
if settings.ANYMAIL.get("WEBHOOK_SECRET"):
    urlpatterns.append(path("email/", include("anymail.urls")))
