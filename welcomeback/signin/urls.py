from django.urls import path

from welcomeback.signin import views

app_name = "signin"
urlpatterns = [
    path("two-factor/", views.verify, name="verify"),
    path("two-factor/set-up/", views.set_up, name="set_up"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("sessions/", views.session_list, name="my_sessions"),
    path("sessions/<int:pk>/end/", views.end_session, name="end_session"),
]
