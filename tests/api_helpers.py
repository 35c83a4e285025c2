"""Shared set-up for the API tests: Riverbend with its Evening group and
three people, Harbor (another organization) with one person, and keys."""

from datetime import date, time

from tests.factories import enrolled, group_meeting, harbor, local, person, riverbend, sessions_of
from welcomeback.api.keys import create_key


class World:
    pass


def build_world() -> World:
    w = World()
    w.program = riverbend()
    w.group = group_meeting(w.program, slots=((1, time(18)), (3, time(18))))
    start = local(w.program, 2026, 3, 2)
    w.sessions = sessions_of(w.group, date(2026, 3, 2), days=28)
    w.maya = person(w.program, "Maya", external_id="EHR-1")
    w.jordan = person(w.program, "Jordan", external_id="EHR-2")
    w.sam = person(w.program, "Sam", external_id="EHR-3")
    for client in (w.maya, w.jordan, w.sam):
        enrolled(client, w.program, start, groups=[w.group])
    w.other = harbor()
    w.other_group = group_meeting(w.other, name="Morning group")
    w.other_sessions = sessions_of(w.other_group, date(2026, 3, 2), days=14)
    w.stranger = person(w.other, "Robin", external_id="EHR-1")
    enrolled(w.stranger, w.other, local(w.other, 2026, 3, 2), groups=[w.other_group])
    w.read_key, w.read_token = create_key(w.program, "EHR reader", "read")
    w.write_key, w.write_token = create_key(w.program, "EHR sync", "write")
    return w


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
