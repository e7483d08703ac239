"""HuriBot core: messages, routing, answering policy, storage. Knows no chat platform."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    """`bot.__version__`, looked up only when asked for: reading the installed package's
    metadata scans the site's packages, a fiftieth of a second every command would pay."""
    if name != "__version__":
        raise AttributeError(f"module 'bot' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

    try:
        return version("huribot")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0"
