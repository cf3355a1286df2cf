"""MXNet 1.9.1's random stream (CPU, bit for bit) on NumPy arrays.

`GeneratorPool` is the state behind `mx.random.seed` and the samplers of
`mx.nd.random`; the kernels (numba) load on the first draw.
"""
from mxnb._rng.pool import MIN_PER_CHUNK, NUM_STATES, GeneratorPool, plan

__all__ = ["GeneratorPool", "plan", "NUM_STATES", "MIN_PER_CHUNK"]
