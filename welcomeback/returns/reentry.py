"""Coming back: resume the episode (don't restart it), and agree a re-entry
plan that fits the person now — often smaller than before.

PRODUCT.md principle 5: a return continues the same episode of care, or,
when the last one finished long ago, opens a new one linked to it; prior
attendance and progress stay visible and count. STANDARDS.md §6 and
requirement 34: a level-of-care decision records the ASAM edition, level
code and planned weekly hours, and an adult IOP schedule under 9 hours a
week is only a short ramp back (at most two weeks) or a step-down.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from welcomeback.care.episodes import (
    ENDED,
    change_episode_status,
    change_level_of_care,
    open_episode,
)
from welcomeback.care.models import (
    ASAM_LEVELS,
    CONTACT_STATUSES,
    Attendance,
    Episode,
    EpisodeStatus,
    Expectation,
    Milestone,
    Session,
    SessionKind,
    SessionStatus,
    Transition,
)
from welcomeback.returns.assessments import plan_blockers
from welcomeback.returns.models import (
    ExpectAt,
    PlanStep,
    ReentryPlan,
    RequestEvent,
    RequestStatus,
    ReturnRequest,
)
from welcomeback.returns.requests import change_status
from welcomeback.worklist.models import TaskKind
from welcomeback.worklist.tasks import open_task

# ASAM level 2.1 (intensive outpatient): 9-19 hours a week for adults,
# 6-19 for adolescents (STANDARDS.md §6).
IOP = "2.1"
IOP_MIN_HOURS = {"adult": Decimal(9), "adolescent": Decimal(6)}
IOP_MAX_HOURS = Decimal(19)
# Fewer IOP hours "as a transition step down ... for one or two weeks"
# (STANDARDS.md §6, requirement 34).
RAMP_MAX_DAYS = 14


# -- resume ---------------------------------------------------------------------


def resume(request: ReturnRequest, by=None, now: datetime | None = None) -> Episode:
    """Make the person's care run again, keeping all its history.

    An episode on hold (or active, or planned) is the one that continues;
    a finished one continues too when it ended within the program's
    ``resume_within_days``; otherwise a new episode opens, linked to the
    last one with ``previous``. Idempotent: a second call returns the same
    episode. The request then points at that episode.
    """
    now = now or timezone.now()
    client = request.client
    if client is None:
        raise ValidationError(
            _("Link this request to the person's record first."), code="no_client"
        )
    program = request.program
    with transaction.atomic():
        last = (
            Episode.objects.filter(client=client, program=program)
            .exclude(status=EpisodeStatus.CANCELLED)
            .order_by("-created", "-pk")
            .first()
        )
        if last is None:
            episode = open_episode(client, program, at=now, by=by)
            kind = "new_episode"
        elif last.status in ENDED and not within_resume_window(last, now):
            episode = open_episode(client, program, at=now, by=by, previous=last)
            kind = "new_episode"
        elif last.status == EpisodeStatus.ACTIVE:
            episode, kind = last, ""
        else:
            episode = change_episode_status(
                last, EpisodeStatus.ACTIVE, by=by, note=_("Resumed: they came back"), at=now
            )
            kind = "resumed_episode"
        if request.episode_id != episode.pk:
            ReturnRequest.objects.filter(pk=request.pk).update(episode=episode)
            request.episode = episode
        if kind:
            RequestEvent.objects.create(
                request=request, at=now, by=by, kind=kind, note=f"episode {episode.pk}"
            )
    return episode


def within_resume_window(episode: Episode, now: datetime) -> bool:
    if episode.ended is None:
        return True
    return now - episode.ended <= timedelta(days=episode.program.resume_within_days)


# -- progress across episodes ------------------------------------------------------


@dataclass
class Progress:
    episodes: int
    weeks_in_care: int
    sessions_attended: int
    milestones: list[Milestone]
    first_started: datetime | None


def linked_episodes(client, program) -> list[Episode]:
    """Every episode of the client in the program, oldest first (a chain
    linked by ``previous`` always stays within one client and program)."""
    return list(
        Episode.objects.filter(client=client, program=program)
        .exclude(status=EpisodeStatus.CANCELLED)
        .order_by("created", "pk")
    )


def progress_so_far(client, program, now: datetime | None = None) -> Progress:
    """Prior progress that stays visible and counts: weeks in care and
    sessions attended summed across the episodes, and milestones met."""
    now = now or timezone.now()
    episodes = linked_episodes(client, program)
    ids = [episode.pk for episode in episodes]
    days = 0.0
    for episode in episodes:
        if episode.started is None:
            continue
        end = episode.ended or now
        # Time on hold is not time in care.
        days += max(0.0, (end - episode.started).total_seconds() / 86400 - held_days(episode, end))
    attended = Attendance.objects.filter(episode_id__in=ids, status__in=CONTACT_STATUSES).count()
    milestones = list(Milestone.objects.filter(episode_id__in=ids).order_by("met_on", "pk"))
    return Progress(
        episodes=len(episodes),
        weeks_in_care=int(days // 7),
        sessions_attended=attended,
        milestones=milestones,
        first_started=min((e.started for e in episodes if e.started), default=None),
    )


def held_days(episode: Episode, end: datetime) -> float:
    """Days the episode spent on hold, from its status history."""
    held, since = 0.0, None
    for change in episode.status_history.order_by("at", "pk"):
        if change.to_status == EpisodeStatus.ON_HOLD and since is None:
            since = change.at
        elif change.to_status != EpisodeStatus.ON_HOLD and since is not None:
            held += (change.at - since).total_seconds() / 86400
            since = None
    if since is not None:
        held += (end - since).total_seconds() / 86400
    return held


def note_milestone(episode: Episode, title: str, met_on: date, by=None) -> Milestone:
    """A goal or milestone the person met; it stays visible in later episodes."""
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("Name the milestone."))
    return Milestone.objects.create(episode=episode, title=title[:200], met_on=met_on, by=by)


# -- the plan ----------------------------------------------------------------------------


def agree_plan(
    request: ReturnRequest,
    *,
    steps,
    asam_edition: str,
    level: str,
    weekly_hours,
    transition: str = Transition.NONE,
    ramp_until: date | None = None,
    first_session: Session | None = None,
    expect: str = ExpectAt.WEEKLY,
    notes: str = "",
    adolescent: bool = False,
    by=None,
    now: datetime | None = None,
) -> ReentryPlan:
    """Agree the re-entry plan: validate it kindly, resume the episode,
    record the level-of-care change, book the first session (an expectation
    for that session, for that group on that weekday, or for every session
    of the group) in place of the old schedule, and move the request to
    "plan agreed". Nothing in a plan is ever a sobriety condition.

    ``transition``: "ramp" (a short ramp back to the full IOP schedule, until
    ``ramp_until``) or "step_down" (a lower level of care); required when
    the hours are below the IOP level.
    """
    now = now or timezone.now()
    steps = list(dict.fromkeys(steps or []))
    hours = as_hours(weekly_hours)
    validate_plan(
        request,
        steps,
        asam_edition,
        level,
        hours,
        transition,
        ramp_until,
        first_session,
        adolescent,
        now,
    )
    if first_session is not None and first_session.kind == SessionKind.INDIVIDUAL:
        expect = ExpectAt.ONCE
    with transaction.atomic():
        episode = resume(request, by=by, now=now)
        if first_session is not None and first_session.program_id != episode.program_id:
            raise ValidationError(_("Book a session in the person's own program."))
        change_level_of_care(
            episode,
            asam_edition=asam_edition,
            level=level,
            weekly_hours=hours,
            transition=transition,
            until=ramp_until if transition == Transition.RAMP else None,
            by=by,
            note=_("Re-entry plan"),
            at=now,
        )
        if first_session is not None:
            book_first_session(episode, first_session, expect, now)
        plan = ReentryPlan.objects.create(
            request=request,
            episode=episode,
            steps=steps,
            asam_edition=asam_edition,
            level_code=level,
            weekly_hours=hours,
            transition=transition,
            ramp_until=ramp_until if transition == Transition.RAMP else None,
            first_session=first_session,
            first_group=first_session.group if first_session else None,
            expect=expect if first_session else "",
            notes=notes,
            agreed_by=by,
            agreed_at=now,
        )
        RequestEvent.objects.create(
            request=request, at=now, by=by, kind="plan", note=", ".join(steps)[:500]
        )
        if transition == Transition.RAMP and ramp_until:
            remind_ramp_end(plan, episode, ramp_until)
        change_status(request, RequestStatus.PLAN_AGREED, by=by, now=now)
    return plan


def as_hours(value) -> Decimal:
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError) as bad:
        raise ValidationError(_("Enter the planned hours a week as a number.")) from bad
    if hours <= 0 or hours >= 100:
        raise ValidationError(_("Enter the planned hours a week as a number."))
    return hours


def validate_plan(
    request,
    steps,
    asam_edition,
    level,
    hours,
    transition,
    ramp_until,
    first_session,
    adolescent,
    now,
) -> None:
    errors = []
    if not request.is_open:
        raise ValidationError(_("This request is closed already."), code="closed")
    blockers = plan_blockers(request)
    if blockers:
        raise ValidationError(blockers, code="not_ready")
    if not steps:
        errors.append(_("Choose at least one first step."))
    unknown = [step for step in steps if step not in PlanStep.values]
    if unknown:
        errors.append(_("Unknown first step: %(step)s") % {"step": unknown[0]})
    levels = ASAM_LEVELS.get(asam_edition)
    if levels is None:
        errors.append(_("Choose the ASAM edition."))
    elif level not in levels:
        errors.append(
            _("%(level)s is not a level of care in that ASAM edition.") % {"level": level}
        )
    if transition not in Transition.values:
        errors.append(_("Unknown transition."))
    errors += hours_errors(level, hours, transition, adolescent)
    errors += ramp_errors(request.program, transition, ramp_until, now)
    if first_session is None and PlanStep.REFERRAL_UP not in steps:
        errors.append(_("Book the first session: a group session or an individual appointment."))
    if first_session is not None:
        if first_session.status != SessionStatus.SCHEDULED:
            errors.append(_("That session was cancelled; choose another."))
        elif first_session.starts_at <= now:
            errors.append(_("Choose a session that hasn't started yet."))
    if errors:
        raise ValidationError(errors, code="invalid_plan")


def hours_errors(level, hours, transition, adolescent) -> list[str]:
    minimum = IOP_MIN_HOURS["adolescent" if adolescent else "adult"]
    if level == IOP:
        if hours > IOP_MAX_HOURS:
            return [_("Intensive outpatient care is at most 19 hours a week.")]
        if hours < minimum and transition != Transition.RAMP:
            return [
                _(
                    "%(hours)s hours a week is below the intensive outpatient level of care "
                    "(%(minimum)s or more hours a week). Record it as a short ramp back to the "
                    "full schedule, with the date it ends, or as a step-down to outpatient care."
                )
                % {"hours": hours, "minimum": minimum}
            ]
        if hours >= minimum and transition == Transition.RAMP:
            return [_("A ramp back is only for a start below the full hours; leave it out.")]
        return []
    if transition == Transition.RAMP:
        return [_("A ramp back is a start inside intensive outpatient care (level 2.1).")]
    if level in ("1", "1.0", "1.5", "1.7") and hours >= minimum:
        return [_("Outpatient care is under %(minimum)s hours a week.") % {"minimum": minimum}]
    return []


def ramp_errors(program, transition, ramp_until, now) -> list[str]:
    if transition != Transition.RAMP:
        return []
    if ramp_until is None:
        return [_("Give the date the ramp back ends.")]
    today = now.astimezone(program.zone).date()
    if ramp_until <= today:
        return [_("The ramp back ends after today.")]
    if ramp_until > today + timedelta(days=RAMP_MAX_DAYS):
        return [
            _(
                "A ramp back lasts two weeks at most (until %(date)s). For longer, record a "
                "step-down to outpatient care."
            )
            % {"date": (today + timedelta(days=RAMP_MAX_DAYS)).isoformat()}
        ]
    return []


def book_first_session(episode: Episode, session: Session, expect: str, now) -> Expectation:
    """The plan's schedule replaces the old one: open group expectations end
    now (appointments already booked stay), then the new one starts at the
    first session."""
    open_groups = Expectation.objects.filter(episode=episode, group__isnull=False).filter(
        Q(ends__isnull=True) | Q(ends__gt=now)
    )
    open_groups.filter(starts__gt=now).delete()  # never in force
    open_groups.update(ends=now)
    if expect == ExpectAt.ONCE or session.group_id is None:
        return Expectation.objects.create(
            episode=episode, session=session, starts=session.starts_at
        )
    weekday = session.local_weekday if expect == ExpectAt.WEEKLY else None
    return Expectation.objects.create(
        episode=episode, group_id=session.group_id, weekday=weekday, starts=session.starts_at
    )


def remind_ramp_end(plan: ReentryPlan, episode: Episode, until: date) -> None:
    from welcomeback.care.schedule import local_start_to_utc

    program = episode.program
    open_task(
        kind=TaskKind.FOLLOW_UP,
        program=program,
        client=episode.client,
        episode=episode,
        title=(
            _("The ramp back ends: agree the next schedule with %(name)s")
            % {"name": episode.client.display_name}
        )[:200],
        detail=_(
            "Their start was planned as a short ramp back to the full schedule. Talk with "
            "them about what fits next, or record a step-down."
        ),
        due_at=local_start_to_utc(until, program.opens_at, program.zone),
        key=f"ramp-end:{plan.pk}",
    )
