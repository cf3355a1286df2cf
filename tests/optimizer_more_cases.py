"""The cases of tests/test_optimizer_more.py: deterministic inputs (NumPy only) and the calls.

`build()` returns (data, cases): data maps names to NumPy arrays; each case names the function
(`nd.mp_sgd_update`, `nd.contrib.adamw_update`, ...), its positional arguments and keywords
(a string "@name" is an NDArray made from data[name], a list of them a list of NDArrays) and
`out`. Run against MXNet 1.9.1 (a script that makes mxnet NDArrays from the same data and
calls the same functions), the SHA-1 of each case's results (the returned arrays, then every
array argument after the call) gave the digests pinned in the test. No mxnet import here.
"""
import numpy as np

SPECIAL = [0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.0, 0.5, -0.5, 3.0, -3.0, 1e-40, 3e38,
           -3e38, 2.0, 1e-30]


def inputs(seed, n, dts, pos=()):
    """One array per dtype: normal draws scaled by powers of two, special values first."""
    r = np.random.RandomState(seed)
    out = []
    for j, dt in enumerate(dts):
        span = {np.float32: 20, np.float64: 60}.get(dt, 8)
        v = r.randn(n) * np.ldexp(1.0, r.randint(-span, span, n))
        v = np.where(r.rand(n) < 0.5, r.randn(n), v)
        k = min(n, len(SPECIAL))
        v[:k] = np.roll(SPECIAL, 3 * j)[:k]
        with np.errstate(over="ignore"):
            v = v.astype(dt)
        if j in pos:
            v = np.abs(v)
        out.append(v)
    return out


_DTS = (np.float16, np.float32, np.float64)
_ODD_LR = 0.0123456789123          # parses to a float32 that np.float32() does not give
_ODD_RS = 1.2304113526906009       # likewise (dmlc::stof is one ulp below)


def _name(dt):
    return np.dtype(dt).name


class _Cases:
    """Collects arrays (under names made from a seed) and the calls that use them."""

    def __init__(self):
        self.data, self.cases = {}, []

    def put(self, seed, names, arrays):
        """Store arrays as "{seed}{name}"; returns their "@" references."""
        keys = []
        for nm, a in zip(names, arrays):
            self.data[f"{seed}{nm}"] = a
            keys.append(f"@{seed}{nm}")
        return keys

    def add(self, fn, args, kwargs, tag, out=None, **extra):
        c = dict(fn=fn, args=args, kwargs=kwargs, tag=tag, **extra)
        if out is not None:
            c["out"] = out
        self.cases.append(c)


def _build_tier1():
    """mp_sgd_update, mp_sgd_mom_update, mp_nag_mom_update, ftml_update."""
    n = 600
    clip = dict(lr=0.05, wd=0.01, rescale_grad=1 / 3., clip_gradient=0.5)
    mp = {
        "mp_sgd_update": (["weight", "grad", "weight32"], [
            dict(lr=0.1), clip,
            dict(lr=_ODD_LR, wd=0.0003, rescale_grad=_ODD_RS, clip_gradient=0.0)]),
        "mp_sgd_mom_update": (["weight", "grad", "mom", "weight32"], [
            dict(lr=0.1, momentum=0.9), dict(clip, momentum=0.95),
            dict(lr=_ODD_LR, momentum=0.8, wd=0.0003, rescale_grad=_ODD_RS)]),
        "mp_nag_mom_update": (["weight", "grad", "mom", "weight32"], [
            dict(lr=0.1, momentum=0.9), dict(clip, momentum=0.95),
            dict(lr=0.37, momentum=0.8, rescale_grad=_ODD_RS)]),
    }
    ftml = [dict(lr=0.1, t=1),
            dict(lr=0.05, beta1=0.7, beta2=0.99, epsilon=1e-6, t=3, wd=0.01,
                 rescale_grad=1 / 3., clip_grad=1.0),
            dict(lr=_ODD_LR, beta1=0.5, beta2=0.9995, epsilon=0.001, t=10, wd=0.1,
                 rescale_grad=0.7777777777)]
    C = _Cases()
    seed = 0
    for op, (names, kws) in mp.items():
        for dt in _DTS:
            for k, kw in enumerate(kws):
                for alias in (False, True):
                    seed += 1
                    arrs = inputs(seed, n, [dt, dt] + [np.float32] * (len(names) - 2))
                    arrs[0] = arrs[-1].astype(dt)   # the weight is its master copy, rounded
                    keys = C.put(seed, names, arrs)
                    C.add("nd." + op, keys, kw, (_name(dt), k, alias),
                          out=keys[0] if alias else None)
    for dt in _DTS:
        for k, kw in enumerate(ftml):
            for alias in (False, True):
                seed += 1
                keys = C.put(seed, ["weight", "grad", "d", "v", "z"],
                             inputs(seed, n, [dt] * 5, pos=(2, 3)))
                C.add("nd.ftml_update", keys, kw, (_name(dt), k, alias),
                      out=keys[0] if alias else None)
    return C.data, C.cases


def _build_lamb():
    """lamb_update_phase1/2 and their mp_ forms."""
    n = 600
    p1 = [dict(t=1, wd=0.0),
          dict(beta1=0.8, beta2=0.99, epsilon=1e-4, t=3, wd=0.01, rescale_grad=1 / 3.,
               clip_gradient=1.0),
          dict(beta1=0.85, beta2=0.9995, epsilon=0.001, t=7, bias_correction=False, wd=0.1,
               rescale_grad=0.7777777777),
          dict(t=1000, wd=_ODD_LR, rescale_grad=_ODD_RS)]
    # (attrs, r1, r2): bounds, zero norms, a NaN norm
    p2 = [(dict(lr=0.1), 3.5, 1.25),
          (dict(lr=_ODD_LR, lower_bound=0.5, upper_bound=2.0), 3.5, 1.1),
          (dict(lr=0.37, lower_bound=4.0), 3.5, 0.3),
          (dict(lr=0.37), 0.0, 2.0), (dict(lr=0.37), 2.0, 0.0),
          (dict(lr=0.37, upper_bound=1.0), np.nan, 2.0),
          (dict(lr=0.37, lower_bound=1.0), np.nan, 2.0),
          (dict(lr=0.37, lower_bound=0.), 0.0, 2.0)]
    C = _Cases()
    seed = 100
    for dt in _DTS:
        for k, kw in enumerate(p1):
            seed += 1
            keys = C.put(seed, ["weight", "grad", "mean", "var"],
                         inputs(seed, n, [dt] * 4, pos=(3,)))
            C.add("nd.lamb_update_phase1", keys, kw, (_name(dt), k))
        for k, (kw, r1, r2) in enumerate(p2):
            for alias in (False, True):
                seed += 1
                arrs = inputs(seed, n, [dt] * 2) + [np.array([r1], dt), np.array([r2], dt)]
                keys = C.put(seed, ["weight", "g", "r1", "r2"], arrs)
                C.add("nd.lamb_update_phase2", keys, kw, (_name(dt), k),
                      out=keys[0] if alias else None)
    f16, f32 = np.float16, np.float32
    for k, kw in enumerate(p1):
        seed += 1
        arrs = inputs(seed, n, [f16, f16, f32, f32, f32], pos=(3,))
        arrs[0] = arrs[4].astype(f16)
        keys = C.put(seed, ["weight", "grad", "mean", "var", "weight32"], arrs)
        C.add("nd.mp_lamb_update_phase1", keys, kw, ("mp", k))
    for k, (kw, r1, r2) in enumerate(p2):
        for alias in (False, True):
            seed += 1
            arrs = (inputs(seed, n, [f16, f32]) + [np.array([r1], f32), np.array([r2], f32)]
                    + inputs(seed + 1000, n, [f32]))
            arrs[0] = arrs[4].astype(f16)
            keys = C.put(seed, ["weight", "g", "r1", "r2", "weight32"], arrs)
            C.add("nd.mp_lamb_update_phase2", keys, kw, ("mp", k),
                  out=keys[0] if alias else None)
    return C.data, C.cases


def _build_adamw():
    """contrib adamw_update, mp_adamw_update; rescale_grad NaN or 0 skips the update."""
    n = 600
    params = [(dict(lr=0.001, eta=1.0), 1.0),
              (dict(lr=0.01, eta=0.5, beta1=0.8, beta2=0.99, epsilon=1e-6, wd=0.01,
                    clip_gradient=1.0), 1 / 3.),
              (dict(lr=_ODD_LR, eta=0.37, beta1=0.85, beta2=0.9995, epsilon=0.001, wd=0.1),
               _ODD_RS),
              (dict(lr=0.1, eta=1.0), float("nan")),
              (dict(lr=0.1, eta=1.0), 0.0),
              (dict(lr=0.1, eta=1.0, clip_gradient=0.0), -0.7777777777)]
    C = _Cases()
    seed = 500

    def add(fn, names, arrs, rs, kw, alias, tag):
        keys = C.put(seed, names, arrs)
        # a skipped update leaves a fresh output unwritten (uninitialised memory in MXNet)
        skip = not alias and not (np.isfinite(rs) and rs != 0)
        C.add(fn, keys + [rs], kw, tag, out=keys[0] if alias else None,
              **({"skip_result": True} if skip else {}))

    for dt in _DTS:
        for k, (kw, rs) in enumerate(params):
            for alias in (False, True):
                seed += 1
                if alias and k in (4, 5):
                    continue
                add("nd.contrib.adamw_update", ["weight", "grad", "mean", "var"],
                    inputs(seed, n, [dt] * 4, pos=(3,)), rs, kw, alias, (_name(dt), k, alias))
        for k, (kw, rs) in enumerate(params):
            for alias in (False, True):
                seed += 1
                arrs = inputs(seed, n, [dt, dt, np.float32, np.float32, np.float32], pos=(3,))
                arrs[0] = arrs[4].astype(dt)
                add("nd.contrib.mp_adamw_update", ["weight", "grad", "mean", "var", "weight32"],
                    arrs, rs, kw, alias, ("mp", _name(dt), k, alias))
    return C.data, C.cases


def _build_multi():
    """multi_sgd family (plain, mom, mp, preloaded), multi_sum_sq, multi_lars."""
    sizes = [300, 17, 1]
    lrs = [(0.1, _ODD_LR, 1 / 3.), (0.05, 0.37, 2.0)]
    wds = [(0.0, 0.01, 0.0003), (0.1, 1 / 3., 0.0)]
    kws = [dict(), dict(rescale_grad=1 / 3., clip_gradient=0.5),
           dict(rescale_grad=_ODD_RS, clip_gradient=0.0)]
    ops = [("multi_sgd_update", 0, 0), ("multi_sgd_mom_update", 1, 0),
           ("multi_mp_sgd_update", 0, 1), ("multi_mp_sgd_mom_update", 1, 1)]
    C = _Cases()
    seed = 900
    for op, has_mom, mp in ops:
        for pre in (False, True):
            for dt in ((np.float16, np.float32) if mp else _DTS):
                for k, kw in enumerate(kws):
                    seed += 1
                    kw = dict(kw)
                    if has_mom:
                        kw["momentum"] = [0.9, 0.95, 0.8][k]
                    names = ["w", "g"] + (["m"] if has_mom else []) + (["w32"] if mp else [])
                    sdt = [np.float32 if mp else dt] if has_mom else []
                    keys, outs = [], []
                    for i, size in enumerate(sizes):
                        arrs = inputs(seed * 10 + i, size,
                                      [dt, dt] + sdt + ([np.float32] if mp else []))
                        if mp:
                            arrs[0] = arrs[-1].astype(dt)
                        keys += C.put(f"{seed}_{i}", names, arrs)
                        outs.append(keys[-len(names)])
                    if k == 1:  # separate output arrays instead of out=weights
                        outs = C.put(seed, [f"_{i}out" for i in range(3)],
                                     [np.zeros(size, dt) for size in sizes])
                    kw["num_weights"] = 3
                    if pre:
                        keys += C.put(seed, ["lrs", "wds"], [np.array(lrs[k % 2], np.float32),
                                                             np.array(wds[k % 2], np.float32)])
                    else:
                        kw["lrs"], kw["wds"] = list(lrs[k % 2]), list(wds[k % 2])
                    C.add(("nd.preloaded_" if pre else "nd.") + op, keys, kw, (_name(dt), k),
                          out=outs)
    for dt in _DTS:
        seed += 1
        arrs = inputs(seed, 500, [dt] * 3)
        arrs[0][:16] = 1.5
        arrs[1][:16] = -0.25
        arrs.append(np.array([0.1, 1e-3], dt))
        keys = C.put(seed, [f"s{i}" for i in range(4)], arrs)
        C.add("nd.multi_sum_sq", keys, dict(num_arrays=4), _name(dt))
    seed += 1
    r = np.random.RandomState(5)
    arrs = [np.abs(r.randn(8)).astype(np.float32) for _ in range(4)]
    arrs[1][0] = 0
    arrs[2][1] = 0
    arrs[1][2] = np.inf
    arrs[2][3] = np.nan
    keys = C.put(seed, [f"l{i}" for i in range(4)], arrs)
    C.add("nd.multi_lars", keys, dict(eta=0.001, eps=1e-8, rescale_grad=1 / 3.), "lars")
    C.add("nd.multi_lars", keys, dict(eta=_ODD_LR, eps=0.1), "lars")
    return C.data, C.cases


def _build_cmulti():
    """contrib multi_adamw_update, multi_mp_adamw_update, multi_lamb_update and their mp_ forms."""
    sizes = [300, 17, 1]
    C = _Cases()
    seed = 2000

    def group(dt, mp):
        cols = {k: [] for k in ["w", "g", "m", "v"] + (["w32"] if mp else [])}
        outs = []
        sdt = np.float32 if mp else dt
        for i, size in enumerate(sizes):
            arrs = inputs(seed * 10 + i, size, [dt, dt, sdt, sdt] + ([np.float32] if mp else []),
                          pos=(3,))
            if mp:
                arrs[0] = arrs[4].astype(dt)
            for key, ref in zip(cols, C.put(f"{seed}_{i}", list(cols), arrs)):
                cols[key].append(ref)
            outs.append(cols["w"][-1])
        return cols, outs

    adamw = [(dict(beta1=0.9), 1.0),
             (dict(beta1=0.8, beta2=0.99, epsilon=1e-6, clip_gradient=1.0), 1 / 3.),
             (dict(epsilon=0.001), _ODD_RS), (dict(), float("inf"))]
    for mp in (False, True):
        # non-mp: float32 only (MXNet 1.9.1 misreads a float16 or float64 rescale_grad there)
        for dt in ((np.float16, np.float32) if mp else (np.float32,)):
            for k, (kw, rs) in enumerate(adamw):
                seed += 1
                cols, outs = group(dt, mp)
                if not mp:
                    rs = C.put(seed, ["rs"], [np.array([rs], dt)])[0]
                args = ([cols["w"], cols["g"], cols["m"], cols["v"]]
                        + ([cols["w32"]] if mp else [])
                        + [rs, [0.1, _ODD_LR, 1 / 3.], [0.0, 0.01, 0.1], [1.0, 0.5, 0.37]])
                fn = "multi_mp_adamw_update" if mp else "multi_adamw_update"
                C.add("nd.contrib." + fn, args, kw, (_name(dt), k), out=outs)
    lamb = [dict(),
            dict(beta1=0.8, beta2=0.99, epsilon=1e-4, rescale_grad=1 / 3., clip_gradient=1.0,
                 lower_bound=0.5, upper_bound=3.0),
            dict(bias_correction=False, epsilon=0.001, rescale_grad=_ODD_RS)]
    for mp in (False, True):
        for dt in ((np.float16, np.float32) if mp else _DTS):
            for k, kw in enumerate(lamb):
                seed += 1
                cols, outs = group(dt, mp)
                # finite, moderate weights, so that the norms are not all inf or NaN
                for key in cols["w"] + cols.get("w32", []):
                    a = C.data[key[1:]]
                    a[~np.isfinite(a)] = 0.5
                    a[np.abs(a) > 1e3] = 2.0
                if mp:
                    for i in range(3):
                        C.data[cols["w"][i][1:]] = C.data[cols["w32"][i][1:]].astype(dt)
                args = ([cols["w"], cols["g"], cols["m"], cols["v"]]
                        + ([cols["w32"]] if mp else [])
                        + [[1, 3, 1000], [0.1, _ODD_LR, 1 / 3.], [0.0, 0.01, 0.1]])
                fn = "multi_mp_lamb_update" if mp else "multi_lamb_update"
                C.add("nd.contrib." + fn, args, kw, (_name(dt), k), out=outs)
    return C.data, C.cases


def _build_gada():
    """contrib group_adagrad_update (MXNet: run with the gradient as row_sparse, all rows)."""
    C = _Cases()
    seed = 3000
    kws = [dict(lr=0.1),
           dict(lr=_ODD_LR, rescale_grad=1 / 3., clip_gradient=0.5, epsilon=1e-3),
           dict(lr=0.37, rescale_grad=_ODD_RS)]
    for dt in _DTS:
        for k, kw in enumerate(kws):
            for hs in [(50, 1), (50,)]:
                seed += 1
                w, g, h = inputs(seed, 50 * 7, [dt, dt, dt], pos=(2,))
                g = np.where(g == 0, dt(0.5), g)  # no zero row: row_sparse keeps every row
                g[~np.isfinite(g)] = 0.25
                keys = C.put(seed, ["w", "g", "h"],
                             [w.reshape(50, 7), g.reshape(50, 7), np.abs(h[:50]).reshape(hs)])
                C.add("nd.contrib.group_adagrad_update", keys, kw, (_name(dt), k),
                      out=keys[0], rsp=1)
    return C.data, C.cases


BUILDERS = [_build_tier1, _build_lamb, _build_adamw, _build_multi, _build_cmulti, _build_gada]


def build():
    """All cases: (data, cases), the cases of every builder in order."""
    data, cases = {}, []
    for b in BUILDERS:
        d, c = b()
        data.update(d)
        cases.extend(c)
    return data, cases
