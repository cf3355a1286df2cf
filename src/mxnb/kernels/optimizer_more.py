"""MXNet 1.9.1's remaining optimizer updates (mixed precision, FTML, AdamW, LAMB, the multi-tensor
forms), bit for bit, as NumPy steps in MXNet's C++ evaluation order.

Each function takes NumPy arrays (any shape, all of one shape) and the scalars already rounded
to the type MXNet computes in (`float` parameters parsed by dmlc, then cast to the kernel's
type), computes every new value first and only then writes the states and `out`, so `out` may
be the weight. A NumPy operation on arrays and scalars of one dtype rounds once per operation,
as the C++ expression does (MXNet's x86-64 build does not contract into FMAs); float16 arrays
with float16 scalars round each step to float16, as mshadow's `half_t` operators do. Where
MXNet's C++ mixes in a `double` (`1. - beta1_t`) the step is written in float64 and rounded.

The mixed-precision (`mp_`) kernels read the float32 master copy, compute in float32 and write
both it and the low-precision output. Checked against MXNet 1.9.1 in tests/test_optimizer_more.py.
"""
import numpy as np

F32 = np.float32


def clip(x, b):
    """mshadow_op::clip: NaN passes through."""
    return np.where(x > b, b, np.where(x < -b, -b, x))


def _store(out, value):
    out[...] = value


# ---------------------------------------------------------------- mixed-precision SGD family

def mp_sgd(out, w32, g, lr, wd, rs, cg):
    """MP_SGDKernel: float32 math on the master copy `w32`; `out` gets it in its own dtype."""
    g = g.astype(F32)
    if cg >= 0:
        w = (F32(1) - lr * wd) * w32 - lr * clip(rs * g, cg)
    else:
        w = (F32(1) - lr * wd) * w32 - (lr * rs) * g
    _store(w32, w)
    _store(out, w)


def mp_sgd_mom(out, mom, w32, g, lr, mo, wd, rs, cg):
    g = g.astype(F32)
    if cg >= 0:
        m = mo * mom - lr * wd * w32 - lr * clip(rs * g, cg)
    else:
        m = mo * mom - lr * wd * w32 - lr * rs * g
    w = w32 + m
    _store(mom, m)
    _store(w32, w)
    _store(out, w)


def mp_nag(out, mom, w32, g, lr, mo, wd, rs, cg):
    """MP_NAGMomKernel: the momentum's weight-decay term uses the *new* master weight."""
    g = g.astype(F32)
    rg = clip(rs * g, cg) if cg >= 0 else rs * g
    m = mo * mom
    w = w32 - m + (mo + F32(1)) * (m - lr * (rg + wd * w32))
    m = m - lr * (rg + wd * w)
    _store(mom, m)
    _store(w32, w)
    _store(out, w)


def mixed_mul(s, a, T):
    """C++ `float * MPDType` as MXNet's preloaded kernels compute it: float16 via float32 (a
    `half_t` operator), float64 in double, float32 as is; `a` an array or a scalar."""
    if T is np.float16:
        return (F32(s) * np.asarray(a).astype(F32)).astype(T)
    W = np.float64 if T is np.float64 else F32
    return W(s) * (a if np.ndim(a) else W(a))


def multi_sgd(out, w, g, mom, w32, lr, wd, mo, rs, cg, preloaded=False):
    """MultiSGDKernel / PreloadedMultiSGDKernel for one weight, in MPDType T (the type of
    `mo`, `rs`, `cg`; float32 when mixed precision): mom = mo*mom - lr*wd*w -
    lr*clip(rs*g, cg); w = w + mom. `mom` None: no momentum state (its value is 0); `w32`
    None: not mixed precision (w itself is read). Preloaded: lr and wd are float32 (read from
    float32 arrays), so their products with T values go through `mixed_mul`; else they are T."""
    T = type(mo)
    wv = w32 if w32 is not None else w
    gv = g.astype(T, copy=False)
    m0 = mom if mom is not None else np.zeros(wv.shape, T)
    if preloaded:
        t2 = mixed_mul(lr * wd, wv, T)
        if cg >= 0:
            t3 = mixed_mul(lr, clip(rs * gv, cg), T)
        else:
            t3 = mixed_mul(lr, rs, T) * gv
    else:
        t2 = lr * wd * wv
        t3 = lr * clip(rs * gv, cg) if cg >= 0 else lr * rs * gv
    m = mo * m0 - t2 - t3
    nw = wv + m
    if mom is not None:
        _store(mom, m)
    if w32 is not None:
        _store(w32, nw)
    _store(out, nw)


# ---------------------------------------------------------------- FTML

def ftml(out, d, v, z, w, g, lr, b1, b2, eps, t, wd, rs, cg):
    """FTMLKernel in the arrays' dtype T (every scalar a T; t cast to T, powers by powf/pow)."""
    T = type(lr)
    one = T(1)
    gi = rs * g + wd * w
    if cg >= 0:
        gi = clip(gi, cg)
    nv = b2 * v + (one - b2) * (gi * gi)
    c1 = (one - T(np.power(b1, t))) / lr
    c2 = one - T(np.power(b2, t))
    dt = c1 * (np.sqrt(nv / c2) + eps)
    nz = b1 * z + (one - b1) * gi - (dt - b1 * d) * w
    new = -nz / dt
    _store(v, nv)
    _store(z, nz)
    _store(d, dt)
    _store(out, new)


# ---------------------------------------------------------------- AdamW (contrib)

def adamw(out, mean, var, w, g, c_b1, c_om1, c_b2, c_om2, eta, lr, wd, eps, rs, cg):
    """AdamWUpdate (mshadow expressions) in dtype T: the gradient array is rescaled and clipped
    in place first, as MXNet does (`grad = rescale * grad`), then mean, var and the output."""
    ng = rs * g
    if cg >= 0:
        ng = clip(ng, cg)
    _store(g, ng)
    m = c_b1 * mean + c_om1 * ng
    vv = c_b2 * var + c_om2 * (ng * ng)
    new = w - eta * (lr * m / (np.sqrt(vv) + eps) + wd * w)
    _store(mean, m)
    _store(var, vv)
    _store(out, new)


def mp_adamw(out, mean, var, w32, g, b1, b2, eta, lr, wd, eps, rs, cg):
    """MPAdamWKernel: float32 on the master copy."""
    sg = rs * g.astype(F32)
    if cg >= 0:
        sg = clip(sg, cg)
    m = b1 * mean + (F32(1) - b1) * sg
    vv = b2 * var + (F32(1) - b2) * (sg * sg)
    w = w32 - eta * (lr * m / (np.sqrt(vv) + eps) + wd * w32)
    _store(mean, m)
    _store(var, vv)
    _store(w32, w)
    _store(out, w)


# ---------------------------------------------------------------- LAMB

def _div_double(a, b):
    """C++ `float / double` assigned to float: the quotient in double, rounded once."""
    return (a.astype(np.float64) / np.float64(b)).astype(a.dtype)


def lamb_phase1(out, mean, var, w, g, b1, b1t, b2, b2t, wd, eps, bias, rs, cg):
    """LambUpdatePhaseOneKernel in dtype T (w is the float32 master copy for the mp form,
    where `grad * rescale_grad` is a `half_t * float`: computed in float32, rounded to float16)."""
    T = type(b1)
    one = T(1)
    if g.dtype != T:
        gr = (g.astype(F32) * F32(rs)).astype(g.dtype).astype(T)
    else:
        gr = g * rs
    if cg >= 0:
        gr = clip(gr, cg)
    m = b1 * mean + (one - b1) * gr
    v = b2 * var + (one - b2) * gr * gr
    if bias:
        if T is np.float16:
            mh = m / T(F32(1.0) - F32(b1t))
        else:
            mh = _div_double(m, 1.0 - np.float64(b1t))
        vh = v / (one - b2t)
        new = mh / (np.sqrt(vh) + eps) + wd * w
    else:
        new = m / (np.sqrt(v) + eps) + wd * w
    _store(mean, m)
    _store(var, v)
    _store(out, new)


def lamb_phase2(out, w, g, r1, r2, lr, lb, ub):
    """LambUpdatePhaseTwoKernel: lr scaled by r1/r2 (r1 bounded), out = w - lr*g. `w` is the
    float32 master copy for the mp form (which does not update it)."""
    T = type(lr)
    nr1 = T(r1)
    # MXNet 1.9.1's maximum/minimum propagate NaN: a NaN r1 stays NaN
    if lb >= 0 and nr1 == nr1:
        nr1 = nr1 if nr1 > lb else lb
    if ub >= 0 and nr1 == nr1:
        nr1 = nr1 if nr1 < ub else ub
    r2 = T(r2)
    if nr1 == 0 or r2 == 0:
        lr = lr * T(1)
    else:
        lr = lr * nr1 / r2
    _store(out, w - lr * g)


# ---------------------------------------------------------------- multi_sum_sq, multi_lars

_sumsq64 = None


def _sum_sq_f64(a):
    """float32 `sum += x*x` over float64 x: each addition in double, rounded to float32."""
    global _sumsq64
    if _sumsq64 is None:
        from .._jit import njit

        @njit(nogil=True)
        def _sumsq64(x):
            s = np.float32(0)
            for i in range(x.shape[0]):
                s = np.float32(np.float64(s) + x[i] * x[i])
            return s
    return _sumsq64(np.ascontiguousarray(a).reshape(-1))


def sum_sq(a):
    """MXNet's CPU multi_sum_sq for one array: a float32 running sum of the squares, in order
    (each square in the array's dtype)."""
    if a.size == 0:
        return F32(0)
    if a.dtype == np.float64:
        return _sum_sq_f64(a)
    sq = (a * a).reshape(-1).astype(F32)
    return np.cumsum(sq, dtype=F32)[-1]


def lars(out, lrs, wss, gss, wds, eta, eps, rs):
    """MultiLARSKernel (float32)."""
    wn = np.sqrt(wss)
    valid = (wn > 0) & (gss > 0)
    _store(out, np.where(valid, lrs * eta * wn / (np.sqrt(gss) * rs + wds * wn + eps), lrs))


# ---------------------------------------------------------------- multi-tensor AdamW and LAMB

def multi_adamw(out, w, g, mean, var, w32, lr, wd, eta, b1, b2, eps, rs, cg):
    """MultiMPAdamWKernel for one weight in MPDType T (the scalars' type): the moving averages
    written as beta*(state - x) + x, as MXNet 1.9.1's multi kernel does."""
    T = type(b1)
    wv = w32 if w32 is not None else w.astype(T, copy=False)
    sg = rs * g.astype(T, copy=False)
    if cg >= 0:
        sg = clip(sg, cg)
    m = b1 * (mean - sg) + sg
    adj = sg * sg
    v = b2 * (var - adj) + adj
    nw = wv - eta * (lr * m / (np.sqrt(v) + eps) + wd * wv)
    _store(mean, m)
    _store(var, v)
    if w32 is not None:
        _store(w32, nw)
    _store(out, nw)


def multi_lamb_step1(mean, var, w, g, b1, b2, eps, cg, bias, rs, step, wd):
    """MultiLAMB_step1_kernel for one tensor in MPDType T (the type of the state arrays):
    updates mean and var, returns the float32 direction temp_g. `w` is the master copy (mp)
    or the weight; eps, cg, rs, wd are the float32 parameters."""
    T = mean.dtype.type
    one = T(1)
    sg = mixed_mul(rs, g.astype(T, copy=False), T)
    if cg >= 0:
        sg = clip(sg, T(cg))
    tb1, tb2 = T(b1), T(b2)
    m = tb1 * mean + (one - tb1) * sg
    v = tb2 * var + (one - tb2) * sg * sg
    _store(mean, m)
    _store(var, v)
    if bias:
        m = m / (one - T(np.power(tb1, T(step))))
        v = v / (one - T(np.power(tb2, T(step))))
    wdw = mixed_mul(wd, w, T)
    if T is np.float16:
        # half / double: the double sqrt(var) + eps rounded to float, the quotient to half
        den = (np.sqrt(v.astype(np.float64)) + np.float64(eps)).astype(F32)
        q = (m.astype(F32) / den).astype(T)
        return (q + wdw).astype(F32)
    W = np.float64
    q = m.astype(W) / (np.sqrt(v.astype(W)) + W(eps))
    return (q + wdw.astype(W)).astype(F32)


def multi_lamb_step2(out, w, w32, temp_g, ssw, ssg, lr, lb, ub):
    """MultiLAMB_step2_kernel for one tensor: the trust ratio from the float32 sums of squares
    of the weight and of temp_g, then w -= lr*r*temp_g in MPDType (w32's type when mp)."""
    r1 = F32(np.sqrt(ssw))
    r2 = F32(np.sqrt(ssg))
    if lb >= 0 and r1 < lb:     # std::max / std::min: a NaN r1 stays
        r1 = lb
    if ub >= 0 and ub < r1:
        r1 = ub
    wv = w32 if w32 is not None else w
    T = wv.dtype.type
    r = T(1) if (r1 == 0 or r2 == 0) else T(r1 / r2)
    lra = mixed_mul(lr, r, T)
    step = mixed_mul(lra, temp_g, T) if T is not np.float64 else np.float64(lra) * temp_g
    nw = wv - step
    if w32 is not None:
        _store(w32, nw)
    _store(out, nw)


# ---------------------------------------------------------------- group AdaGrad

def group_adagrad(w, g, hist, lr, rs, cg, eps):
    """GroupAdagradDnsRspKernel with every row present, in place on w (rows = first axis):
    hist.flat[row] += (sequential DType sum over the row of clip(g*rs)^2) / row_length;
    w -= lr*clip(g*rs) / sqrt(hist.flat[row] + eps) (MXNet 1.9.1 adds eps inside the root)."""
    T = type(lr)
    rows = w.shape[0]
    w2 = w.reshape(rows, -1)
    gr = g.reshape(rows, -1) * rs
    if cg >= 0:
        gr = clip(gr, cg)
    ssq = np.zeros(rows, T)
    for j in range(gr.shape[1]):
        ssq = ssq + gr[:, j] * gr[:, j]
    n = gr.shape[1]
    inc = (ssq.astype(F32) / F32(n)).astype(T) if T is np.float16 else ssq / T(n)
    hf = hist.reshape(-1)
    h = hf[:rows] + inc
    hf[:rows] = h
    w2[...] = w2 - lr * gr / np.sqrt(h + eps)[:, None]
