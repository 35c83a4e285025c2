"""The public side, at the site root. Neutral slugs; no URL carries a name,
a number, an email or anything about care."""

from django.urls import path

from welcomeback.portal import email_updates, one_tap, questionnaire, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("come-back/", views.come_back, name="come_back"),
    path("come-back/thanks/", views.come_back_thanks, name="come_back_thanks"),
    path("for-someone/", views.for_someone, name="for_someone"),
    path("for-someone/thanks/", views.for_someone_thanks, name="for_someone_thanks"),
    path("first-steps/", views.first_steps, name="first_steps"),
    path("questions/", views.questions, name="questions"),
    path("updates/", email_updates.sign_up, name="updates"),
    path("updates/sent/", email_updates.sent, name="updates_sent"),
    path("updates/confirm/<str:token>/", email_updates.confirm, name="updates_confirm"),
    path("updates/unsubscribe/<str:token>/", email_updates.unsubscribe, name="updates_unsubscribe"),
    path("l/<slug:purpose>/<str:token>/", one_tap.one_tap, name="link"),
    path("a-few-questions/<str:token>/", questionnaire.questionnaire, name="questionnaire"),
]
