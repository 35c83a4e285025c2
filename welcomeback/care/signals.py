"""Signals that let higher floors react to the care record without `care`
importing them (ARCHITECTURE.md: imports run one way)."""

from django.dispatch import Signal

# Sent after an attendance row is written. Arguments: attendance, created.
attendance_recorded = Signal()

# Sent after many attendance rows are written at once (imports, the API's
# bulk endpoint), instead of attendance_recorded for each. Arguments:
# pairs, a set of (client_id, program_id) with a contact (attended or late).
attendance_recorded_in_bulk = Signal()

# Sent after an episode's status changes. Arguments: episode, from_status.
episode_status_changed = Signal()
