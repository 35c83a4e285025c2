from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from tests.factories import ClientFactory, ProgramFactory, enrolled, group_meeting
from welcomeback.care.attendance import record_attendance
from welcomeback.care.models import AttendanceStatus, Session
from welcomeback.care.schedule import generate_sessions
from welcomeback.engagement import sweep
from welcomeback.engagement.models import Engagement, Status

pytestmark = pytest.mark.django_db


def test_smoke():
    start = datetime(2026, 3, 2, 12, tzinfo=UTC)  # a Monday
    with time_machine.travel(start, tick=False):
        program = ProgramFactory()
        group = group_meeting(program)
        generate_sessions(group, start.date(), start.date() + timedelta(days=60))
        client = ClientFactory(organization=program.site.organization)
        episode = enrolled(client, program, start, [group])
        first = Session.objects.filter(group=group).order_by("starts_at").first()
    with time_machine.travel(first.starts_at + timedelta(minutes=5), tick=False):
        record_attendance(first, client, AttendanceStatus.ATTENDED)
        sweep.run_once()
        assert Engagement.objects.get(pk=episode.pk).status == Status.ENGAGED
    with time_machine.travel(first.starts_at + timedelta(days=9), tick=False):
        result = sweep.run_once()
        e = Engagement.objects.get(pk=episode.pk)
        print(e.status, e.reason, result)
        assert e.status == Status.LAPSING
        assert sweep.run_once().checked == 0
