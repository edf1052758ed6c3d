"""Train the skill span tagger's head on SkillSpan train and choose its epoch on dev (``marketfit train``).

Also chooses the linking threshold on the Decorte et al. ESCO-linking validation sets. SkillSpan test is
not read here: eval/eval_skills.py --split test reports it, once. Deterministic on one machine: fixed seeds,
one thread order.
"""

from __future__ import annotations

import copy
import hashlib
import json
import platform
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from models.tagger import ARTIFACT_DIR, KINDS, TAGS, SpanTagger, TokenVectors, bio_spans, build_head, viterbi

DEFAULT_SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
PARAMS = {"layers": 2, "projection": 128, "hidden": 64, "dropout": 0.2, "learning_rate": 2e-3, "batch": 32, "max_epochs": 6,
          "seed": 0}
THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.5, 0.96, 0.05))
LINK_SETS = ("house_validation_annotations.csv", "tech_validation_annotations.csv")


def skillspan(shared: Path, split: str) -> list[dict]:
    path = shared / "skillspan" / "json" / f"{split}.json"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: SkillSpan is needed to train the skill tagger (see ../shared/data)")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def tag_targets(rows: list[dict]) -> list[np.ndarray]:
    """Per sentence, (words, kinds) tag indices."""
    return [np.array([[TAGS.index(tag[0]) for tag in row[f"tags_{kind}"]] for kind in KINDS]).T for row in rows]


def span_f1(rows: list[dict], predicted: list[dict[str, list[tuple[int, int]]]]) -> dict[str, float]:
    """Exact span F1 per kind and combined (the union of both kinds' spans)."""
    gold = {kind: {(n, a, b) for n, row in enumerate(rows) for a, b in bio_spans(row[f"tags_{kind}"])}
            for kind in KINDS}
    found = {kind: {(n, a, b) for n, spans in enumerate(predicted) for a, b in spans[kind]} for kind in KINDS}
    gold["combined"] = gold["skill"] | gold["knowledge"]
    found["combined"] = found["skill"] | found["knowledge"]
    scores = {}
    for kind in gold:
        hits = len(gold[kind] & found[kind])
        precision, recall = hits / max(len(found[kind]), 1), hits / max(len(gold[kind]), 1)
        scores[kind] = round(2 * precision * recall / (precision + recall), 4) if hits else 0.0
    return scores


def decode(log_probs: list[np.ndarray]) -> list[dict[str, list[tuple[int, int]]]]:
    return [{kind: bio_spans(viterbi(scores[:, k])) for k, kind in enumerate(KINDS)} for scores in log_probs]


def fit_head(train_vectors: list[np.ndarray], train_tags: list[np.ndarray], dev_rows: list[dict],
             dev_vectors: list[np.ndarray], params: dict) -> tuple[SpanTagger, list[dict]]:
    """Adam on the summed cross-entropy of both kinds; keeps the epoch with the best combined exact F1 on dev."""
    import torch

    torch.manual_seed(params["seed"])
    head = build_head(train_vectors[0].shape[1], params["projection"], params["hidden"])
    tagger = SpanTagger(head, {"params": params, "version": "training"})
    optimiser = torch.optim.Adam(head.parameters(), lr=params["learning_rate"])
    dropout = torch.nn.Dropout(params["dropout"])
    rng = np.random.default_rng(params["seed"])
    history, best = [], (-1.0, None)
    for epoch in range(params["max_epochs"]):
        head.train()
        order = rng.permutation(len(train_vectors))
        for first in range(0, len(order), params["batch"]):
            batch = order[first:first + params["batch"]]
            lengths = torch.tensor([len(train_vectors[i]) for i in batch])
            vectors = torch.nn.utils.rnn.pad_sequence([torch.from_numpy(train_vectors[i]) for i in batch],
                                                      batch_first=True)
            tags = torch.nn.utils.rnn.pad_sequence([torch.from_numpy(train_tags[i]) for i in batch],
                                                   batch_first=True, padding_value=-100)
            logits = head(dropout(vectors), lengths)
            loss = torch.nn.functional.cross_entropy(logits.reshape(-1, len(TAGS)), tags.reshape(-1))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        head.eval()
        scores = span_f1(dev_rows, decode(tagger.log_probs(dev_vectors)))
        history.append({"epoch": epoch + 1, **{f"dev_exact_f1_{k}": v for k, v in scores.items()}})
        if scores["combined"] > best[0]:
            best = (scores["combined"], copy.deepcopy(head.state_dict()))
    head.load_state_dict(best[1])
    return tagger, history


def link_threshold(shared: Path, encode) -> tuple[float, dict]:
    """The cosine above which a span links to its nearest taxonomy name, chosen for accuracy on the Decorte
    validation spans: right when it links to the gold ESCO label's entry, or stays unlinked when the gold
    label is not in the taxonomy (or is 'LABEL NOT PRESENT')."""
    import csv

    from models.linking import SkillLinker, taxonomy_entries
    from models.skills import SkillExtractor

    entries = taxonomy_entries()
    by_name = {entry["name"].casefold(): i for i, entry in enumerate(entries)}
    spans, gold = [], []
    for name in LINK_SETS:
        path = shared / "decorte_esco_linking" / name
        if not path.is_file():
            raise FileNotFoundError(f"{path}: the ESCO-linking validation set is needed to choose the threshold")
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row["label"] != "UNDERSPECIFIED":
                    spans.append(row["span"])
                    gold.append(by_name.get(row["label"].casefold()))
    linker = SkillLinker(SkillExtractor.load(), encode, 1.0, entries)
    nearest = linker.nearest(spans)
    accuracy = {}
    for threshold in THRESHOLDS:
        right = sum((entry == target) if similarity >= threshold else target is None
                    for (entry, similarity), target in zip(nearest, gold))
        accuracy[threshold] = round(right / len(spans), 4)
    chosen = max(THRESHOLDS, key=lambda t: (accuracy[t], t))
    return chosen, {"link_spans": len(spans), "link_spans_in_taxonomy": sum(g is not None for g in gold),
                    "link_accuracy_by_threshold": {str(t): a for t, a in accuracy.items()}}


def train(shared: Path = DEFAULT_SHARED, out: Path | None = ARTIFACT_DIR, params: dict | None = None) -> dict:
    import torch

    from models.embedder import MODEL_KEY, Embedder, MemoEncoder

    params = dict(params or PARAMS)
    torch.set_num_threads(min(2, torch.get_num_threads()))
    started = time.perf_counter()
    train_rows, dev_rows = skillspan(shared, "train"), skillspan(shared, "dev")
    vectors = TokenVectors(params["layers"])
    train_vectors = vectors([row["tokens"] for row in train_rows])
    dev_vectors = vectors([row["tokens"] for row in dev_rows])
    vectors_s = time.perf_counter() - started
    params["dimensions"] = train_vectors[0].shape[1]
    tagger, history = fit_head(train_vectors, tag_targets(train_rows), dev_rows, dev_vectors, params)
    best = max(history, key=lambda h: h["dev_exact_f1_combined"])
    threshold, link_metrics = link_threshold(shared, MemoEncoder(Embedder(device="cpu").encode))
    metrics = {"dev_exact_f1": {k: best[f"dev_exact_f1_{k}"] for k in ("skill", "knowledge", "combined")},
               "epoch": best["epoch"], "link_threshold": threshold, "train_sentences": len(train_rows),
               "word_vectors_s": round(vectors_s, 1), "train_s": round(time.perf_counter() - started, 1)}
    if out is None:
        return metrics
    data = b"".join((shared / "skillspan" / "json" / f"{s}.json").read_bytes() for s in ("train", "dev"))
    digest = hashlib.sha256(data).hexdigest()[:12]
    import sklearn
    import transformers

    tagger.metadata = {
        "version": f"{digest}-h{params['hidden']}-l{params['layers']}-e{best['epoch']}",
        "trained_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "training_data": {"skillspan": "train (fit), dev (epoch)", "sha256_12": digest, "licence": "MIT",
                          "link_threshold_from": "decorte_esco_linking " + ", ".join(LINK_SETS)},
        "embedding_model": MODEL_KEY, "word_vector": f"first sub-token, top {params['layers']} layers concatenated",
        "params": params, "link_threshold": threshold, "history": history, "metrics": metrics | link_metrics,
        "library_versions": {"python": platform.python_version(), "numpy": np.__version__,
                             "torch": torch.__version__, "transformers": transformers.__version__,
                             "scikit-learn": sklearn.__version__},
    }
    tagger.save(out)
    return metrics
