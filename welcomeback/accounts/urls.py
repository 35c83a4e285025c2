"""Included under /staff/audit/ (welcomeback/urls.py)."""

from django.urls import path

from welcomeback.accounts import views_audit

app_name = "audit"
urlpatterns = [
    path("", views_audit.events, name="events"),
    path("client/<int:client_id>/", views_audit.client_report, name="client_report"),
]
