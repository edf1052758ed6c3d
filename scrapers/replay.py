"""A loopback HTTP server that replays recorded board responses (demo, tests, benchmark).

Files under ``root`` are served by path: ``/greenhouse/anthropic.json`` →
``root/greenhouse/anthropic.json``. A POST with a JSON body holding an ``offset`` (Workday's paged
CXS list, the one POST API replayed) is answered from ``root/<path>/<offset>.json``. It binds 127.0.0.1
on a free port and never touches the internet.
"""

from __future__ import annotations

import json
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib signature
        pass

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        try:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
            offset = int(body["offset"])
        except (ValueError, TypeError, KeyError):
            self.send_error(400, "expected a JSON body with an offset")
            return
        self.path = f"{self.path.split('?', 1)[0].rstrip('/')}/{offset}.json"
        self.do_GET()


class ReplayServer:
    def __init__(self, root: Path) -> None:
        handler = partial(_QuietHandler, directory=str(root))
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> "ReplayServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
