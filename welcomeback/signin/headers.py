"""Response headers Django and django-csp do not set themselves.

- ``Permissions-Policy``: no page here uses the camera, microphone,
  location, payment or USB, so none may (nor may anything injected).
- ``Cache-Control: no-store`` on the staff side and the sign-in pages:
  a browser must not keep people's records on disk, nor show them again
  with the Back button after signing out on a shared computer.
"""

from django.utils.cache import add_never_cache_headers

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "browsing-topics",
    )
)
PRIVATE = ("/staff/", "/admin/", "/accounts/")


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if request.path.startswith(PRIVATE):
            add_never_cache_headers(response)
        return response
