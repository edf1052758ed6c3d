"""The sources file: which boards to scan, as data (TOML)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

class SourcesError(ValueError):
    """A sources file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class Source:
    company: str
    ats: str
    board: str
    url: str | None = None


def load_sources(path: Path) -> list[Source]:
    """Read and validate a sources TOML file; unknown keys are errors."""
    from scrapers.ats import SPIDERS  # the spiders import Source from here

    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SourcesError(f"{path}: file not found") from None
    except UnicodeDecodeError:
        raise SourcesError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise SourcesError(f"{path}: invalid TOML: {exc}") from None
    unknown_top = set(data) - {"source"}
    if unknown_top:
        raise SourcesError(f"{path}: unknown top-level keys {sorted(unknown_top)}")
    entries = data.get("source")
    if not isinstance(entries, list) or not entries:
        raise SourcesError(f"{path}: no [[source]] entries")
    allowed = {f.name for f in fields(Source)}
    sources = []
    for number, entry in enumerate(entries, 1):
        where = f"{path}: source #{number}"
        unknown = set(entry) - allowed
        if unknown:
            raise SourcesError(f"{where}: unknown keys {sorted(unknown)}")
        for key in ("company", "ats", "board"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise SourcesError(f"{where}: '{key}' must be a non-empty string")
        if entry["ats"] not in SPIDERS:
            raise SourcesError(f"{where}: ats '{entry['ats']}' is not one of {', '.join(sorted(SPIDERS))}")
        url = entry.get("url")
        if url is not None and not (isinstance(url, str) and url.startswith(("http://", "https://"))):
            raise SourcesError(f"{where}: url must be an http(s) URL")
        sources.append(Source(**entry))
    return sources
