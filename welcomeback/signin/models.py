"""Who is signed in where: one row per signed-in browser of a staff member,
so they can see their sessions and end one they left open elsewhere."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffSession(models.Model):
    """Keyed by the session store's key (the ``django_session`` table holds
    the same key in the same database), written at sign-in, rekeyed when the
    second factor cycles the key, touched at most once a minute, and deleted
    at sign-out. Ending one deletes its session from the store."""

    session_key = models.CharField(max_length=40, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # "Firefox, Windows": a summary, never the whole user agent string.
    device = models.CharField(max_length=100, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    started = models.DateTimeField()
    last_seen = models.DateTimeField()

    class Meta:
        ordering = ["-last_seen"]
        verbose_name = _("staff session")
        # The sessions page lists one person's recent rows.
        indexes = [models.Index(fields=["user", "last_seen"], name="signin_session_user_seen")]

    def __str__(self):
        return f"{self.device or '?'} ({self.pk})"
