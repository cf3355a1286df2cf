"""Benchmarks run with `python -m pytest bench --benchmark-enable` (see bench/README.md).

Kernels compile on first use, so every benchmark warms up once before timing.
"""
import os

import pytest

os.environ.setdefault("NUMBA_NUM_THREADS", str(os.cpu_count() or 1))


def pytest_collection_modifyitems(config, items):
    if config.getoption("--benchmark-disable", default=False):
        for item in items:
            item.add_marker(pytest.mark.skip(reason="benchmarks are disabled (--benchmark-disable)"))


def pytest_configure(config):
    config.option.benchmark_warmup = True
