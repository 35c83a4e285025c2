"""Re-assessment: storing scored instruments, acting on their flags, and
the gate before a plan is agreed.

Scoring is the instruments library's (``welcomeback.returns.instruments``:
``score(code, answers)`` gives ``.total .band .flags .subscales .complete
.as_dict()``); this module stores what it says, with the instrument's
version, and turns flags into clinician tasks at once (STANDARDS.md
requirement 32): a C-SSRS urgent flag → an urgent task now, with 988 and
emergency guidance; PHQ-9 item 9 above 0 → a review task due the same day.
"""

from datetime import datetime

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from welcomeback.care.schedule import local_start_to_utc
from welcomeback.returns import instruments
from welcomeback.returns.models import (
    Assessment,
    AssessmentSource,
    RequestEvent,
    ReturnRequest,
)
from welcomeback.worklist.models import TaskKind
from welcomeback.worklist.tasks import open_task

SAFETY_SCREEN = "cssrs"
# The fuller re-assessment (PRODUCT.md): mood and anxiety, and a substance
# use measure that fits the person.
MOOD = ("phq9", "gad7")
SUBSTANCE_USE = ("auditc", "dast10", "bam")
URGENT = "urgent"
SAME_DAY = "same_day"

CRISIS_GUIDANCE = gettext_lazy(
    "If they may be in danger now, stay with them (or on the line) and call or text 988 "
    "together, or call 911 for an emergency. Follow the program's safety protocol."
)


def record_assessment(
    *,
    code: str,
    answers: dict,
    request: ReturnRequest | None = None,
    episode=None,
    source: str = AssessmentSource.STAFF,
    by=None,
    now: datetime | None = None,
    context: dict | None = None,
) -> Assessment:
    """Score one instrument's answers, store them with the instrument's
    version, and open a clinician task for each flag (urgent at once,
    same-day by the end of the program's day). Skipped items are fine: the
    result says whether it is complete."""
    now = now or timezone.now()
    if request is None and episode is None:
        raise ValidationError(_("An assessment belongs to a return request or an episode."))
    if episode is None:
        episode = request.episode
    try:
        instrument = instruments.get(code)
        result = instruments.score(code, answers, **(context or {}))
    except KeyError as unknown:
        raise ValidationError(_("Unknown questionnaire."), code="unknown_instrument") from unknown
    except instruments.InvalidAnswers as bad:
        raise ValidationError(str(bad), code="invalid_answers") from bad
    flags = list(result.flags)
    total = result.total
    with transaction.atomic():
        assessment = Assessment.objects.create(
            episode=episode,
            request=request,
            instrument=code,
            instrument_version=str(instrument.version)[:40],
            answers=dict(answers),
            result=result.as_dict(),
            total=total if isinstance(total, int) else None,
            band=str(result.band or "")[:40],
            flagged=bool(flags),
            complete=bool(result.complete),
            source=source,
            by=by,
            at=now,
        )
        if request is not None:
            RequestEvent.objects.create(
                request=request, at=now, by=by, kind="assessment", note=code
            )
        for flag in flags:
            open_flag_task(assessment, flag, now)
    return assessment


def open_flag_task(assessment: Assessment, flag, now: datetime):
    """One clinician task per flag, keyed so a retry never opens two."""
    episode, request = assessment.episode, assessment.request
    program = episode.program if episode else request.program
    client = episode.client if episode else request.client
    who = client.display_name if client else _("the person who asked to come back")
    urgent = getattr(flag, "urgency", SAME_DAY) == URGENT
    if urgent:
        title = _("Urgent: safety review for %(name)s now") % {"name": who}
        detail = f"{flag.message} {CRISIS_GUIDANCE}"
        due_at = now
    else:
        title = _("Clinician review today for %(name)s") % {"name": who}
        detail = f"{flag.message} {CRISIS_GUIDANCE}"
        due_at = end_of_day(program, now)
    return open_task(
        kind=TaskKind.CLINICIAN_REVIEW,
        program=program,
        client=client,
        episode=episode,
        title=title[:200],
        detail=detail,
        due_at=due_at,
        key=f"assessment:{assessment.pk}:{flag.code}"[:120],
    )


def end_of_day(program, now: datetime) -> datetime:
    """The program's closing time today, or now when it has closed already."""
    local = now.astimezone(program.zone)
    closing = local_start_to_utc(local.date(), program.closes_at, program.zone)
    return max(closing, now)


def assessments_for(request: ReturnRequest):
    """This return's assessments: those recorded for the request, and those
    recorded on its episode since the request was opened."""
    from django.db.models import Q

    mine = Q(request=request)
    if request.episode_id:
        mine |= Q(episode_id=request.episode_id, at__gte=request.created)
    return Assessment.objects.filter(mine).order_by("at", "pk")


def latest_by_instrument(request: ReturnRequest) -> dict[str, Assessment]:
    latest: dict[str, Assessment] = {}
    for assessment in assessments_for(request):
        latest[assessment.instrument] = assessment
    return latest


def plan_blockers(request: ReturnRequest) -> list[str]:
    """Why a plan cannot be agreed yet, in plain words; empty when it can.

    The safety screen (C-SSRS) is always required; the fuller
    re-assessment only when the program requires it (otherwise it is
    recommended: see ``plan_recommendations``)."""
    done = latest_by_instrument(request)
    blockers = []
    screen = done.get(SAFETY_SCREEN)
    if screen is None:
        blockers.append(_("The safety screen (C-SSRS) is not recorded yet."))
    elif not screen.complete:
        blockers.append(_("The safety screen (C-SSRS) is not complete yet."))
    if request.program.require_full_reassessment:
        blockers += missing_full_reassessment(done)
    return blockers


def plan_recommendations(request: ReturnRequest) -> list[str]:
    """What the fuller re-assessment still lacks, when the program only
    recommends it."""
    if request.program.require_full_reassessment:
        return []
    return missing_full_reassessment(latest_by_instrument(request))


def missing_full_reassessment(done: dict[str, Assessment]) -> list[str]:
    missing = []
    for code in MOOD:
        if code not in done:
            missing.append(_("%(name)s is not recorded yet.") % {"name": display_name(code)})
    if not any(code in done for code in SUBSTANCE_USE):
        missing.append(
            _("A substance use measure (AUDIT-C, DAST-10 or the BAM) is not recorded yet.")
        )
    return missing


def display_name(code: str) -> str:
    names = {"phq9": "PHQ-9", "gad7": "GAD-7", "auditc": "AUDIT-C", "dast10": "DAST-10"}
    names |= {"bam": "BAM", "cssrs": "C-SSRS"}
    return names.get(code, code)


# -- the person's own link, to fill questionnaires in beforehand ------------------

LINK_SALT = "welcomeback.returns.questionnaires"
LINK_DAYS = 14


def questionnaire_token(request: ReturnRequest) -> str:
    """A signed, expiring token naming only the request: the person can
    fill in the questionnaires before the re-assessment (optional, item by
    item). The page is the portal's; nothing personal is in the token."""
    return signing.TimestampSigner(salt=LINK_SALT).sign(str(request.pk))


def read_questionnaire_token(token: str) -> ReturnRequest:
    """The open request a token names; ValidationError when the token is
    tampered with, too old, or the request is closed."""
    try:
        value = signing.TimestampSigner(salt=LINK_SALT).unsign(token, max_age=LINK_DAYS * 24 * 3600)
        request = ReturnRequest.objects.select_related("program", "episode").get(pk=int(value))
    except (signing.BadSignature, ValueError, ReturnRequest.DoesNotExist) as bad:
        raise ValidationError(_("This link has expired or isn't valid."), code="bad_link") from bad
    if not request.is_open:
        raise ValidationError(_("This link has expired or isn't valid."), code="closed")
    return request
