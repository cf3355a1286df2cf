"""The op table. Importing this package declares every op (pure Python; no numba)."""
from .registry import OPS, Op, register  # noqa: F401
from . import unary, binary, basic, views, nn, nn_softmax, nn_norm, nn_conv, nn_pool  # noqa: F401,E402,E501
from . import shape, slicing, indexing, ordering  # noqa: F401,E402
