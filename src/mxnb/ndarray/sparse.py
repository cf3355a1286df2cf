"""`mx.nd.sparse`: not built. MXNet's csr and row_sparse storage types have no mxnb counterpart yet;
every name here raises NotImplementedError, so code that needs them fails at the call with a
clear message instead of an AttributeError.

>>> mx.nd.sparse.csr_matrix  # doctest: +SKIP
NotImplementedError: mx.nd.sparse.csr_matrix: sparse storage (csr, row_sparse) is not built in mxnb
"""


def __getattr__(name):
    if name.startswith("_"):
        raise AttributeError(name)
    raise NotImplementedError(f"mx.nd.sparse.{name}: sparse storage (csr, row_sparse) is not "
                              "built in mxnb; use dense NDArrays")
