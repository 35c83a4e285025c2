"""One authorisation funnel per object type, used by every staff view.

Every signed-in staff member may see every program for now; roles and
per-program access arrive with the accounts app, and will be enforced here.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from welcomeback.care.models import Client, Episode, Program, Session


def require_staff(request) -> None:
    if not request.user.is_authenticated or not request.user.is_staff:
        raise PermissionDenied


def programs_for_staff(request):
    require_staff(request)
    return Program.objects.select_related("site").order_by("site__name", "name")


def get_client_for_staff(request, pk: int) -> Client:
    require_staff(request)
    return get_object_or_404(Client, pk=pk)


def get_session_for_staff(request, pk: int) -> Session:
    require_staff(request)
    return get_object_or_404(Session.objects.select_related("group", "program__site"), pk=pk)


def get_episode_for_staff(request, pk: int) -> Episode:
    require_staff(request)
    return get_object_or_404(
        Episode.objects.select_related("client", "program", "engagement"), pk=pk
    )
