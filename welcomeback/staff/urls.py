from django.urls import path

from welcomeback.staff import views

app_name = "staff"
urlpatterns = [
    path("", views.today, name="today"),
]
