"""How NDArrays print their values: as NumPy 1.2x lays them out, which MXNet 1.9.1 prints with.

Under NumPy 2 two differences remain, and both are undone here:

* NumPy 2 prints float16 from 2048 and float32 from 2**24 in scientific notation
  ([2.048e+03] where MXNet shows [2048.]); its `legacy='1.25'` mode keeps the old
  layout, so the values are printed under it (only `legacy` is set: the user's other
  print options, precision and threshold, apply).
* NumPy 2 compares float32 and float16 values with its cutoffs for scientific
  notation (0.0001, and 1000 for the largest over the smallest) in their own type,
  NumPy 1.x in double: float32(1e-4) is 9.9999997e-05, below 0.0001 in double but not
  in float32, so `mx.nd.array([1e-4, 1])` prints [1.e-04 1.e+00] in MXNet and
  [0.0001 1.    ] under NumPy 2 alone. There the layout NumPy 1.x would choose is forced.

>>> import numpy as np
>>> print(body(np.array([1e-4, 1], np.float32)))
[1.e-04 1.e+00]
"""
import sys

import numpy as np

_MAJOR = int(np.__version__.split(".")[0])
LEGACY = {"legacy": "1.25"} if _MAJOR >= 2 else {}


def body(a):
    """The values of NumPy array `a` as MXNet prints them (no brackets of its own added)."""
    if LEGACY and np.get_printoptions().get("legacy") is False:
        with np.printoptions(**LEGACY):
            return _str(a, 125)
    return _str(a, None)


def _str(a, legacy):
    fmt = _numpy1_scientific(a, legacy)
    if fmt is None:
        return str(a)
    with np.printoptions(formatter={"float_kind": fmt}):
        return str(a)


def _numpy1_scientific(a, legacy):
    """A formatter that forces scientific notation where NumPy 1.x would choose it and NumPy 2
    does not (see the module docstring), else None."""
    if not LEGACY or a.dtype not in (np.float32, np.float16) or a.ndim == 0:
        return None
    opts = np.get_printoptions()
    if a.size > opts["threshold"] or opts["suppress"] or opts.get("formatter"):
        return None
    v = a[np.isfinite(a)]
    v = np.abs(v[v != 0])
    if not v.size:
        return None
    hi, lo = float(v.max()), float(v.min())
    if not (hi >= 1e8 or lo < 0.0001 or hi / lo > 1000.0):
        return None  # NumPy 1.x prints in fixed notation: so does NumPy 2
    with np.errstate(over="ignore"):
        h, lw = v.max(), v.min()
        if h >= 1e8 or lw < 0.0001 or h / lw > 1000.0:
            return None  # NumPy 2 chooses scientific notation too
    try:
        from numpy._core.arrayprint import FloatingFormat  # NumPy's own element formatter
    except ImportError:  # a NumPy that moved it: its own layout then
        return None

    class _Scientific(FloatingFormat):
        def fillFormat(self, data):
            self.exp_format = True
            super().fillFormat(data)

    return _Scientific(a, opts["precision"], opts["floatmode"], False, opts["sign"],
                       legacy=sys.maxsize if legacy is None else legacy)
