"""`mx.nd`: NDArray, creation routines and every operator of the op table."""
from .ndarray import NDArray  # noqa: F401
from . import operators as _operators  # noqa: F401  (installs +, -, [], ... on NDArray)
from . import interop as _interop  # noqa: F401
from ._api import *  # noqa: F401,F403
from ._api import __all__ as _op_names
from .creation import (arange, array, empty, full, full_like, ones, ones_like, waitall,  # noqa: F401
                       zeros, zeros_like)
from .interop import (from_cuda_array, from_dlpack, from_numpy, to_dlpack_for_read,  # noqa: F401
                      to_dlpack_for_write)
from . import _fluent  # noqa: F401  (x.exp(), x.clip(...), ...)
from .io import load, load_frombuffer, save  # noqa: F401
from ._api import ones_like, zeros_like  # noqa: F401,F811  (the recorded ops, as in MXNet)


__all__ = ["NDArray", "arange", "array", "empty", "full", "ones", "zeros", "ones_like",
           "zeros_like", "waitall", "from_numpy", "from_dlpack", "from_cuda_array", "save", "load",
           "load_frombuffer"] + list(_op_names)
from . import random  # noqa: E402,F401  (mx.nd.random)
