"""The embedding paths feed the model what SentenceTransformer.encode would and give the same vectors."""

from __future__ import annotations

import json

import numpy as np
import pytest

import models.embedder as embedder_module
from models.embedder import DIMENSIONS, MAX_TOKENS, DeviceError, Embedder, clip_for_tokens, resolve_device, tokenise
from scrapers.ats import greenhouse
from scrapers.normalise import embedding_text, normalise
from tests.helpers import DEMO, marketfit

# clipped and full (a long posting), clipped but short of the window (long words are one [UNK] each),
# never clipped (no whitespace), blank-line padding, and the shortest texts
EDGE_TEXTS = ["word " * 3000, "x" * 1500 + " " + "y" * 1500 + " tail", "漢字" * 1500, "a\n\n" * 1500, "Go", ""]


def _posting_texts() -> list[str]:
    """The four recorded Anthropic postings (9-26k characters each) as the scan embeds them."""
    payload = json.loads((DEMO / "boards" / "greenhouse" / "anthropic.json").read_text(encoding="utf-8"))
    records = [normalise(greenhouse.parse_job(job, company="Anthropic", board="anthropic"))
               for job in greenhouse.jobs(payload)]
    return [embedding_text(r["title"], r["description"]) for r in records]


@pytest.fixture(scope="module")
def fp32() -> Embedder:
    return Embedder(device="cpu", precision="fp32")


def test_clipped_tokenising_gives_the_token_ids_sentence_transformers_makes(fp32):
    texts = _posting_texts() + EDGE_TEXTS
    assert sum(len(clip_for_tokens(t)) < len(t) for t in texts) >= 6  # the clipping path is exercised
    ours = tokenise(fp32.model.tokenizer, texts)
    reference = fp32.model.preprocess(texts)
    assert set(ours) == {"input_ids", "token_type_ids", "attention_mask"}
    for name, ids in ours.items():
        assert np.array_equal(ids, reference[name].numpy()), name
    unfilled = texts.index(EDGE_TEXTS[1])  # clipped, short of the window: tokenised in full again
    assert len(clip_for_tokens(texts[unfilled])) < len(texts[unfilled])
    assert ours["attention_mask"][unfilled].sum() < MAX_TOKENS


def test_clip_cuts_at_whitespace_only():
    assert clip_for_tokens("short text") == "short text"
    assert clip_for_tokens("word " * 3000) == "word " * 408 + "word"  # the last space before 8 × 256 characters
    assert clip_for_tokens("z" * 5000) == "z" * 5000


def test_vectors_match_sentence_transformers_encode(fp32):
    texts = _posting_texts() + EDGE_TEXTS
    ours = fp32.encode(texts)
    reference = fp32.model.encode(texts, batch_size=fp32.batch_size, normalize_embeddings=True)
    assert ours.shape == (len(texts), DIMENSIONS) and ours.dtype == np.float32
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert float(np.min(np.sum(ours * reference, axis=1))) >= 0.9999


def test_tokenizer_worker_processes_give_the_same_vectors(fp32):
    texts = _posting_texts()[:2] + EDGE_TEXTS
    pooled = Embedder(device="cpu", precision="fp32", batch_size=2, tokenizer_workers=1)
    try:
        vectors = pooled.encode(texts)  # 4 batches, tokenised ahead in the worker
    finally:
        pooled.close()
    fp32.batch_size, default = 2, fp32.batch_size
    try:
        inline = fp32.encode(texts)
    finally:
        fp32.batch_size = default
    assert np.allclose(vectors, inline, atol=1e-6)
    assert np.allclose(pooled.encode(texts[:2]), inline[:2], atol=1e-6)  # closed: tokenises in this process


def test_model_loads_on_first_encode_not_before():
    lazy = Embedder(device="cpu")
    assert lazy.encode([]).shape == (0, DIMENSIONS)
    assert lazy._model is None  # a rescan with nothing new to embed never loads the model


def test_auto_precision_is_bf16_only_on_native_bf16_cpus(fp32, monkeypatch):
    monkeypatch.setattr(embedder_module, "cpu_has_native_bf16", lambda: False)
    assert fp32._choose_precision("auto") == "fp32"
    monkeypatch.setattr(embedder_module, "cpu_has_native_bf16", lambda: True)
    assert fp32._choose_precision("auto") == "bf16"  # the probe agrees (cosine ≥ 0.99) in bf16
    assert fp32._choose_precision("fp32") == "fp32"


def test_devices():
    import torch

    assert resolve_device("cpu") == "cpu"
    with pytest.raises(DeviceError, match="auto, cpu or cuda"):
        resolve_device("tpu")
    if torch.cuda.is_available():
        assert resolve_device("auto") == "cuda"
    else:
        assert resolve_device("auto") == "cpu"
        with pytest.raises(DeviceError, match="no CUDA GPU"):
            resolve_device("cuda")


def test_scan_refuses_a_device_this_machine_lacks(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    result = marketfit("scan", "--sources", str(DEMO / "sources.toml"), "--device", "tpu", "--db", str(warehouse),
                       check=False)
    assert result.returncode == 2
    assert result.stderr.strip() == "error: device must be auto, cpu or cuda, not 'tpu'"
    assert not warehouse.exists()
