"""`mx.nd.op`: MXNet's generated module of operator functions.

MXNet 1.x defines every `mx.nd.<op>` in `mxnet.ndarray.op` and re-exports it, so old code
sometimes calls `mx.nd.op.exp(x)`. Here the names resolve to the same functions as `mx.nd`:

>>> import mxnb as mx
>>> mx.nd.op.exp is mx.nd.exp
True
"""


def __getattr__(name):
    from .. import ndarray

    if name.startswith("__") or name in ("op", "CachedOp"):
        raise AttributeError(f"module 'mxnb.ndarray.op' has no attribute '{name}'")
    try:
        return getattr(ndarray, name)
    except AttributeError:
        raise AttributeError(f"module 'mxnb.ndarray.op' has no attribute '{name}'") from None


def __dir__():
    from .. import ndarray

    return sorted(n for n in dir(ndarray) if callable(getattr(ndarray, n, None))
                  and not n.startswith("__") and n != "op")
