"""The socket side: a threading HTTP/1.1 server that logs one JSON line per request."""

from __future__ import annotations

import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import __version__
from .app import SERVICE_NAME, handle


def log(**fields: object) -> None:
    print(json.dumps(fields, separators=(",", ":")), file=sys.stdout, flush=True)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = f"{SERVICE_NAME}/{__version__}"
    timeout = 5  # seconds a client may take to send its request

    def version_string(self) -> str:
        return self.server_version

    def _respond(self) -> None:
        started = time.monotonic()
        response = handle(self.command, self.path)
        body = response.encode()
        self.send_response(response.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.close_connection = True
        log(method=self.command, path=self.path.split("?", 1)[0], status=response.status,
            duration_ms=round((time.monotonic() - started) * 1000, 3))

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _respond

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass  # _respond logs a JSON line instead

    def log_error(self, format: str, *args: object) -> None:  # noqa: A002 (the base class names it so)
        log(level="error", message=format % args)


class Server(ThreadingHTTPServer):
    # Finish the requests in flight on shutdown instead of killing their threads.
    daemon_threads = False
    block_on_close = True


def create_server(host: str, port: int) -> Server:
    """Binds at once; port 0 picks a free port (see server.server_address)."""
    return Server((host, port), Handler)
