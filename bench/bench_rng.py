"""Speed of the MXNet-identical random stream against NumPy's generator.

Run: `PYTHONPATH=src python -m pytest bench/bench_rng.py --benchmark-enable`
(add `--benchmark-columns=min,median,mean`). Both sides fill a preallocated
4096x4096 float32 array, measured in the same run. `mxnb` picks the parallel
kernel at this size; the `serial` rows show one thread.
"""
import numpy as np
import pytest

from mxnb._rng import GeneratorPool

N = 4096 * 4096


@pytest.fixture(scope="module")
def out():
    a = np.empty(N, np.float32)
    a[:] = 0          # touch the pages once, so no run pays the page faults
    return a


@pytest.fixture(scope="module")
def pools():
    pools = {"auto": GeneratorPool(0), "serial": GeneratorPool(0, parallel=False)}
    warm = np.empty(70_000, np.float32)
    for p in pools.values():
        p.uniform(warm)
        p.normal(warm)
    return pools


@pytest.mark.benchmark(group="uniform float32 4096x4096")
def test_uniform_mxnb(benchmark, pools, out):
    benchmark(pools["auto"].uniform, out)


@pytest.mark.benchmark(group="uniform float32 4096x4096")
def test_uniform_mxnb_serial(benchmark, pools, out):
    benchmark(pools["serial"].uniform, out)


@pytest.mark.benchmark(group="uniform float32 4096x4096")
def test_uniform_numpy(benchmark, out):
    rng = np.random.default_rng()
    benchmark(rng.random, dtype=np.float32, out=out)


@pytest.mark.benchmark(group="normal float32 4096x4096")
def test_normal_mxnb(benchmark, pools, out):
    benchmark(pools["auto"].normal, out)


@pytest.mark.benchmark(group="normal float32 4096x4096")
def test_normal_mxnb_serial(benchmark, pools, out):
    benchmark(pools["serial"].normal, out)


@pytest.mark.benchmark(group="normal float32 4096x4096")
def test_normal_numpy(benchmark, out):
    rng = np.random.default_rng()
    benchmark(rng.standard_normal, dtype=np.float32, out=out)
