"""How Teams names a channel's reply chain, in a module of its own: the dashboard reads it
without loading the Agents SDK."""

from __future__ import annotations

THREAD_SUFFIX = ";messageid="
"""How Teams names a channel's reply chain: `<channel id>;messageid=<first message id>`."""
