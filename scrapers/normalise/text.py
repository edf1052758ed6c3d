"""Text as every reader of postings and resumes sees it: tidy spacing, valid Unicode, list-item bullets, HTML."""

from __future__ import annotations

import re
from typing import Any

import html_text

SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# A list item's marker at a line's start: a bullet sign (text may follow at once: "•Python"), or a dash, asterisk
# or number followed by a space ("- Go", "2) Rust"; "3.5 years" and "-based" are not list items).
BULLET = re.compile(r"^\s*(?:[•·‣▪◦]\s*|(?:[-*]|\d+[.)])\s+)")
# A text holding a start or end tag ("<p>", "</li>", "<br/>", "<a href=...>") is HTML; "a < b" and "<3" are not.
HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")


def clean_text(text: str) -> str:
    lines = (SPACES.sub(" ", line).strip() for line in text.replace("\xa0", " ").split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def html_to_text(html: str) -> str:
    """The text of an HTML description, its block layout kept as lines."""
    return clean_text(html_text.extract_text(html, guess_layout=True))


def valid_unicode(value: Any) -> Any:
    """JSON may carry lone surrogates ("\\ud800"), UTF-8 cannot: they become U+FFFD so the posting can be written."""
    return _LONE_SURROGATE.sub("\ufffd", value) if isinstance(value, str) else value
