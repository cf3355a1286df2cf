"""`autograd.get_symbol`: the recorded history of an array as a Symbol."""
from ..base import MXNetError
from .engine import parent_of


def get_symbol(x):
    """Return a Symbol of the graph recorded for `x` (ops, their attributes and inputs).

    Variables are named `var<k>`, recorded ops `node_<k>` and constant inputs
    `null<k>`, with process-wide counters as in MXNet.

    >>> x = mx.nd.ones((2,)); x.attach_grad()
    >>> with mx.autograd.record():
    ...     z = mx.nd.elemwise_add(mx.nd.exp(x), x)
    >>> sym = mx.autograd.get_symbol(z)
    >>> sym.list_arguments(), sym.list_outputs()    # doctest: +SKIP
    (['var0'], ['node_1_output'])
    """
    from ..ndarray.ndarray import NDArray
    from ..symbol.symbol import from_autograd

    assert isinstance(x, NDArray), \
        f"get_symbol: Invalid argument type, expecting {NDArray}, got {type(x)}"
    p = parent_of(x)
    if p is None:
        raise MXNetError(
            "NDArray is not part of a computation graph. Did you forget to turn on recording?")
    return from_autograd(p)
