"""`mx.nd._internal`: MXNet's module of the operators' internal names.

Old MXNet 1.x code sometimes calls them directly (`mx.nd._internal._plus_scalar(x, scalar=2)`,
`_internal._random_uniform(...)`). Each name resolves to the mxnb function that computes the
same thing:

>>> import mxnb as mx
>>> mx.nd._internal._PlusScalar(mx.nd.ones((2,)), scalar=1).asnumpy().tolist()
[2.0, 2.0]
"""
import re

# Internal names whose mxnb function has another name (MXNet registers these as aliases).
_ALIASES = {
    "_add": "elemwise_add", "_plus": "elemwise_add", "_sub": "elemwise_sub",
    "_minus": "elemwise_sub", "_mul": "elemwise_mul", "_div": "elemwise_div",
    "_mod": "broadcast_mod", "_power": "broadcast_power", "_maximum": "broadcast_maximum",
    "_minimum": "broadcast_minimum", "_hypot": "broadcast_hypot", "_equal": "broadcast_equal",
    "_not_equal": "broadcast_not_equal", "_greater": "broadcast_greater",
    "_greater_equal": "broadcast_greater_equal", "_lesser": "broadcast_lesser",
    "_lesser_equal": "broadcast_lesser_equal", "_logical_and": "broadcast_logical_and",
    "_logical_or": "broadcast_logical_or", "_logical_xor": "broadcast_logical_xor",
    "_onehot_encode": "one_hot", "_grad_add": "elemwise_add", "_crop_assign": "_slice_assign",
    "_crop_assign_scalar": "_slice_assign_scalar",
}
_NOT_OPS = {"CachedOp", "NDArrayBase", "_CachedOp", "_CachedOpThreadSafe", "_NDArray", "_Native",
            "_Null", "_set_ndarray_class", "_set_np_ndarray_class", "_imperative_invoke", "_os",
            "_sys"}


def _snake(name):
    # _PlusScalar -> _plus_scalar, _Greater_Equal -> _greater_equal, _RDivScalar -> _rdiv_scalar
    body = name[1:]
    reflected = body[:1] == "R" and body[1:2].isupper()
    body = re.sub(r"(?<=[a-z])(?=[A-Z])", "_", body[1:] if reflected else body).lower()
    return "_" + ("r" if reflected else "") + body


def _resolve(name):
    from .. import ndarray as nd

    if name.startswith("__") or name in _NOT_OPS:
        return None
    candidates = [name]
    if name.startswith("_") and name[1:2].isupper():
        candidates.append(_snake(name))
    for c in list(candidates):
        candidates.append(_ALIASES.get(c, ""))
        candidates.append(c[1:])  # _random_uniform -> random_uniform, _zeros -> zeros
    for c in candidates:
        if c and hasattr(nd, c):
            return getattr(nd, c)
    for c in candidates:  # _adamw_update -> contrib.adamw_update
        if c and hasattr(nd.contrib, c):
            return getattr(nd.contrib, c)
    if name in ("_foreach", "_while_loop", "_cond"):
        return getattr(nd.contrib, name[1:])
    return None


def __getattr__(name):
    fn = _resolve(name)
    if fn is None:
        raise AttributeError(f"module 'mxnb.ndarray._internal' has no attribute '{name}'")
    return fn
