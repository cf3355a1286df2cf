"""`mx.symbol`: symbolic graphs. For now only what `autograd.get_symbol` returns: a Symbol
that lists its arguments and outputs and prints MXNet's JSON graph format. The rest of
MXNet's Symbol API lands with a later issue and raises NotImplementedError until then.
"""
from .symbol import Symbol  # noqa: F401

__all__ = ["Symbol"]
