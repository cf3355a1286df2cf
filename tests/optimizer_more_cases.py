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

def _build_tier1():
    N = 600
    MP = {
     'mp_sgd_update': (['weight','grad','weight32'], [dict(lr=0.1), dict(lr=0.05, wd=0.01, rescale_grad=1/3., clip_gradient=0.5), dict(lr=0.0123456789123, wd=0.0003, rescale_grad=1.2304113526906009, clip_gradient=0.0)]),
     'mp_sgd_mom_update': (['weight','grad','mom','weight32'], [dict(lr=0.1, momentum=0.9), dict(lr=0.05, momentum=0.95, wd=0.01, rescale_grad=1/3., clip_gradient=0.5), dict(lr=0.0123456789123, momentum=0.8, wd=0.0003, rescale_grad=1.2304113526906009)]),
     'mp_nag_mom_update': (['weight','grad','mom','weight32'], [dict(lr=0.1, momentum=0.9), dict(lr=0.05, momentum=0.95, wd=0.01, rescale_grad=1/3., clip_gradient=0.5), dict(lr=0.37, momentum=0.8, rescale_grad=1.2304113526906009)]),
    }
    FTML = [dict(lr=0.1, t=1), dict(lr=0.05, beta1=0.7, beta2=0.99, epsilon=1e-6, t=3, wd=0.01, rescale_grad=1/3., clip_grad=1.0), dict(lr=0.0123456789123, beta1=0.5, beta2=0.9995, epsilon=0.001, t=10, wd=0.1, rescale_grad=0.7777777777)]
    data, cases = {}, []
    seed = 0
    for op, (names, kws) in MP.items():
        for dt in (np.float16, np.float32, np.float64):
            for k, kw in enumerate(kws):
                for alias in (False, True):
                    seed += 1
                    dts = [dt, dt] + [np.float32] * (len(names) - 2)
                    arrs = inputs(seed, N, dts)
                    arrs[0] = arrs[-1].astype(dt)
                    keys = []
                    for nm, a in zip(names, arrs):
                        data[f'{seed}{nm}'] = a; keys.append(f'@{seed}{nm}')
                    c = dict(fn='nd.' + op, args=keys, kwargs=kw, tag=(np.dtype(dt).name, k, alias))
                    if alias: c['out'] = keys[0]
                    cases.append(c)
    for dt in (np.float16, np.float32, np.float64):
        for k, kw in enumerate(FTML):
            for alias in (False, True):
                seed += 1
                arrs = inputs(seed, N, [dt] * 5, pos=(2, 3))
                keys = []
                for nm, a in zip(['weight','grad','d','v','z'], arrs):
                    data[f'{seed}{nm}'] = a; keys.append(f'@{seed}{nm}')
                c = dict(fn='nd.ftml_update', args=keys, kwargs=kw, tag=(np.dtype(dt).name, k, alias))
                if alias: c['out'] = keys[0]
                cases.append(c)
    return data, cases


def _build_lamb():
    N = 600
    P1 = [dict(t=1, wd=0.0), dict(beta1=0.8, beta2=0.99, epsilon=1e-4, t=3, wd=0.01, rescale_grad=1/3., clip_gradient=1.0), dict(beta1=0.85, beta2=0.9995, epsilon=0.001, t=7, bias_correction=False, wd=0.1, rescale_grad=0.7777777777), dict(t=1000, wd=0.0123456789123, rescale_grad=1.2304113526906009)]
    P2 = [(dict(lr=0.1), 3.5, 1.25), (dict(lr=0.0123456789123, lower_bound=0.5, upper_bound=2.0), 3.5, 1.1), (dict(lr=0.37, lower_bound=4.0), 3.5, 0.3), (dict(lr=0.37), 0.0, 2.0), (dict(lr=0.37), 2.0, 0.0), (dict(lr=0.37, upper_bound=1.0), np.nan, 2.0), (dict(lr=0.37, lower_bound=1.0), np.nan, 2.0), (dict(lr=0.37, lower_bound=0.), 0.0, 2.0)]
    data, cases = {}, []
    seed = 100
    def add(fn, names, arrs, kw, alias, tag, extra=()):
        keys = []
        for nm, a in zip(names, arrs):
            data[f'{seed}{nm}'] = a; keys.append(f'@{seed}{nm}')
        c = dict(fn=fn, args=keys, kwargs=kw, tag=tag)
        if alias: c['out'] = keys[0]
        cases.append(c)
    for dt in (np.float16, np.float32, np.float64):
        for k, kw in enumerate(P1):
            seed += 1
            add('nd.lamb_update_phase1', ['weight','grad','mean','var'], inputs(seed, N, [dt]*4, pos=(3,)), kw, False, (np.dtype(dt).name, k))
        for k, (kw, r1, r2) in enumerate(P2):
            for alias in (False, True):
                seed += 1
                a = inputs(seed, N, [dt]*2) + [np.array([r1], dt), np.array([r2], dt)]
                add('nd.lamb_update_phase2', ['weight','g','r1','r2'], a, kw, alias, (np.dtype(dt).name, k))
    for k, kw in enumerate(P1):
        seed += 1
        a = inputs(seed, N, [np.float16, np.float16, np.float32, np.float32, np.float32], pos=(3,))
        a[0] = a[4].astype(np.float16)
        add('nd.mp_lamb_update_phase1', ['weight','grad','mean','var','weight32'], a, kw, False, ('mp', k))
    for k, (kw, r1, r2) in enumerate(P2):
        for alias in (False, True):
            seed += 1
            a = inputs(seed, N, [np.float16, np.float32]) + [np.array([r1], np.float32), np.array([r2], np.float32)] + inputs(seed+1000, N, [np.float32])
            a[0] = a[4].astype(np.float16)
            add('nd.mp_lamb_update_phase2', ['weight','g','r1','r2','weight32'], a, kw, alias, ('mp', k))
    return data, cases


def _build_adamw():
    N = 600
    P = [(dict(lr=0.001, eta=1.0), 1.0), (dict(lr=0.01, eta=0.5, beta1=0.8, beta2=0.99, epsilon=1e-6, wd=0.01, clip_gradient=1.0), 1/3.), (dict(lr=0.0123456789123, eta=0.37, beta1=0.85, beta2=0.9995, epsilon=0.001, wd=0.1), 1.2304113526906009), (dict(lr=0.1, eta=1.0), float('nan')), (dict(lr=0.1, eta=1.0), 0.0), (dict(lr=0.1, eta=1.0, clip_gradient=0.0), -0.7777777777)]
    data, cases = {}, []
    seed = 500
    def add(fn, names, arrs, args_extra, kw, alias, tag):
        keys = []
        for nm, a in zip(names, arrs):
            data[f'{seed}{nm}'] = a; keys.append(f'@{seed}{nm}')
        c = dict(fn=fn, args=keys + args_extra, kwargs=kw, tag=tag)
        if alias: c['out'] = keys[0]
        rs = args_extra[0]
        if not alias and not (np.isfinite(rs) and rs != 0):
            c['skip_result'] = True  # MXNet leaves the fresh output unwritten
        cases.append(c)
    for dt in (np.float16, np.float32, np.float64):
        for k, (kw, rs) in enumerate(P):
            for alias in (False, True):
                seed += 1
                if alias and k > 2 and k != 3: continue
                add('nd.contrib.adamw_update', ['weight','grad','mean','var'], inputs(seed, N, [dt]*4, pos=(3,)), [rs], kw, alias, (np.dtype(dt).name, k, alias))
        for k, (kw, rs) in enumerate(P):
            for alias in (False, True):
                seed += 1
                a = inputs(seed, N, [dt, dt, np.float32, np.float32, np.float32], pos=(3,))
                a[0] = a[4].astype(dt)
                add('nd.contrib.mp_adamw_update', ['weight','grad','mean','var','weight32'], a, [rs], kw, alias, ('mp', np.dtype(dt).name, k, alias))
    return data, cases


def _build_multi():
    SIZES = [300, 17, 1]
    LRS = [(0.1, 0.0123456789123, 1/3.), (0.05, 0.37, 2.0)]
    WDS = [(0.0, 0.01, 0.0003), (0.1, 1/3., 0.0)]
    KW = [dict(), dict(rescale_grad=1/3., clip_gradient=0.5), dict(rescale_grad=1.2304113526906009, clip_gradient=0.0)]
    data, cases = {}, []
    seed = 900
    for op, has_mom, mp in [('multi_sgd_update',0,0), ('multi_sgd_mom_update',1,0), ('multi_mp_sgd_update',0,1), ('multi_mp_sgd_mom_update',1,1)]:
        for pre in (False, True):
            for dt in ((np.float16, np.float32) if mp else (np.float16, np.float32, np.float64)):
                for k, kw in enumerate(KW):
                    seed += 1
                    kw = dict(kw)
                    if has_mom: kw['momentum'] = [0.9, 0.95, 0.8][k]
                    names = ['w', 'g'] + (['m'] if has_mom else []) + (['w32'] if mp else [])
                    keys, outs = [], []
                    for i, n in enumerate(SIZES):
                        dts = [dt, dt] + ([np.float32 if mp else dt] if has_mom else []) + ([np.float32] if mp else [])
                        arrs = inputs(seed * 10 + i, n, dts)
                        if mp:
                            arrs[0] = arrs[-1].astype(dt)
                        for nm, a in zip(names, arrs):
                            key = f'{seed}_{i}{nm}'; data[key] = a; keys.append('@' + key)
                        outs.append(keys[-len(names)] if k != 1 else None)
                    if k == 1:  # separate outputs
                        outs = []
                        for i, n in enumerate(SIZES):
                            key = f'{seed}_{i}out'; data[key] = np.zeros(n, dt); outs.append('@' + key)
                    lrs, wds = LRS[k % 2], WDS[k % 2]
                    kw['num_weights'] = 3
                    fn = ('nd.preloaded_' if pre else 'nd.') + op
                    if pre:
                        data[f'{seed}lrs'] = np.array(lrs, np.float32); data[f'{seed}wds'] = np.array(wds, np.float32)
                        keys += [f'@{seed}lrs', f'@{seed}wds']
                    else:
                        kw['lrs'] = list(lrs); kw['wds'] = list(wds)
                    cases.append(dict(fn=fn, args=keys, kwargs=kw, out=outs, tag=(np.dtype(dt).name, k)))
    for dt in (np.float16, np.float32, np.float64):
        seed += 1
        arrs = inputs(seed, 500, [dt] * 3)
        arrs[0][:16] = 1.5; arrs[1][:16] = -0.25
        arrs.append(np.array([0.1, 1e-3], dt))
        keys = []
        for i, a in enumerate(arrs):
            key = f'{seed}s{i}'; data[key] = a; keys.append('@' + key)
        cases.append(dict(fn='nd.multi_sum_sq', args=keys, kwargs=dict(num_arrays=4), tag=np.dtype(dt).name))
    seed += 1
    r = np.random.RandomState(5)
    arrs = [np.abs(r.randn(8)).astype(np.float32) for _ in range(4)]
    arrs[1][0] = 0; arrs[2][1] = 0; arrs[1][2] = np.inf; arrs[2][3] = np.nan
    keys = []
    for i, a in enumerate(arrs):
        key = f'{seed}l{i}'; data[key] = a; keys.append('@' + key)
    cases.append(dict(fn='nd.multi_lars', args=keys, kwargs=dict(eta=0.001, eps=1e-8, rescale_grad=1/3.), tag='lars'))
    cases.append(dict(fn='nd.multi_lars', args=keys, kwargs=dict(eta=0.0123456789123, eps=0.1), tag='lars'))
    return data, cases


def _build_cmulti():
    SIZES = [300, 17, 1]
    data, cases = {}, []
    seed = 2000
    def group(dt, mp, pos):
        nonlocal seed
        cols = {k: [] for k in (['w','g','m','v'] + (['w32'] if mp else []))}
        outs = []
        for i, n in enumerate(SIZES):
            sdt = np.float32 if mp else dt
            arrs = inputs(seed * 10 + i, n, [dt, dt, sdt, sdt] + ([np.float32] if mp else []), pos=(3,))
            if mp: arrs[0] = arrs[4].astype(dt)
            for k, a in zip(cols, arrs):
                key = f'{seed}_{i}{k}'; data[key] = a; cols[k].append('@' + key)
            outs.append(cols['w'][-1])
        return cols, outs
    AK = [(dict(beta1=0.9), 1.0), (dict(beta1=0.8, beta2=0.99, epsilon=1e-6, clip_gradient=1.0), 1/3.), (dict(epsilon=0.001), 1.2304113526906009), (dict(), float('inf'))]
    for mp in (False, True):
        # non-mp: float32 only (MXNet 1.9.1 misreads a float16 or float64 rescale_grad there)
        for dt in ((np.float16, np.float32) if mp else (np.float32,)):
            for k, (kw, rs) in enumerate(AK):
                seed += 1
                cols, outs = group(dt, mp, (3,))
                rsv = rs
                if not mp:
                    data[f'{seed}rs'] = np.array([rs], dt); rsv = f'@{seed}rs'
                args = [cols['w'], cols['g'], cols['m'], cols['v']] + ([cols['w32']] if mp else []) + [rsv, [0.1, 0.0123456789123, 1/3.], [0.0, 0.01, 0.1], [1.0, 0.5, 0.37]]
                cases.append(dict(fn='nd.contrib.' + ('multi_mp_adamw_update' if mp else 'multi_adamw_update'), args=args, kwargs=kw, out=outs, tag=(np.dtype(dt).name, k)))
    LK = [dict(), dict(beta1=0.8, beta2=0.99, epsilon=1e-4, rescale_grad=1/3., clip_gradient=1.0, lower_bound=0.5, upper_bound=3.0), dict(bias_correction=False, epsilon=0.001, rescale_grad=1.2304113526906009)]
    for mp in (False, True):
        for dt in ((np.float16, np.float32) if mp else (np.float16, np.float32, np.float64)):
            for k, kw in enumerate(LK):
                seed += 1
                cols, outs = group(dt, mp, (3,))
                # keep weights finite so the norms are meaningful in most cases
                for key in cols['w'] + cols.get('w32', []):
                    a = data[key[1:]]; a[~np.isfinite(a)] = 0.5; a[np.abs(a) > 1e3] = 2.0
                    data[key[1:]] = a
                if mp:
                    for i in range(3): data[cols['w'][i][1:]] = data[cols['w32'][i][1:]].astype(dt)
                args = [cols['w'], cols['g'], cols['m'], cols['v']] + ([cols['w32']] if mp else []) + [[1, 3, 1000], [0.1, 0.0123456789123, 1/3.], [0.0, 0.01, 0.1]]
                cases.append(dict(fn='nd.contrib.' + ('multi_mp_lamb_update' if mp else 'multi_lamb_update'), args=args, kwargs=kw, out=outs, tag=(np.dtype(dt).name, k)))
    return data, cases


def _build_gada():
    data, cases = {}, []
    seed = 3000
    for dt in (np.float16, np.float32, np.float64):
        for k, kw in enumerate([dict(lr=0.1), dict(lr=0.0123456789123, rescale_grad=1/3., clip_gradient=0.5, epsilon=1e-3), dict(lr=0.37, rescale_grad=1.2304113526906009)]):
            for hs in [(50, 1), (50,)]:
                seed += 1
                w, g, h = inputs(seed, 50 * 7, [dt, dt, dt], pos=(2,))
                g = np.where(g == 0, dt(0.5), g)  # every row present in MXNet's row_sparse copy
                g[~np.isfinite(g)] = 0.25
                data[f'{seed}w'] = w.reshape(50, 7); data[f'{seed}g'] = g.reshape(50, 7); data[f'{seed}h'] = np.abs(h[:50]).reshape(hs)
                cases.append(dict(fn='nd.contrib.group_adagrad_update', args=[f'@{seed}w', f'@{seed}g', f'@{seed}h'], kwargs=kw, out=f'@{seed}w', tag=(np.dtype(dt).name, k), rsp=1))
    return data, cases


BUILDERS = [_build_tier1, _build_lamb, _build_adamw, _build_multi, _build_cmulti, _build_gada]


def build():
    """All cases: (data, cases), the cases of every builder in order."""
    data, cases = {}, []
    for b in BUILDERS:
        d, c = b()
        data.update(d)
        cases.extend(c)
    return data, cases
