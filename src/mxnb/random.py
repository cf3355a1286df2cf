"""`mx.random`: seeding, plus the samplers of `mx.nd.random` under the same names.

>>> mx.random.seed(42)
>>> mx.random.uniform(shape=(2,)).asnumpy()
array([0.82909364, 0.7478349 ], dtype=float32)
"""
import numpy as np

from .context import Context
from .ndarray import random as _ndrandom
from .ndarray.random import (exponential, gamma, generalized_negative_binomial,  # noqa: F401
                             multinomial, negative_binomial, normal, poisson, randint, randn,
                             shuffle, uniform)

__all__ = ["seed", "uniform", "normal", "randn", "randint", "exponential", "gamma", "poisson",
           "negative_binomial", "generalized_negative_binomial", "multinomial", "shuffle"]

# MXNet's integer_types: Python ints (bool included) and NumPy int32/int64 only.
_SEED_TYPES = (int, np.int32, np.int64)


def seed(seed_state, ctx="all"):
    """Seed the random number generators.

    `ctx='all'` seeds every device (and the ones used later); a Context seeds
    only that device. Every CPU context shares one generator pool, as in
    MXNet, so `seed(s, mx.cpu(1))` also reseeds `cpu(0)`. The same seed gives
    the same numbers as MXNet 1.9.1 on the CPU.

    >>> mx.random.seed(0)
    >>> mx.nd.random.uniform(shape=(2,)).asnumpy()
    array([0.5488135, 0.5928446], dtype=float32)
    """
    if not isinstance(seed_state, _SEED_TYPES):
        raise ValueError("seed_state must be int")
    # MXNet passes the seed through a C int and then works modulo 2**32
    seed_state = int(seed_state) % 2**32
    if isinstance(ctx, str) and ctx == "all":
        _ndrandom._seed(seed_state, "all")
        return
    if not isinstance(ctx, Context):
        ctx = _context(ctx)
    _ndrandom._seed(seed_state, ctx)


def _context(ctx):
    """MXNet's `Context(ctx)`: a device type name, else KeyError as there."""
    if isinstance(ctx, str) and ctx in Context.devstr2type:
        return Context(ctx)
    raise KeyError(ctx)
