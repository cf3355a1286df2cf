"""dot and batch_dot sum in MXNet's order: its OpenBLAS runs every product as a gemm, as NumPy's
does for full matrices; NumPy sends one-row or one-column products to gemv (another order), so
mxnb pads those to gemm, and keeps BLAS's dot for two vectors as MXNet does. The literals are
MXNet 1.9.1's, as hex floats (through NumPy's gemv the one-row, one-column and gradient cases
differed in the last bit)."""
import platform

import numpy as np
import pytest

import mxnb as mx


def _haswell_family():
    # The literals come from an AVX2 CPU without AVX-512 (AMD Zen 3), where OpenBLAS, MXNet's
    # and NumPy's alike, runs its Haswell kernels; on others both sides pick other kernels.
    if platform.machine() not in ("x86_64", "AMD64"):
        return False
    from llvmlite import binding as ll

    f = ll.get_host_cpu_features()
    return bool(f.get("avx2")) and bool(f.get("fma")) and not f.get("avx512f")


needs_haswell_blas = pytest.mark.skipif(
    not _haswell_family(), reason="MXNet's literals are from OpenBLAS's Haswell kernels")
H = float.fromhex
ROW = [H("0x1.99999cp-2"), H("0x1.8fd9p-1"), H("-0x1.d41dp-6")]


def _ab():
    a = (np.arange(1, 8, dtype=np.float32) / np.float32(7)).reshape(1, 7)
    b = ((np.arange(21) % 5 - 2) / 3).astype(np.float32).reshape(7, 3) + np.float32(0.1)
    return a, b


@needs_haswell_blas
def test_one_row_and_one_column_products():
    a, b = _ab()
    assert mx.nd.dot(mx.nd.array(a), mx.nd.array(b)).asnumpy().ravel().tolist() == ROW
    col = mx.nd.dot(mx.nd.array(b.T.copy()), mx.nd.array(a.T.copy()))
    assert col.asnumpy().ravel().tolist() == ROW
    bd = mx.nd.batch_dot(mx.nd.array(np.stack([b.T, b.T * 2])), mx.nd.array(np.stack([a.T, a.T])))
    assert bd.asnumpy().ravel().tolist() == ROW + [2 * v for v in ROW]


@needs_haswell_blas
def test_two_vectors_use_blas_dot():
    v = np.linspace(-1, 1, 9).astype(np.float32) / np.float32(3)
    u = np.linspace(0.3, 2, 9).astype(np.float32)
    assert mx.nd.dot(mx.nd.array(v), mx.nd.array(u)).asnumpy().tolist() == [H("0x1.1p+0")]


@needs_haswell_blas
def test_gradient_through_a_one_column_dot():
    x = mx.nd.array([[1., 2], [3, 4], [-1, 0.5], [2, -1]])
    w = mx.nd.array([[0.1], [-0.2]])
    w.attach_grad()
    with mx.autograd.record():
        loss = (mx.nd.dot(x, w) ** 2).sum()
    loss.backward()
    assert w.grad.asnumpy().ravel().tolist() == [H("-0x1.999996p+0"), H("-0x1.8ccccc0p+2")]


def test_thin_products_are_rows_of_a_gemm():
    # wherever it runs: a one-row product is the first row of the gemm with a zero row more
    # (the gemm MXNet runs), also through out=, batch_dot and float16
    a, b = _ab()
    full = np.dot(np.concatenate([a, np.zeros_like(a)]), b)
    out = mx.nd.zeros((1, 3))
    mx.nd.dot(mx.nd.array(a), mx.nd.array(b), out=out)
    np.testing.assert_array_equal(out.asnumpy(), full[:1])
    bd = mx.nd.batch_dot(mx.nd.array(a[None]), mx.nd.array(b[None]))
    np.testing.assert_array_equal(bd.asnumpy()[0], full[:1])
    a16, b16 = (v.astype(np.float16).astype(np.float32) for v in (a, b))
    h = mx.nd.dot(mx.nd.array(a16, dtype="float16"), mx.nd.array(b16, dtype="float16"))
    ref = np.dot(np.concatenate([a16, np.zeros_like(a16)]), b16)[:1]
    np.testing.assert_array_equal(h.asnumpy(), ref.astype(np.float16))
