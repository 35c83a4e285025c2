from django.urls import path

from welcomeback.staff import views

app_name = "staff"
urlpatterns = [
    path("", views.today, name="today"),
    path("people/<int:pk>/", views.person, name="person"),
    path("episodes/<int:pk>/discharge/", views.discharge_episode, name="discharge"),
    path("sessions/", views.sessions, name="sessions"),
    path("sessions/<int:pk>/roll-call/", views.roll_call, name="roll_call"),
]
