"""Devices: `mx.cpu()`, `mx.gpu()`, `mx.Context`, and the current-context stack."""
import threading

from .base import MXNetError

__all__ = ["Context", "cpu", "gpu", "cpu_pinned", "current_context", "num_gpus",
           "gpu_memory_info"]


class _DefaultCtx:
    """`Context.default_ctx`: MXNet's deprecated class property for the current context."""

    def __get__(self, obj, cls):
        return current_context()


class Context:
    """A device an array lives on, as in MXNet: `cpu(0)`, `gpu(1)`.

    Usable as a `with` block that makes it the default for creation routines:

    >>> with mx.cpu(1):
    ...     mx.nd.zeros((2,)).context
    cpu(1)
    """

    devtype2str = {1: "cpu", 2: "gpu", 3: "cpu_pinned", 5: "cpu_shared"}
    devstr2type = {v: k for k, v in devtype2str.items()}
    _local = threading.local()
    default_ctx = _DefaultCtx()

    def __init__(self, device_type, device_id=0):
        if isinstance(device_type, Context):
            self.device_typeid = device_type.device_typeid
            self.device_id = device_type.device_id
        else:
            if device_type not in self.devstr2type:
                raise KeyError(device_type)  # MXNet's dict lookup
            self.device_typeid = self.devstr2type[device_type]
            self.device_id = int(device_id)
        self._old_ctx = None

    @property
    def device_type(self):
        return self.devtype2str[self.device_typeid]

    def __hash__(self):
        return hash((self.device_typeid, self.device_id))

    def __eq__(self, other):
        return (isinstance(other, Context) and self.device_typeid == other.device_typeid
                and self.device_id == other.device_id)

    def __repr__(self):
        return f"{self.device_type}({self.device_id})"

    __str__ = __repr__

    def __enter__(self):
        stack = _stack()
        stack.append(self)
        return self

    def __exit__(self, *exc):
        _stack().pop()

    @property
    def is_gpu(self):
        return self.device_typeid == 2

    def empty_cache(self):
        """Release cached device memory (a no-op on the CPU)."""


def _stack():
    st = getattr(Context._local, "stack", None)
    if st is None:
        st = Context._local.stack = []
    return st


def cpu(device_id=0):
    """The CPU context. Any id is accepted (it is only a label), as in MXNet."""
    return Context("cpu", device_id)


def cpu_pinned(device_id=0):
    return Context("cpu_pinned", device_id)


def gpu(device_id=0):
    """The GPU context `gpu(device_id)`. Arrays there need an NVIDIA GPU (or Numba's simulator)."""
    return Context("gpu", device_id)


def current_context():
    """The innermost `with ctx:` context of this thread, else `cpu(0)`."""
    st = _stack()
    return st[-1] if st else Context("cpu", 0)


_gpu_count = []


def num_gpus():
    """Number of usable GPUs; Numba's CUDA simulator counts as one. Cached after the first call."""
    if not _gpu_count:
        _gpu_count.append(_count_gpus())
    return _gpu_count[0]


def gpu_memory_info(device_id=0):
    """(free, total) bytes of GPU `device_id`'s memory; MXNetError without that GPU."""
    check_gpu(gpu(device_id))
    from numba import cuda

    with cuda.gpus[device_id]:
        free, total = cuda.current_context().get_memory_info()
    return int(free), int(total)


def _count_gpus():
    import os

    if os.environ.get("MXNB_DISABLE_CUDA") == "1":
        return 0
    try:
        from numba import cuda  # noqa: deferred on purpose, costs 0.05-0.4 s
    except Exception:
        return 0
    try:
        if not cuda.is_available():
            return 0
        return len(cuda.gpus)
    except Exception:
        return 0


def check_gpu(ctx):
    """Raise a clear MXNetError when `ctx` is a GPU that cannot be used."""
    if ctx.is_gpu:
        n = num_gpus()
        if ctx.device_id >= n:
            raise MXNetError(
                f"{ctx} is not available: mxnb found {n} usable GPU(s). GPU arrays need an NVIDIA "
                "GPU with its driver and the CUDA extra (`pip install mxnb[cuda]`), or Numba's "
                "simulator (NUMBA_ENABLE_CUDASIM=1)."
            )
