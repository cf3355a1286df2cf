"""`mx.nd.linalg`: MXNet's batched matrix routines (the last two axes are the matrix).

gemm/gemm2/syrk are compositions of `dot`/`batch_dot`; extractdiag/makediag/sumlogdiag use
`mx.nd.diag`-style index maps; inverse/det are ops (ops/compat.py) with VJPs in mxnb ops;
slogdet is built on det; potrf, potri, trmm, trsm, gelqf, syevd, extracttrian and maketrian
are ops (ops/linalg_la.py: NumPy's LAPACK forward, VJPs in mxnb ops, MXNet's gradients).

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
           "slogdet", "potrf", "potri", "trmm", "trsm", "gelqf", "syevd", "extracttrian",
           "maketrian"]


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


def potrf(A=None, lower=True, out=None, name=None):
    """Cholesky factor of each symmetric positive definite matrix (its lower triangle is read).

    >>> mx.nd.linalg.potrf(mx.nd.array([[4., 1], [1, 4.25]])).asnumpy()
    array([[2. , 0. ],
           [0.5, 2. ]], dtype=float32)
    """
    _check("potrf", ("A", A))
    return nd.linalg_potrf(A, lower=lower, out=out)


def potri(A=None, lower=True, out=None, name=None):
    """inv(L L^T) from the Cholesky factor L (inv(U^T U) from U for lower=False).

    >>> mx.nd.linalg.potri(mx.nd.array([[2., 0], [0, 4]])).asnumpy()
    array([[0.25  , 0.    ],
           [0.    , 0.0625]], dtype=float32)
    """
    _check("potri", ("A", A))
    return nd.linalg_potri(A, lower=lower, out=out)


def trmm(A=None, B=None, transpose=False, rightside=False, lower=True, alpha=1.0, out=None,
         name=None):
    """alpha * op(A) @ B (B @ op(A) with rightside=True), A read as triangular.

    >>> a = mx.nd.array([[1., 0], [1, 1]])
    >>> mx.nd.linalg.trmm(a, mx.nd.ones((2, 3)), alpha=2.0).asnumpy()
    array([[2., 2., 2.],
           [4., 4., 4.]], dtype=float32)
    """
    _check("trmm", ("A", A), ("B", B))
    return nd.linalg_trmm(A, B, transpose=transpose, rightside=rightside, lower=lower,
                          alpha=alpha, out=out)


def trsm(A=None, B=None, transpose=False, rightside=False, lower=True, alpha=1.0, out=None,
         name=None):
    """X with op(A) @ X = alpha * B (X @ op(A) = alpha * B with rightside=True), A triangular.

    >>> a = mx.nd.array([[2., 0], [1, 1]])
    >>> mx.nd.linalg.trsm(a, mx.nd.array([[2.], [2]])).asnumpy()
    array([[1.],
           [1.]], dtype=float32)
    """
    _check("trsm", ("A", A), ("B", B))
    return nd.linalg_trsm(A, B, transpose=transpose, rightside=rightside, lower=lower,
                          alpha=alpha, out=out)


def gelqf(A=None, out=None, name=None):
    """[Q, L] with A = L @ Q, Q row-orthonormal, L lower triangular (rows <= columns).

    >>> q, l = mx.nd.linalg.gelqf(mx.nd.array([[1., 2, 3], [4, 5, 6]]))
    >>> l.asnumpy().round(4)
    array([[-3.7417,  0.    ],
           [-8.5524,  1.964 ]], dtype=float32)
    """
    _check("gelqf", ("A", A))
    return nd.linalg_gelqf(A, out=out)


def syevd(A=None, out=None, name=None):
    """[U, lam] with A = U^T diag(lam) U, lam ascending (the lower triangle of A is read).

    >>> u, lam = mx.nd.linalg.syevd(mx.nd.array([[1., 2], [2, 4]]))
    >>> lam.asnumpy().round(4)
    array([0., 5.], dtype=float32)
    """
    _check("syevd", ("A", A))
    return nd.linalg_syevd(A, out=out)


def extracttrian(A=None, offset=0, lower=True, out=None, name=None):
    """The triangle of each square matrix as a vector (offset > 0: above diagonal `offset`).

    >>> mx.nd.linalg.extracttrian(mx.nd.array([[1., 2], [3, 4]])).asnumpy()
    array([1., 3., 4.], dtype=float32)
    """
    _check("extracttrian", ("A", A))
    return nd.linalg_extracttrian(A, offset=offset, lower=lower, out=out)


def maketrian(A=None, offset=0, lower=True, out=None, name=None):
    """Square matrices holding the vectors as their triangle (inverse of extracttrian).

    >>> mx.nd.linalg.maketrian(mx.nd.array([1., 2, 3])).asnumpy()
    array([[1., 0.],
           [2., 3.]], dtype=float32)
    """
    _check("maketrian", ("A", A))
    return nd.linalg_maketrian(A, offset=offset, lower=lower, out=out)
