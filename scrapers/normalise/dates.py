"""Dates as the warehouse keeps them: ISO-8601 UTC."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import dateparser


def parse_date(value: Any) -> str | None:
    """ISO-8601 UTC, or None when the value is not a date we can trust."""
    if value in (None, ""):
        return None
    if isinstance(value, (int, float)):
        try:
            return datetime.fromtimestamp(value / 1000 if value > 1e11 else value, tz=timezone.utc).isoformat()
        except (OverflowError, OSError, ValueError):  # outside any calendar
            return None
    text = str(value).strip()
    if len(text) > 100:  # no date is this long, and dateparser takes minutes over a megabyte of text
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        parsed = dateparser.parse(text, settings={"RETURN_AS_TIMEZONE_AWARE": True, "TO_TIMEZONE": "UTC"})
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc).isoformat()
