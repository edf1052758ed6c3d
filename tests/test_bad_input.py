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
    (b'[[source]]\ncompany="A"\nats="lever"\nboard="a"\nurl="https://not a url"\n',
     "url must be an http(s) URL with a host and no spaces; 'https://not a url' has a space or control character"),
    (b"source = [1, 2]\n", "expected a [[source]] table, not int"),  # crash-safety task
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
    (b'{"id": "\\ud800", "title": "x", "description": "y"}\n', "not valid Unicode"),  # crash-safety task
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
    (b'[profile]\nresume = "r.md"\n[preferences]\nrelocate = "yes"\n', "relocate must be true or false"),
    (b'[profile]\nresume = "r.md"\n[preferences]\nsalary = 5\n', "unknown [preferences] keys"),
    # crash-safety task: unknown keys, wrong shapes, a resume that is a folder or not UTF-8
    (b'[profile]\nresume = "r.md"\n[extras]\nx = 1\n', "unknown top-level keys ['extras']"),
    (b'[profile]\nresume = "r.md"\nphoto = "me.jpg"\n', "unknown [profile] keys ['photo']"),
    (b"profile = 5\n", "'profile' must be a [profile] table"),
    (b'[profile]\nresume = "."\n', "is a directory"),
    (b'[profile]\nresume = "latin1.md"\n', "not UTF-8"),
])
def test_bad_profile(tmp_path, content, message):
    (tmp_path / "r.md").write_text("# Sam\nEngineer\n- Built things for 5 years\n")
    (tmp_path / "latin1.md").write_bytes("# Zoë\nIngénieure\n".encode("latin-1"))
    profile = tmp_path / "profile.toml"
    profile.write_bytes(content)
    postings = tmp_path / "p.jsonl"
    postings.write_text('{"id": 1, "title": "Engineer", "description": "Build things"}\n')
    result = marketfit("fit", "--profile", str(profile), str(postings), check=False)
    assert result.returncode == 2 and message in result.stderr


@pytest.mark.parametrize("name, content, message", [
    ("cv.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\nBT (Senior Payments Product Manager) Tj ET\n",
     "a PDF is not read; save the resume as text (.md or .txt)"),
    ("cv.txt", b"%PDF-1.4\nBT (Senior Payments Product Manager, 10 years) Tj ET\n", "a PDF is not read"),
    ("cv.docx", b"PK\x03\x04\x14\x00\x06\x00word/document.xml", "a Word or other zipped document is not read"),
    ("cv.doc", b"Sam Smith, Senior Backend Engineer", "a DOC document is not read"),
    ("name.md", b"# Sam Smith\n", "no experience or skills found"),
    ("contact.md", b"# Sam Smith\n## Contact\nsam@example.com, +1 555 0100, Lisbon\n", "no experience or skills"),
])
def test_a_file_that_is_not_a_text_resume_is_refused(tmp_path, name, content, message):
    resume = tmp_path / name
    resume.write_bytes(content)
    (tmp_path / "profile.toml").write_text(f'[profile]\nresume = "{name}"\n')
    postings = tmp_path / "p.jsonl"
    postings.write_text('{"id": 1, "title": "Engineer", "description": "Build things"}\n')
    for profile in (resume, tmp_path / "profile.toml"):
        result = marketfit("fit", "--profile", str(profile), str(postings), check=False)
        assert result.returncode == 2 and result.stdout == "", result.stdout
        assert result.stderr.startswith(f"error: {resume}: ") and message in result.stderr
        assert len(result.stderr.splitlines()) == 1


def test_missing_warehouse_for_sql(tmp_path):
    result = marketfit("sql", "SELECT 1", "--db", str(tmp_path / "none.duckdb"), check=False)
    assert result.returncode == 2 and "no warehouse here yet" in result.stderr
    assert not (tmp_path / "none.duckdb").exists()


# --- crash-safety task: files over the size limits are refused before they are read ---
def test_enormous_files_are_refused_and_nothing_is_written(tmp_path):
    from models.profile import MAX_RESUME_BYTES
    from scrapers.files import MAX_FILE_BYTES
    from scrapers.sources import MAX_SOURCES_BYTES

    def sparse(name: str, size: int):
        path = tmp_path / name
        with path.open("wb") as handle:
            handle.truncate(size)  # a hole: the size without the disk
        return path

    good_sources = tmp_path / "good.toml"
    good_sources.write_text('[[source]]\ncompany = "A"\nats = "lever"\nboard = "a"\n')
    resume = tmp_path / "resume.md"
    resume.write_text("# Sam\n" + "- built things\n" * (MAX_RESUME_BYTES // 14))
    db = tmp_path / "w.duckdb"
    for args, path, message in (
            (["scan", "--sources", str(sparse("huge.toml", MAX_SOURCES_BYTES + 1))], tmp_path / "huge.toml",
             "byte limit for a sources file"),
            (["scan", "--sources", str(good_sources), "--profile", str(resume)], resume, "too large for a resume"),
            (["classify", str(sparse("huge.jsonl", MAX_FILE_BYTES + 1)), "-o", str(tmp_path / "out.jsonl")],
             tmp_path / "huge.jsonl", "byte limit")):
        result = marketfit(*args, "--db", str(db), check=False) if args[0] == "scan" else marketfit(*args, check=False)
        assert result.returncode == 2 and result.stderr.startswith(f"error: {path}: ") and message in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert not db.exists() and not (tmp_path / "out.jsonl").exists()


# --- issue 17: a FIFO (or another non-regular file) is refused by stat before anything opens it ---
def test_a_fifo_as_any_input_file_is_refused_without_hanging(tmp_path):
    import os

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "link.md"
    link.symlink_to(fifo)  # a symlink is followed to what it names
    jsonl, csv_file = tmp_path / "pipe.jsonl", tmp_path / "pipe.csv"
    os.mkfifo(jsonl)
    os.mkfifo(csv_file)
    profile = tmp_path / "profile.toml"
    profile.write_text('[profile]\nresume = "link.md"\n')
    postings = tmp_path / "p.jsonl"
    postings.write_text('{"id": 1, "title": "Engineer", "description": "Build things"}\n')
    db = tmp_path / "w.duckdb"
    for args, path in ((["scan", "--sources", str(fifo), "--db", str(db)], fifo),
                       (["fit", "--profile", str(link), str(postings)], link),
                       (["fit", "--profile", str(profile), str(postings)], tmp_path / "link.md"),
                       (["classify", str(jsonl)], jsonl),
                       (["load", str(csv_file), "--db", str(db)], csv_file),
                       (["load", str(jsonl), "--db", str(db)], jsonl)):
        result = marketfit(*args, check=False, timeout=120)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.startswith(f"error: {path}: not a regular file"), result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert not db.exists()


def test_an_output_file_that_is_a_symlink_is_refused_not_written_through(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    output = tmp_path / "out.jsonl"
    output.symlink_to(victim)
    postings = tmp_path / "p.jsonl"
    postings.write_text('{"id": 1, "title": "Engineer", "description": "Build things in Python"}\n')
    result = marketfit("skills", str(postings), "-o", str(output), check=False)
    assert result.returncode == 2 and result.stderr.startswith(f"error: {output}: is a symbolic link")
    assert victim.read_text() == "keep me" and sorted(p.name for p in tmp_path.iterdir()) == [
        "out.jsonl", "p.jsonl", "victim.txt"]
