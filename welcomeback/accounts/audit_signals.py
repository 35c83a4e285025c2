"""What the audit trail learns from Django's signals, without any view's help:
sign-ins, sign-outs and failed sign-ins, and every create, update and delete
of a client-record row made through ``save()`` and ``delete()``.

Changes name the fields that changed, never their values. A row's values
are kept when it is loaded (``post_init``, one dict copy) and compared when
it is saved, limited to ``update_fields`` when given; a save that changed
nothing records nothing. Change events are written once the transaction
commits (``transaction.on_commit``): nothing is recorded for a change that
rolled back, and the chain is not held while the change's transaction runs
(see audit_chain.py).

Not seen here, by design of Django: ``QuerySet.update()``, ``bulk_create``
and raw SQL send no signals. The code paths that write client records that
way call ``audit.changed(...)`` themselves, or are listed in
docs/security.md (bulk attendance imports, the sweep, the demo data).
"""

from django.contrib.auth import signals as auth_signals
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import signals

from welcomeback.accounts import audit
from welcomeback.accounts.models import AuditAction, AuditOutcome

SNAPSHOT = "_audit_snapshot"


def _own(instance):
    return getattr(instance, "client_id", None), getattr(instance, "program_id", None)


def _client(instance):
    return instance.pk, None


def _through(name: str, client_from: str = "client_id"):
    """Client and program ids read from a related row (cached, or one query)."""

    def ids(instance):
        try:
            related = getattr(instance, name)
        except ObjectDoesNotExist:
            related = None
        client_id = getattr(instance if client_from == "self" else related, "client_id", None)
        return client_id, getattr(related, "program_id", None)

    return ids


def _request_or_episode(instance):
    """Whose record: through the episode when there is one, else the request."""
    name = "episode" if getattr(instance, "episode_id", None) else "request"
    return _through(name)(instance)


# The client-record models, and how each one finds whose record it is.
TRACKED = {
    "care.Client": _client,
    "care.Episode": _own,
    "care.Expectation": _through("episode"),
    "care.Attendance": _through("session", client_from="self"),
    "outreach.ConsentEvent": _own,
    "outreach.Message": _own,
    "outreach.InboundMessage": _own,
    "returns.ReturnRequest": _own,
    "worklist.Task": _own,
    # The re-entry record: each row names its request and/or episode.
    "care.EpisodeStatusChange": _through("episode"),
    "care.LevelOfCareChange": _through("episode"),
    "care.Milestone": _through("episode"),
    "returns.RequestEvent": _through("request"),
    "returns.ContactAttempt": _through("request"),
    "returns.Assessment": _request_or_episode,
    "returns.ReentryPlan": _request_or_episode,
    "outreach.ContactPoint": _own,
}

# Rows of a person's record written another way, each audited where it is
# written (tests/test_audit_coverage.py keeps this list and TRACKED together
# equal to the record models of accounts.permissions).
AUDITED_ELSEWHERE = {
    "disclosures.Part2Consent": "consents.py records each consent and revocation",
    "disclosures.Disclosure": "disclose.py records each disclosure (audit.disclosed)",
    "disclosures.BreakGlass": "breakglass.py records each grant (audit.break_glass)",
    "engagement.Engagement": "the sweep's own bookkeeping, by set-based SQL (docs/security.md)",
    "outreach.CadenceState": "the cadence planner's bookkeeping; each message it makes is audited",
    "outreach.StepOutcome": "the cadence planner's bookkeeping; each message it makes is audited",
}


def connect() -> None:
    auth_signals.user_logged_in.connect(signed_in, dispatch_uid="audit_sign_in")
    auth_signals.user_logged_out.connect(signed_out, dispatch_uid="audit_sign_out")
    auth_signals.user_login_failed.connect(sign_in_failed, dispatch_uid="audit_sign_in_failed")
    for label in TRACKED:
        # Model labels, resolved lazily: accounts imports no domain app.
        uid = f"audit_{label}"
        signals.post_init.connect(remember, sender=label, dispatch_uid=uid)
        signals.post_save.connect(saved, sender=label, dispatch_uid=uid)
        signals.post_delete.connect(deleted, sender=label, dispatch_uid=uid)


# ---------------------------------------------------------------- sign-in


def signed_in(sender, request, user, **kwargs):
    audit.record(AuditAction.SIGN_IN, request=request, user=user)


def signed_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record(AuditAction.SIGN_OUT, request=request, user=user)


def sign_in_failed(sender, credentials, request=None, **kwargs):
    """The username tried is kept as the actor: it is not PHI, and it is what
    an investigation of guessing or a locked-out colleague needs. Django has
    already masked the password in ``credentials``."""
    username = str(credentials.get("username") or "")
    audit.record(
        AuditAction.SIGN_IN_FAILED,
        request=request,
        actor_label=username or audit.PUBLIC,
        outcome=AuditOutcome.FAILURE,
    )


# ---------------------------------------------------------------- changes


def remember(sender, instance, **kwargs):
    snapshot = instance.__dict__.copy()
    snapshot.pop(SNAPSHOT, None)
    instance.__dict__[SNAPSHOT] = snapshot


def saved(sender, instance, created, update_fields=None, **kwargs):
    fields = None if created else changed_fields(instance, update_fields)
    remember(sender, instance)
    if fields == []:
        return  # saved without changing anything
    action = action_for_save(instance, created, fields)
    detail = {"fields": fields} if fields else None
    _record_change(action, instance, detail)


def deleted(sender, instance, **kwargs):
    _record_change(AuditAction.DELETE, instance, None)


def action_for_save(instance, created: bool, fields) -> str:
    label = instance._meta.label
    if label == "outreach.ConsentEvent":
        return AuditAction.CONSENT_CHANGE
    if label == "outreach.InboundMessage" and created:
        return AuditAction.MESSAGE_RECEIVED
    sent = label == "outreach.Message" and instance.state == "sent"
    if sent and (created or fields is None or "state" in fields):
        return AuditAction.MESSAGE_SENT
    return AuditAction.CREATE if created else AuditAction.UPDATE


def changed_fields(instance, update_fields) -> list[str] | None:
    """Names of the fields whose values differ from when the row was loaded;
    None when that is unknown (an instance that was never loaded here)."""
    fields = [f for f in instance._meta.concrete_fields if not f.primary_key]
    if update_fields is not None:
        fields = [f for f in fields if f.name in update_fields or f.attname in update_fields]
    snapshot = instance.__dict__.get(SNAPSHOT)
    if snapshot is None:
        return sorted(f.name for f in fields) if update_fields is not None else None
    missing = object()
    return sorted(
        field.name
        for field in fields
        if snapshot.get(field.attname, missing) is not missing
        and snapshot[field.attname] != instance.__dict__.get(field.attname, missing)
    )


def _record_change(action, instance, detail):
    client_id, program_id = TRACKED[instance._meta.label](instance)
    audit.record(
        action,
        obj=instance,
        client_id=client_id,
        program_id=program_id,
        detail=detail,
        on_commit=True,
    )
