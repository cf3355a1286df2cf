"""mxnb: MXNet 1.x's imperative API on NumPy buffers and Numba kernels.

>>> import mxnb as mx
>>> mx.nd.exp(mx.nd.ones((2,)))
<BLANKLINE>
[2.7182817 2.7182817]
<NDArray 2 @cpu(0)>
"""
__version__ = "0.1.0"

from . import base  # noqa: E402
from .base import MXNetError  # noqa: E402,F401
from . import context  # noqa: E402
from .context import Context, cpu, cpu_pinned, current_context, gpu, num_gpus  # noqa: E402,F401
from . import autograd  # noqa: E402
from . import ndarray  # noqa: E402
from . import ndarray as nd  # noqa: E402,F401
from . import random  # noqa: E402,F401
from . import initializer  # noqa: E402,F401
from . import initializer as init  # noqa: E402,F401
from . import operator  # noqa: E402,F401  (mx.operator.CustomOp, register)


def set_num_threads(n):
    """Threads for mxnb's parallel kernels (1 = serial only)."""
    from .kernels import builder

    builder.set_num_threads(n)
from . import test_utils  # noqa: E402,F401
