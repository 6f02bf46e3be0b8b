"""Security headers for every HTTP response, as a plain ASGI middleware (no Streamlit import).

`streamlit run` offers no hook for response headers; its own settings cover XSRF
(`server.enableXsrfProtection = true`, the default) and CORS (`server.enableCORS = true`, the
default, i.e. cross-origin requests refused). To add the headers below, serve the app through
`st.App` (Starlette) with this middleware, e.g. an `asgi.py` beside app.py:

    import streamlit as st
    from starlette.middleware import Middleware
    from access.http_headers import SecurityHeaders
    app = st.App("app.py", middleware=[Middleware(SecurityHeaders)])

and run `uvicorn asgi:app --host 127.0.0.1 --port 8501` (docs/access.md).

The Content-Security-Policy keeps every fetch on the app's own origin (the offline rule, enforced
by the browser too) and forbids framing (click-jacking). Streamlit's front end needs inline
styles, `unsafe-eval` (Vega) and blob: workers, so those are allowed.
"""

from __future__ import annotations

CSP = (
    "default-src 'self'; "
    "script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:; "
    "style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; "
    "font-src 'self' data:; "
    "connect-src 'self' ws: wss:; "
    "worker-src 'self' blob:; "
    "frame-src 'self' blob: data:; "
    "frame-ancestors 'none'; "
    "base-uri 'self'; "
    "object-src 'none'"
)

DEFAULT_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cache-Control": "no-store",
}


class SecurityHeaders:
    """Adds DEFAULT_HEADERS (plus Strict-Transport-Security when `hsts`) to HTTP responses,
    without overriding a header the app already set; WebSocket traffic passes untouched."""

    def __init__(self, app, headers: dict[str, str] | None = None, hsts: bool = False) -> None:
        self.app = app
        self.headers = dict(DEFAULT_HEADERS if headers is None else headers)
        if hsts:
            self.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        self._raw = [
            (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in self.headers.items()
        ]

    async def __call__(self, scope, receive, send):
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message):
            if message.get("type") == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self._raw if k not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
