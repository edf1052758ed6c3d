"""The cue matcher skips a regex only when its required literal is absent: the same cues as running them all."""

from __future__ import annotations

import json
import re

import pytest

from models.hire_type import CLASSES, Cue, CueMatcher, anchor
from models.train import LABELS_PATH


@pytest.mark.parametrize("pattern, expected", [
    ("founding (engineer|engineers|team)", "founding "),
    ("join as a (core member|founding hire)", "join as a "),
    ("(many|lots of) (open )?(roles|positions)", " "),
    ("(lead|leading) (the|our) (migration)", " "),
    ("(greenfield|brownfield)", ""),
    ("first (data|ml) hire", "first "),
    ("greenfield", "greenfield"),
    ("build(ing)? from scratch", " from scratch"),
])
def test_anchor_is_a_literal_every_match_contains(pattern, expected):
    assert anchor(pattern) == expected


def _every_regex(matcher: CueMatcher, text: str) -> list[Cue]:
    return sorted((Cue(label, m.group(0), m.start(), m.end())
                   for label in CLASSES for pattern, _ in matcher.patterns[label] for m in pattern.finditer(text)),
                  key=lambda c: c.start)


def _texts() -> list[str]:
    phrases = [json.loads(line)["phrase"] for line in LABELS_PATH.read_text(encoding="utf-8").splitlines() if line]
    # IGNORECASE also matches 'İ', 'ı', 'ſ' and the Kelvin sign to ASCII letters
    odd = [p.upper().replace("I", "İ") for p in phrases] + [p.replace("i", "ı").replace("s", "ſ").replace("k", "K")
                                                            for p in phrases]
    return phrases + odd + [" ".join(phrases[i:i + 5]) for i in range(0, len(phrases), 5)]


def test_the_lexicon_finds_the_same_cues_as_running_every_regex():
    matcher = CueMatcher.load()
    texts = _texts()
    assert sum(bool(_every_regex(matcher, t)) for t in texts) > len(texts) // 3  # the texts do hold cues
    for text in texts:
        assert matcher.find(text) == _every_regex(matcher, text), text
