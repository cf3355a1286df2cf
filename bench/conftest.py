"""Benchmarks run with `python -m pytest bench --benchmark-enable` (see bench/README.md).

Kernels compile on first use; each benchmark calls its function once before timing.
"""
