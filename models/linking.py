"""Link a tagged span to a taxonomy entry (models/taxonomy/skills.csv), or leave it unlinked.

First the gazetteer: a span whose whole text is one taxonomy name or alias ("A/B tests" → "A/B testing")
links to it. Otherwise the nearest taxonomy name by sentence embedding, when its cosine reaches the
threshold chosen on the Decorte et al. ESCO-linking validation sets (models/train_tagger.py); else the span
stays unlinked with its own text. Each distinct text is embedded once (MemoEncoder), the taxonomy's names
once per linker.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from models.skills import DEFAULT_TAXONOMY, RequirementIndex, SkillExtractor


@dataclass(frozen=True)
class Link:
    name: str
    taxonomy: str
    taxonomy_id: str
    how: str  # alias | nearest
    similarity: float


def taxonomy_entries(path=DEFAULT_TAXONOMY) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


class SkillLinker:
    def __init__(self, extractor: SkillExtractor, encode: Callable[[list[str]], np.ndarray], threshold: float,
                 entries: list[dict] | None = None) -> None:
        """encode: unit vectors for texts (a MemoEncoder over the embedder, so no text is embedded twice)."""
        self.extractor = extractor
        self.encode = encode
        self.threshold = threshold
        self.entries = entries if entries is not None else taxonomy_entries()
        self._names: np.ndarray | None = None

    def nearest(self, texts: list[str]) -> list[tuple[int, float]]:
        """Index of the nearest taxonomy entry and its cosine, per text."""
        if not texts:
            return []
        if self._names is None:
            self._names = self.encode([entry["name"] for entry in self.entries])
        similarity = self.encode(texts) @ self._names.T
        best = similarity.argmax(axis=1)
        return [(int(i), float(similarity[row, i])) for row, i in enumerate(best)]

    def link_many(self, texts: list[str]) -> list[Link | None]:
        links: list[Link | None] = [self._alias(text) for text in texts]
        missing = [i for i, link in enumerate(links) if link is None]
        for i, (entry, similarity) in zip(missing, self.nearest([texts[i] for i in missing])):
            if similarity >= self.threshold:
                row = self.entries[entry]
                links[i] = Link(row["name"], row["taxonomy"], row["taxonomy_id"], "nearest", round(similarity, 4))
        return links

    def _alias(self, text: str) -> Link | None:
        mentions = self.extractor.extract(text)
        if len(mentions) == 1 and mentions[0].start == 0 and mentions[0].end == len(text):
            m = mentions[0]
            return Link(m.name, m.taxonomy, m.taxonomy_id, "alias", 1.0)
        return None


@dataclass(frozen=True)
class FoundSkill:
    """One span of a text: a gazetteer mention, a tagged span, or both when they cover the same characters."""
    start: int
    end: int
    text: str
    name: str | None  # the linked taxonomy entry; None when unlinked
    taxonomy: str | None
    taxonomy_id: str | None
    requirement: str | None  # must | nice | None
    kind: str | None  # skill | knowledge for tagged spans; None for gazetteer-only mentions
    found_by: str  # gazetteer | tagger | both

    @property
    def linked(self) -> bool:
        return self.name is not None

    def to_dict(self) -> dict:
        return {"name": self.name, "taxonomy": self.taxonomy, "taxonomy_id": self.taxonomy_id, "text": self.text,
                "start": self.start, "end": self.end, "requirement": self.requirement, "kind": self.kind,
                "found_by": self.found_by, "linked": self.linked}


class SkillReader:
    """Gazetteer mentions (with their must/nice) plus the tagger's spans, each tagged span linked or not."""

    def __init__(self, extractor: SkillExtractor, tagger, linker: SkillLinker) -> None:
        self.extractor = extractor
        self.tagger = tagger
        self.linker = linker
        self.version = f"{extractor.version}+{tagger.version}@{linker.threshold}"

    def read_many(self, texts: list[str]) -> list[list[FoundSkill]]:
        tagged = self.tagger.tag_many(texts)
        links = iter(self.linker.link_many([span.text for spans in tagged for span in spans]))
        found = []
        for text, spans in zip(texts, tagged):
            requirement_at = RequirementIndex(text)
            mentions = {(m.start, m.end): m for m in self.extractor.extract(text)}
            rows = []
            for span in spans:
                link = next(links)
                mention = mentions.pop((span.start, span.end), None)
                if mention is not None:  # the same characters: the gazetteer's name and must/nice
                    rows.append(FoundSkill(span.start, span.end, span.text, mention.name, mention.taxonomy,
                                           mention.taxonomy_id, mention.requirement, span.kind, "both"))
                    continue
                rows.append(FoundSkill(span.start, span.end, span.text, link and link.name, link and link.taxonomy,
                                       link and link.taxonomy_id, requirement_at(span.start, span.end), span.kind,
                                       "tagger"))
            rows += [FoundSkill(m.start, m.end, text[m.start:m.end], m.name, m.taxonomy, m.taxonomy_id,
                                m.requirement, None, "gazetteer") for m in mentions.values()]
            found.append(sorted(rows, key=lambda r: (r.start, r.end, r.kind or "")))
        return found

    def read(self, text: str) -> list[FoundSkill]:
        return self.read_many([text])[0]


def load_reader(extractor: SkillExtractor, encode: Callable[[list[str]], np.ndarray]) -> SkillReader:
    """The serving reader: the bundled tagger, linking at the threshold stored with it (TaggerMissing if absent)."""
    from models.tagger import SpanTagger

    tagger = SpanTagger.load()
    return SkillReader(extractor, tagger, SkillLinker(extractor, encode, tagger.metadata["link_threshold"]))
