"""MXNet 1.x NDArray list files (``mx.nd.save`` / ``mx.nd.load``) at the NumPy level.

The files are byte-identical to what MXNet 1.9.1 writes, and every version MXNet 1.9.1 can
read is read back. All integers are little-endian.

File::

    uint64  0x112                  list magic (kMXAPINDArrayListMagic)
    uint64  0                      reserved (ignored when reading)
    uint64  n                      number of arrays, then n array records
    uint64  k                      number of names: 0 (a list) or n (a dict)
    k x     uint64 length, bytes   UTF-8 names, no terminator

Array record, version 2 (magic 0xF993FAC9) and version 3 (0xF993FACA, written under
``np_shape`` semantics, where a 0-d shape is a scalar and -1 means unknown)::

    uint32  magic
    int32   storage type           0 dense, 1 row_sparse, 2 csr
    int32   ndim, int64 dims[ndim] (sparse arrays first store their storage shape)
    int32   device type, int32 device id      1 cpu, 2 gpu, 3 cpu_pinned, 5 cpu_shared
    int32   type flag              see ``TYPE_FLAGS``
    bytes   data                   C order, prod(dims) * itemsize bytes

Version 1 (magic 0xF993FAC8) has no storage type. Before that the first uint32 was the ndim
itself, followed by uint32 dims. Sparse records raise ``NotImplementedError``; malformed
files raise ``FormatError`` (a ``ValueError``) naming the field that was wrong.
"""

import struct

import numpy as np

__all__ = ["dumps", "loads", "save", "load", "FormatError", "TYPE_FLAGS", "BFLOAT16"]

LIST_MAGIC = 0x112
V1_MAGIC = 0xF993FAC8
V2_MAGIC = 0xF993FAC9
V3_MAGIC = 0xF993FACA
# A pre-V1 record starts with its ndim; larger values are taken for a corrupt magic number.
_LEGACY_MAX_NDIM = 32

# MXNet's own NumPy spelling of bfloat16 (``mx.nd.NDArray.dtype`` returns this).
BFLOAT16 = np.dtype([("bfloat16", np.uint16)])

# mshadow type flag -> NumPy dtype, for the flags MXNet 1.9.1 can save and load.
TYPE_FLAGS = {
    0: np.dtype(np.float32),
    1: np.dtype(np.float64),
    2: np.dtype(np.float16),
    3: np.dtype(np.uint8),
    4: np.dtype(np.int32),
    5: np.dtype(np.int8),
    6: np.dtype(np.int64),
    7: np.dtype(np.bool_),
    12: BFLOAT16,
}
# NOTE: mshadow defines these too, but MXNet 1.9.1 fails on them ("Unknown type enum 8").
_UNSUPPORTED_FLAGS = {8: "int16", 9: "uint16", 10: "uint32", 11: "uint64"}
# How each flag's elements lie in the file (bool is read as bytes: any non-zero is True).
_FILE_DTYPES = {f: np.dtype("<u2") if f == 12 else np.dtype("u1") if f == 7
                else dt.newbyteorder("<") for f, dt in TYPE_FLAGS.items()}
_KIND_SIZE_TO_FLAG = {(dt.kind, dt.itemsize): f for f, dt in TYPE_FLAGS.items() if f != 12}

DEVICE_TYPES = {1: "cpu", 2: "gpu", 3: "cpu_pinned", 5: "cpu_shared"}
_DEVICE_CODES = {name: code for code, name in DEVICE_TYPES.items()}
_STORAGE_NAMES = {1: "row_sparse", 2: "csr"}

_LIST_ERROR = "save only accept dict str->NDArray or list of NDArray"
_DATA_ERROR = ("data needs to either be a NDArray, dict of str, NDArray pairs "
               "or a list of NDarrays.")


class FormatError(ValueError):
    """A malformed NDArray file (MXNet raises ``MXNetError`` for these)."""


# ----------------------------------------------------------------------------------- writing

def _type_flag(dtype):
    """The mshadow type flag of a NumPy dtype, or TypeError."""
    if dtype.names is not None:
        if len(dtype.names) == 1 and dtype.names[0] == "bfloat16":
            field = dtype.fields["bfloat16"][0]
            if field.kind == "u" and field.itemsize == 2:
                return 12
    elif dtype.name == "bfloat16" and dtype.itemsize == 2:  # ml_dtypes.bfloat16
        return 12
    else:
        flag = _KIND_SIZE_TO_FLAG.get((dtype.kind, dtype.itemsize))
        if flag is not None:
            return flag
    raise TypeError(
        f"cannot save an array of dtype {dtype}: MXNet NDArray files hold float32, float64, "
        "float16, uint8, int8, int32, int64, bool and bfloat16")


def _array_bytes(arr, flag):
    """The array's elements as little-endian bytes in C order."""
    if flag == 12:
        u16 = arr["bfloat16"] if arr.dtype.names is not None else arr.view(np.uint16)
        return u16.astype("<u2", order="C").tobytes()
    return arr.astype(TYPE_FLAGS[flag].newbyteorder("<"), order="C").tobytes()


def _context_code(ctx):
    """(device type code, device id) from None, a (type, id) pair or a Context-like object."""
    if ctx is None:
        return 1, 0
    if hasattr(ctx, "device_type") and hasattr(ctx, "device_id"):
        dev_type, dev_id = ctx.device_type, ctx.device_id
    elif isinstance(ctx, (tuple, list)) and len(ctx) == 2:
        dev_type, dev_id = ctx
    else:
        raise TypeError(f"a context must be a (device_type, device_id) pair, got {ctx!r}")
    code = _DEVICE_CODES.get(dev_type, dev_type)
    if code not in DEVICE_TYPES:
        raise ValueError(f"unknown device type {dev_type!r}; expected one of "
                         f"{sorted(_DEVICE_CODES)}")
    if isinstance(dev_id, bool) or not isinstance(dev_id, (int, np.integer)) \
            or not 0 <= dev_id < 2**31:
        raise ValueError(f"device id must be a non-negative int, got {dev_id!r}")
    return code, int(dev_id)


def _is_single_context(ctx):
    return (hasattr(ctx, "device_type") and hasattr(ctx, "device_id")) or (
        isinstance(ctx, tuple) and len(ctx) == 2
        and isinstance(ctx[0], (str, int, np.integer)) and not isinstance(ctx[1], tuple))


def _contexts_for(contexts, keys, n):
    """One context per array, in file order."""
    if isinstance(contexts, (str, bytes)):
        raise TypeError(f"a context must be a (device_type, device_id) pair, got {contexts!r}")
    if contexts is None or _is_single_context(contexts):
        return [_context_code(contexts)] * n
    if keys is not None:
        if not isinstance(contexts, dict):
            raise TypeError("contexts for a dict of arrays must be a dict with the same keys")
        return [_context_code(contexts.get(k)) for k in keys]
    if isinstance(contexts, dict) or len(contexts) != n:
        raise ValueError(f"contexts must be one context or a sequence of {n} contexts")
    return [_context_code(c) for c in contexts]


def _record(arr, ctx, np_shape):
    """One dense array record, as MXNet's ``NDArray::Save`` writes it."""
    flag = _type_flag(arr.dtype)
    magic = V3_MAGIC if np_shape else V2_MAGIC
    head = struct.pack(f"<Iii{arr.ndim}q", magic, 0, arr.ndim, *arr.shape)
    return head + struct.pack("<iii", ctx[0], ctx[1], flag) + _array_bytes(arr, flag)


def dumps(data, contexts=None, np_shape=False):
    """Serialise arrays to the bytes ``mx.nd.save`` writes.

    ``data`` is an ndarray, a list or tuple of ndarrays, or a dict str -> ndarray (names are
    kept in the dict's order). ``contexts`` gives the device written with each array: None
    (cpu(0)), one ``(device_type, device_id)`` pair or Context-like object for all arrays, or a
    list (for a list) or dict (for a dict) of them. ``np_shape=True`` writes the format
    MXNet uses under ``mx.util.np_shape(True)``.

    >>> buf = dumps({'w': np.ones((2, 2), np.float32)})
    >>> loads(buf)['w'].shape
    (2, 2)
    """
    if isinstance(data, np.ndarray):
        data = [data]
    if isinstance(data, dict):
        keys = list(data)
        arrays = list(data.values())
        if any(not isinstance(k, str) for k in keys):
            raise TypeError(_LIST_ERROR)
    elif isinstance(data, (list, tuple)):
        keys = None
        arrays = list(data)
    else:
        raise ValueError(_DATA_ERROR)
    if any(not isinstance(a, np.ndarray) for a in arrays):
        raise TypeError(_LIST_ERROR)
    ctxs = _contexts_for(contexts, keys, len(arrays))

    parts = [struct.pack("<QQQ", LIST_MAGIC, 0, len(arrays))]
    parts += [_record(a, c, np_shape) for a, c in zip(arrays, ctxs)]
    names = keys or []
    parts.append(struct.pack("<Q", len(names)))
    for name in names:
        # NOTE: MXNet passes names as C strings, so a name ends at its first NUL.
        raw = name.encode("utf-8").split(b"\0", 1)[0]
        parts.append(struct.pack("<Q", len(raw)) + raw)
    return b"".join(parts)


def save(fname, data, contexts=None, np_shape=False):
    """Write arrays to ``fname`` in ``mx.nd.save``'s format (see ``dumps``).

    >>> save('net.params', {'arg:fc_weight': np.zeros((3, 4), np.float32)})  # doctest: +SKIP
    """
    if not isinstance(fname, str):
        raise TypeError("fname required to be a string")
    buf = dumps(data, contexts=contexts, np_shape=np_shape)
    with open(fname, "wb") as f:
        f.write(buf)


# ----------------------------------------------------------------------------------- reading

# The smallest record (a legacy 0-d uint8 array) takes 17 bytes; used to reject absurd counts.
_MIN_RECORD_BYTES = 17


class _Reader:
    """A cursor over the buffer that names the field it failed on."""

    def __init__(self, buf):
        self.buf = buf
        self.pos = 0

    def take(self, n, what):
        left = len(self.buf) - self.pos
        if n > left:
            raise FormatError(f"Invalid NDArray file format: truncated reading {what} "
                              f"(needs {n} bytes at offset {self.pos}, {left} left)")
        start = self.pos
        self.pos += n
        return start

    def unpack(self, fmt, what):
        start = self.take(struct.calcsize(fmt), what)
        return struct.unpack_from(fmt, self.buf, start)

    def one(self, fmt, what):
        return self.unpack(fmt, what)[0]


def _read_shape(r, where, np_shape):
    """A TShape: int32 ndim then int64 dims."""
    ndim = r.one("<i", f"{where}: ndim")
    if ndim == -1 and np_shape:
        raise FormatError(f"{where}: the array has no shape (an empty NDArray handle; "
                          "MXNet cannot load it either)")
    if ndim < 0:
        raise FormatError(f"{where}: ndim is {ndim}")
    shape = r.unpack(f"<{ndim}q", f"{where}: shape ({ndim} dims)")
    if any(d < 0 for d in shape):
        if np_shape and all(d >= -1 for d in shape):
            raise FormatError(f"{where}: shape {shape} is not fully known (an uninitialised "
                              "NDArray; MXNet cannot load it either)")
        raise FormatError(f"{where}: shape {shape} has a negative dimension")
    return shape


def _read_record(r, i, np_shape):
    """One array record -> (array, (device type, device id))."""
    where = f"array {i}"
    magic = r.one("<I", f"{where}: magic number")
    if magic == V3_MAGIC and not np_shape:
        raise FormatError(
            f"{where}: ndarray was saved in np shape semantics, must be loaded in the same "
            "semantics. Please turn on np shape semantics in Python using `with "
            "np_shape(True)` or decorator `use_np_shape` to scope the code of loading the "
            "ndarray.")
    if magic != V3_MAGIC and np_shape:
        raise FormatError(
            f"{where}: ndarray was not saved in np shape semantics, but being loaded in np "
            "shape semantics. Please turn off np shape semantics in Python using `with "
            "np_shape(False)` to scope the code of loading the ndarray.")
    if magic in (V2_MAGIC, V3_MAGIC):
        stype = r.one("<i", f"{where}: storage type")
        if stype in _STORAGE_NAMES:
            raise NotImplementedError(
                f"{where} has {_STORAGE_NAMES[stype]} storage: mxnb loads dense arrays only "
                "(convert it with tostype('default') in MXNet before saving)")
        if stype != 0:
            raise FormatError(f"{where}: unknown storage type {stype}")
        # NOTE: MXNet reads a version-2 0-d shape as "no array" and then misreads the rest
        # of the file, although it writes 0-d arrays that way; mxnb reads them as scalars.
        shape = _read_shape(r, where, np_shape)
    elif magic == V1_MAGIC:
        shape = _read_shape(r, where, False)
    elif magic <= _LEGACY_MAX_NDIM:
        shape = r.unpack(f"<{magic}I", f"{where}: legacy shape ({magic} dims)")
    else:
        raise FormatError(
            f"{where}: bad magic number 0x{magic:08X} (expected 0x{V2_MAGIC:08X}, "
            f"0x{V3_MAGIC:08X}, 0x{V1_MAGIC:08X} or a legacy ndim up to {_LEGACY_MAX_NDIM})")
    dev_type, dev_id, flag = r.unpack("<iii", f"{where}: context and type flag")
    dtype = TYPE_FLAGS.get(flag)
    if dtype is None:
        extra = f" ({_UNSUPPORTED_FLAGS[flag]}, which MXNet 1.9.1 cannot load)" \
            if flag in _UNSUPPORTED_FLAGS else ""
        raise FormatError(f"{where}: unknown type flag {flag}{extra}")
    size = 1
    for d in shape:
        size *= d
    start = r.take(size * dtype.itemsize, f"{where}: data ({size} x {dtype})")
    try:
        src = np.frombuffer(r.buf, _FILE_DTYPES[flag], size, start).reshape(shape)
        arr = np.empty(shape, dtype)  # owns its memory: no view of the file buffer survives
    except ValueError as e:  # a zero-size shape whose other dims overflow
        raise FormatError(f"{where}: shape {shape} is too large ({e})") from e
    if flag == 7:
        np.not_equal(src, 0, out=arr)
    else:
        arr.view(np.uint16 if flag == 12 else dtype)[...] = src
    return arr, (DEVICE_TYPES.get(dev_type, dev_type), dev_id)


def loads(buf, with_context=False, np_shape=False):
    """Read arrays from the bytes of an ``mx.nd.save`` file.

    Returns a list of C-contiguous ndarrays, or a dict name -> ndarray when the file has
    names (an empty dict was saved as an empty list, as in MXNet). With ``with_context=True``
    each array comes as ``(array, (device_type, device_id))``, the device it was saved from,
    e.g. ``('gpu', 0)``. ``np_shape=True`` reads files saved under ``np_shape`` semantics
    (and only those, as MXNet does).

    >>> loads(dumps([np.arange(3, dtype=np.int32)]))
    [array([0, 1, 2], dtype=int32)]
    """
    if not isinstance(buf, (bytes, bytearray, memoryview)):
        raise TypeError("buf required to be a string or bytes")
    r = _Reader(memoryview(buf).cast("B"))
    magic, _reserved, count = r.unpack("<QQQ", "the file header")
    if magic != LIST_MAGIC:
        raise FormatError(f"Invalid NDArray file format: list magic number is 0x{magic:X}, "
                          f"expected 0x{LIST_MAGIC:X}")
    if count > (len(r.buf) - r.pos) // _MIN_RECORD_BYTES:
        raise FormatError(f"Invalid NDArray file format: array count {count} is more than "
                          f"the {len(r.buf)}-byte file can hold")
    entries = [_read_record(r, i, np_shape) for i in range(count)]
    n_names = r.one("<Q", "the number of names")
    if n_names not in (0, count):
        raise FormatError(f"Invalid NDArray file format: {n_names} names for {count} arrays")
    names = []
    for i in range(n_names):
        length = r.one("<Q", f"the length of name {i}")
        start = r.take(length, f"name {i}")
        try:
            names.append(bytes(r.buf[start:start + length]).decode("utf-8"))
        except UnicodeDecodeError as e:
            raise FormatError(f"Invalid NDArray file format: name {i} is not UTF-8") from e
    # Trailing bytes are ignored, as MXNet does.
    values = entries if with_context else [a for a, _ in entries]
    if n_names == 0:
        return values
    return dict(zip(names, values))


def load(fname, with_context=False, np_shape=False):
    """Read the arrays ``mx.nd.save`` wrote to ``fname`` (see ``loads``).

    >>> params = load('net.params')  # doctest: +SKIP
    """
    if not isinstance(fname, str):
        raise TypeError("fname required to be a string")
    with open(fname, "rb") as f:
        buf = f.read()
    return loads(buf, with_context=with_context, np_shape=np_shape)
