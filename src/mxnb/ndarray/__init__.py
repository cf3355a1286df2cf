"""`mx.nd`: NDArray, creation routines and every operator of the op table."""
from .ndarray import NDArray  # noqa: F401
from . import operators as _operators  # noqa: F401  (installs +, -, [], ... on NDArray)
from . import interop as _interop  # noqa: F401
from ._api import *  # noqa: F401,F403
from ._api import __all__ as _op_names
from .creation import (arange, array, concatenate, empty, eye, full, full_like, linspace,  # noqa: F401
                       ones, ones_like, waitall, zeros, zeros_like)
from .interop import (from_cuda_array, from_dlpack, from_numpy, to_dlpack_for_read,  # noqa: F401
                      to_dlpack_for_write)
from . import _fluent  # noqa: F401  (x.exp(), x.clip(...), ...)
from .io import load, load_frombuffer, save  # noqa: F401
from ._api import ones_like, zeros_like  # noqa: F401,F811  (the recorded ops, as in MXNet)


__all__ = ["NDArray", "arange", "array", "empty", "eye", "linspace", "concatenate", "full", "ones",
           "zeros", "ones_like",
           "zeros_like", "waitall", "from_numpy", "from_dlpack", "from_cuda_array", "save", "load",
           "load_frombuffer"] + list(_op_names)
from . import random  # noqa: E402,F401  (mx.nd.random)
from . import random_like as _random_like  # noqa: E402
from . import compat as _compat  # noqa: E402  (moments, SequenceMask, diag, ...)
from . import legacy as _legacy  # noqa: E402  (Crop)
for _m in (_compat, _legacy):
    for _n in _m.__all__:  # an op of the table with the same name wins
        if _n not in globals():
            globals()[_n] = getattr(_m, _n)
            __all__.append(_n)
del _m
del _n
from .optimizer_ops import *  # noqa: E402,F401,F403  (sgd_update, adam_update, ...)
from .optimizer_ops import __all__ as _opt_names  # noqa: E402
__all__ += list(_opt_names)
from .optimizer_ops2 import *  # noqa: E402,F401,F403  (mp_sgd_update, ftml_update, lamb_...)
from .optimizer_ops2 import __all__ as _opt2_names  # noqa: E402
__all__ += list(_opt2_names)
from .optimizer_multi import *  # noqa: E402,F401,F403  (multi_sgd_update, multi_sum_sq, ...)
from .optimizer_multi import __all__ as _optm_names  # noqa: E402
__all__ += list(_optm_names)
from . import linalg  # noqa: E402,F401  (mx.nd.linalg.gemm2, ...)
from . import contrib  # noqa: E402,F401  (mx.nd.contrib.foreach, isnan, ...)
from . import sparse  # noqa: E402,F401  (not built: raises NotImplementedError)
from . import op  # noqa: E402,F401  (mx.nd.op.exp is mx.nd.exp, as in MXNet)
from . import _internal  # noqa: E402,F401  (mx.nd._internal._plus_scalar, ...)
from . import image  # noqa: E402,F401  (mx.nd.image.to_tensor, resize, ...)
from .custom import Custom  # noqa: E402,F401  (ops written with mx.operator)
__all__.append("Custom")
from .rnn import RNN  # noqa: E402,F401  (the fused RNN layer, as composed ops)
__all__.append("RNN")
from .linalg import (gemm as linalg_gemm, gemm2 as linalg_gemm2, syrk as linalg_syrk,  # noqa: E402,F401
                     extractdiag as linalg_extractdiag, makediag as linalg_makediag,
                     sumlogdiag as linalg_sumlogdiag, slogdet as linalg_slogdet)
# MXNet's sampler ops under their op names (`mx.nd.random_uniform`, `mx.nd.uniform`, and the
# `sample_*` forms taking NDArray parameters), with the ops' signatures: the same stream.
from .random_ops import *  # noqa: E402,F401,F403
from .random import shuffle  # noqa: E402,F401

for _n in _random_like.__all__:  # mx.nd.random.uniform_like, ...
    setattr(random, _n, getattr(_random_like, _n))
