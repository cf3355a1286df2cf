"""Regenerate the ``*.params`` fixtures with the real MXNet 1.9.1 (not run by the tests).

Usage: ``/path/to/mxnet-venv/bin/python tests/data/make_fixtures.py``

The values below are repeated as literals in ``tests/test_serialization.py``; that test also
compares ``dumps(...)`` of its literals with these bytes, so the two cannot drift apart.
``legacy_v0``, ``legacy_v1`` and ``gpu_context`` are built by hand (MXNet 1.9.1 no longer
writes them) and this script checks that MXNet loads them with the expected values.
"""

import os
import struct

import mxnet as mx
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
INF, NAN = float("inf"), float("nan")

LIST_DTYPES = [
    (np.float32, [[0.1, -1.5, -0.0], [INF, -INF, NAN]]),
    (np.float64, [1e-300, -2.5, 0.3333333333333333, 1e300]),
    (np.float16, [[0.5, -1.25], [65504.0, 5.960464477539063e-08]]),
    (np.uint8, [0, 128, 255]),
    (np.int8, [[[-128, 127]], [[0, -1]]]),
    (np.int32, [-2147483648]),
    (np.int64, [[-9223372036854775808, 9223372036854775807], [0, 42]]),
    (np.bool_, [True, False, True]),
    (np.float32, [[[[1.0, 2.0]], [[3.0, 4.0]]]]),
    (np.int32, [[[[[7, -7]]]]]),
]
DICT_PARAMS = {
    "arg:fc_weight": (np.float32, [[0.25, -0.5, 0.75], [1.0, -1.25, 1.5]]),
    "arg:fc_bias": (np.float32, [0.0, 0.125]),
    "aux:bn_moving_var": (np.float32, [1.0, 1.0, 1.0]),
    "arg:poids_\u00e9": (np.float64, [2.0]),
}


def nd(dtype, value, ctx=None):
    return mx.nd.array(np.array(value, dtype=dtype), ctx=ctx, dtype=dtype)


def write(name, data, **kw):
    path = os.path.join(HERE, name + ".params")
    mx.nd.save(path, data, **kw)
    return path


def write_bytes(name, buf):
    path = os.path.join(HERE, name + ".params")
    with open(path, "wb") as f:
        f.write(buf)
    return path


def check(path, expected, **kw):
    """MXNet loads ``path`` with the expected (dtype, value) entries."""
    got = mx.nd.load(path)
    if isinstance(expected, dict):
        assert list(got) == list(expected), (path, list(got))
        got, expected = list(got.values()), list(expected.values())
    assert len(got) == len(expected)
    for g, (dtype, value) in zip(got, expected):
        want = np.array(value, dtype=dtype)
        assert g.dtype == want.dtype and g.shape == want.shape, (path, g)
        np.testing.assert_array_equal(g.asnumpy(), want)
        assert g.context == mx.cpu(0)


def main():
    check(write("list_dtypes", [nd(t, v) for t, v in LIST_DTYPES]), LIST_DTYPES)
    check(write("dict_params", {k: nd(t, v) for k, (t, v) in DICT_PARAMS.items()}),
          DICT_PARAMS)
    empty = write("empty", [])
    mx.nd.save(os.path.join(HERE, "_empty_dict.tmp"), {})
    with open(empty, "rb") as a, open(os.path.join(HERE, "_empty_dict.tmp"), "rb") as b:
        assert a.read() == b.read()
    os.remove(os.path.join(HERE, "_empty_dict.tmp"))
    assert mx.nd.load(empty) == []

    # MXNet 1.9.1 writes 0-d arrays but cannot read them back (basic_string::resize).
    write("scalar_v2", [nd(np.float32, 3.5), nd(np.int64, -7)])
    check(write("zero_size", {"empty_rows": nd(np.float32, np.zeros((0, 3))),
                              "one": nd(np.int32, [5])}),
          {"empty_rows": (np.float32, np.zeros((0, 3))), "one": (np.int32, [5])})
    check(write("contexts", [nd(np.float32, [1.0, 2.0], mx.cpu(1)),
                             nd(np.float32, [3.0], mx.cpu_pinned(0))]),
          [(np.float32, [1.0, 2.0]), (np.float32, [3.0])])
    bf = np.dtype([("bfloat16", np.uint16)])
    write("bfloat16", [mx.nd.array([1.5, -2.25, 0.0]).astype(bf)])
    got = mx.nd.load(os.path.join(HERE, "bfloat16.params"))[0]
    assert got.dtype == bf and got.asnumpy().view(np.uint16).tolist() == [0x3FC0, 0xC010, 0]
    with mx.util.np_shape(True):
        path = write("np_shape_v3", [nd(np.float32, 2.5), nd(np.float32, np.zeros((0, 2))),
                                     nd(np.int8, [[1, -2]])])
        got = mx.nd.load(path)
        assert got[0].shape == () and got[1].shape == (0, 2) and got[2].shape == (1, 2)
    write("sparse_row_sparse", [mx.nd.sparse.row_sparse_array(([[1.0, 2.0]], [1]),
                                                               shape=(3, 2))])
    write("sparse_csr", {"c": mx.nd.sparse.csr_matrix(([1.0, 2.0], [0, 2], [0, 1, 2]),
                                                      shape=(2, 3))})

    # Hand-built older versions. V1: TShape with int64 dims, no storage type.
    header = struct.pack("<QQQ", 0x112, 0, 1)
    v1 = (header + struct.pack("<Iiqq", 0xF993FAC8, 2, 1, 2) + struct.pack("<iii", 1, 0, 0)
          + np.array([[1.0, 2.0]], "<f4").tobytes()
          + struct.pack("<QQ", 1, 1) + b"a")
    check(write_bytes("legacy_v1", v1), {"a": (np.float32, [[1.0, 2.0]])})
    # Before V1: the record starts with a uint32 ndim, then uint32 dims.
    v0 = (struct.pack("<QQQ", 0x112, 0, 3)
          + struct.pack("<III", 2, 2, 1) + struct.pack("<iii", 1, 0, 1)
          + np.array([[1.0], [2.0]], "<f8").tobytes()
          + struct.pack("<II", 1, 3) + struct.pack("<iii", 2, 0, 4)
          + np.array([7, 8, 9], "<i4").tobytes()
          + struct.pack("<I", 0) + struct.pack("<iii", 1, 0, 0) + np.float32(4.0).tobytes()
          + struct.pack("<Q", 0))
    check(write_bytes("legacy_v0", v0),
          [(np.float64, [[1.0], [2.0]]), (np.int32, [7, 8, 9]), (np.float32, 4.0)])
    # An array saved from gpu(1): a CPU build of MXNet loads it on cpu(0).
    gpu = (header + struct.pack("<Iiiq", 0xF993FAC9, 0, 1, 2) + struct.pack("<iii", 2, 1, 0)
           + np.array([1.0, 2.0], "<f4").tobytes() + struct.pack("<Q", 0))
    check(write_bytes("gpu_context", gpu), [(np.float32, [1.0, 2.0])])


if __name__ == "__main__":
    main()
    print("fixtures written to", HERE)
