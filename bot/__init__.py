"""HuriBot core: messages, routing, answering policy, storage. Knows no chat platform."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("huribot")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
