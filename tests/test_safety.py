"""Crawls refuse non-public destinations, verify certificates, and check their switches."""

from __future__ import annotations

import dataclasses
import datetime as dt
import ipaddress
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from pipelines.scan import crawl_and_load
from scrapers.crawl import run_crawl
from scrapers.middlewares import refusal, retry_after_seconds
from scrapers.settings import SettingsError
from scrapers.items import Source
from scrapers.sources import SourcesError, load_sources
from tests.fault_server import FaultServer
from tests.helpers import FIXTURES, REPO
from warehouse.db import reader


@pytest.mark.parametrize("address, kind", [
    ("127.0.0.1", "a loopback address"), ("::1", "a loopback address"),
    ("::ffff:127.0.0.1", "a loopback address"),
    ("10.0.0.1", "a private address"), ("172.16.5.4", "a private address"), ("192.168.1.1", "a private address"),
    ("fd12:3456::1", "a private address"),
    ("169.254.169.254", "a link-local address"), ("fe80::1", "a link-local address"),
    ("224.0.0.251", "a multicast address"), ("ff02::1", "a multicast address"),
    ("0.0.0.0", "an unspecified address"), ("::", "an unspecified address"),
    ("240.0.0.1", "a reserved address"),
    ("100.64.0.1", "not a public address"),
    ("93.184.215.14", None), ("2606:4700:4700::1111", None),
])
def test_address_classes(address, kind):
    assert refusal(ipaddress.ip_address(address)) == kind


def test_retry_after_in_seconds_or_as_a_date():
    now = dt.datetime(2026, 3, 2, 10, 0, 0, tzinfo=dt.timezone.utc)
    assert retry_after_seconds(b"1", now) == 1.0
    assert retry_after_seconds("Mon, 02 Mar 2026 10:00:30 GMT", now) == 30.0
    assert retry_after_seconds("Mon, 02 Mar 2026 09:00:00 GMT", now) == 0.0  # already past: go now
    assert retry_after_seconds("soon", now) is None
    assert retry_after_seconds(None, now) is None


def _sources_file(tmp_path: Path, urls: list[str], allow_hosts: str | None = None) -> Path:
    path = tmp_path / "sources.toml"
    lines = [f"allow_hosts = {allow_hosts}"] if allow_hosts is not None else []
    for number, url in enumerate(urls):
        lines += ["[[source]]", f'company = "Company {number}"', 'ats = "greenhouse"', f'board = "b{number}"',
                  f'url = "{url}"']
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("value, message", [
    ('"127.0.0.1"', "allow_hosts must be a list of host names or IP addresses"),
    ('["http://127.0.0.1"]', "allow_hosts entry 'http://127.0.0.1' is not a host name or IP address"),
    ('["127.0.0.1:8000"]', "allow_hosts entry '127.0.0.1:8000' is not a host name"),
    ('[""]', "allow_hosts entry '' is not a host name"),
    ("[1]", "allow_hosts entry 1 is not a host name"),
])
def test_bad_allow_hosts_is_a_sources_error(tmp_path, value, message):
    path = _sources_file(tmp_path, ["https://boards.example/a"], value)
    with pytest.raises(SourcesError, match=message):
        load_sources(path)


def test_allow_hosts_reach_every_source_in_one_spelling(tmp_path):
    path = _sources_file(tmp_path, ["https://a.example/", "https://b.example/"], '["LocalHost.", "[::1]", "10.0.0.7"]')
    assert [s.allow_hosts for s in load_sources(path)] == [("localhost", "::1", "10.0.0.7")] * 2


def test_non_public_destinations_are_refused_unless_their_host_is_allowed(db, tmp_path):
    with FaultServer() as server:
        routes = ["/board/good", "/redirect/private", "/redirect/metadata", "/redirect/loopback"]
        urls = [server.url(r, host="localhost") for r in routes] + [server.url("/board/good-2")]

        _, statuses, added = crawl_and_load(db, load_sources(_sources_file(tmp_path, urls)), "nothing allowed")
        assert [s["status"] for s in statuses] == ["blocked"] * 5 and added == 0
        assert statuses[0]["error"] == (
            f"BlockedDestination: refused {urls[0]}: localhost resolves to 127.0.0.1, a loopback address; "
            f"list the host in the sources file's allow_hosts to crawl it")
        assert f"refused {urls[4]}: 127.0.0.1 is a loopback address" in statuses[4]["error"]
        assert server.hits == []  # refused before connecting: not even robots.txt was asked for

        allowed = load_sources(_sources_file(tmp_path, urls, '["localhost"]'))
        scan_id, statuses, added = crawl_and_load(db, allowed, "localhost allowed")
        canary_hits = server.hits_for("/canary")
    assert [s["status"] for s in statuses] == ["ok", "blocked", "blocked", "blocked", "blocked"] and added == 3
    private, metadata, loopback = (s["error"] for s in statuses[1:4])
    assert private.startswith(f"BlockedDestination: refused redirect from {urls[1]} to http://10.0.0.1/board: "
                              f"10.0.0.1 is a private address")
    assert (f"refused redirect from {urls[2]} to http://169.254.169.254/latest/meta-data/: "
            f"169.254.169.254 is a link-local address") in metadata
    assert f"to {server.url('/canary')}: 127.0.0.1 is a loopback address" in loopback
    assert canary_hits == []  # the redirect target on loopback was never asked
    with reader(db) as con:
        log = con.execute("SELECT board, status FROM scan_log WHERE scan_id = ? ORDER BY board", [scan_id]).fetchall()
    assert log == [("b0", "ok"), ("b1", "blocked"), ("b2", "blocked"), ("b3", "blocked"), ("b4", "blocked")]


class _Recorder(BaseHTTPRequestHandler):
    """Serves the recorded Greenhouse board at /board.json; records every path asked for."""

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        self.server.hits.append(self.path)
        board = FIXTURES / "ats" / "greenhouse" / "gongio_list.json"
        body = board.read_bytes() if self.path == "/board.json" else b""
        self.send_response(200 if body else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def _serve(host: str, port: int) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer((host, port), _Recorder)
    server.hits = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_dns_rebinding_cannot_reach_what_the_check_refused(tmp_path):
    """The name resolves to a public address (checked, allowed), then to loopback: the crawl connects to the
    address it checked, with the URL's Host header, and the internal service is never asked."""
    internal = _serve("127.0.0.1", 0)
    port = internal.server_address[1]
    public = _serve("127.0.0.2", port)  # the same port on the address the check saw
    try:
        url = f"http://rebind.test:{port}/board.json"
        plan = tmp_path / "sources.json"
        plan.write_text(json.dumps([dataclasses.asdict(Source("Rebind", "greenhouse", "rebind", url))]))
        subprocess.run([sys.executable, str(REPO / "tests" / "rebind_crawl.py"), str(plan), str(tmp_path)],
                       check=True, timeout=300, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
        status = json.loads((tmp_path / "00000-status.json").read_text())
    finally:
        for server in (internal, public):
            server.shutdown()
            server.server_close()
    assert internal.hits == []  # neither robots.txt nor the board was fetched from the rebound address
    assert public.hits == ["/robots.txt", "/board.json"]
    assert (status["status"], status["items"]) == ("ok", 3)


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory) -> tuple[Path, Path]:
    """A throwaway certificate for localhost, trusted by nobody: (certificate, key) PEM files."""
    folder = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "marketfit test board")])
    now = dt.datetime.now(dt.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(hours=1))
                   .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .sign(key, hashes.SHA256()))
    (folder / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    return folder / "cert.pem", folder / "key.pem"


def test_certificates_are_verified(tmp_path, self_signed, monkeypatch):
    with FaultServer(certificate=self_signed) as server:
        source = Source("Secure", "greenhouse", "secure", server.url("/board/good", host="localhost"),
                        allow_hosts=("localhost",))
        untrusted, = run_crawl([source], tmp_path / "untrusted")
        monkeypatch.setenv("SSL_CERT_FILE", str(self_signed[0]))  # OpenSSL's own switch for its trust store
        trusted, = run_crawl([source], tmp_path / "trusted")
    assert untrusted["status"] == "failed" and "certificate verify failed" in untrusted["error"]
    assert (trusted["status"], trusted["items"]) == ("ok", 3)


@pytest.mark.parametrize("name, value, message", [
    ("MARKETFIT_DOWNLOAD_TIMEOUT", "soon", "MARKETFIT_DOWNLOAD_TIMEOUT must be a positive number, got 'soon'"),
    ("MARKETFIT_MAX_RESPONSE_BYTES", "1.5", "MARKETFIT_MAX_RESPONSE_BYTES must be a positive whole number"),
    ("MARKETFIT_MAX_RETRY_AFTER", "-1", "MARKETFIT_MAX_RETRY_AFTER must be a positive number"),
])
def test_bad_switch_stops_the_crawl_before_it_starts(tmp_path, monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=message):
        run_crawl([Source("A", "greenhouse", "a")], tmp_path / "out")
    assert not (tmp_path / "out").exists()
