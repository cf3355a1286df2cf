"""What mxnb does not build fails with a clear NotImplementedError at the call."""
import pytest

import mxnb as mx


def test_sparse_namespace_says_it_is_not_built():
    with pytest.raises(NotImplementedError, match=r"mx\.nd\.sparse\.csr_matrix: sparse storage"):
        mx.nd.sparse.csr_matrix
    assert not hasattr(mx.nd.sparse, "_private")


@pytest.mark.parametrize("call", [
    lambda: mx.nd.zeros((2, 2), stype="csr"),
    lambda: mx.nd.ones((2,)).attach_grad(stype="row_sparse"),
])
def test_sparse_storage_types_are_refused(call):
    with pytest.raises(NotImplementedError, match="not supported"):
        call()


def test_default_storage_still_works():
    assert mx.nd.zeros((2, 2), stype="default").asnumpy().sum() == 0
    assert mx.nd.empty((2,), stype="default").shape == (2,)


@pytest.mark.parametrize("call, what", [
    (lambda: mx.nd.imdecode(b"\x89PNG"), r"mx\.nd\.imdecode: image decoding"),
    (lambda: mx.nd.ones((2,)).as_np_ndarray(), r"as_np_ndarray: mx\.np"),
])
def test_unbuilt_calls_name_themselves(call, what):
    with pytest.raises(NotImplementedError, match=what):
        call()
