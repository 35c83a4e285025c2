from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from welcomeback.signin import views as signin_views

urlpatterns = [
    # The public side at the root: /, /come-back/, /for-someone/, /l/…
    # (docs/public-pages.md). First, because the public forms must answer
    # fastest; none of its paths overlaps another pattern's.
    path("", include("welcomeback.portal.urls")),
    path("staff/", include("welcomeback.staff.urls")),
    path("", include("welcomeback.api.urls")),  # /api/, /staff/api-keys/, /staff/webhooks/
    path("staff/audit/", include("welcomeback.accounts.urls")),
    path("staff/import/", include("welcomeback.interop.urls")),
    path("staff/part2/", include("welcomeback.disclosures.urls")),
    path("o/", include("welcomeback.outreach.urls")),
    path("accounts/login/", signin_views.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The second factor, recovery codes and one's own sessions (docs/security.md)
    path("accounts/", include("welcomeback.signin.urls")),
    # The admin signs in through the same two steps, lockout included.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="login", query_string=True),
        name="admin_login",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
