"""A posting's identity and the keys postings are compared by: posting id, the embedded text and its hash,
title and company keys.

Standard library only: the other normaliser modules, the warehouse, the models and the pipelines import it.
The warehouse's ``title_key`` and ``company_key`` macros (warehouse/views/00_keys.sql) spell the same rules in SQL.
"""

from __future__ import annotations

import hashlib
import re

_GENDER_TAG = re.compile(r"\((?:\s*[mwfdxh]\s*/)+\s*[mwfdxh]\s*\)|\(all genders\)|\(gn\)|[:*]in\b", re.I)
_LEGAL_SUFFIX = re.compile(r"(?:[\s,]+(?:inc|incorporated|llc|ltd|limited|gmbh|ag|sa|sas|b\.?v|n\.?v|plc|corp"
                           r"|corporation|co|company|oy|ab|aps|srl|spa|pty|se)\.?)+\s*$", re.I)


def posting_id(ats: str, board: str, native_id: str) -> str:
    """Stable id: the same (ats, board, native id) always maps to the same posting."""
    return hashlib.sha1(f"{ats}\x1f{board}\x1f{native_id}".encode()).hexdigest()[:20]


def embedding_text(title: str, description: str) -> str:
    """The exact text that is embedded; its hash keys the embedding cache."""
    return f"{title}\n\n{description}"


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def title_key(title: str) -> str:
    """A title for comparing postings: lower case, words only, no gender tag ("(m/w/d)")."""
    return " ".join(re.findall(r"[\w+#]+", _GENDER_TAG.sub(" ", title).casefold()))


def company_key(company: str) -> str:
    """A company name for comparing sources: lower case, words only, no legal form ("Ramp Inc." → "ramp")."""
    return " ".join(re.findall(r"\w+", _LEGAL_SUFFIX.sub(" ", company).casefold()))
