"""`/docs`: the interactive API page (Swagger UI) of a service, safe on an origin that also
holds credentials (intake's field app and its device token, routing's queue sessions, a token
pasted into "Authorize"). Swagger UI comes from a CDN at one pinned version, each file with its
Subresource Integrity hash, so a changed file is not run; a strict Content-Security-Policy lets
the page run only those files and its own start script (no inline script), and talk only to
this service. ReDoc's page (`/redoc`) is not served: it needs workers made from blobs and web
fonts, and Swagger UI shows the same document. The document itself stays at `/openapi.json`
(and in docs/openapi/)."""

from __future__ import annotations

from typing import Final, TypeVar

from fastapi import APIRouter, params
from fastapi.responses import HTMLResponse, Response

__all__ = ["POLICY", "docs_routes"]

R = TypeVar("R", bound=Response)

SWAGGER_UI: Final = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5.35.0"
# sha384 of the files in the npm package swagger-ui-dist 5.35.0, which the CDN serves unchanged:
# a new version means new hashes (`openssl dgst -sha384 -binary FILE | base64`).
SCRIPT_SRI: Final = "sha384-gjRm0bEPMeTmMh5jT2cHccIwCUZSTd8YC+j0d0sXw0MdGEfScduGpSyF3ZSSLkX9"
STYLE_SRI: Final = "sha384-WlYgdmXYOOBWL5apwjDEZwN+U3HmXSSu5R6V5aGxEcf7z+KuRNwBhoxKVN1i3D5I"
START: Final = "/docs/start.js"
POLICY: Final = (
    # The two files by their exact paths: the CDN serves any npm package's files besides.
    f"default-src 'none'; script-src 'self' {SWAGGER_UI}/swagger-ui-bundle.js; "
    # Swagger UI sets style attributes on its elements: styles only, never script.
    f"style-src {SWAGGER_UI}/swagger-ui.css 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_PAGE: Final = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{title}}</title>
<link rel="stylesheet" href="{SWAGGER_UI}/swagger-ui.css"
      integrity="{STYLE_SRI}" crossorigin="anonymous">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{SWAGGER_UI}/swagger-ui-bundle.js"
        integrity="{SCRIPT_SRI}" crossorigin="anonymous"></script>
<script src="{START}"></script>
</body>
</html>
"""
_START_SCRIPT: Final = """window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  layout: "BaseLayout",
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
});
"""


def docs_routes(title: str, public: params.Depends) -> APIRouter:
    """`/docs` and its start script, open to anyone (`public`): the API's description only."""
    router = APIRouter(include_in_schema=False, dependencies=[public])

    @router.get("/docs")
    async def docs() -> HTMLResponse:
        return _guarded(HTMLResponse(_PAGE.replace("{title}", title)))

    @router.get(START)
    async def start() -> Response:
        return _guarded(Response(_START_SCRIPT, media_type="text/javascript; charset=utf-8"))

    return router


def _guarded(response: R) -> R:
    response.headers["Content-Security-Policy"] = POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
