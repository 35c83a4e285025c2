from django.urls import path

from welcomeback.interop import views

app_name = "interop"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("<int:pk>/", views.run_page, name="run"),
    path("<int:pk>/problems.csv", views.errors_csv, name="errors_csv"),
]
