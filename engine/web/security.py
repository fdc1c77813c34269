"""Safe defaults for every request: bounded bodies, known hosts, strict headers, CSRF on forms."""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from .settings import Settings

CSRF_COOKIE = "gridlaw_csrf"
CSRF_FIELD = "csrf_token"
UPLOAD_PATHS = ("/audit", "/api/v1/audit", "/assignment")  # the only routes taking files
# Pages carry no scripts; the decision and audit reports bring inline CSS and SVG only.
# The pages' one script: a file input's native button speaks the browser's language (English on most
# machines), so a styled 选择文件 label stands in for it and this names the file chosen. Allowed by its hash
# alone: no other script runs on the pages.
FILEPICK_JS = ("document.querySelectorAll('.filepick input[type=file]').forEach(function (i) {"
               "i.addEventListener('change', function () {"
               "i.parentNode.querySelector('.chosen').textContent = i.files.length ? i.files[0].name : '\u672a\u9009\u62e9\u6587\u4ef6';"
               "});});")
_FILEPICK_HASH = base64.b64encode(hashlib.sha256(FILEPICK_JS.encode()).digest()).decode()
CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; "
       f"base-uri 'none'; script-src 'sha256-{_FILEPICK_HASH}'")


def _message(limit: int) -> str:
    return f"请求体超过上限 {limit // 1024} KB" if limit < 1024 * 1024 else f"请求体超过上限 {limit // (1024 * 1024)} MB"


class BodyLimit:
    """Rejects a body above the limit with 413 before any route reads it (Content-Length or streamed)."""

    def __init__(self, app, settings: Settings):
        self.app = app
        self.settings = settings

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            return await self.app(scope, receive, send)
        path = scope["path"]
        limit = self.settings.max_upload_bytes if path.startswith(UPLOAD_PATHS) else self.settings.max_json_bytes
        headers = dict(scope["headers"])
        try:
            declared = int(headers.get(b"content-length", b"0") or 0)
        except ValueError:
            declared = 0
        if declared > limit:
            return await _too_large(scope, receive, send, limit)
        chunks, size, more = [], 0, True
        while more:
            msg = await receive()
            if msg["type"] == "http.disconnect":
                return
            chunk = msg.get("body", b"")
            size += len(chunk)
            if size > limit:
                return await _too_large(scope, receive, send, limit)
            chunks.append(chunk)
            more = msg.get("more_body", False)
        body = b"".join(chunks)
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return await self.app(scope, replay, send)


async def _too_large(scope, receive, send, limit: int) -> None:
    from starlette.responses import HTMLResponse, JSONResponse

    if scope["path"].startswith("/api/"):
        resp = JSONResponse({"errors": [{"location": "body", "line": None, "message": _message(limit)}]}, 413)
    else:
        resp = HTMLResponse(f"<!doctype html><meta charset=utf-8><title>413</title><p>{_message(limit)}</p>", 413)
    await resp(scope, receive, send)


class Headers:
    """Security headers on every response."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def wrapped(msg):
            if msg["type"] == "http.response.start":
                h = list(msg.get("headers", []))
                names = {k.lower() for k, _ in h}
                extra = {b"x-content-type-options": b"nosniff", b"referrer-policy": b"no-referrer",
                         b"x-frame-options": b"DENY", b"cache-control": b"no-store"}
                if not scope["path"].startswith(("/docs", "/redoc")):  # the API docs page loads its own scripts
                    extra[b"content-security-policy"] = CSP.encode()
                h += [(k, v) for k, v in extra.items() if k not in names]
                msg = {**msg, "headers": h}
            await send(msg)

        return await self.app(scope, receive, wrapped)


_PROCESS_SECRET = secrets.token_bytes(32)


def _secret(request) -> bytes:
    """The server's CSRF key: made per app (create_app), else per process; never sent to a client."""
    state = getattr(getattr(request, "app", None), "state", None)
    key = getattr(state, "csrf_secret", None)
    return key if isinstance(key, bytes) and len(key) >= 32 else _PROCESS_SECRET


def _sign(request, nonce: str) -> str:
    return hmac.new(_secret(request), nonce.encode(), hashlib.sha256).hexdigest()


def _signed(request, token: str) -> bool:
    """A token is ``nonce.signature`` with the signature made by this server's key."""
    nonce, _, sig = token.partition(".")
    return (32 <= len(nonce) <= 64 and nonce.replace("-", "").replace("_", "").isalnum() and len(sig) == 64
            and hmac.compare_digest(sig, _sign(request, nonce)))


def csrf_token(request) -> tuple[str, bool]:
    """The request's CSRF token (from its cookie, if this server signed it) or a new signed one;
    True when the cookie must be set."""
    token = request.cookies.get(CSRF_COOKIE, "")
    if _signed(request, token):
        return token, False
    nonce = secrets.token_urlsafe(32)
    return f"{nonce}.{_sign(request, nonce)}", True


def csrf_ok(request, form) -> bool:
    """Signed double submit: the form's hidden token must equal the cookie, and the cookie must carry
    this server's signature — a value a client invents for both (same in cookie and form) is refused."""
    cookie = request.cookies.get(CSRF_COOKIE, "")
    sent = form.get(CSRF_FIELD, "")
    return (bool(cookie) and isinstance(sent, str) and hmac.compare_digest(cookie.encode(), sent.encode())
            and _signed(request, cookie))


def set_csrf_cookie(response, token: str) -> None:
    response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", path="/")
