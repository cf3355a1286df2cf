"""The op table. Importing this package declares every op (pure Python; no numba)."""
from .registry import OPS, Op, register  # noqa: F401
from . import unary, binary, basic, views, shape, slicing, indexing, ordering  # noqa: F401,E402
