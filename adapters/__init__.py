"""Adapters: console, CLI, Slack and Teams translation layers, and the composition root."""
