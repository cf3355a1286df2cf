"""MXNet's mixed-precision, FTML and LAMB fused updates (`mx.nd.mp_sgd_update`, ...).

As the updates in `optimizer_ops`: the states (and the float32 master copy `weight32` of the
mixed-precision forms) are updated in place, the new weight is returned or written into
`out`, nothing is recorded by autograd, and the numbers are MXNet 1.9.1's bit for bit
(`mxnb.kernels.optimizer_more` has the arithmetic). Arrays on a GPU are updated through the
host: copied to NumPy, updated there, and the changed arrays copied back.

>>> w = mx.nd.array([1., 2.], dtype="float16"); w32 = w.astype("float32")
>>> mx.nd.mp_sgd_update(w, mx.nd.array([0.5, -1.], dtype="float16"), w32, lr=0.1, out=w)
<BLANKLINE>
[0.95 2.1 ]
<NDArray 2 @cpu(0)>
"""
import numpy as np

from ..base import MXNetError
from .._dmlc_float import param as _param, stod
from .compat import _check
from .ndarray import NDArray

__all__ = ["mp_sgd_update", "mp_sgd_mom_update", "mp_nag_mom_update", "ftml_update",
           "lamb_update_phase1", "lamb_update_phase2", "mp_lamb_update_phase1",
           "mp_lamb_update_phase2"]

_K = None
_FLOATS = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))
F32 = np.dtype(np.float32)


def _kernels():
    global _K
    if _K is None:
        from ..kernels import optimizer_more as _K
    return _K


_MP16 = None
F16 = np.dtype(np.float16)


def mp_kernel(name, out, states, g, scal):
    """Run mixed-precision kernel `name` (mp_sgd, mp_sgd_mom, mp_nag): the fused Numba loop
    of `kernels.optimizer_mp` for float16 output and gradient with contiguous buffers, else
    `kernels.optimizer_more`'s NumPy steps. `states`: (w32,) or (mom, w32), float32."""
    global _MP16
    if (out.dtype == F16 and g.dtype == F16 and out.flags.c_contiguous
            and g.flags.c_contiguous and all(a.flags.c_contiguous for a in states)):
        if _MP16 is None:
            from ..kernels import optimizer_mp as _MP16   # imports numba: on first use
        getattr(_MP16, name)(out.reshape(-1).view(np.uint16),
                             *[a.reshape(-1) for a in states],
                             g.reshape(-1).view(np.uint16), *scal)
    else:
        getattr(_kernels(), name)(out, *states, g, *scal)


def _shape_str(s):
    return "[" + ",".join(str(d) for d in s) + "]"


def _required(op, **kw):
    for k, v in kw.items():
        if v is None:
            kind = "int" if k == "t" else "float"
            raise MXNetError(f"Required parameter {k} of {kind} is not presented, in operator "
                             f"{op}")


def check_arrays(op, named, same_dtype, f32=(), shapes=None):
    """MXNet's shape and type inference for an update: every array of `named` (name, NDArray)
    has the first one's shape (except those `shapes` maps to an expected shape), those in
    `same_dtype` share the first one's float dtype, those in `f32` are float32."""
    _check(op, *named)
    shape = named[0][1].shape
    for i, (nm, a) in enumerate(named):
        want = shape if shapes is None or nm not in shapes else shapes[nm]
        if want is not None and a.shape != want:
            raise MXNetError(f"{op}: Incompatible attr in node  at {i}-th input: expected "
                             f"{_shape_str(want)}, got {_shape_str(a.shape)}")
    dt = np.dtype(named[0][1].dtype)
    for i, (nm, a) in enumerate(named):
        adt = np.dtype(a.dtype)
        if nm in f32 and adt != F32:
            raise MXNetError(f"{op}: Type inconsistent, Provided = {adt.name}, inferred type = "
                             f"float32 (argument {nm})")
        if nm in same_dtype and adt != dt:
            raise MXNetError(f"{op}: Incompatible attr in node  at {i}-th input: expected "
                             f"{dt.name}, got {adt.name}")
    if dt not in _FLOATS:
        raise MXNetError(f"{op}: This operation only support floating point types, not "
                         f"{dt.name}")
    return dt


class HostRun:
    """NumPy buffers for a list of NDArrays: the arrays themselves on the CPU, host copies of
    GPU arrays (`sync` copies the written ones back)."""

    def __init__(self, arrays):
        self.arrays = list(arrays)
        self.bufs = []
        self.device = False
        self._out = self._new = self._like = None
        for a in arrays:
            d = a._data
            if d.__class__ is np.ndarray:
                self.bufs.append(d)
            else:
                from ..kernels import cuda_launch

                self.device = True
                self.bufs.append(cuda_launch.to_host(d))

    def out(self, op, out, like, dtype=None):
        """The buffer the result goes to: `out`'s (which must have `like`'s shape and the
        result's dtype), or a new one of `like`'s shape."""
        dtype = np.dtype(dtype or like.dtype)
        if out is None:
            self._like = like
            self._new = np.empty(like.shape, dtype)
            return self._new
        check_output(op, out, like.shape, dtype)
        self._out = out
        self.arrays.append(out)
        self.bufs.append(HostRun([out]).bufs[0])
        self.device = self.device or out._data.__class__ is not np.ndarray
        return self.bufs[-1]

    def sync(self, written):
        """Copy the buffers `written` (indices) back to their arrays where those are on a GPU."""
        if self.device:
            for i in written:
                a = self.arrays[i]
                if a._data.__class__ is not np.ndarray:
                    a._data.copy_to_device(np.ascontiguousarray(self.bufs[i]))

    def finish(self, written):
        """`sync(written)` and the output; the result NDArray (`out`, or the new array on the
        context of the array `out` was shaped like)."""
        if self._out is not None:
            self.sync(list(written) + [len(self.arrays) - 1])
            return self._out
        self.sync(written)
        like = self._like
        if like._data.__class__ is not np.ndarray:
            from ..kernels import cuda_launch

            return NDArray(cuda_launch.to_device(self._new), like._ctx)
        return NDArray(self._new, like._ctx)


def check_output(op, out, shape, dtype):
    """An `out` argument as MXNet's inference wants it: an NDArray of the result's shape and
    dtype."""
    if not isinstance(out, NDArray):
        raise TypeError(f"out must be an NDArray, got {type(out)}")
    if out.shape != tuple(shape):
        raise MXNetError(f"{op}: Incompatible attr in node  at 0-th output: expected "
                         f"{_shape_str(shape)}, got {_shape_str(out.shape)}")
    if np.dtype(out.dtype) != dtype:
        raise MXNetError(f"{op}: Incompatible attr in node  at 0-th output: expected "
                         f"{np.dtype(dtype).name}, got {np.dtype(out.dtype).name}")


def _scalars(op, T, pairs):
    """Each (value, name) parsed to float32 as MXNet's parameter parser does, then cast to T."""
    return [T(_param(v, n, op)) for v, n in pairs]


def _run(op, kernel, named, out, written, scal, same_dtype=("weight", "grad"), f32=(),
         out_dtype=None, shapes=None):
    dt = check_arrays(op, named, same_dtype, f32, shapes)
    h = HostRun([a for _, a in named])
    o = h.out(op, out, named[0][1], out_dtype)
    with np.errstate(all="ignore"):
        kernel(o, *[h.bufs[i] for i in written], *[h.bufs[i] for i in range(len(named))
                                                   if i not in written], *scal)
    return h.finish(written), dt


def _mp_scal(op, lr, wd, rs, cg, momentum=None):
    pairs = [(lr, "lr")] + ([] if momentum is None else [(momentum, "momentum")]) + [
        (wd, "wd"), (rs, "rescale_grad"), (cg, "clip_gradient")]
    return _scalars(op, np.float32, pairs)


def mp_sgd_update(weight=None, grad=None, weight32=None, lr=None, wd=0.0, rescale_grad=1.0,
                  clip_gradient=-1.0, lazy_update=True, out=None, name=None):
    """Multi-precision SGD: in float32 on the master copy weight32,
    weight32 = (1 - lr*wd)*weight32 - lr*clip(rescale_grad*grad, clip_gradient) (without
    clipping: ... - (lr*rescale_grad)*grad); out = weight32 in weight's dtype.

    >>> w32 = mx.nd.array([1., 2.]); w = w32.astype("float16")
    >>> mx.nd.mp_sgd_update(w, mx.nd.ones((2,), dtype="float16"), w32, lr=0.5).asnumpy()
    array([0.5, 1.5], dtype=float16)
    """
    op = "mp_sgd_update"
    _required(op, lr=lr)
    named = [("weight", weight), ("grad", grad), ("weight32", weight32)]

    def kern(o, w32, w, g, *s):
        mp_kernel("mp_sgd", o, (w32,), g, s)

    return _run(op, kern, named, out, (2,), _mp_scal(op, lr, wd, rescale_grad, clip_gradient),
                f32=("weight32",))[0]


def mp_sgd_mom_update(weight=None, grad=None, mom=None, weight32=None, lr=None, momentum=0.0,
                      wd=0.0, rescale_grad=1.0, clip_gradient=-1.0, lazy_update=True, out=None,
                      name=None):
    """Multi-precision SGD with momentum, float32 on weight32 and mom (both float32):
    mom = momentum*mom - lr*wd*weight32 - lr*clip(rescale_grad*grad); weight32 += mom;
    out = weight32 in weight's dtype.

    >>> w32, m = mx.nd.array([1., 2.]), mx.nd.zeros((2,))
    >>> mx.nd.mp_sgd_mom_update(w32.astype("float16"), mx.nd.ones((2,), dtype="float16"), m,
    ...                         w32, lr=0.5, momentum=0.9).asnumpy()
    array([0.5, 1.5], dtype=float16)
    """
    op = "mp_sgd_mom_update"
    _required(op, lr=lr)
    named = [("weight", weight), ("grad", grad), ("mom", mom), ("weight32", weight32)]

    def kern(o, m, w32, w, g, *s):
        mp_kernel("mp_sgd_mom", o, (m, w32), g, s)

    s = _mp_scal(op, lr, wd, rescale_grad, clip_gradient, momentum)
    return _run(op, kern, named, out, (2, 3), s, f32=("mom", "weight32"))[0]


def mp_nag_mom_update(weight=None, grad=None, mom=None, weight32=None, lr=None, momentum=0.0,
                      wd=0.0, rescale_grad=1.0, clip_gradient=-1.0, out=None, name=None):
    """Multi-precision Nesterov momentum on weight32 (float32): m = momentum*mom;
    weight32 = weight32 - m + (momentum + 1)*(m - lr*(g + wd*weight32));
    mom = m - lr*(g + wd*weight32_new), g = clip(rescale_grad*grad); out = weight32.

    >>> w32, m = mx.nd.array([1., 2.]), mx.nd.zeros((2,))
    >>> mx.nd.mp_nag_mom_update(w32.astype("float16"), mx.nd.ones((2,), dtype="float16"), m,
    ...                         w32, lr=0.5, momentum=0.5).asnumpy()
    array([0.25, 1.25], dtype=float16)
    """
    op = "mp_nag_mom_update"
    _required(op, lr=lr)
    named = [("weight", weight), ("grad", grad), ("mom", mom), ("weight32", weight32)]

    def kern(o, m, w32, w, g, *s):
        mp_kernel("mp_nag", o, (m, w32), g, s)

    s = _mp_scal(op, lr, wd, rescale_grad, clip_gradient, momentum)
    return _run(op, kern, named, out, (2, 3), s, f32=("mom", "weight32"))[0]


def ftml_update(weight=None, grad=None, d=None, v=None, z=None, lr=None, beta1=0.6,
                beta2=0.999, epsilon=None, t=None, wd=0.0, rescale_grad=1.0, clip_grad=-1.0,
                out=None, name=None):
    """FTML (Zheng & Kwok 2017), in the arrays' dtype: g = clip(rescale_grad*grad + wd*weight,
    clip_grad); v = beta2*v + (1 - beta2)*g^2;
    d_t = (1 - beta1^t)/lr * (sqrt(v / (1 - beta2^t)) + epsilon);
    z = beta1*z + (1 - beta1)*g - (d_t - beta1*d)*weight; d = d_t; out = -z / d_t.
    `epsilon` is a double parameter in MXNet (parsed as such, then cast to the dtype); its
    default is the float32 1e-8 (MXNet declares it as `1e-8f`).

    >>> w, st = mx.nd.array([1.]), [mx.nd.zeros((1,)) for _ in range(3)]
    >>> mx.nd.ftml_update(w, mx.nd.array([0.5]), *st, lr=0.1, t=1).asnumpy()
    array([0.90000004], dtype=float32)
    """
    op = "ftml_update"
    _required(op, lr=lr, t=t)
    named = [("weight", weight), ("grad", grad), ("d", d), ("v", v), ("z", z)]
    dt = check_arrays(op, named, ("weight", "grad", "d", "v", "z"))
    T = dt.type
    lr_, b1, b2, wd_, rs, cg = _scalars(op, T, [(lr, "lr"), (beta1, "beta1"), (beta2, "beta2"),
                                               (wd, "wd"), (rescale_grad, "rescale_grad"),
                                               (clip_grad, "clip_grad")])
    eps = T(float(np.float32(1e-8)) if epsilon is None else stod(str(epsilon)))
    k = _kernels()

    def kern(o, d_, v_, z_, w, g, *s):
        k.ftml(o, d_, v_, z_, w, g, *s)

    return _run(op, kern, named, out, (2, 3, 4),
                (lr_, b1, b2, eps, T(int(t)), wd_, rs, cg), same_dtype=("weight", "grad", "d",
                                                                       "v", "z"))[0]


def _lamb1(op, mp, weight, grad, mean, var, weight32, beta1, beta2, epsilon, t,
           bias_correction, wd, rescale_grad, clip_gradient, out):
    _required(op, t=t, wd=wd)
    named = [("weight", weight), ("grad", grad), ("mean", mean), ("var", var)]
    if mp:
        named.append(("weight32", weight32))
    dt = check_arrays(op, named, ("weight", "grad") if mp else ("weight", "grad", "mean", "var"),
                      f32=("mean", "var", "weight32") if mp else ())
    if mp and dt != np.float16:   # MPLambPhaseOneType: weight and grad must be float16
        raise MXNetError(f"{op}: Type inconsistent, Provided = {dt.name}, inferred type = "
                         f"float16")
    T = np.float32 if mp else dt.type
    p = [np.float32(_param(v, n, op)) for v, n in
         [(beta1, "beta1"), (beta2, "beta2"), (epsilon, "epsilon"), (wd, "wd"),
          (rescale_grad, "rescale_grad"), (clip_gradient, "clip_gradient")]]
    b1, b2, eps, wd_, rs, cg = (T(x) for x in p)
    t = int(t)
    # std::pow(float, int) is the double pow; rounded to the kernel's type
    b1t = T(np.power(np.float64(p[0]), np.float64(t)))
    b2t = T(np.power(np.float64(p[1]), np.float64(t)))
    k = _kernels()
    rs_ = p[4] if mp else rs

    def kern(o, m, v, *rest):
        w = rest[-1] if mp else rest[0]
        k.lamb_phase1(o, m, v, w, rest[1], b1, b1t, b2, b2t, wd_, eps, bool(bias_correction),
                      rs_, cg)

    return _run(op, kern, named, out, (2, 3), (), same_dtype=(), out_dtype=T if mp else None,
                f32=())[0]


def lamb_update_phase1(weight=None, grad=None, mean=None, var=None, beta1=0.9, beta2=0.999,
                       epsilon=1e-6, t=None, bias_correction=True, wd=None, rescale_grad=1.0,
                       clip_gradient=-1.0, out=None, name=None):
    """LAMB, phase 1: g = clip(rescale_grad*grad); mean, var moving averages of g and g^2
    (updated in place); returns mean_hat / (sqrt(var_hat) + epsilon) + wd*weight, where the
    hats divide by (1 - beta^t) when bias_correction.

    >>> w, m, v = mx.nd.array([1.]), mx.nd.zeros((1,)), mx.nd.zeros((1,))
    >>> mx.nd.lamb_update_phase1(w, mx.nd.array([0.5]), m, v, t=1, wd=0.).asnumpy()
    array([0.999998], dtype=float32)
    """
    return _lamb1("lamb_update_phase1", False, weight, grad, mean, var, None, beta1, beta2,
                  epsilon, t, bias_correction, wd, rescale_grad, clip_gradient, out)


def mp_lamb_update_phase1(weight=None, grad=None, mean=None, var=None, weight32=None,
                          beta1=0.9, beta2=0.999, epsilon=1e-6, t=None, bias_correction=True,
                          wd=None, rescale_grad=1.0, clip_gradient=-1.0, out=None, name=None):
    """LAMB phase 1 with a float32 master copy: mean, var, weight32 and the result are float32.

    >>> w32, m, v = mx.nd.array([1.]), mx.nd.zeros((1,)), mx.nd.zeros((1,))
    >>> mx.nd.mp_lamb_update_phase1(w32.astype("float16"), mx.nd.array([0.5], dtype="float16"),
    ...                             m, v, w32, t=1, wd=0.).asnumpy()
    array([0.999998], dtype=float32)
    """
    return _lamb1("mp_lamb_update_phase1", True, weight, grad, mean, var, weight32, beta1,
                  beta2, epsilon, t, bias_correction, wd, rescale_grad, clip_gradient, out)


def _lamb2(op, mp, weight, g, r1, r2, weight32, lr, lower_bound, upper_bound, out):
    _required(op, lr=lr)
    named = [("weight", weight), ("g", g), ("r1", r1), ("r2", r2)]
    if mp:
        named.append(("weight32", weight32))
    _check(op, *named)
    for nm, a in (("r1", r1), ("r2", r2)):
        if a.shape[:1] != (1,):
            n0 = a.shape[0] if a.ndim else 0
            raise MXNetError(f"{op}: Check failed: {nm}_shape[0] == 1U ({n0} vs. 1) : {nm} "
                             f"shape incorrect")
    shapes = {"r1": None, "r2": None}
    dt = check_arrays(op, named, ("weight",) if mp else ("weight", "g", "r1", "r2"),
                      f32=("g", "r1", "r2", "weight32") if mp else (), shapes=shapes)
    T = np.float32 if mp else dt.type
    lr_, lb, ub = _scalars(op, T, [(lr, "lr"), (lower_bound, "lower_bound"),
                                  (upper_bound, "upper_bound")])
    k = _kernels()

    def kern(o, *b):
        k.lamb_phase2(o, b[4] if mp else b[0], b[1], b[2].reshape(-1)[0], b[3].reshape(-1)[0],
                      lr_, lb, ub)

    return _run(op, kern, named, out, (), (), same_dtype=(), shapes=shapes)[0]


def lamb_update_phase2(weight=None, g=None, r1=None, r2=None, lr=None, lower_bound=-1.0,
                       upper_bound=-1.0, out=None, name=None):
    """LAMB, phase 2: out = weight - lr * r1/r2 * g (r1 = ||weight||, r2 = ||g||, shape (1,);
    r1 clamped to [lower_bound, upper_bound] where those are >= 0; plain lr when r1 or r2 is 0).

    >>> w = mx.nd.array([3., 4.])
    >>> mx.nd.lamb_update_phase2(w, mx.nd.array([1., 1.]), mx.nd.array([5.]), mx.nd.array([2.]),
    ...                          lr=0.1).asnumpy()
    array([2.75, 3.75], dtype=float32)
    """
    return _lamb2("lamb_update_phase2", False, weight, g, r1, r2, None, lr, lower_bound,
                  upper_bound, out)


def mp_lamb_update_phase2(weight=None, g=None, r1=None, r2=None, weight32=None, lr=None,
                          lower_bound=-1.0, upper_bound=-1.0, out=None, name=None):
    """LAMB phase 2 with a float32 master copy: out = weight32 - lr*r1/r2*g in weight's dtype
    (weight32 itself is left alone, as in MXNet).

    >>> w32 = mx.nd.array([3., 4.])
    >>> mx.nd.mp_lamb_update_phase2(w32.astype("float16"), mx.nd.array([1., 1.]),
    ...     mx.nd.array([5.]), mx.nd.array([2.]), w32, lr=0.1).asnumpy()
    array([2.75, 3.75], dtype=float16)
    """
    return _lamb2("mp_lamb_update_phase2", True, weight, g, r1, r2, weight32, lr, lower_bound,
                  upper_bound, out)
