"""What the error pages need without a view, a request or the database."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def exit_url() -> str:
    return settings.PUBLIC_EXIT_URL
