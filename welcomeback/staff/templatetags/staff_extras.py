from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from welcomeback.engagement.policy import reason_text

register = template.Library()


@register.simple_tag
def engagement_reason(engagement):
    """The reason in the viewer's language, with "days ago" as of now."""
    return reason_text(
        timezone.now(),
        engagement.last_contact_at,
        engagement.started_at,
        engagement.missed_count,
        engagement.recent_missed,
        engagement.program.zone,
    )


@register.simple_tag
def ago(moment, zone=None):
    """'9 days ago', with the exact local time for hover and focus."""
    if moment is None:
        return _("never")
    local = timezone.localtime(moment, timezone=zone) if zone else timezone.localtime(moment)
    exact = local.strftime("%Y-%m-%d %H:%M %Z")
    now = timezone.now()
    if moment > now:
        words = _("in %(time)s") % {"time": timesince(now, moment, depth=1)}
    else:
        words = _("%(time)s ago") % {"time": timesince(moment, now, depth=1)}
    return format_html(
        '<time datetime="{}" title="{}" tabindex="0">{}</time>', moment.isoformat(), exact, words
    )


STATUS_ICONS = {
    "engaged": "✓",
    "missed": "○",
    "lapsing": "◔",
    "disengaged": "◑",
    "interrupted": "◕",
    "inactive": "●",
    "attended": "✓",
    "late": "◷",
    "excused": "–",
    "cancelled": "×",
}


@register.simple_tag
def status_badge(status, label):
    """Status as a word and an icon, never colour alone."""
    return format_html(
        '<span class="badge badge-{}"><span aria-hidden="true">{}</span> {}</span>',
        status,
        STATUS_ICONS.get(status, "•"),
        label,
    )


@register.simple_tag
def request_clock(request, now):
    """A visible response clock: time left, or how long past due."""
    if request.first_response_at:
        return format_html('<span class="clock clock-answered">{}</span>', _("Answered"))
    left = request.due_at - now
    if left.total_seconds() >= 0:
        words = _("answer within %(time)s") % {"time": timesince(now, request.due_at, depth=1)}
        css = "clock-soon" if left.total_seconds() < 15 * 60 else "clock-ok"
    else:
        words = _("past due by %(time)s") % {"time": timesince(request.due_at, now, depth=1)}
        css = "clock-overdue"
    return format_html(
        '<span class="clock {}"><span aria-hidden="true">◷</span> {}</span>', css, words
    )
