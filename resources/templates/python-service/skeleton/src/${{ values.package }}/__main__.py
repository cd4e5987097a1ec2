"""Entry point: python -m ${{ values.package }}

Configuration comes from the environment:
  PORT  the TCP port to listen on (default ${{ values.port }})
  HOST  the address to bind (default 0.0.0.0)
"""

from __future__ import annotations

import os
import signal
import sys
import threading

from . import __version__
from .server import create_server, log


def main() -> int:
    host = os.environ.get("HOST", "0.0.0.0")
    try:
        port = int(os.environ.get("PORT", "${{ values.port }}"))
        if not 0 <= port <= 65535:
            raise ValueError("PORT must be between 0 and 65535")
        server = create_server(host, port)
    except (OSError, ValueError) as exc:
        log(message="fatal", error=str(exc))
        return 1

    def stop(signum: int, _frame: object) -> None:
        # shutdown() waits for serve_forever() to return, so it must run on another thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log(message="listening", host=host, port=server.server_address[1], version=__version__)
    server.serve_forever()
    server.server_close()
    log(message="stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
