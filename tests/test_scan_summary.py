"""What `marketfit scan` says (issue 16): each source it could not read with its reason in a table, exit code 3
when none could be read, and how many postings came without a description. The boards are the loopback fault
server's."""

from __future__ import annotations

from tests.fault_server import FaultServer
from tests.helpers import marketfit


def _sources(path, server, routes):
    """A sources file allowing 127.0.0.1; a route starting "blocked:" is asked of localhost, which it refuses."""
    urls = [server.url(route.removeprefix("blocked:"), "localhost" if route.startswith("blocked:") else "127.0.0.1")
            for route in routes]
    path.write_text('allow_hosts = ["127.0.0.1"]\n' + "".join(
        f'\n[[source]]\ncompany = "Company {n}"\nats = "greenhouse"\nboard = "b{n}"\nurl = "{url}"\n'
        for n, url in enumerate(urls)), encoding="utf-8")
    return path


def test_a_scan_where_no_source_was_read_lists_each_reason_and_exits_3(tmp_path, monkeypatch):
    monkeypatch.setenv("MARKETFIT_HTTP_CACHE", str(tmp_path / "cache"))
    with FaultServer() as server:
        sources = _sources(tmp_path / "sources.toml", server, ["/board/error", "/board/html", "blocked:/board/good"])
        result = marketfit("scan", "--sources", str(sources), "--db", str(tmp_path / "w.duckdb"), check=False)
    assert result.returncode == 3, result.stderr
    assert "Sources not read" in result.stdout
    table = result.stdout.split("Sources not read", 1)[1]
    assert "Company 0" in table and "HTTP 500 from" in table
    assert "Company 1" in table
    assert "Company 2" in table and "blocked" in table
    assert result.stderr.strip() == f"error: no source in {sources} could be read (reasons above)"


def test_a_scan_where_some_sources_were_read_exits_0_and_lists_the_rest(tmp_path, monkeypatch):
    monkeypatch.setenv("MARKETFIT_HTTP_CACHE", str(tmp_path / "cache"))
    with FaultServer() as server:
        sources = _sources(tmp_path / "sources.toml", server, ["/board/good", "/board/error", "/board/title-only"])
        result = marketfit("scan", "--sources", str(sources), "--db", str(tmp_path / "w.duckdb"), check=False)
    assert result.returncode == 0, result.stderr
    table = result.stdout.split("Sources not read", 1)[1]
    assert "Company 1" in table and "HTTP 500 from" in table and "Company 0" not in table
    assert "; 1 seen without a description (judged from the title only)" in result.stdout
