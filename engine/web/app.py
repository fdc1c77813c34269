"""The ASGI app: pages, the /api/v1 API, OpenAPI, and the safety middleware."""
from __future__ import annotations

import contextlib
import secrets
import shutil

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.responses import JSONResponse

from ..version import __version__
from .settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    from . import api, pages
    from .jobs import Jobs
    from .security import BodyLimit, Headers

    settings = settings or Settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        app.state.jobs.pool.shutdown(wait=False, cancel_futures=True)
        shutil.rmtree(settings.workdir, ignore_errors=True)

    app = FastAPI(title="gridlaw API", version=__version__, lifespan=lifespan, redoc_url=None, docs_url=None,
                  description="Checks acts of grid-based social governance (网格化服务管理) against the municipal "
                              "regulations of Binzhou, Yancheng, Quzhou, Zigong and Jiaxing. Decisions are the JSON "
                              "of `gridlaw check -f json`; errors are `{\"errors\": [{location, line, message}]}`.")
    app.state.settings = settings
    app.state.csrf_secret = secrets.token_bytes(32)   # signs the CSRF double-submit cookie
    app.state.jobs = Jobs(settings)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.add_middleware(BodyLimit, settings=settings)
    app.add_middleware(Headers)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(settings.allowed_hosts))

    @app.exception_handler(api.BadRequest)
    async def bad_request(request: Request, exc: api.BadRequest) -> JSONResponse:
        return JSONResponse({"errors": exc.errors}, exc.status)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        # The value is never echoed back: it may be personal data.
        return JSONResponse({"errors": [{"location": ".".join(str(p) for p in e["loc"]), "line": None,
                                         "message": e["msg"]} for e in exc.errors()]}, 422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        from .pages import page

        if request.url.path.startswith("/api/"):
            return JSONResponse({"errors": [{"location": "path", "line": None, "message": str(exc.detail)}]},
                                exc.status_code)
        return page(request, "error.html.j2", exc.status_code, title=str(exc.status_code),
                    message="页面不存在。" if exc.status_code == 404 else str(exc.detail))

    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        spec = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        components = spec.setdefault("components", {}).setdefault("schemas", {})
        for model in api.BODY_MODELS:
            schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(schema.pop("$defs", {}))
            components[model.__name__] = schema
        app.openapi_schema = spec
        return spec

    app.openapi = openapi  # type: ignore[method-assign]
    _offline_docs(app)
    return app


def _offline_docs(app: FastAPI) -> None:
    """/docs with Swagger UI 5 served from the swagger-ui-bundle-v2 package (FastAPI's offline pattern): a
    township's intranet has no CDN, and the page must not be blank."""
    from fastapi.openapi.docs import get_swagger_ui_html
    from starlette.staticfiles import StaticFiles

    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:         # without the server extra's bundle: FastAPI's page (assets from its CDN)
        swagger_ui_path = None
    if swagger_ui_path is not None:
        app.mount("/docs/assets", StaticFiles(directory=str(swagger_ui_path)), name="swagger-ui")
    assets = "/docs/assets" if swagger_ui_path is not None else None

    @app.get("/docs", include_in_schema=False)
    async def docs():   # noqa: ANN202
        if assets is None:
            return get_swagger_ui_html(openapi_url="/openapi.json", title="gridlaw API 文档")
        return get_swagger_ui_html(openapi_url="/openapi.json", title="gridlaw API 文档",
                                   swagger_js_url=f"{assets}/swagger-ui-bundle.js",
                                   swagger_css_url=f"{assets}/swagger-ui.css",
                                   swagger_favicon_url="data:,")        # nothing fetched from elsewhere
