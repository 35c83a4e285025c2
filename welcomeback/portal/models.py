"""The intake inbox: return forms accepted and committed, not yet opened as
return requests.

The return form's answer waits only for one INSERT here (a single statement,
so one short transaction); opening the request — matching a known person,
joining their open conversation, the request's history, the audit trail —
is done by ``portal.intake.drain`` on the task worker moments later. A row
is deleted in the same transaction that opens its request, so a request is
opened once, and a row whose worker stopped is claimed again
(``claimed_until``). A message in crisis never waits here: it is opened at
once, in the view.
"""

from django.db import models

from welcomeback.care.models import Program


class Intake(models.Model):
    # No secondary index: rows live for a moment, and each index would be
    # one more write on the form's answer.
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+", db_index=False)
    received = models.DateTimeField()
    phone = models.CharField(max_length=20, blank=True)  # E.164
    email = models.CharField(max_length=254, blank=True)
    message = models.TextField(blank=True)
    best_time = models.CharField(max_length=100, blank=True)
    language = models.CharField(max_length=8, default="en")
    reasons = models.JSONField(default=list)
    first_steps = models.JSONField(default=list)
    # Where it came from, for the audit event written when it is opened.
    visitor_address = models.CharField(max_length=45, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)
    # A drain that claimed the row; another may claim it after this time.
    claim = models.CharField(max_length=32, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"intake {self.pk}"
