"""The REST API (django-ninja), at /api/. Paths are versioned (/api/v1/…);
the OpenAPI schema is at /api/openapi.json and its pages at /api/docs."""

from ninja import NinjaAPI

from welcomeback.api import attendance, endpoints  # noqa: F401  (attendance adds its route)
from welcomeback.api.auth import KeyAuth

api = NinjaAPI(
    title="Welcome Back API",
    version="1",
    description=(
        "Clients, groups, sessions, attendance, return requests, outreach events and "
        "engagement status for one program, with an API key made at /staff/api-keys/. "
        "Ids only in URLs; lists are cursor-paged. See docs/integration.md."
    ),
    auth=KeyAuth(),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("/v1/", endpoints.router)
