"""A loopback HTTP server whose boards misbehave on purpose, for crawl fault and safety tests.

Boards are Greenhouse-shaped (``{"jobs": [...]}``), written for these tests. Each route is one
fault; ``hits`` records every request (path, headers, time) so tests can check what the crawler
actually sent. It binds 127.0.0.1 on a free port, answers with a bounded number of threads, never
holds a request longer than ``slow_seconds`` and shuts itself down after ``lifetime`` seconds.
"""

from __future__ import annotations

import json
import ssl
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def job(number: int, title: str | None = "Backend Engineer", published: str = "2026-03-02T10:00:00Z") -> dict:
    posting = {"id": number, "title": f"{title} {number}" if title else None, "updated_at": published,
               "first_published": published, "location": {"name": "Lisbon, Portugal"},
               "absolute_url": f"https://jobs.example/{number}",
               "content": "&lt;p&gt;Build and run the payments platform in Python and Go.&lt;/p&gt;",
               "departments": [{"name": "Engineering"}], "metadata": []}
    if title is None:
        del posting["title"]
    return posting


def board(*jobs: dict) -> bytes:
    return json.dumps({"jobs": list(jobs)}).encode()


def oversized_board(filler_bytes: int) -> bytes:
    return board({**job(81), "content": "x" * filler_bytes})


@dataclass
class Hit:
    path: str
    headers: dict[str, str]
    at: float


class FaultServer:
    """Routes (all GET):

    /board/good            three postings
    /board/good-2          two other postings
    /board/error           500, always
    /board/busy            503 with Retry-After: 3600 (longer than the crawler waits)
    /board/rate-limited    429 with Retry-After: 1 on the first request, then two postings
    /board/slow            the board, after ``slow_seconds``
    /board/truncated       a JSON board cut off mid-document
    /board/cut             Content-Length promises more than is sent, then the connection closes
    /board/html            an HTML page where JSON is expected
    /board/oversized       a valid board with a posting of ``oversized_bytes`` bytes
    /board/bad-date        two postings, one with a date that is not a date
    /board/empty           no postings
    /board/missing-title   three postings, one without a title
    /board/title-only      two postings, one without a description
    /tagged/<name>         three postings with an ETag; 304 when If-None-Match matches;
                           ``change(name)`` drops a posting (new ETag), ``break_(name)`` makes it answer 500
    /redirect/private      302 to http://10.0.0.1/board
    /redirect/metadata     302 to http://169.254.169.254/latest/meta-data/
    /redirect/loopback     302 to http://127.0.0.1:<port>/canary (a test asserts the canary is never asked)
    anything else          404 (robots.txt included: everything may be crawled)
    """

    def __init__(self, *, slow_seconds: float = 3.0, oversized_bytes: int = 64 * 1024, lifetime: float = 300.0,
                 certificate: tuple[Path, Path] | None = None) -> None:
        self.slow_seconds = slow_seconds
        self.oversized_bytes = oversized_bytes
        self.etag_versions: dict[str, int] = {}  # tagged board name → version (1 unless changed)
        self.broken: set[str] = set()  # tagged boards that now answer 500
        self.hits: list[Hit] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - stdlib name
                with server._lock:
                    server.hits.append(Hit(self.path, dict(self.headers), time.monotonic()))
                server._route(self)

            def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib signature
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        if certificate:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*certificate)
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self._slots = threading.BoundedSemaphore(16)  # at most 16 requests handled at once
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._deadline = threading.Timer(lifetime, self._stop)
        self._deadline.daemon = True
        self.scheme = "https" if certificate else "http"

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    def change(self, name: str) -> None:
        self.etag_versions[name] = self.etag_versions.get(name, 1) + 1

    def break_(self, name: str) -> None:
        self.broken.add(name)

    def hits_for(self, path: str) -> list[Hit]:
        with self._lock:
            return [hit for hit in self.hits if hit.path == path]

    def __enter__(self) -> "FaultServer":
        self._thread.start()
        self._deadline.start()
        return self

    def __exit__(self, *exc) -> None:
        self._deadline.cancel()
        self._stop()

    def _stop(self) -> None:
        if not self._stopping.is_set():
            self._stopping.set()  # wakes a slow handler
            self._server.shutdown()
            self._server.server_close()

    def _route(self, request: BaseHTTPRequestHandler) -> None:
        if not self._slots.acquire(timeout=5):
            self._send(request, 503, b"busy", "text/plain")
            return
        try:
            self._answer(request)
        except (BrokenPipeError, ConnectionResetError):  # the crawler gave up on us (timeouts, size cap)
            pass
        finally:
            self._slots.release()

    def _answer(self, request: BaseHTTPRequestHandler) -> None:
        path = request.path
        if path == "/board/good":
            self._send(request, 200, board(job(1), job(2), job(3)))
        elif path == "/board/good-2":
            self._send(request, 200, board(job(21), job(22)))
        elif path == "/board/error":
            self._send(request, 500, b"internal error", "text/plain")
        elif path == "/board/busy":
            self._send(request, 503, b"come back later", "text/plain", {"Retry-After": "3600"})
        elif path == "/board/rate-limited":
            if len(self.hits_for(path)) == 1:
                self._send(request, 429, b"slow down", "text/plain", {"Retry-After": "1"})
            else:
                self._send(request, 200, board(job(41), job(42)))
        elif path == "/board/slow":
            self._stopping.wait(self.slow_seconds)
            self._send(request, 200, board(job(51)))
        elif path == "/board/truncated":
            self._send(request, 200, board(job(61), job(62))[:150])
        elif path == "/board/cut":
            request.send_response(200)
            request.send_header("Content-Type", "application/json")
            request.send_header("Content-Length", "4000")
            request.end_headers()
            request.wfile.write(board(job(71))[:100])
            request.close_connection = True
        elif path == "/board/html":
            self._send(request, 200, b"<!doctype html><html><body><h1>Careers</h1></body></html>", "text/html")
        elif path == "/board/oversized":
            self._send(request, 200, oversized_board(self.oversized_bytes))
        elif path == "/board/bad-date":
            self._send(request, 200, board(job(91), job(92, published="0000-00-00 00:00:00")))
        elif path == "/board/empty":
            self._send(request, 200, board())
        elif path == "/board/missing-title":
            self._send(request, 200, board(job(101), job(102, title=None), job(103)))
        elif path == "/board/title-only":
            self._send(request, 200, board(job(131), {**job(132), "content": ""}))
        elif path.startswith("/tagged/"):
            self._tagged(request, path.removeprefix("/tagged/"))
        elif path == "/redirect/private":
            self._send(request, 302, b"", "text/plain", {"Location": "http://10.0.0.1/board"})
        elif path == "/redirect/metadata":
            self._send(request, 302, b"", "text/plain", {"Location": "http://169.254.169.254/latest/meta-data/"})
        elif path == "/redirect/loopback":
            self._send(request, 302, b"", "text/plain", {"Location": self.url("/canary")})
        else:
            self._send(request, 404, b"not found", "text/plain")

    def _tagged(self, request: BaseHTTPRequestHandler, name: str) -> None:
        version = self.etag_versions.get(name, 1)
        headers = {"ETag": f'"{name}-v{version}"', "Cache-Control": "no-cache"}
        if name in self.broken:
            self._send(request, 500, b"internal error", "text/plain")
        elif request.headers.get("If-None-Match") == headers["ETag"]:
            self._send(request, 304, b"", None, headers)
        else:
            jobs = [job(111), job(112), job(113)] if version == 1 else [job(111), job(113)]
            self._send(request, 200, board(*jobs), headers=headers)

    @staticmethod
    def _send(request: BaseHTTPRequestHandler, status: int, body: bytes, content_type: str | None = "application/json",
              headers: dict[str, str] | None = None) -> None:
        request.send_response(status)
        if content_type:
            request.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            request.send_header(name, value)
        if status != 304:
            request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        if status != 304:
            request.wfile.write(body)
