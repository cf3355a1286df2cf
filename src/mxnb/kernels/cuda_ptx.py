"""Compile every CUDA kernel to PTX with NVVM, without a GPU: the real type-check and codegen.

The simulator runs kernels as Python, so it accepts code the CUDA compiler
rejects and computes float32 in double. This checker builds each kernel the
way a launch would (same templates, same bindings), compiles it with
`cuda.compile_ptx` for one signature, and flags float64 arithmetic in kernels
whose compute type is float32 (a Python float literal in an op's scalar
function promotes the whole expression), and float adds and multiplies that ptxas
may fuse in kernels that must round each step as the CPU does (see cuda_nofma), exact
kernels that would be linked with LTO (cuda_build.jit_options), and selects of a -0 constant.

    python -m mxnb.kernels.cuda_ptx                 # float32, every kernel
    python -m mxnb.kernels.cuda_ptx --dtypes all    # every dtype (slow: ~0.5 s a kernel)
    python -m mxnb.kernels.cuda_ptx --dtypes sample # float32 all, a sample in other dtypes
    python -m mxnb.kernels.cuda_ptx --shard 0/2     # half of them, for parallel runs

Exit status: 0 all good, 1 a kernel failed or computes float32 in float64,
77 when PTX cannot be compiled here: no NVVM/NVRTC, or the simulator is on (nothing checked).
"""
import argparse
import os
import re
import sys
import time

import numpy as np

SKIP = 77
DTYPES = ("float32", "float64", "float16", "int32", "int64", "int8", "uint8")
# --dtypes sample: every kernel in float32, and these in the other dtypes (each dtype has its
# own load/store and compute-type path; the templates and math names are shared).
SAMPLE_OPS = ("exp", "round", "clip", "broadcast_mod", "_rdiv_scalar")
SAMPLE_PLAIN = ("fill", "sum_to", "where", "where_bwd", "cast")
# --dtypes sample: every reduction, linalg and nn kernel in float32, and these in float64 and
# int32 (the same templates; their accumulator and load/store types differ)
FAMILY_SAMPLE = ("reduce_pass/sum/", "reduce_pass/max/", "arg_pass/argmax/", "reduce_bwd/mean/",
                 "int_mean/", "gemm/", "softmax_apply/", "ln_grad/", "pool_bwd/", "col2im/")
_F64 = re.compile(r"^\s*(?:@%p\d+\s+)?(?!ld|st|mov|cvt\.rn\.f32\.f64|cvt\.f32\.f64)"
                  r"[a-z]+(?:\.[a-z0-9]+)*\.f64\b.*$", re.M)
# NVVM marks float adds and multiplies `.rn` under -fma=0 (cuda_nofma), and ptxas then fuses
# none of them; a bare `add.f32` in an mxnb kernel that must not fuse means the wrapper missed it
_LOOSE = re.compile(r"^\s*(?:@%p\d+\s+)?(?:add|sub|mul)\.f(?:32|64)\s", re.M)
# ptxas turns a select between two float constants such as -1 and -0 into an integer select
# and an int-to-float conversion, which gives +0 for -0 (SVMOutput's gradient, sm_90, CUDA 13)
_NEG_ZERO_SELP = re.compile(r"^\s*(?:@%p\d+\s+)?selp\.f(?:32|64)\s+%\w+,\s*(?:"
                            r"(?:0f80000000|0d8000000000000000),\s*0[fd][0-9A-F]+|"
                            r"0[fd][0-9A-F]+,\s*(?:0f80000000|0d8000000000000000))\s*,", re.M)
# libdevice's sinf/cosf/tanf reduce huge arguments with an int64 -> double product by
# pi/2 * 2^-62 (Payne-Hanek); that double arithmetic is theirs, not a promoted expression.
_LIBDEVICE_F64 = re.compile(r"^\s*(cvt\.rn\.f64\.s64\s|mul\.f64\s.*0d3BF921FB54442D19)")


def toolchain():
    """None if a trivial kernel compiles to PTX here, else why not (simulator on, no NVVM...).

    numba's built-in target needs NVVM (the CUDA toolkit's, found by numba); numba-cuda
    also needs NVRTC (the toolkit's, or the `nvidia-cuda-nvrtc` wheel).
    """
    if os.environ.get("NUMBA_ENABLE_CUDASIM") == "1":
        return "the simulator is on (it has no compile_ptx)"
    try:
        from numba import cuda, types

        def _probe(a):
            a[0] = 1

        cuda.compile_ptx(_probe, (types.int32[::1],), cc=(8, 0))
        return None
    except Exception as exc:
        return f"{type(exc).__name__}: {str(exc).strip().splitlines()[0][:200]}"


def _no_device(cc):
    # Device functions ask the current GPU for its compute capability while they compile,
    # which fails with no driver (numba and numba-cuda alike): answer for it.
    import numba.cuda.dispatcher as dispatcher

    class _Device:
        compute_capability = cc

    dispatcher.get_current_device = lambda: _Device()


def jobs(dtypes):
    """(name, kernel factory, argument types, compute-is-float32) for every kernel to check."""
    if dtypes == "sample":
        rest = [j for j in _elementwise_jobs(tuple(d for d in DTYPES if d != "float32"))
                if j[0].split("/")[0] in SAMPLE_OPS + SAMPLE_PLAIN]
        fam = [j for j in family_jobs(("float64", "int32")) if j[0].startswith(FAMILY_SAMPLE)]
        return _elementwise_jobs(("float32",)) + rest + family_jobs(("float32",)) + fam
    return _elementwise_jobs(dtypes) + family_jobs(dtypes)


def family_jobs(dtypes):
    """The jobs of the reduction, linalg and nn kernels (`ptx_jobs` of each module)."""
    from . import (cuda_act, cuda_bn, cuda_index, cuda_linalg, cuda_loss, cuda_nn, cuda_pad,
                   cuda_reduce, cuda_regress, cuda_scan, cuda_sort, cuda_spatial, cuda_vision)

    return [j for m in (cuda_reduce, cuda_linalg, cuda_nn, cuda_act, cuda_bn, cuda_loss,
                        cuda_index, cuda_regress, cuda_sort, cuda_pad, cuda_scan, cuda_spatial,
                        cuda_vision)
            for j in m.ptx_jobs(dtypes)]


def _elementwise_jobs(dtypes):
    from numba import from_dtype, types

    from ..ops import OPS
    from . import cuda_build, cuda_launch

    arr = {d: types.Array(from_dtype(np.dtype(d)), 1, "C") for d in DTYPES}
    f64, i64 = types.float64, types.int64
    tup = types.UniTuple(types.int64, 4)
    out = []
    seen = set()
    for op in dict.fromkeys(OPS.values()):
        if op.kind not in ("unary", "scalar", "broadcast", "elemwise"):
            continue
        unary = op.kind in ("unary", "scalar")
        grads = op.bwd is not None and not op.zero_grad
        plan = []
        if unary:
            plan.append(("fwd", cuda_launch._UNARY[op.nparams], ("a", "a", f64, f64), op.fwd))
            if grads:
                plan.append(("bwd", cuda_launch._UNARY_BWD[op.nparams],
                             ("a", "a", "a", "a", f64, f64), op.bwd))
        else:
            plan.append(("fwd", "binary", ("a",) * 3, op.fwd))
            plan.append(("fwd", "binary_bcast", ("a",) * 3 + (tup,) * 3, op.fwd))
            if grads:
                plan.append(("bwd", "binary_bwd", ("a",) * 6, op.bwd))
                plan.append(("bwd", "binary_bcast_bwd", ("a",) * 6 + (tup,) * 3, op.bwd))
        for d in dtypes:
            for direction, tname, sig, fn in plan:
                key = (fn if not isinstance(fn, tuple) else fn[0].__code__, tname, d)
                if key in seen:  # elemwise_add and broadcast_add share their scalar functions
                    continue
                seen.add(key)
                argtypes = tuple(arr[d] if s == "a" else s for s in sig)
                # An op may compute in double on purpose (erfinv, as MXNet does).
                f32 = d in ("float32", "float16") and not getattr(op, "double_inside", False)
                out.append((f"{op.name}/{direction}/{tname}/{d}",
                            lambda op=op, direction=direction, tname=tname, d=d:
                            cuda_launch._elementwise(op, direction, tname, d), argtypes, f32))
    for d in dtypes:
        a = arr[d]
        f32 = d in ("float32", "float16")
        plain = [("fill", (a, from_dtype(np.dtype(d)))), ("add", (a, a, a)),
                 ("sum_to", (a, a, tup, tup, tup)), ("where", (a, a, a, a, i64)),
                 ("where_bwd", (a, a, a, a, i64)), ("strided_copy", (a, a, i64, tup, tup)),
                 ("strided_put", (a, a, i64, tup, tup))]
        for name, sig in plain:  # where's condition has the data's dtype here
            out.append((f"{name}/{d}", lambda name=name, d=d: cuda_build.plain(name, d, d)
                        if name.startswith("where") else cuda_build.plain(name, d), sig, f32))
        for o in ("float32", "float16", "int32") if d in ("float32", "float16", "int32") \
                else ("float32",):
            if o != d:
                out.append((f"cast/{d}->{o}", lambda d=d, o=o: cuda_build.plain("cast", d, o),
                            (a, arr[o]), f32 and o != "float64"))
    return out


def check(dtypes, cc=(8, 0), shard=(0, 1), verbose=False):
    """Compile the kernels of this shard; returns (number checked, [failure messages])."""
    from numba import cuda

    from .cuda_nofma import FMA_OK

    _no_device(cc)
    todo = jobs(dtypes)[shard[0]::shard[1]]
    failures = []
    for name, factory, argtypes, f32 in todo:
        t = time.perf_counter()
        try:
            kernel = factory()
            ptx, _ = cuda.compile_ptx(kernel.py_func, argtypes, cc=cc)
        except Exception as exc:  # report every kernel, not just the first
            failures.append(f"{name}: {type(exc).__name__}: {str(exc).splitlines()[0][:300]}")
            continue
        qual = kernel.py_func.__qualname__
        if (kernel.py_func.__module__ or "").startswith("mxnb") and FMA_OK not in qual:
            loose = _LOOSE.findall(ptx)
            if loose:
                failures.append(f"{name}: float ops ptxas may fuse in a kernel that must round "
                                f"each step: {[x.strip() for x in loose[:4]]}")
            if getattr(kernel, "targetoptions", {}).get("lto"):
                failures.append(f"{name}: links with LTO, whose code generation fuses multiply-"
                                "adds whatever NVVM was told (see cuda_build.jit_options)")
            # exact kernels only: libdevice's tgammaf has such a select (gamma, an fmaok op)
            nz = _NEG_ZERO_SELP.findall(ptx)
            if nz:
                failures.append(f"{name}: a select of the constant -0, which ptxas turns into "
                                f"+0: {[x.strip() for x in nz[:2]]}")
        if f32:
            bad = [b.strip() for b in _F64.findall(ptx) if not _LIBDEVICE_F64.match(b)]
            if bad:
                failures.append(f"{name}: float64 instructions in a float32 kernel: {bad[:4]}")
        if verbose:
            print(f"{time.perf_counter() - t:6.2f}s {name}", flush=True)
    return len(todo), failures


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dtypes", default="float32", help="comma list, or 'all'")
    p.add_argument("--cc", default="8.0")
    p.add_argument("--shard", default="0/1")
    p.add_argument("-v", "--verbose", action="store_true")
    a = p.parse_args(argv)
    why = toolchain()
    if why is not None:
        print(f"cuda_ptx: cannot compile PTX here, nothing checked: {why}")
        return SKIP
    dtypes = DTYPES if a.dtypes == "all" else "sample" if a.dtypes == "sample" else \
        tuple(a.dtypes.split(","))
    cc = tuple(int(x) for x in a.cc.split("."))
    shard = tuple(int(x) for x in a.shard.split("/"))
    t = time.perf_counter()
    n, failures = check(dtypes, cc, shard, a.verbose)
    for f in failures:
        print("FAIL", f)
    print(f"cuda_ptx: {n - len(failures)} of {n} kernels compiled cleanly for sm_{cc[0]}{cc[1]} "
          f"in {time.perf_counter() - t:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
