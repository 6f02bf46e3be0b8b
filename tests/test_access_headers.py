"""Security headers middleware: every HTTP response carries them; WebSockets pass untouched."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient

from access.http_headers import SecurityHeaders


async def hello(request):
    return PlainTextResponse("hi", headers={"Cache-Control": "max-age=60"})


async def ws(websocket):
    await websocket.accept()
    await websocket.send_text("ok")
    await websocket.close()


def client(**kw) -> TestClient:
    app = Starlette(
        routes=[Route("/", hello), WebSocketRoute("/ws", ws)],
        middleware=[Middleware(SecurityHeaders, **kw)],
    )
    return TestClient(app)


def test_every_response_carries_the_security_headers():
    r = client().get("/")
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    csp = r.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert r.headers["cache-control"] == "max-age=60"  # the app's own header wins
    assert "strict-transport-security" not in r.headers
    assert client().get("/missing").headers["x-frame-options"] == "DENY"


def test_hsts_only_when_asked_for():
    assert "strict-transport-security" in client(hsts=True).get("/").headers


def test_websockets_pass_through():
    with client().websocket_connect("/ws") as s:
        assert s.receive_text() == "ok"
