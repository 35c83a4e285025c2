from django.urls import path

from welcomeback.staff import outreach_views, requests_views, returns_views, team_views, views

app_name = "staff"
urlpatterns = [
    path("", views.today, name="today"),
    path("people/<int:pk>/", views.person, name="person"),
    path("episodes/<int:pk>/discharge/", views.discharge_episode, name="discharge"),
    path("sessions/", views.sessions, name="sessions"),
    path("sessions/<int:pk>/roll-call/", views.roll_call, name="roll_call"),
    path("people/<int:pk>/contact/", outreach_views.contact, name="contact"),
    path("templates/", outreach_views.templates, name="templates"),
    path("templates/<int:pk>/", outreach_views.template_edit, name="template_edit"),
    path("templates/<int:pk>/check/", outreach_views.template_check, name="template_check"),
    path("outreach/", outreach_views.outreach_log, name="outreach_log"),
    path("tasks/", outreach_views.tasks, name="tasks"),
    path("tasks/<int:pk>/done/", outreach_views.task_done, name="task_done"),
    path("requests/new/", requests_views.request_new, name="request_new"),
    path("requests/<int:pk>/", requests_views.request_detail, name="request"),
    path("requests/<int:pk>/status/", requests_views.request_status, name="request_status"),
    path("requests/<int:pk>/take/", requests_views.request_take, name="request_take"),
    path("team/", team_views.team, name="team"),
    path("team/roles/<int:pk>/remove/", team_views.team_remove, name="team_remove"),
    # Coming back (returns_views.py; docs/returns.md, "Pages")
    path("requests/<int:pk>/attempt/", returns_views.request_attempt, name="request_attempt"),
    path("requests/<int:pk>/reasons/", returns_views.request_reasons, name="request_reasons"),
    path(
        "requests/<int:pk>/declined/",
        returns_views.request_outcome,
        {"outcome": "declined"},
        name="request_declined",
    ),
    path(
        "requests/<int:pk>/referred/",
        returns_views.request_outcome,
        {"outcome": "referred"},
        name="request_referred",
    ),
    path(
        "requests/<int:pk>/unreachable/",
        returns_views.request_outcome,
        {"outcome": "unreachable"},
        name="request_unreachable",
    ),
    path("requests/<int:pk>/reassessment/", returns_views.reassessment, name="reassessment"),
    path(
        "requests/<int:pk>/reassessment/save/",
        returns_views.reassessment_save,
        name="reassessment_save",
    ),
    path("requests/<int:pk>/plan/", returns_views.plan, name="plan"),
    path("requests/<int:pk>/plan/agree/", returns_views.plan_agree, name="plan_agree"),
]
