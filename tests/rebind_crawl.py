"""The crawl child (``python -m scrapers.crawl PLAN OUT``) behind a rebinding DNS server, for tests/test_safety.py.

``rebind.test`` resolves to 127.0.0.2 the first time and to 127.0.0.1 every time after; 127.0.0.2 stands in
for a public address (the address check treats it as one), 127.0.0.1 for the internal service the second
answer points at. Both of the process's ways to look a name up (``getaddrinfo``, ``gethostbyname``) share it.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path

from scrapers import crawl, middlewares

_real_getaddrinfo = socket.getaddrinfo
_real_refusal = middlewares.refusal
answers = ["127.0.0.2"]


_real_gethostbyname = socket.gethostbyname


def _answer() -> str:
    return answers.pop(0) if answers else "127.0.0.1"


def rebinding_getaddrinfo(host, port, *args, **kwargs):
    if host in ("rebind.test", b"rebind.test"):
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (_answer(), port or 0))]
    return _real_getaddrinfo(host, port, *args, **kwargs)


def rebinding_gethostbyname(host):
    return _answer() if host == "rebind.test" else _real_gethostbyname(host)


def refusal_with_a_public_stand_in(address):
    return None if str(address) == "127.0.0.2" else _real_refusal(address)


if __name__ == "__main__":
    socket.getaddrinfo = rebinding_getaddrinfo
    socket.gethostbyname = rebinding_gethostbyname
    middlewares.refusal = refusal_with_a_public_stand_in
    crawl._main(Path(sys.argv[1]), Path(sys.argv[2]))
