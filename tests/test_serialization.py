"""mx.nd.save / mx.nd.load files: read MXNet 1.9.1's fixtures, write them byte for byte.

The fixtures in tests/data were written by the real MXNet 1.9.1 (tests/data/make_fixtures.py);
their contents are repeated here as literals, so no test needs MXNet.
"""

import os
import struct

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mxnb.serialization import BFLOAT16, TYPE_FLAGS, FormatError, dumps, load, loads, save

DATA = os.path.join(os.path.dirname(__file__), "data")
INF, NAN = float("inf"), float("nan")


def fixture(name):
    with open(os.path.join(DATA, name + ".params"), "rb") as f:
        return f.read()


def arr(dtype, value):
    return np.array(value, dtype=dtype)


LIST_DTYPES = [
    arr(np.float32, [[0.1, -1.5, -0.0], [INF, -INF, NAN]]),
    arr(np.float64, [1e-300, -2.5, 0.3333333333333333, 1e300]),
    arr(np.float16, [[0.5, -1.25], [65504.0, 5.960464477539063e-08]]),
    arr(np.uint8, [0, 128, 255]),
    arr(np.int8, [[[-128, 127]], [[0, -1]]]),
    arr(np.int32, [-2147483648]),
    arr(np.int64, [[-9223372036854775808, 9223372036854775807], [0, 42]]),
    arr(np.bool_, [True, False, True]),
    arr(np.float32, [[[[1.0, 2.0]], [[3.0, 4.0]]]]),
    arr(np.int32, [[[[[7, -7]]]]]),
]
DICT_PARAMS = {
    "arg:fc_weight": arr(np.float32, [[0.25, -0.5, 0.75], [1.0, -1.25, 1.5]]),
    "arg:fc_bias": arr(np.float32, [0.0, 0.125]),
    "aux:bn_moving_var": arr(np.float32, [1.0, 1.0, 1.0]),
    "arg:poids_\u00e9": arr(np.float64, [2.0]),
}
SCALARS = [arr(np.float32, 3.5), arr(np.int64, -7)]
ZERO_SIZE = {"empty_rows": np.zeros((0, 3), np.float32), "one": arr(np.int32, [5])}
CONTEXTS = [arr(np.float32, [1.0, 2.0]), arr(np.float32, [3.0])]
BF16_BITS = [0x3FC0, 0xC010, 0]  # 1.5, -2.25, 0.0
NP_SHAPE = [arr(np.float32, 2.5), np.zeros((0, 2), np.float32), arr(np.int8, [[1, -2]])]

# (fixture, expected contents, keyword arguments that make dumps() write the same bytes)
WRITTEN_BY_MXNET = [
    ("list_dtypes", LIST_DTYPES, {}),
    ("dict_params", DICT_PARAMS, {}),
    ("empty", [], {}),
    ("scalar_v2", SCALARS, {}),
    ("zero_size", ZERO_SIZE, {}),
    ("contexts", CONTEXTS, {"contexts": [("cpu", 1), ("cpu_pinned", 0)]}),
    ("bfloat16", [arr(np.uint16, BF16_BITS).view(BFLOAT16)], {}),
]


def assert_same(got, want):
    """Same container, names, dtypes, shapes and values (NaN equal to NaN)."""
    assert type(got) is type(want)
    if isinstance(want, dict):
        assert list(got) == list(want)
        got, want = list(got.values()), list(want.values())
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.dtype == w.dtype and g.shape == w.shape
        assert g.flags.c_contiguous and g.flags.writeable and g.flags.owndata
        if w.dtype == BFLOAT16:
            g, w = g.view(np.uint16), w.view(np.uint16)
        np.testing.assert_array_equal(g, w)
        if w.dtype.kind == "f":  # -0.0 and NaN bits too
            assert g.tobytes() == w.tobytes()


@pytest.mark.parametrize("name, want, kw", WRITTEN_BY_MXNET, ids=lambda p: str(p)[:20])
def test_reads_mxnet_files(name, want, kw):
    assert_same(loads(fixture(name)), want)


@pytest.mark.parametrize("name, data, kw", WRITTEN_BY_MXNET, ids=lambda p: str(p)[:20])
def test_writes_mxnet_bytes(name, data, kw):
    assert dumps(data, **kw) == fixture(name)


def test_empty_dict_is_saved_as_empty_list():
    assert dumps({}) == fixture("empty")
    assert loads(dumps({})) == []


def test_single_array_is_a_list_of_one():
    x = arr(np.float32, [1.0, 2.0])
    assert dumps(x) == dumps([x])


def test_bfloat16_bits_and_dtype():
    (x,) = loads(fixture("bfloat16"))
    assert x.dtype == BFLOAT16 and x.view(np.uint16).tolist() == BF16_BITS


def test_contexts_are_reported_and_written():
    got = loads(fixture("contexts"), with_context=True)
    assert [c for _, c in got] == [("cpu", 1), ("cpu_pinned", 0)]

    class Ctx:  # what mx.Context offers
        def __init__(self, device_type, device_id):
            self.device_type, self.device_id = device_type, device_id

    assert dumps(CONTEXTS, contexts=[Ctx("cpu", 1), Ctx("cpu_pinned", 0)]) \
        == fixture("contexts")
    assert dumps(CONTEXTS, contexts=[(1, 1), (3, 0)]) == fixture("contexts")


def test_gpu_array_loads_on_cpu():
    # Built by hand: a float32 [1, 2] saved from gpu(1); MXNet's CPU build loads it.
    buf = fixture("gpu_context")
    assert_same(loads(buf), [arr(np.float32, [1.0, 2.0])])
    assert loads(buf, with_context=True)[0][1] == ("gpu", 1)
    assert dumps([arr(np.float32, [1.0, 2.0])], contexts=("gpu", 1)) == buf


def test_dict_contexts():
    data = {"a": arr(np.float32, [1.0]), "b": arr(np.int8, [2])}
    got = loads(dumps(data, contexts={"b": ("gpu", 3)}), with_context=True)
    assert got["a"][1] == ("cpu", 0) and got["b"][1] == ("gpu", 3)


def test_np_shape_files():
    buf = fixture("np_shape_v3")
    assert_same(loads(buf, np_shape=True), NP_SHAPE)
    assert dumps(NP_SHAPE, np_shape=True) == buf
    with pytest.raises(FormatError, match="saved in np shape semantics"):
        loads(buf)
    with pytest.raises(FormatError, match="not saved in np shape semantics"):
        loads(fixture("list_dtypes"), np_shape=True)


def test_legacy_versions():
    # Built by hand, checked to load in MXNet 1.9.1 with these values.
    assert_same(loads(fixture("legacy_v1")), {"a": arr(np.float32, [[1.0, 2.0]])})
    assert_same(loads(fixture("legacy_v0")),
                [arr(np.float64, [[1.0], [2.0]]), arr(np.int32, [7, 8, 9]),
                 arr(np.float32, 4.0)])


@pytest.mark.parametrize("name, kind", [("sparse_row_sparse", "row_sparse"),
                                        ("sparse_csr", "csr")])
def test_sparse_is_not_implemented(name, kind):
    with pytest.raises(NotImplementedError, match=f"array 0 has {kind} storage"):
        loads(fixture(name))


def test_save_and_load_files(tmp_path):
    fname = str(tmp_path / "net.params")
    save(fname, DICT_PARAMS)
    with open(fname, "rb") as f:
        assert f.read() == fixture("dict_params")
    assert_same(load(fname), DICT_PARAMS)
    with pytest.raises(FileNotFoundError):
        load(str(tmp_path / "missing.params"))


# ------------------------------------------------------------------------------ round trips

DTYPES = [np.dtype(d) for d in TYPE_FLAGS.values()]


@st.composite
def arrays(draw):
    dtype = draw(st.sampled_from(DTYPES))
    shape = tuple(draw(st.lists(st.integers(0, 3), max_size=4)))
    n = int(np.prod(shape)) * dtype.itemsize
    raw = np.frombuffer(draw(st.binary(min_size=n, max_size=n)), np.uint8)
    x = raw.view(dtype).reshape(shape) if n else np.zeros(shape, dtype)
    return np.asarray(x != 0) if dtype == np.bool_ else x


@settings(max_examples=60, deadline=None)
@given(st.lists(arrays(), max_size=4), st.booleans())
def test_round_trip(xs, as_dict):
    data = {f"p{i}": x for i, x in enumerate(xs)} if as_dict and xs else xs
    assert_same(loads(dumps(data)), data)


def test_layout_and_byte_order_do_not_matter():
    x = np.arange(12, dtype=np.float64).reshape(3, 4)
    want = dumps([x])
    assert dumps([np.asfortranarray(x)]) == want
    assert dumps([x.astype(">f8")]) == want
    y = np.arange(24, dtype=np.int32).reshape(3, 8)[:, ::2]
    assert dumps((y,)) == dumps([np.ascontiguousarray(y)])
    assert loads(dumps([y]))[0].tolist() == y.tolist()


def test_bytearray_and_memoryview():
    buf = fixture("list_dtypes")
    assert_same(loads(bytearray(buf)), LIST_DTYPES)
    assert_same(loads(memoryview(buf)), LIST_DTYPES)


# ------------------------------------------------------------------------------ bad input

@pytest.mark.parametrize("data, exc, msg", [
    ("abc", ValueError, "data needs to either be"),
    (None, ValueError, "data needs to either be"),
    (3.0, ValueError, "data needs to either be"),
    ({1: np.zeros(2)}, TypeError, "save only accept dict str->NDArray"),
    ({b"a": np.zeros(2)}, TypeError, "save only accept dict str->NDArray"),
    ({"a": [1.0, 2.0]}, TypeError, "save only accept dict str->NDArray"),
    ([np.zeros(2), 1.0], TypeError, "save only accept dict str->NDArray"),
    ([np.zeros(2, np.int16)], TypeError, "dtype int16"),
    ([np.zeros(2, np.complex64)], TypeError, "dtype complex64"),
    ([np.array(["a"])], TypeError, "dtype <U1"),
])
def test_bad_data(data, exc, msg):
    with pytest.raises(exc, match=msg):
        dumps(data)


@pytest.mark.parametrize("contexts, exc", [
    (("tpu", 0), ValueError), (("gpu", -1), ValueError), ((4, 0), ValueError),
    ([("cpu", 0)], ValueError), ("cpu", TypeError),
])
def test_bad_contexts(contexts, exc):
    with pytest.raises(exc):
        dumps([np.zeros(1), np.zeros(1)], contexts=contexts)


def test_bad_fname_and_buffer(tmp_path):
    with pytest.raises(TypeError, match="fname required to be a string"):
        load(3)
    with pytest.raises(TypeError, match="fname required to be a string"):
        save(b"x.params", [])
    with pytest.raises(TypeError, match="buf required to be a string or bytes"):
        loads([1, 2])


def test_every_truncation_is_a_format_error():
    for name in ("dict_params", "scalar_v2", "legacy_v0"):
        buf = fixture(name)
        for cut in range(len(buf)):
            with pytest.raises(FormatError, match="truncated reading|array count"):
                loads(buf[:cut])


def header(count):
    return struct.pack("<QQQ", 0x112, 0, count)


def record(shape=(2,), flag=0, data=b"\0" * 8, magic=0xF993FAC9, stype=0):
    return (struct.pack(f"<Iii{len(shape)}q", magic, stype, len(shape), *shape)
            + struct.pack("<iii", 1, 0, flag) + data)


def names(*ns):
    return struct.pack("<Q", len(ns)) + b"".join(struct.pack("<Q", len(n)) + n for n in ns)


@pytest.mark.parametrize("buf, msg", [
    (struct.pack("<QQQ", 0x113, 0, 0) + names(), "list magic number is 0x113"),
    (header(1) + record(magic=0x12345678) + names(), "array 0: bad magic number 0x12345678"),
    (header(1) + record(stype=5) + names(), "array 0: unknown storage type 5"),
    (header(1) + record(flag=13) + names(), "array 0: unknown type flag 13"),
    (header(1) + record(flag=8, data=b"\0" * 4) + names(), "type flag 8 \\(int16"),
    (header(1) + record(shape=(-2,), data=b"") + names(), "negative dimension"),
    (header(1) + struct.pack("<Iii", 0xF993FAC9, 0, -1) + names(), "ndim is -1"),
    (header(1) + record() + names(b"a", b"b"), "2 names for 1 arrays"),
    (header(1) + record() + names(b"\xff"), "name 0 is not UTF-8"),
    (header(2**40) + names(), "array count 1099511627776"),
    (header(1) + record(shape=(0, 2**62), data=b"") + names(), "is too large"),
    (header(1) + record(magic=0xF993FACA, shape=(-1,), data=b"") + names(), "not fully known"),
])
def test_corrupt_files(buf, msg):
    np_shape = b"\xca\xfa\x93\xf9" in buf
    with pytest.raises(FormatError, match=msg):
        loads(buf, np_shape=np_shape)


def test_what_mxnet_tolerates():
    x = arr(np.float32, [1.0, 2.0])
    good = header(1) + record(data=x.tobytes()) + names(b"x")
    assert_same(loads(good + b"junk"), {"x": x})  # trailing bytes are ignored
    reserved = good[:8] + struct.pack("<Q", 5) + good[16:]
    assert_same(loads(reserved), {"x": x})  # so is the reserved word
    twice = header(2) + record(data=x.tobytes()) + record(data=(x + 1).tobytes())
    assert_same(loads(twice + names(b"x", b"x")), {"x": x + 1})  # last name wins
    # MXNet's C API cuts names at the first NUL.
    assert list(loads(dumps({"a\0b": x}))) == ["a"]


def test_bool_bytes_other_than_one_read_as_true():
    buf = header(1) + record(shape=(3,), flag=7, data=b"\x00\x02\xff") + names()
    assert loads(buf)[0].tolist() == [False, True, True]
