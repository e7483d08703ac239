"""Fake platform APIs served on loopback, for adapter tests and benchmarks."""
