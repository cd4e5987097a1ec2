"""The HTTP API, as a pure function of the request so it is tested without sockets.

GET /healthz     liveness: the process is up
GET /readyz      readiness: the service accepts traffic
GET /v1/info     the service name and version
GET /v1/hello    a greeting; optional query parameter `name` (1 to 64 characters)
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from . import __version__

SERVICE_NAME = "${{ values.name }}"
ROUTES = frozenset({"/healthz", "/readyz", "/v1/info", "/v1/hello"})
MAX_NAME_LENGTH = 64


@dataclass(frozen=True)
class Response:
    status: int
    body: dict[str, str]
    headers: dict[str, str] = field(default_factory=dict)

    def encode(self) -> bytes:
        return json.dumps(self.body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return Response(status, {"error": message}, headers or {})


def handle(method: str, target: str) -> Response:
    """Answers one request, given its method and request target (path and query)."""
    parts = urlsplit(target)
    path = parts.path
    if path not in ROUTES:
        return error(404, f"no route for {path}")
    if method not in ("GET", "HEAD"):
        return error(405, f"method {method} is not allowed on {path}", {"Allow": "GET, HEAD"})

    if path == "/healthz":
        return Response(200, {"status": "ok"})
    if path == "/readyz":
        return Response(200, {"status": "ready"})
    if path == "/v1/info":
        return Response(200, {"name": SERVICE_NAME, "version": __version__})

    query = parse_qs(parts.query, keep_blank_values=True)
    name = query.get("name", ["world"])[-1]
    if not 1 <= len(name) <= MAX_NAME_LENGTH:
        return error(400, f"name must be 1 to {MAX_NAME_LENGTH} characters long")
    return Response(200, {"message": f"Hello, {name}!"})
