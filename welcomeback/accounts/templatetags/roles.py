"""What the signed-in person may do, for menus: ``{% load roles %}`` then
``{% staff_actions as may %}`` and ``{% if "view_outreach" in may %}``.

A menu only hides; every view checks again on the object (staff/access.py)."""

from django import template

from welcomeback.accounts import permissions

register = template.Library()


@register.simple_tag(takes_context=True)
def staff_actions(context) -> frozenset[str]:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return permissions.actions_for(user)
