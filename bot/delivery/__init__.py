"""Delivering later: the outbox, its dispatcher, payloads, keys and known conversations."""
