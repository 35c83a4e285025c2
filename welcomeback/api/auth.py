"""The API's one way in: ``Authorization: Bearer <token>``."""

from ninja.security import HttpBearer

from welcomeback.api import calls
from welcomeback.api.keys import find_key, prefix_of


class KeyAuth(HttpBearer):
    openapi_description = "An API key made at /staff/api-keys/ (shown once)."

    def authenticate(self, request, token):
        key, why = find_key(token)
        if key is None:
            prefix = prefix_of(token)
            label = f"api key {prefix}" if prefix else "api"
            calls.refused(request, 401, "api.apikey", label=label, why=why)
            return None
        return key
