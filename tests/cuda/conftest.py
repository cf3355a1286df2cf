"""CUDA tests: run under Numba's simulator (NUMBA_ENABLE_CUDASIM=1) or on a real GPU, else skipped.

Under the simulator, launches are made tiny (8 threads, at most 4 blocks) so
small inputs still span several blocks and every grid-stride loop strides,
and the simulator's device arrays are made strict: they forward any unknown
attribute to a NumPy array (`a + b`, `a.astype`, `np.asarray(a)` all "work"),
which would hide code that breaks on a real GPU. Here only the API that
Numba's real DeviceNDArray has is allowed outside numba itself.
"""
import os
import sys

import pytest

SIM = os.environ.get("NUMBA_ENABLE_CUDASIM") == "1"
if SIM:
    os.environ.setdefault("MXNB_CUDA_THREADS", "8")
    os.environ.setdefault("MXNB_CUDA_MAX_BLOCKS", "4")

_DEVICE_API = frozenset((
    "shape", "strides", "dtype", "size", "ndim", "nbytes", "alloc_size", "stream", "flags",
    "copy_to_host", "copy_to_device", "reshape", "ravel", "view", "is_c_contiguous",
    "is_f_contiguous", "split", "squeeze", "bind", "T", "transpose", "getitem", "setitem",
    "__array__", "__len__", "__cuda_array_interface__"))


def _usable():
    if SIM:
        return True
    if os.environ.get("MXNB_DISABLE_CUDA") == "1":
        return False
    import mxnb

    return mxnb.context.num_gpus() > 0


def _make_strict():
    from numba.cuda.simulator.cudadrv import devicearray as da

    fake = da.FakeCUDAArray
    if getattr(fake, "_mxnb_strict", False):
        return
    forward = fake.__getattr__

    def strict_getattr(self, name):
        caller = sys._getframe(1).f_globals.get("__name__", "")
        if name not in _DEVICE_API and not caller.startswith("numba"):
            raise AttributeError(f"real CUDA device arrays have no attribute {name!r} "
                                 f"(used from {caller})")
        return forward(self, name)

    def no_arithmetic(self, other):
        raise TypeError("real CUDA device arrays do not support arithmetic operators")

    fake.__getattr__ = strict_getattr
    # A real device array's shape is a plain tuple (shape[-1] works); the simulator's
    # FakeShape refuses negative indices, which only kernels' shapes do.
    fake.shape = property(lambda self: tuple(self._ary.shape))
    for op in ("add", "sub", "mul", "floordiv", "truediv", "mod", "pow"):
        setattr(fake, f"__{op}__", no_arithmetic)
    for op in ("eq", "ne", "lt", "le", "gt", "ge"):
        setattr(fake, f"__{op}__", getattr(object, f"__{op}__"))
    fake.__hash__ = object.__hash__
    fake._mxnb_strict = True


USABLE = _usable()
if SIM:
    _make_strict()


@pytest.fixture(autouse=True)
def _need_gpu():
    if not USABLE:
        pytest.skip("needs NUMBA_ENABLE_CUDASIM=1 or an NVIDIA GPU")


@pytest.fixture
def host_guard(monkeypatch):
    """`guard(names=None)`: the ops in `names` (every op, when None) fail the test if they
    run through the host (`cuda_launch.host_fallback` / `host_backward`); others still may."""
    from mxnb.kernels import cuda_launch

    fallback, backward = cuda_launch.host_fallback, cuda_launch.host_backward

    def guard(names=None):
        def refused(op):
            return names is None or op.name in names

        def guard_fwd(fn, op, *args, **kwargs):
            assert not refused(op), f"{op.name} ran through the host"
            return fallback(fn, op, *args, **kwargs)

        def guard_bwd(op, *args, **kwargs):
            assert not refused(op), f"{op.name} backward ran through the host"
            return backward(op, *args, **kwargs)

        monkeypatch.setattr(cuda_launch, "host_fallback", guard_fwd)
        monkeypatch.setattr(cuda_launch, "host_backward", guard_bwd)

    return guard
