"""Postings from files: the JSONL posting contract used by the batch commands."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from scrapers.normalise import HTML_TAG, clean_text, html_to_text

MAX_FILE_BYTES = 512 * 1024 * 1024
REQUIRED = ("id", "title", "description")
OPTIONAL = ("company", "location", "posted_at", "url", "remote", "department", "salary_min", "salary_max",
            "salary_currency", "salary_period", "employment_type")


class PostingsFileError(ValueError):
    """A postings file that cannot be used; the message names the file, line and problem."""


class NotAFileError(ValueError):
    """An input path that is missing or not a regular file; the message says which, without the path."""


def regular_file_size(path: Path, expected: str) -> int:
    """The size of an input file (a symlink is followed), checked with stat before anything opens it: opening a
    FIFO blocks until someone writes to it, and a device never ends. ``expected`` names the file wanted."""
    try:
        mode = Path(path).stat()
    except FileNotFoundError:
        raise NotAFileError("file not found") from None
    except (OSError, ValueError) as exc:  # no permission on a folder above, a NUL in the name...
        raise NotAFileError(f"cannot read: {exc}") from None
    if stat.S_ISDIR(mode.st_mode):
        raise NotAFileError(f"is a directory, expected {expected}")
    if not stat.S_ISREG(mode.st_mode):
        raise NotAFileError(f"not a regular file (a pipe, device or socket), expected {expected}")
    return mode.st_size


def check_file_size(path: Path, expected: str = "a JSONL file") -> None:
    """A clear error for a missing, non-regular or oversized postings file, before reading it."""
    try:
        size = regular_file_size(path, expected)
    except NotAFileError as exc:
        raise PostingsFileError(f"{path}: {exc}") from None
    if size > MAX_FILE_BYTES:
        raise PostingsFileError(f"{path}: {size} bytes exceeds the {MAX_FILE_BYTES} byte limit")


def read_postings_file(path: Path) -> list[dict]:
    """Read JSONL postings; an HTML description is converted to text, a text one is kept as given."""
    path = Path(path)
    check_file_size(path)
    try:
        with path.open("rb") as handle:  # read no more than the limit: the file may grow after the check
            data = handle.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise PostingsFileError(f"{path}: more than the {MAX_FILE_BYTES} byte limit")
        lines = data.decode("utf-8").split("\n")  # not splitlines(): JSON text may hold a raw U+2028 or U+0085
    except UnicodeDecodeError:
        raise PostingsFileError(f"{path}: not UTF-8 text") from None
    postings = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            json.dumps(record, ensure_ascii=False).encode("utf-8")  # what the commands write back must encode
        except json.JSONDecodeError as exc:
            raise PostingsFileError(f"{path}:{number}: not valid JSON: {exc.msg}") from None
        except RecursionError:
            raise PostingsFileError(f"{path}:{number}: JSON nested too deeply") from None
        except UnicodeEncodeError:
            raise PostingsFileError(f"{path}:{number}: not valid Unicode (a lone surrogate such as \\ud800)") from None
        if not isinstance(record, dict):
            raise PostingsFileError(f"{path}:{number}: expected a JSON object")
        unknown = set(record) - set(REQUIRED) - set(OPTIONAL)
        if unknown:
            raise PostingsFileError(f"{path}:{number}: unknown keys {sorted(unknown)}")
        for key in REQUIRED:
            if not isinstance(record.get(key), (str, int)) or not str(record[key]).strip():
                raise PostingsFileError(f"{path}:{number}: '{key}' is missing or empty")
        description = str(record["description"])
        converted = bool(HTML_TAG.search(description))
        if converted:
            description = html_to_text(description)
        postings.append({**record, "id": str(record["id"]), "title": clean_text(str(record["title"])),
                         "description": description, "description_converted": converted})
    if not postings:
        raise PostingsFileError(f"{path}: no postings in file")
    return postings
