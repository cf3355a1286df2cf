"""Stable row sorts for argsort and topk, and the row check behind sort's NumPy fast path.

Imported on first use (it imports numba). A row is the run of `n` elements along
the sorted axis of an (outer, n, inner) C-contiguous buffer; rows are
independent, so large calls split them into chunks, each with its own scratch,
sorted on a few threads (workers.py), and the result does not depend on the
thread count.

Each element becomes an unsigned key whose integer order is the order NumPy's
sort uses: floats map their bit pattern (negatives complemented), every NaN gets
the largest key and both zeros the key of +0, so ties (-0.0 against 0.0, NaN
against NaN) keep index order, as `np.argsort(kind="stable")` does. A descending
sort complements the keys: it too keeps ties in index order, and puts NaNs first.
Values are gathered from the source by index, bits intact.

Why not NumPy: its stable argsort (timsort) runs 2.5x slower than its default
one and 20x slower than its SIMD value sort, and neither fast one keeps ties in
order. The LSD radix sort is stable by construction: keys of up to 32 bits are
packed with the index into one uint64 (key << 32 | index) and moved in four
passes of 8-bit digits (a pass whose digit is the same for the whole row is
skipped); 64-bit keys sort in two such stages, low halves first (1.6x faster
than moving 64-bit keys and indices through eight passes). Small rows, and small
k, instead insert into a sorted buffer: about one compare per element.
"""
import math

import numpy as np

from .._jit import njit
from . import workers

_OPTS = dict(error_model="numpy", fastmath={"contract"}, nogil=True, boundscheck=False)
_UINT = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}
U = np.uint64
_LOW = U(0xFFFFFFFF)

# Insertion into a sorted buffer beats the radix sort for rows up to SMALL_N elements, and for
# small k (`_selects`).
SMALL_N = 64
_CHUNKS_PER_THREAD = 16         # small chunks: a thread the OS holds back holds one
_BLOCK = 16                     # elements per vectorised test in _select
_CACHE_BYTES = 1 << 18          # rows NumPy sorts at a time: they stay in the core's L2

KIND_FLOAT, KIND_INT, KIND_UINT = 0, 1, 2


@njit(**_OPTS)
def _key(b, kind, sign, absm, inf, flip):
    """The order key (uint64) of raw bits `b`; `flip` (all ones or 0) complements it."""
    ones = sign | absm
    if kind == 0:
        a = b & absm
        k = b ^ (ones if (b & sign) != U(0) else sign)
        k = ones if a > inf else k      # every NaN above +inf
        k = sign if a == U(0) else k    # -0.0 ties with +0.0
    elif kind == 1:
        k = b ^ sign
    else:
        k = b
    return k ^ flip


@njit(**_OPTS)
def _select(src, base, ui, n, kk, kind, sign, absm, inf, flip, shift, bk, bi, budget):
    """The kk smallest items of a row into bk/bi in order; items are key << shift | index (or
    the key alone, shift 0), compared strictly, so equal keys keep index order. Gives up
    (False) once it has moved more than `budget` items: data in order makes every element
    enter the buffer and move all the others."""
    c = 0
    j0 = 0
    moves = 0
    while j0 < n:
        j1 = min(j0 + _BLOCK, n)
        if c == kk:
            # Once the buffer is full most elements lose to its last key: test a block of them
            # at once (this loop vectorises) and skip it when none can enter.
            last = bk[kk - 1] >> shift
            hits = 0
            for j in range(j0, j1):
                hits += _key(U(src[base + U(j) * ui]), kind, sign, absm, inf, flip) < last
            if hits == 0:
                j0 = j1
                continue
        for j in range(j0, j1):
            it = (_key(U(src[base + U(j) * ui]), kind, sign, absm, inf, flip) << shift) | \
                (U(j) if shift != U(0) else U(0))
            if c < kk:
                p = c
                c += 1
            elif it < bk[kk - 1]:
                p = kk - 1
            else:
                continue
            while p > 0 and bk[p - 1] > it:
                bk[p] = bk[p - 1]
                bi[p] = bi[p - 1]
                p -= 1
                moves += 1
            bk[p] = it
            bi[p] = j
        if moves > budget:
            return False
        j0 = j1
    return True


@njit(**_OPTS)
def _radix_items(a, b, n, hist):
    """Stable LSD radix sort of the n items of `a` by their high 32 bits (four passes of 8-bit
    digits, `b` the second buffer); 0 if the result is in a, 1 if in b."""
    for t in range(1024):
        hist[t] = 0
    for j in range(n):
        key = a[j] >> U(32)
        hist[key & U(255)] += 1
        hist[U(256) + ((key >> U(8)) & U(255))] += 1
        hist[U(512) + ((key >> U(16)) & U(255))] += 1
        hist[U(768) + ((key >> U(24)) & U(255))] += 1
    cur = 0
    for p in range(U(4)):
        h = p * U(256)
        sh = U(32) + U(8) * p
        first = a[0] if cur == 0 else b[0]
        if hist[h + ((first >> sh) & U(255))] == n:
            continue                    # one digit value in the whole row: nothing moves
        tot = 0
        for d in range(U(256)):
            c = hist[h + d]
            hist[h + d] = tot
            tot += c
        if cur == 0:
            _scatter(a, b, n, h, sh, hist)
        else:
            _scatter(b, a, n, h, sh, hist)
        cur = 1 - cur
    return cur


@njit(**_OPTS)
def _scatter(a, b, n, h, sh, hist):
    for j in range(n):
        it = a[j]
        d = h + ((it >> sh) & U(255))
        q = hist[d]
        hist[d] = q + 1
        b[q] = it


@njit(**_OPTS)
def _radix_idx(src, base, ui, n, kout, kind, sign, absm, inf, flip, wide, ka, ia, kb, kc, ib,
               hist):
    """Radix-sort one row; the indices of its kout first sorted elements (in ia, or ib).

    Keys of up to 32 bits sort packed with their index, key << 32 | index, in ka/kb. 64-bit
    keys (`wide`, kept in kc) sort twice, being stable: by their low halves, then the ranks
    so found by their high halves (ia holds the first order, ib the result).
    """
    if not wide:
        for j in range(n):              # keys first: this loop vectorises
            ka[j] = (_key(U(src[base + U(j) * ui]), kind, sign, absm, inf, flip) << U(32)) | U(j)
        res = ka if _radix_items(ka, kb, n, hist) == 0 else kb
        for j in range(kout):
            ia[j] = res[j] & _LOW       # the indices are the low halves of the sorted items
        return ia
    for j in range(n):
        key = _key(U(src[base + U(j) * ui]), kind, sign, absm, inf, flip)
        kc[j] = key
        ka[j] = (key << U(32)) | U(j)   # the low half of the key, shifted up
    first = _radix_items(ka, kb, n, hist)
    res = ka if first == 0 else kb
    nxt = kb if first == 0 else ka
    for r in range(n):
        j = res[r] & _LOW
        ia[r] = j
        nxt[r] = ((kc[j] >> U(32)) << U(32)) | U(r)
    res = nxt if _radix_items(nxt, res, n, hist) == 0 else res
    for r in range(kout):
        ib[r] = ia[res[r] & _LOW]
    return ib


@njit(**_OPTS)
def _sort_rows(src, n, inner, kout, kind, sign, absm, inf, flip, wide, small, r0, r1, ka, ia,
               kb, kc, ib, hist, vals, idx, mask, one):
    """Rows [r0, r1): the kout first elements of each sorted row.

    Writes, each only when its buffer is not empty: `vals` (source bits, (outer, kout, inner)),
    `idx` (indices in idx's dtype, same shape), `mask` (`one` at the kout chosen positions,
    (outer, n, inner), zeroed by the caller).
    """
    ui = U(inner)
    un = U(n)
    uk = U(kout)
    wv = vals.shape[0] > 0
    wi = idx.shape[0] > 0
    wm = mask.shape[0] > 0
    for r in range(r0, r1):
        o = U(r) // ui
        i = U(r) - o * ui
        base = o * un * ui + i
        if small and _select(src, base, ui, n, kout, kind, sign, absm, inf, flip,
                             U(0) if wide else U(32), ka, ia, 5 * n + 4096):
            ri = ia
        elif small:
            # the selection gave up (data in order): radix-sort this row, in scratch of its own
            ri = _radix_idx(src, base, ui, n, kout, kind, sign, absm, inf, flip, wide,
                            np.empty(n, np.uint64), np.empty(n, np.uint32),
                            np.empty(n, np.uint64), np.empty(n if wide else 0, np.uint64),
                            np.empty(kout if wide else 0, np.uint32), np.empty(1024, np.int64))
        else:
            ri = _radix_idx(src, base, ui, n, kout, kind, sign, absm, inf, flip, wide, ka, ia,
                            kb, kc, ib, hist)
        dst = o * uk * ui + i
        if wi:
            for j in range(uk):
                idx[dst + j * ui] = ri[j]
        if wv:
            for j in range(uk):
                vals[dst + j * ui] = src[base + U(ri[j]) * ui]
        if wm:
            for j in range(uk):
                mask[base + U(ri[j]) * ui] = one


def _selects(n, k):
    """Whether the selection (insertion into a sorted buffer of k) should serve rows of n.

    Cost model (ns, fitted on float32 rows of 100 to 4e6 elements in random order): the
    selection tests each element (2 n) and moves about k * k / 4 items while it fills the
    buffer, then about k * k * log(n / k) / 2 (2.5 ns each); the radix sort costs about
    14 n + 1000.
    """
    moves = k * k * (0.25 + 0.5 * math.log(n / k))
    return n <= SMALL_N or 2 * n + 2.5 * moves < 14 * n + 1000


def _params(dtype):
    """(kind, sign, absm, inf) of a dtype's raw bits: how `_key` orders them."""
    dtype = np.dtype(dtype)
    w = dtype.itemsize * 8
    kind = {"f": KIND_FLOAT, "i": KIND_INT}.get(dtype.kind, KIND_UINT)
    inf = {16: 0x7C00, 32: 0x7F800000, 64: 0x7FF0000000000000}[w] if kind == KIND_FLOAT else 0
    return kind, U(1 << (w - 1)), U((1 << (w - 1)) - 1), U(inf)


def split3(shape, axis):
    """(outer, n, inner) of `shape` around `axis`."""
    outer = int(np.prod(shape[:axis], dtype=np.int64))
    inner = int(np.prod(shape[axis + 1:], dtype=np.int64))
    return outer, int(shape[axis]), inner


def sort_rows(x, axis, k, descending, vals=None, idx=None, mask=None):
    """The k first elements along `axis` of C-contiguous `x`, stably sorted.

    Fills (each optional): `vals`, x's dtype and shape with k on `axis`: the values; `idx`,
    the same shape, uint32 (another dtype compiles another kernel): their indices;
    `mask`, x's shape and dtype, zeros on entry: one at each chosen element. Example::

        i = np.empty((2, 1), np.uint32)
        sort_rows(np.array([[3., 1.], [0., 5.]], np.float32), 1, 1, True, idx=i)  # [[0], [1]]
    """
    outer, n, inner = split3(x.shape, axis)
    rows = outer * inner
    if rows == 0 or k == 0:
        return
    kind, sign, absm, inf = _params(x.dtype)
    flip = (sign | absm) if descending else U(0)
    src, ut = _bits(x)
    v = _out_bits(vals, ut)
    i = idx.reshape(-1) if idx is not None else np.empty(0, np.uint32)
    m = _out_bits(mask, ut)
    one = U(np.ones(1, x.dtype).view(_UINT[x.dtype.itemsize])[0])
    wide = x.dtype.itemsize == 8        # 64-bit keys: radix-sorted in two stages
    small = _selects(n, k)
    threads = workers.threads_for(rows * n, 4) if rows > 1 else 1
    chunks = min(rows, threads * _CHUNKS_PER_THREAD) if threads > 1 else 1
    args = (src, n, inner, k, kind, sign, absm, inf, flip, wide, small)
    big = 0 if small else n

    def part(c):
        # scratch of one chunk: items, indices, second items, 64-bit keys, result, digit counts
        _sort_rows(*args, c * rows // chunks, (c + 1) * rows // chunks,
                   np.empty(k if small else n, np.uint64), np.empty(k if small else n, np.uint32),
                   np.empty(big, np.uint64), np.empty(big if wide else 0, np.uint64),
                   np.empty(k if wide and not small else 0, np.uint32), np.empty(1024, np.int64),
                   v, i, m, one)

    workers.run_chunks(part, chunks, threads)
    for out, wide in ((vals, v), (mask, m)):
        if out is not None and out.dtype.itemsize < 4:
            out.reshape(-1).view(_UINT[out.dtype.itemsize])[...] = wide


def _bits(x):
    """x's flat raw bits, as uint32 for dtypes of 1 or 2 bytes (a copy), so that every dtype
    of up to 4 bytes shares one compiled kernel; and that unsigned type."""
    ut = _UINT[x.dtype.itemsize]
    b = x.reshape(-1).view(ut)
    if x.dtype.itemsize < 4:
        return b.astype(np.uint32), np.uint32
    return b, ut


def _out_bits(out, ut):
    """An output's flat buffer as `ut` (a fresh one, copied back later, if it is narrower)."""
    if out is None:
        return np.empty(0, ut)
    if out.dtype.itemsize < np.dtype(ut).itemsize:
        return np.zeros(out.size, ut)
    return out.reshape(-1).view(ut)


# ---------------------------------------------------------------- sort's fast path check


@njit(**_OPTS)
def _has_key(row, base, ui, n, target, kind, sign, absm, inf, flip):
    """Whether a row sorted by key holds `target` (a binary search without branches)."""
    lo = 0
    size = n
    while size > 1:
        half = size // 2
        k = _key(U(row[base + U(lo + half - 1) * ui]), kind, sign, absm, inf, flip)
        lo = lo + half if k < target else lo
        size -= half
    return _key(U(row[base + U(lo) * ui]), kind, sign, absm, inf, flip) == target


@njit(**_OPTS)
def _odd_sorted(src, out, n, inner, sign, absm, inf, flip, o0, o1, i0, i1, flags):
    """flags[o * inner + i] = row (o, i) of `out` (`src` sorted by NumPy) may differ in bits
    from a stable sort of it, for o in [o0, o1), i in [i0, i1). NumPy's SIMD sort rewrites
    NaNs as its own NaN, and its min/max network may turn -0.0 into 0.0 or back; so a row whose
    sorted output holds zeros (a binary search) or NaNs (at its end) is checked in src: odd
    if it has both zeros, or a NaN of a pattern other than out's. Rows with neither cost no
    pass over the data."""
    ui = U(inner)
    for o in range(U(o0), U(o1)):
        for i in range(U(i0), U(i1)):
            base = o * U(n) * ui + i
            last = U(out[base + U(0 if flip != U(0) else n - 1) * ui])   # NaNs sort last
            nan = last if (last & absm) > inf else U(0)
            if nan == U(0) and not _has_key(out, base, ui, n, sign ^ flip, 0, sign, absm, inf,
                                            flip):
                continue
            neg = False
            pos = False
            other = False
            for j in range(n):
                b = U(src[base + U(j) * ui])
                neg |= b == sign
                pos |= b == U(0)
                other |= ((b & absm) > inf) & (b != nan)
            flags[o * ui + i] = (neg & pos) | other


def odd_sorted_rows(x, out, axis, descending):
    """Bool (outer, inner) of the rows along `axis` of float `out`, C-contiguous `x` sorted by
    NumPy (reversed if descending), whose values may differ in bits from a stable sort of x
    (-0.0 and 0.0 both in x, or NaNs that NumPy rewrote): the only rows where NumPy's SIMD
    sort can show. Example::

        x = np.array([[0.0, -0.0, 1.0], [0.0, 0.0, 1.0]], np.float32)
        odd_sorted_rows(x, np.sort(x, axis=1), 1, False)            # [[True], [False]]
    """
    outer, n, inner = split3(out.shape, axis)
    flags = np.zeros(outer * inner, np.bool_)
    kind, sign, absm, inf = _params(out.dtype)
    flip = (sign | absm) if descending else U(0)
    if out.size:
        _odd_sorted(_bits(x)[0], _bits(out)[0], n, inner, sign, absm, inf, flip, 0, outer, 0,
                    inner, flags)
    return flags.reshape(outer, inner)


# ---------------------------------------------------------------- NumPy's sort on threads


def sort_values(x, out, axis, descending):
    """out = C-contiguous x sorted along `axis` by NumPy's SIMD sort (not stable; reversed if
    descending). Returns, for floats, the bool (outer, inner) rows whose bits may differ from a
    stable sort's (odd_sorted_rows), else None. Example::

        x = np.array([[3., -0.0, 0.0]], np.float32)
        out = np.empty_like(x)
        sort_values(x, out, 1, False)       # out [[-0, 0, 3]] (either zero first): [[True]]

    Rows go in chunks of about _CACHE_BYTES, each copied, sorted and checked while it is in
    the core's cache (NumPy copies all, then sorts), on threads when large (NumPy releases the
    GIL while it sorts).
    """
    outer, n, inner = split3(x.shape, axis)
    x3, o3 = x.reshape(outer, n, inner), out.reshape(outer, n, inner)
    lanes = outer if outer > 1 else inner
    threads = workers.threads_for(x.size, 1) if lanes > 1 else 1
    chunks = max(threads * _CHUNKS_PER_THREAD if threads > 1 else 1, x.nbytes // _CACHE_BYTES)
    chunks = max(1, min(lanes, chunks))
    floats = x.dtype.kind == "f"
    check = floats and x.dtype.itemsize >= 4 and x.size > 0   # float16: checked after, widened
    flags = np.zeros(outer * inner, np.bool_)
    if check:
        kind, sign, absm, inf = _params(x.dtype)
        flip = (sign | absm) if descending else U(0)
        ut = _UINT[x.dtype.itemsize]
        bx, bo = x.reshape(-1).view(ut), out.reshape(-1).view(ut)

    def part(c):
        a, b = c * lanes // chunks, (c + 1) * lanes // chunks
        rows = (slice(a, b),) if outer > 1 else (slice(None), slice(None), slice(a, b))
        p = o3[rows]
        np.copyto(p, x3[rows])
        p.sort(axis=1)
        if descending:
            np.copyto(p, p[:, ::-1])    # copyto buffers overlapping arguments
        if check:
            _odd_sorted(bx, bo, n, inner, sign, absm, inf, flip, *(
                (a, b, 0, inner) if outer > 1 else (0, outer, a, b)), flags)

    workers.run_chunks(part, chunks, threads)
    if not floats:
        return None
    if not check:
        return odd_sorted_rows(x, out, axis, descending)
    return flags.reshape(outer, inner)
