"""Pacing rules for automated outreach, as pure functions (no database).

When may an automated text or call go to a client? Only inside the allowed
hours in every place they may be (quiet hours: 47 CFR 64.1200(c)(1) and the
state table in ``outreach/data/calling_hours.toml``), within the caps of the
FCC health-care exemption (1 a day, 3 a week: 64.1200(a)(9)(iv)), after the
person's own pause, and never while a conversation with a person is live.

Start with ``earliest_send_time``; the pieces are exported for the callers
and tests that need one rule alone.
"""

from welcomeback.outreach.pacing.caps import Caps, next_under_caps, within_caps
from welcomeback.outreach.pacing.decision import Decision, Hold, earliest_send_time
from welcomeback.outreach.pacing.holds import (
    CONVERSATION_QUIET,
    live_conversation_hold,
    pause_end,
    respect_pause,
)
from welcomeback.outreach.pacing.quiet import HORIZON, allowed_everywhere, next_allowed
from welcomeback.outreach.pacing.windows import (
    FEDERAL_WINDOW,
    PROGRAM_WINDOW,
    Rules,
    StateHours,
    Window,
    sending_window,
    state_table,
)
from welcomeback.outreach.pacing.zones import (
    candidate_states,
    candidate_zones,
    phone_state,
    phone_zones,
    state_zones,
)

__all__ = [
    "CONVERSATION_QUIET",
    "FEDERAL_WINDOW",
    "HORIZON",
    "PROGRAM_WINDOW",
    "Caps",
    "Decision",
    "Hold",
    "Rules",
    "StateHours",
    "Window",
    "allowed_everywhere",
    "candidate_states",
    "candidate_zones",
    "earliest_send_time",
    "live_conversation_hold",
    "next_allowed",
    "next_under_caps",
    "pause_end",
    "phone_state",
    "phone_zones",
    "respect_pause",
    "sending_window",
    "state_table",
    "state_zones",
    "within_caps",
]
