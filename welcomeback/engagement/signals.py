"""Signals from engagement to higher floors."""

from django.dispatch import Signal

# Sent after a sweep batch commits. Argument: changes, a list of
# (episode_id, seq, to_status, at) for every status change in the batch.
statuses_changed = Signal()
