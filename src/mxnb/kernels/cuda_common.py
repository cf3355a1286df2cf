"""Building blocks shared by the CUDA kernels of the reduction, linalg and nn families.

Kernels here are plain-Python templates whose helpers (LOAD, COMB, GRAD, the
tile sizes, the accumulator type...) are globals bound per (kind, dtype) when
the kernel is built, as `cuda_build` does for the elementwise ops: one
template, many specialised kernels, each compiled on its first launch.

Imported only once a GPU array exists (through `cuda_launch`).
"""
import types

import numpy as np

from . import cuda_build
from .cuda_build import SIMULATOR, cuda

_F16 = np.dtype(np.float16)
_devs = {}
_kernels = {}


def _envkey(env):
    return tuple(sorted(((k, id(v) if callable(v) else v) for k, v in env.items()),
                        key=lambda kv: kv[0]))


def dev(fn, **env):
    """`fn` as a CUDA device function, with the globals in `env` (types, constants) bound."""
    key = (fn, _envkey(env))
    d = _devs.get(key)
    if d is None:
        g = dict(fn.__globals__)
        g.update(env)
        f = types.FunctionType(fn.__code__, g, fn.__name__, fn.__defaults__)
        d = _devs[key] = cuda.jit(device=True)(f)
    return d


def _mul(a, b):
    return a * b


def unfused_mul(dtype):
    """A device multiply NVVM never fuses into a multiply-add (libdevice's fmul_rn / dmul_rn),
    for products that feed a sum where the CPU rounds each step; plain under the simulator."""
    if SIMULATOR:
        return dev(_mul)
    from numba.cuda import libdevice

    return libdevice.fmul_rn if np.dtype(dtype) == np.float32 else libdevice.dmul_rn


def _min2(a, b):
    return a if a <= b else b


def _max2(a, b):
    return a if a >= b else b


def kernel(template, tag, **bindings):
    """The kernel built from `template` with `bindings` as globals, once per (template, tag).

    `tag` names the specialisation (kind, dtype): it is part of the kernel's
    qualname, with a hash of the template's source, so on-disk caches never mix
    two specialisations or two versions. `min` and `max` of two values are bound
    to device functions: numba 0.68's built-in CUDA target fails to compile the
    builtins on integers (the simulator accepts them).
    """
    key = (template, tag)
    k = _kernels.get(key)
    if k is None:
        from .builder import _source_hash

        import math

        b = {"math": math, "np": np, "min": dev(_min2), "max": dev(_max2)}
        b.update(bindings)
        # the hash covers the template's file and this one (the bound min/max live here)
        name = f"{template.__name__}_{tag}_{_source_hash(template, _min2)}"
        k = _kernels[key] = cuda_build._make(template, name, b)
    return k


def compute_dtype(dtype):
    """float16 computes in float32 (its arrays are cast in and out); other dtypes as they are."""
    dtype = np.dtype(dtype)
    return np.dtype(np.float32) if dtype == _F16 else dtype


def as_dtype(d, dtype):
    """Device array `d` in `dtype` (itself when it already is; else a cast copy)."""
    from . import cuda_launch

    dtype = np.dtype(dtype)
    if np.dtype(d.dtype) == dtype:
        return d
    out = cuda_launch.empty(d.shape, dtype)
    cuda_launch.cast_into(flat(d), flat(out))
    return out


def flat(d):
    return d.reshape(d.size)


_UINT = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}


def bits(d):
    """A flat view of device array `d` as unsigned integers of its width: kernels that only
    move values then serve every dtype with one signature (and load no float16)."""
    return flat(d).view(_UINT[np.dtype(d.dtype).itemsize])


def bits_of(value, dtype):
    """`value` cast to `dtype`, as the unsigned integer of its bits (a fill value for `bits`)."""
    dt = np.dtype(dtype)
    return np.asarray(value, dt).reshape(1).view(_UINT[dt.itemsize])[0]


def unsign_zeros_kernel(b, sign):
    """b[i] = 0 where b[i] == sign: -0.0 becomes +0.0 in a float array's bits."""
    for i in range(cuda.grid(1), b.shape[0], cuda.gridsize(1)):
        if b[i] == sign:
            b[i] = 0


def unsign_zeros(d):
    """Make the -0.0 of float device array `d` +0.0, in place (integers: nothing to do).

    Gradients the CPU builds by adding into zeros (sort, topk, pick) never hold
    -0.0 (0.0 + -0.0 is +0.0); the device kernels that place `dy` by moving its
    bits run this after, so they give the same bits.
    """
    dt = np.dtype(d.dtype)
    if dt.kind != "f" or not d.size:
        return d
    b = bits(d)
    sign = b.dtype.type(1) << b.dtype.type(8 * dt.itemsize - 1)
    cuda_build.launch(kernel(unsign_zeros_kernel, "any"), b.size, b, sign)
    return d


def unsign_zeros_ptx_jobs():
    """`cuda_ptx` jobs for `unsign_zeros`: one per float width."""
    from numba import types

    return [(f"unsign_zeros/{t}", lambda: kernel(unsign_zeros_kernel, "any"),
             (types.Array(getattr(types, t), 1, "C"), getattr(types, t)), False)
            for t in ("uint16", "uint32", "uint64")]


def grid_blocks(n):
    """Blocks for `n` independent tiles, capped like the grid-stride launches."""
    cap = cuda_build.config.max_blocks or cuda_build._sm_blocks()
    return max(1, min(cap, n))


__all__ = ["dev", "kernel", "compute_dtype", "as_dtype", "flat", "grid_blocks", "SIMULATOR",
           "cuda"]
