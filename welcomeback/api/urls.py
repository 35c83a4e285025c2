"""Included at the root: the API at /api/, and its staff screens under
/staff/api-keys/ and /staff/webhooks/."""

from django.urls import include, path

from welcomeback.api import views
from welcomeback.api.api import api

staff_patterns = [
    path("api-keys/", views.keys, name="keys"),
    path("api-keys/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("webhooks/", views.webhooks, name="webhooks"),
    path("webhooks/<int:pk>/", views.webhook, name="webhook"),
    path("webhooks/<int:pk>/off/", views.webhook_off, name="webhook_off"),
]

urlpatterns = [
    path("api/", api.urls),
    path("staff/", include((staff_patterns, "api_admin"))),
]
