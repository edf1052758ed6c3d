"""Postings from files: the JSONL posting contract used by the batch commands, and JobSpy CSV exports, read into
raw posting dicts (``read_import``)."""

from __future__ import annotations

import csv
import json
import stat
from pathlib import Path

from scrapers.items import new_posting
from scrapers.normalise import HTML_TAG, clean_text, html_to_text, remote_from_text

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


# --- postings files as raw postings: the JSONL contract (ats "file") and JobSpy CSV exports ---

JOBSPY_REQUIRED = ("site", "job_url", "title")
_JOBSPY_PERIODS = {"yearly": "year", "monthly": "month", "weekly": "week", "daily": "day", "hourly": "hour"}
_REMOTE_MODES = ("remote", "hybrid", "onsite")


def _remote(value: object) -> str | None:
    """true/false (JobSpy's is_remote, JSON booleans) or a mode / location-like text."""
    if isinstance(value, bool):
        return "remote" if value else None
    text = str(value or "").strip().lower()
    if text in ("true", "1", "yes"):
        return "remote"
    if text in ("", "false", "0", "no", "nan"):
        return None
    return text if text in _REMOTE_MODES else remote_from_text(text)


def _description(text: str | None) -> dict:
    text = (text or "").strip()
    return {"description_html": text} if HTML_TAG.search(text) else {"description": text or None}


def jsonl_postings(path: Path) -> list[dict]:
    """Our posting contract (see ``scrapers.files``), as posting dicts of ats "file"."""
    return [new_posting(
        ats="file", board=path.stem, native_id=record["id"], company=record.get("company"),
        title=record["title"], location=record.get("location"), remote=_remote(record.get("remote")),
        url=record.get("url"), posted_at=record.get("posted_at"), department=record.get("department"),
        employment_type=record.get("employment_type"), salary_min=record.get("salary_min"),
        salary_max=record.get("salary_max"), salary_currency=record.get("salary_currency"),
        salary_period=record.get("salary_period"), description=record["description"], raw=record,
    ) for record in read_postings_file(path)]


def _read_csv(path: Path) -> list[dict]:
    check_file_size(path, "a CSV file")
    try:
        # utf-8-sig: spreadsheet tools add a byte-order mark; escapechar: the export JobSpy's README shows
        with path.open(encoding="utf-8-sig", newline="") as file:
            reader = csv.DictReader(file, escapechar="\\")
            header = reader.fieldnames or []
            missing = [column for column in JOBSPY_REQUIRED if column not in header]
            if missing:
                raise PostingsFileError(f"{path}: not a JobSpy CSV export: missing columns {missing}")
            rows = []
            for row in reader:
                if None in row or None in row.values():  # more or fewer cells than the header
                    raise PostingsFileError(f"{path}:{reader.line_num}: {len(header)} columns in the header, "
                                            f"not in this row")
                rows.append(row)
    except UnicodeDecodeError:
        raise PostingsFileError(f"{path}: not UTF-8 text") from None
    except csv.Error as exc:
        raise PostingsFileError(f"{path}: not valid CSV: {exc}") from None
    if not rows:
        raise PostingsFileError(f"{path}: no postings in file")
    return rows


def jobspy_postings(path: Path) -> list[dict]:
    """A JobSpy CSV export, one posting dict per row (ats = its site, board "jobspy")."""
    postings = []
    for row in _read_csv(path):
        cell = {key: (value.strip() or None) for key, value in row.items() if key}
        interval = (cell.get("interval") or "").lower()
        postings.append(new_posting(
            ats=(cell.get("site") or "").lower() or None, board="jobspy",
            native_id=cell.get("id") or cell.get("job_url"),  # older exports have no id column
            company=cell.get("company"), title=cell.get("title"), location=cell.get("location"),
            remote=_remote(cell.get("is_remote")), url=cell.get("job_url"), posted_at=cell.get("date_posted"),
            department=cell.get("job_function"), employment_type=cell.get("job_type"),
            salary_min=cell.get("min_amount"), salary_max=cell.get("max_amount"),
            salary_currency=cell.get("currency"), salary_period=_JOBSPY_PERIODS.get(interval),
            **_description(cell.get("description")), raw=cell,
        ))
    return postings


def read_import(path: Path) -> list[dict]:
    """The postings in a JSONL or JobSpy CSV file; raises PostingsFileError naming the file and problem."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return jsonl_postings(path)
    if suffix == ".csv":
        return jobspy_postings(path)
    raise PostingsFileError(f"{path}: unsupported file type '{suffix}' (expected .jsonl or a JobSpy .csv)")
