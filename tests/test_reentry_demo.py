"""The demo holds returned people whose records tell the whole story."""

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import override_settings

from welcomeback.care.models import EpisodeStatus
from welcomeback.engagement.models import Engagement, Status
from welcomeback.returns.models import Assessment, ReentryPlan, RequestStatus, ReturnRequest
from welcomeback.returns.story import story

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 12, 10, 22, 30, tzinfo=ZoneInfo("America/New_York"))


@pytest.fixture
def demo():
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        call_command(
            "seeddemo",
            "--seed",
            "1",
            "--clients",
            "120",
            "--now",
            NOW.isoformat(),
            stdout=StringIO(),
            stderr=StringIO(),
        )


def test_returned_people_are_engaged_again_with_the_whole_story(demo):
    plans = list(ReentryPlan.objects.select_related("episode", "request").order_by("pk"))
    assert len(plans) == 3
    same, long_gap = plans[:2], plans[2]
    for plan in same:
        episode = plan.episode
        assert episode.previous is None or episode.previous.client_id == episode.client_id
        assert plan.request.status == RequestStatus.RESUMED
        assert plan.transition == "ramp" and plan.steps == ["one_group"]
        assert Engagement.objects.get(pk=episode.pk).status == Status.ENGAGED
        assert episode.status == EpisodeStatus.ACTIVE
        codes = set(
            Assessment.objects.filter(request=plan.request).values_list("instrument", flat=True)
        )
        assert codes == {"cssrs", "phq9"}
        kinds = [event.kind for event in story(episode.client)]
        first = {kind: kinds.index(kind) for kind in set(kinds)}
        assert first["drift"] < first["outreach"] < first["request"] < first["assessment"]
        assert first["assessment"] < first["plan"]
        # Same episode: the attendance from before the drift is on it too.
        assert episode.attendance.filter(session__starts_at__lt=plan.request.created).exists()
    assert long_gap.episode.previous is not None
    assert long_gap.episode.previous.status == EpisodeStatus.FINISHED
    assert long_gap.request.status == RequestStatus.RESUMED
    assert Engagement.objects.get(pk=long_gap.episode.pk).status == Status.ENGAGED
    assert ReturnRequest.objects.filter(status=RequestStatus.RESUMED).count() == 3
