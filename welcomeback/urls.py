from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("staff/", include("welcomeback.staff.urls")),
    path("", include("welcomeback.api.urls")),  # /api/, /staff/api-keys/, /staff/webhooks/
    path("staff/audit/", include("welcomeback.accounts.urls")),
    path("o/", include("welcomeback.outreach.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # The public side at the root: /, /come-back/, /for-someone/, /l/… (docs/public-pages.md)
    path("", include("welcomeback.portal.urls")),
]
