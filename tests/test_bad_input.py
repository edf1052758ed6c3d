"""A user's bad file: one clear line on stderr naming the file, exit code 2, nothing written."""

from __future__ import annotations

import pytest

from tests.helpers import marketfit


@pytest.mark.parametrize("content, message", [
    (b"", "no [[source]] entries"),
    (b"\x00\x01\x02\xff", "not UTF-8"),
    (b"[[source]\ncompany=", "invalid TOML"),
    (b'[[source]]\ncompany="A"\nats="greenhouse"\nboard="a"\ncolour="red"\n', "unknown keys ['colour']"),
    (b'[[source]]\ncompany="A"\nats="taleo"\nboard="a"\n', "ats 'taleo' is not one of"),
    (b'[[source]]\ncompany="A"\nats="lever"\nboard="a"\nurl="file:///etc/passwd"\n', "url must be an http(s) URL"),
])
def test_bad_sources_file(tmp_path, content, message):
    sources = tmp_path / "sources.toml"
    sources.write_bytes(content)
    db = tmp_path / "w.duckdb"
    result = marketfit("scan", "--sources", str(sources), "--db", str(db), check=False)
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {sources}") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not db.exists()


@pytest.mark.parametrize("content, message", [
    (b"", "no postings"),
    (b'{"id": 1, "title": "x"}\n', "'description' is missing"),
    (b'{"id": 1, "title": "x", "description": "y", "colour": 1}\n', "unknown keys"),
    (b"not json\n", "not valid JSON"),
    (b"\xff\xfe\x00", "not UTF-8"),
])
def test_bad_postings_file(tmp_path, content, message):
    postings = tmp_path / "p.jsonl"
    postings.write_bytes(content)
    result = marketfit("classify", str(postings), check=False)
    assert result.returncode == 2 and message in result.stderr and str(postings) in result.stderr


@pytest.mark.parametrize("content, message", [
    (b"", "file is empty"),
    (b"\x00binary", "binary file"),
    (b'[profile]\nresume = "missing.md"\n', "file not found"),
    (b'[profile]\nresume = "r.md"\n[preferences]\nremote = "sometimes"\n', "remote must be one of"),
    (b'[profile]\nresume = "r.md"\n[preferences]\nsalary = 5\n', "unknown [preferences] keys"),
])
def test_bad_profile(tmp_path, content, message):
    (tmp_path / "r.md").write_text("# Sam\nEngineer\n- Built things for 5 years\n")
    profile = tmp_path / "profile.toml"
    profile.write_bytes(content)
    postings = tmp_path / "p.jsonl"
    postings.write_text('{"id": 1, "title": "Engineer", "description": "Build things"}\n')
    result = marketfit("fit", "--profile", str(profile), str(postings), check=False)
    assert result.returncode == 2 and message in result.stderr


def test_missing_warehouse_for_sql(tmp_path):
    result = marketfit("sql", "SELECT 1", "--db", str(tmp_path / "none.duckdb"), check=False)
    assert result.returncode == 2 and "no warehouse here yet" in result.stderr
    assert not (tmp_path / "none.duckdb").exists()
