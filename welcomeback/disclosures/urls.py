"""Included under /staff/part2/ (welcomeback/urls.py). Ids only in paths: no PHI."""

from django.urls import path

from welcomeback.disclosures import views

app_name = "part2"
urlpatterns = [
    path("people/<int:pk>/", views.part2, name="person"),
    path("people/<int:pk>/consents/new/", views.consent_new, name="consent_new"),
    path("people/<int:pk>/disclose/", views.disclose_view, name="disclose"),
    path("people/<int:pk>/emergency/", views.emergency, name="emergency"),
    path("people/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("break-glass/", views.break_glass, name="break_glass"),
]
