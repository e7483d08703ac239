"""Slack adapter (slack-bolt, async): Slack events into the core, replies out as Block Kit."""
