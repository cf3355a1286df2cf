"""`mx.nd.linalg`: MXNet's batched matrix routines (the last two axes are the matrix).

gemm/gemm2/syrk are compositions of `dot`/`batch_dot`; extractdiag/makediag/sumlogdiag use
`mx.nd.diag`-style index maps; inverse/det are ops (ops/compat.py) with VJPs in mxnb ops;
slogdet is built on det. The others (potrf, potri, trsm, trmm, gelqf, syevd, ...) are not
implemented in mxnb.

>>> a = mx.nd.array([[1., 2], [3, 4]])
>>> mx.nd.linalg.gemm2(a, a, transpose_b=True, alpha=2.0).asnumpy()
array([[10., 22.],
       [22., 50.]], dtype=float32)
"""
import numpy as np

from ..base import MXNetError
from . import _api as nd
from .compat import _check, _finish, _index
from .creation import zeros as _zeros

__all__ = ["gemm", "gemm2", "syrk", "extractdiag", "makediag", "sumlogdiag", "inverse", "det",
           "slogdet"]


def _matrices(name, *arrays):
    _check(name, *arrays)
    for nm, a in arrays:
        if a.ndim < 2:
            raise MXNetError(f"linalg.{name}: {nm} must have at least 2 dimensions, got shape "
                             f"{a.shape}")


def gemm2(A=None, B=None, transpose_a=False, transpose_b=False, alpha=1.0, axis=-3, out=None,
          name=None):
    """alpha * op(A) @ op(B) over the last two axes (leading axes are the batch)."""
    _matrices("gemm2", ("A", A), ("B", B))
    if A.ndim == 2 and B.ndim == 2:
        y = nd.dot(A, B, transpose_a=transpose_a, transpose_b=transpose_b)
    else:
        if A.shape[:-2] != B.shape[:-2]:
            raise MXNetError(f"linalg.gemm2: batch shapes differ: {A.shape} and {B.shape}")
        batch = A.shape[:-2]
        a3 = nd.reshape(A, shape=(-1,) + A.shape[-2:])
        b3 = nd.reshape(B, shape=(-1,) + B.shape[-2:])
        y = nd.batch_dot(a3, b3, transpose_a=transpose_a, transpose_b=transpose_b)
        y = nd.reshape(y, shape=batch + y.shape[-2:])
    return _finish(y * alpha if alpha != 1.0 else y, out)


def gemm(A=None, B=None, C=None, transpose_a=False, transpose_b=False, alpha=1.0, beta=1.0,
         axis=-3, out=None, name=None):
    """alpha * op(A) @ op(B) + beta * C."""
    _check("gemm", ("C", C))
    y = gemm2(A, B, transpose_a, transpose_b, alpha, axis)
    return _finish(y + C * beta, out)


def syrk(A=None, transpose=False, alpha=1.0, out=None, name=None):
    """alpha * A @ A^T (or alpha * A^T @ A with transpose=True)."""
    return _finish(gemm2(A, A, transpose_a=transpose, transpose_b=not transpose, alpha=alpha),
                   out)


def extractdiag(A=None, offset=0, out=None, name=None):
    """The diagonal `offset` of each matrix: shape A.shape[:-2] + (length,)."""
    _matrices("extractdiag", ("A", A))
    idx = np.diagonal(np.arange(A.size).reshape(A.shape), int(offset), -2, -1)
    if idx.size == 0:
        raise MXNetError(f"linalg.extractdiag: offset {offset} is out of range for {A.shape}")
    y = nd.take(nd.reshape(A, shape=(-1,)), _index(idx.reshape(-1), A.context))
    return _finish(nd.reshape(y, shape=idx.shape), out)


def makediag(A=None, offset=0, out=None, name=None):
    """Square matrices with the last axis of A on diagonal `offset` (zeros elsewhere)."""
    _check("makediag", ("A", A))
    k = int(offset)
    n = A.shape[-1]
    m = n + abs(k)
    batch = A.shape[:-1]
    nb = int(np.prod(batch)) if batch else 1
    src = np.full((nb, m, m), nb * n, dtype=np.int64)
    i = np.arange(n)
    for b in range(nb):
        src[b, i + max(-k, 0), i + max(k, 0)] = b * n + i
    ext = nd.concat(nd.reshape(A, shape=(-1,)), _zeros((1,), ctx=A.context, dtype=A.dtype), dim=0)
    y = nd.take(ext, _index(src.reshape(-1), A.context))
    return _finish(nd.reshape(y, shape=batch + (m, m)), out)


def sumlogdiag(A=None, out=None, name=None):
    """Sum of the logs of each matrix's diagonal (shape A.shape[:-2], (1,) for one matrix)."""
    return _finish(nd.sum(nd.log(extractdiag(A)), axis=-1), out)


def inverse(A=None, out=None, name=None):
    """Inverse of each matrix."""
    return nd.linalg_inverse(A, out=out)


def det(A=None, out=None, name=None):
    """Determinant of each matrix."""
    return nd.linalg_det(A, out=out)


def slogdet(A=None, out=None, name=None):
    """[sign, log|det|] of each matrix (log|det| is differentiable, sign is not)."""
    d = nd.linalg_det(A)
    return [nd.sign(d), nd.log(nd.abs(d))]
