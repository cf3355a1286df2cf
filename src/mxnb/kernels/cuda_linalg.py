"""dot, batch_dot and FullyConnected on mx.gpu(): a tiled shared-memory matrix product.

`gemm` computes C[b] = op(A[b]) @ op(B[b]) (+ bias[n]) (+ C[b]) for a batch
of contiguous row-major matrices, op transposing by index mapping only. Each
block owns a BM x BN tile of C; per step of BK along the contracted axis it
stages an A and a B tile in shared memory (padded by one column, so the
transposing stores do not conflict on banks; the next step's elements are
fetched into registers during this step's products), then each of its TX x TY threads
accumulates a TM x TN register tile (rows ty + TY*i, columns tx + TX*j). The
register tile is written out as named scalars (the source is generated per
tile shape): NVVM keeps them in registers, where a local array could spill.
Each output is accumulated by one thread over k in order, so results do not
depend on the launch.

float16 computes in float32 (as the CPU does), float32 and float64 in their
own type. Gradients are matrix products too; FullyConnected's bias gradient is
a column sum (`cuda_reduce`).

linalg_det and linalg_inverse (and so slogdet, built on det): one thread per
matrix factors a copy by LU with partial pivoting in LAPACK's order (`_lu`);
det is then NumPy's sign * exp(sum log|u_ii|), the inverse getrs's solves
against the identity. The CPU calls LAPACK (NumPy's), whose blocked updates
round differently: results agree to a few ulps, not bit for bit. Their
gradients are the ops' VJPs (matrix products, all on the device). float16 goes
through the host, where NumPy's linalg refuses it as on the CPU.

Tile shapes: MXNB_CUDA_GEMM="TX,TY,TM,TN,BK" (default 16,16,8,8,8 for float32,
16,16,4,4,8 for float64; 2,2,2,2,4 under the simulator, so tiny matrices span
several tiles).
"""
import os

import numpy as np

from . import cuda_launch
from .cuda_build import SIMULATOR, cuda, launch
from .cuda_common import as_dtype, dev, flat, grid_blocks

_F16 = np.dtype(np.float16)
_F32 = np.dtype(np.float32)


def tile_shape(dtype):
    """(TX, TY, TM, TN, BK) of the gemm kernel for `dtype`."""
    raw = os.environ.get("MXNB_CUDA_GEMM", "").strip()
    if raw:
        return tuple(int(v) for v in raw.split(","))
    if SIMULATOR:
        return (2, 2, 2, 2, 4)
    return (16, 16, 8, 8, 8) if np.dtype(dtype) == _F32 else (16, 16, 4, 4, 8)


def _put(C, bias, idx, gn, v, accumulate, has_bias):
    if has_bias:
        v = v + bias[gn]
    if accumulate:
        v = v + C[idx]
    C[idx] = v


def _slot(e, kmajor, br, bk):
    """(kk, rr) of element e of a staged (bk x br) tile: consecutive e walk the operand's
    contiguous axis, so a warp's global loads coalesce."""
    if kmajor:
        kk = e // br
        return kk, e - kk * br
    rr = e // bk
    return e - rr * bk, rr


def _fetch(X, base, g, gk, R, K, kmajor, zero):
    """Element (g, gk) of a matrix stored (K, R) when `kmajor`, else (R, K); zero outside."""
    if g < R and gk < K:
        if kmajor:
            return X[base + gk * R + g]
        return X[base + g * K + gk]
    return zero


def gemm_source(TM, TN, LA, LB):
    """Python source of the gemm kernel with a TM x TN register tile, each thread staging
    LA elements of the A tile and LB of the B tile (names bound later).

    The next step's A and B elements are fetched into registers before the current step's
    products, so the global loads' latency hides behind the arithmetic; they go to shared
    memory after the step's closing barrier.
    """
    L = ["def gemm(A, B, C, bias, batch, M, N, K, ta, tb, accumulate, has_bias):",
         "    As = cuda.shared.array((BK, BMP), DT)",
         "    Bs = cuda.shared.array((BK, BNP), DT)",
         "    cl = cuda.local.array(TMN, DT)",
         "    tid = cuda.threadIdx.x",
         "    tx = tid % TX",
         "    ty = tid // TX",
         "    sa = M * K",
         "    sb = K * N",
         "    nb = 1 - tb",
         "    z = DT(0)",
         "    tiles_n = (N + BN - 1) // BN",
         "    per = ((M + BM - 1) // BM) * tiles_n",
         "    for tile in range(cuda.blockIdx.x, batch * per, cuda.gridDim.x):",
         "        bt = tile // per",
         "        r = tile - bt * per",
         "        tm = r // tiles_n",
         "        m0 = tm * BM",
         "        n0 = (r - tm * tiles_n) * BN",
         "        ab = bt * sa",
         "        bb = bt * sb"]
    L += [f"        c_{i}_{j} = DT(0)" for i in range(TM) for j in range(TN)]

    def fetch(k0):
        out = []
        for q in range(LA):
            out += [f"kk, rr = SLOT(tid + {q} * NT, ta, BM, BK)",
                    f"ra_{q} = FETCH(A, ab, m0 + rr, {k0} + kk, M, K, ta, z)"]
        for q in range(LB):
            out += [f"kk, rr = SLOT(tid + {q} * NT, nb, BN, BK)",
                    f"rb_{q} = FETCH(B, bb, n0 + rr, {k0} + kk, N, K, nb, z)"]
        return out

    L += ["        " + x for x in fetch("0")]
    L += ["        for k0 in range(0, K, BK):"]
    for q in range(LA):
        L += [f"            kk, rr = SLOT(tid + {q} * NT, ta, BM, BK)",
              f"            As[kk, rr] = ra_{q}"]
    for q in range(LB):
        L += [f"            kk, rr = SLOT(tid + {q} * NT, nb, BN, BK)",
              f"            Bs[kk, rr] = rb_{q}"]
    L += ["            cuda.syncthreads()",
          "            if k0 + BK < K:"]
    L += ["                " + x for x in fetch("k0 + BK")]
    L += ["            for kk in range(BK):"]
    L += [f"                a_{i} = As[kk, ty + {i} * TY]" for i in range(TM)]
    L += [f"                b_{j} = Bs[kk, tx + {j} * TX]" for j in range(TN)]
    L += [f"                c_{i}_{j} += a_{i} * b_{j}" for i in range(TM) for j in range(TN)]
    # The epilogue loops over a local copy: 64 unrolled guarded stores made numba's SSA
    # pass take seconds (every block sees every accumulator live).
    L += ["            cuda.syncthreads()"]
    L += [f"        cl[{i * TN + j}] = c_{i}_{j}" for i in range(TM) for j in range(TN)]
    L += ["        cb = bt * M * N",
          "        for i in range(TM):",
          "            gm = m0 + ty + i * TY",
          "            if gm < M:",
          "                for j in range(TN):",
          "                    gn = n0 + tx + j * TX",
          "                    if gn < N:",
          "                        PUT(C, bias, cb + gm * N + gn, gn, cl[i * TN + j], accumulate,",
          "                            has_bias)"]
    return "\n".join(L) + "\n"


_kernels = {}


def gemm_kernel(dtype):
    """(kernel, threads per block, BM, BN) for `dtype` at the configured tile shape."""
    dtype = np.dtype(dtype)
    shape = tile_shape(dtype)
    key = (dtype.char, shape)
    k = _kernels.get(key)
    if k is None:
        TX, TY, TM, TN, BK = shape
        nt, bm, bn = TX * TY, TY * TM, TX * TN
        if (bm * BK) % nt or (bn * BK) % nt:
            raise ValueError(f"MXNB_CUDA_GEMM={','.join(map(str, shape))}: each tile "
                             f"({bm}x{BK} and {bn}x{BK}) must split evenly over the "
                             f"{nt} threads")
        g = {"cuda": cuda, "DT": dtype.type, "TX": TX, "TY": TY, "BK": BK, "BM": bm,
             "BN": bn, "TM": TM, "TN": TN, "TMN": TM * TN, "BMP": bm + 1,
             "BNP": bn + 1, "NT": nt,
             "PUT": dev(_put), "SLOT": dev(_slot), "FETCH": dev(_fetch)}
        name = f"gemm_{dtype.name}_{TX}x{TY}_{TM}x{TN}_{BK}"
        # NOTE: built from generated source, so numba cannot cache it on disk (no file to
        # locate); it compiles once per process (about a second on a GPU).
        exec(compile(gemm_source(TM, TN, bm * BK // nt, bn * BK // nt), f"<mxnb {name}>",
                     "exec"), g)
        fn = g["gemm"]
        fn.__qualname__ = fn.__name__ = name
        k = _kernels[key] = (cuda.jit(fn), TX * TY, TY * TM, TX * TN)
    return k


def gemm(A, B, C, M, N, K, ta=False, tb=False, batch=1, bias=None, accumulate=False):
    """C = op(A) @ op(B) (+ bias[n]) (+ C) on flat device arrays, for `batch` stacked products.

    A holds batch (M, K) matrices, or (K, M) with `ta`; B holds (K, N), or (N, K) with
    `tb`; C holds (M, N). float16 computes in float32.

    >>> gemm(flat(x), flat(w), flat(y), 2, 4, 3, tb=True)   # y = x @ w.T
    """
    if batch * M * N == 0:
        return
    dt = np.dtype(C.dtype)
    if dt == _F16:
        out = as_dtype(C, _F32) if accumulate else cuda_launch.empty((C.size,), _F32)
        gemm(as_dtype(A, _F32), as_dtype(B, _F32), out, M, N, K, ta, tb, batch,
             None if bias is None else as_dtype(bias, _F32), accumulate)
        cuda_launch.cast_into(out, flat(C))
        return
    kern, nt, bm, bn = gemm_kernel(dt)
    tiles = batch * (-(-M // bm)) * (-(-N // bn))
    kern[grid_blocks(tiles), nt](flat(A), flat(B), flat(C), flat(C if bias is None else bias),
                                 batch, M, N, K, int(bool(ta)), int(bool(tb)),
                                 int(bool(accumulate)), int(bias is not None))


def matmul_grads(a, b, g, M, N, K, ta, tb, batch=1):
    """(dA, dB) of C = op(A) @ op(B) from dC = g, as flat arrays shaped like A and B."""
    da = cuda_launch.empty((a.size,), a.dtype)
    db = cuda_launch.empty((b.size,), b.dtype)
    a, b, g = flat(a), flat(b), flat(g)
    if ta:  # dA (K x M) = op(B) @ g^T
        gemm(b, g, da, K, M, N, tb, True, batch)
    else:   # dA (M x K) = g @ op(B)^T
        gemm(g, b, da, M, K, N, False, not tb, batch)
    if tb:  # dB (N x K) = g^T @ op(A)
        gemm(g, a, db, N, K, M, True, ta, batch)
    else:   # dB (K x N) = op(A)^T @ g
        gemm(a, g, db, K, N, M, not ta, False, batch)
    return da, db


# ---------------------------------------------------------------- the ops


def _dot_dims(op, a, b, attrs):
    from ..ops import linalg as L

    ta, tb = L._dot_attrs(op, attrs)
    l2, _, (M, N), _ = L._dot_geometry(op, tuple(a.shape), tuple(b.shape), ta, tb)
    return ta, tb, M, N, (l2[0] if ta else l2[1])


def _dot_fwd(op, ins, outs, attrs):
    ta, tb, M, N, K = _dot_dims(op, ins[0], ins[1], attrs)
    gemm(ins[0], ins[1], outs[0], M, N, K, ta, tb)


def _dot_bwd(op, dys, ins, outs, attrs):
    a, b = ins
    ta, tb, M, N, K = _dot_dims(op, a, b, attrs)
    da, db = matmul_grads(a, b, dys[0], M, N, K, ta, tb)
    return [da.reshape(a.shape), db.reshape(b.shape)]


def _bdot_dims(op, a, b, attrs):
    from ..ops import linalg as L

    ta, tb = L._dot_attrs(op, attrs)
    l3, _, oshape = L._bdot_geometry(op, tuple(a.shape), tuple(b.shape), ta, tb)
    return ta, tb, l3[0], oshape[-2], oshape[-1], (l3[1] if ta else l3[2])


def _bdot_fwd(op, ins, outs, attrs):
    ta, tb, batch, M, N, K = _bdot_dims(op, ins[0], ins[1], attrs)
    gemm(ins[0], ins[1], outs[0], M, N, K, ta, tb, batch)


def _bdot_bwd(op, dys, ins, outs, attrs):
    a, b = ins
    ta, tb, batch, M, N, K = _bdot_dims(op, a, b, attrs)
    da, db = matmul_grads(a, b, dys[0], M, N, K, ta, tb, batch)
    return [da.reshape(a.shape), db.reshape(b.shape)]


def _fc_dims(ins, attrs):
    from ..ops import linalg as L

    rows, units, _ = L._fc_dims(tuple(ins[0].shape), bool(attrs.get("flatten", True)))
    return rows, ins[1].shape[0], units


def _fc_fwd(op, ins, outs, attrs):
    M, N, K = _fc_dims(ins, attrs)
    gemm(ins[0], ins[1], outs[0], M, N, K, False, True,
         bias=ins[2] if len(ins) > 2 else None)


def _fc_bwd(op, dys, ins, outs, attrs):
    from .cuda_reduce import reduce

    x, w = ins[0], ins[1]
    M, N, K = _fc_dims(ins, attrs)
    g = flat(dys[0])
    dx = cuda_launch.empty(tuple(x.shape), x.dtype)
    dw = cuda_launch.empty(tuple(w.shape), w.dtype)
    gemm(g, w, dx, M, K, N)              # dx = g @ W
    gemm(g, x, dw, N, K, M, ta=True)     # dW = g^T @ X
    if len(ins) == 2:
        return [dx, dw]
    db = cuda_launch.empty((N,), ins[2].dtype)
    reduce("sum", g.reshape((M, N)), (0,), db)
    return [dx, dw, db]



# ---------------------------------------------------------------- linalg_det, linalg_inverse


def _lu(a, b, base, m, swap_b):
    """LU with partial pivoting of the m x m row-major matrix at a[base:], in place (L unit,
    below the diagonal; U on and above it), as LAPACK's getrf: the pivot is the first row of
    largest |a[i, k]|, whole rows swap, the column below is scaled by 1 / pivot. With
    `swap_b` the rows of b[base:] swap too (getrs's row interchanges of the right-hand side).
    Returns (sign of the permutation, whether a pivot was exactly zero)."""
    sign = 1
    singular = False
    for k in range(m):
        p = k
        best = abs(a[base + k * m + k])
        for i in range(k + 1, m):
            v = abs(a[base + i * m + k])
            if v > best:
                best = v
                p = i
        if p != k:
            sign = -sign
            for j in range(m):
                t = a[base + k * m + j]
                a[base + k * m + j] = a[base + p * m + j]
                a[base + p * m + j] = t
                if swap_b:
                    t = b[base + k * m + j]
                    b[base + k * m + j] = b[base + p * m + j]
                    b[base + p * m + j] = t
        d = a[base + k * m + k]
        if d == DT(0):
            singular = True
        else:
            r = DT(1) / d
            for i in range(k + 1, m):
                a[base + i * m + k] *= r
        for i in range(k + 1, m):
            li = a[base + i * m + k]
            for j in range(k + 1, m):
                a[base + i * m + j] -= li * a[base + k * m + j]
    return sign, singular


def lu_det(a, det, m, nb):
    """det[b] = det of matrix b of `a` (factored in place), as NumPy's: sign * exp(sum log|u_ii|),
    0 when a pivot is exactly zero."""
    for b in range(cuda.grid(1), nb, cuda.gridsize(1)):
        base = b * m * m
        s, singular = LU(a, a, base, m, False)
        sign = DT(s)
        logdet = DT(0)
        for i in range(m):
            d = a[base + i * m + i]
            if d < DT(0):
                sign = -sign
                d = -d
            if d != DT(0):  # a zero pivot gives 0 below (and the simulator's log(0) raises)
                logdet += math.log(d)
        det[b] = DT(0) if singular else sign * math.exp(logdet)


def lu_inverse(a, out, m, nb, bad):
    """out[b] = inverse of matrix b of `a` (factored in place) as LAPACK's gesv(A, I):
    permuted identity, then unit-lower and upper triangular solves (column-wise, skipping
    zeros as trsm does); bad[0] = 1 if a pivot is exactly zero."""
    for b in range(cuda.grid(1), nb, cuda.gridsize(1)):
        base = b * m * m
        for i in range(m):
            for j in range(m):
                out[base + i * m + j] = DT(1) if i == j else DT(0)
        _, singular = LU(a, out, base, m, True)
        if singular:
            bad[0] = 1
        for j in range(m):
            for k in range(m):
                v = out[base + k * m + j]
                if v != DT(0):
                    for i in range(k + 1, m):
                        out[base + i * m + j] -= v * a[base + i * m + k]
            for k in range(m - 1, -1, -1):
                v = out[base + k * m + j]
                if v != DT(0):
                    v = v / a[base + k * m + k]
                    out[base + k * m + j] = v
                    for i in range(k):
                        out[base + i * m + j] -= v * a[base + i * m + k]


def _lu_kernel(template, dtype):
    from .cuda_common import kernel

    dt = np.dtype(dtype)
    return kernel(template, dt.name, DT=dt.type, LU=dev(_lu, DT=dt.type))


def _square(a):
    """(matrices, m) of a (batch of) square matrices, or None where the host must run it:
    NumPy's linalg refuses float16, and the CPU op's error must be the same."""
    if np.dtype(a.dtype) not in (_F32, np.dtype(np.float64)):
        return None
    m = a.shape[-1]
    return a.size // (m * m) if m else int(np.prod(a.shape[:-2], dtype=np.int64)), m


def _work_copy(a):
    w = cuda_launch.empty((a.size,), a.dtype)
    w.copy_to_device(flat(a))
    return w


def _det_fwd(op, ins, outs, attrs):
    from ..ops.compat import _det_fwd as cpu_fwd

    a, out = ins[0], outs[0]
    geo = _square(a)
    if geo is None:
        return cuda_launch.host_fallback(cpu_fwd, op, ins, outs, attrs)
    nb, m = geo
    if not m:
        cuda_launch.fill(out, 1)      # the empty product, as NumPy
    elif nb:
        launch(_lu_kernel(lu_det, a.dtype), nb, _work_copy(a), flat(out), m, nb)


def _inverse_fwd(op, ins, outs, attrs):
    from ..ops.compat import _inv_fwd as cpu_fwd

    a, out = ins[0], outs[0]
    geo = _square(a)
    if geo is None:
        return cuda_launch.host_fallback(cpu_fwd, op, ins, outs, attrs)
    nb, m = geo
    if not (m and nb):
        return
    bad = cuda_launch.zeros((1,), np.int32)
    launch(_lu_kernel(lu_inverse, a.dtype), nb, _work_copy(a), flat(out), m, nb, bad)
    if bad.copy_to_host()[0]:
        raise np.linalg.LinAlgError("Singular matrix")   # NumPy's, which the CPU op raises


FORWARD = {"dot": _dot_fwd, "batch_dot": _bdot_fwd, "FullyConnected": _fc_fwd,
           "linalg_det": _det_fwd, "linalg_inverse": _inverse_fwd}
BACKWARD = {"dot": _dot_bwd, "batch_dot": _bdot_bwd, "FullyConnected": _fc_bwd}


def ptx_jobs(dtypes):
    """(name, kernel factory, argument types, float32-only) of each kernel, for `cuda_ptx`."""
    from numba import from_dtype, types

    jobs = []
    for d in dtypes:
        dt = np.dtype(d)
        if dt not in (_F32, np.dtype(np.float64)):
            continue
        a = types.Array(from_dtype(dt), 1, "C")
        jobs.append((f"gemm/{d}", lambda dt=dt: gemm_kernel(dt)[0], (a,) * 4 + (types.int64,) * 8,
                     dt == _F32))
        i = types.int64
        jobs.append((f"lu_det/{d}", lambda dt=dt: _lu_kernel(lu_det, dt), (a, a, i, i),
                     dt == _F32))
        jobs.append((f"lu_inverse/{d}", lambda dt=dt: _lu_kernel(lu_inverse, dt),
                     (a, a, i, i, types.Array(types.int32, 1, "C")), dt == _F32))
    return jobs
