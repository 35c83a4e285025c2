"""Cursor pagination: the next page starts after the last row shown, on an
immutable order ((created, id), or id alone), so rows added meanwhile are
never skipped nor shown twice. The cursor is opaque and signed: a client
cannot forge one, nor carry one from one list to another."""

from datetime import datetime

from django.core import signing
from django.db.models import Q
from ninja.errors import HttpError

SALT = "welcomeback.api.cursor"
DEFAULT_LIMIT = 100
MAX_LIMIT = 500


def page(queryset, *, name: str, cursor: str | None, limit: int, by: str | None = None):
    """(rows, next cursor or None), ordered by ``by`` then id ascending."""
    order = [by, "pk"] if by else ["pk"]
    if cursor:
        queryset = queryset.filter(after(decode(cursor, name), by))
    rows = list(queryset.order_by(*order)[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1]
    values = [getattr(last, by).isoformat(), last.pk] if by else [last.pk]
    return rows, signing.dumps([name, values], salt=SALT, compress=True)


def decode(cursor: str, name: str) -> list:
    try:
        found, values = signing.loads(cursor, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise HttpError(400, "This cursor is not one we gave out.") from None
    if found != name:
        raise HttpError(400, "This cursor belongs to another list.")
    return values


def after(values: list, by: str | None) -> Q:
    if not by:
        return Q(pk__gt=values[0])
    at = datetime.fromisoformat(values[0])
    return Q(**{f"{by}__gt": at}) | Q(**{by: at, "pk__gt": values[1]})
