"""Optimizer update ops added in session 5: mp_*, ftml, lamb, multi_*, preloaded_*, contrib adamw."""
CASES = []


def case(name, code):
    CASES.append((name, code))


S = ("mx.random.seed(21); w = mx.nd.random.uniform(-1, 1, shape=(5,)); g = mx.nd.random.normal(0, 2, shape=(5,))\n"
     "w16 = w.astype('float16'); g16 = g.astype('float16'); w32 = w16.astype('float32')\n"
     "def st(v=0.0, dt='float32'): return mx.nd.ones((5,), dtype=dt) * v\n")
KW = ["", ", wd=0.1", ", rescale_grad=0.5, clip_gradient=1.0", ", wd=0.01, clip_gradient=0.3, rescale_grad=2.0"]
for i, kw in enumerate(KW):
    case(f"s5_opt_mp_sgd_{i}", S + f"for _ in range(3):\n    mx.nd.mp_sgd_update(w16, g16, w32, lr=0.1{kw}, out=w16)\nprint(w16, w32)")
    case(f"s5_opt_mp_sgd_mom_{i}", S + f"m = st(0.1)\nfor _ in range(3):\n    mx.nd.mp_sgd_mom_update(w16, g16, m, w32, lr=0.1, momentum=0.9{kw}, out=w16)\nprint(w16, w32, m)")
    case(f"s5_opt_mp_nag_{i}", S + f"m = st(0.1)\nfor _ in range(3):\n    mx.nd.mp_nag_mom_update(w16, g16, m, w32, lr=0.1, momentum=0.9{kw}, out=w16)\nprint(w16, w32, m)")
    case(f"s5_opt_mp_sgd_f32w_{i}", S + f"w32b = w.copy()\nmx.nd.mp_sgd_update(w, g, w32b, lr=0.1{kw}, out=w)\nprint(w, w32b)")
    case(f"s5_opt_ftml_{i}", S + f"d = st(); v = st(); z = st()\nfor t in range(1, 4):\n    mx.nd.ftml_update(w, g, d, v, z, lr=0.05, t=t{kw.replace('clip_gradient', 'clip_grad')}, out=w)\nprint(w, d, v, z)")
    case(f"s5_opt_lamb_{i}", S + f"m = st(); v = st()\nfor t in range(1, 4):\n    gg = mx.nd.lamb_update_phase1(w, g, m, v, t=t, wd=0.01{kw.replace(', wd=0.1', '').replace(', wd=0.01', '')})\n"
         "    r1 = w.norm(); r2 = gg.norm()\n    mx.nd.lamb_update_phase2(w, gg, r1, r2, lr=0.01, out=w)\nprint(w, m, v, gg)")
    case(f"s5_opt_mp_lamb_{i}", S + f"m = st(); v = st()\nfor t in range(1, 4):\n    gg = mx.nd.mp_lamb_update_phase1(w16, g16, m, v, w32, t=t, wd=0.01{kw.replace(', wd=0.1', '').replace(', wd=0.01', '')})\n"
         "    r1 = w32.norm(); r2 = gg.norm()\n    mx.nd.mp_lamb_update_phase2(w16, gg, r1, r2, w32, lr=0.01, out=w16)\nprint(w16, w32, m, v, gg)")
case("s5_opt_lamb_nobias", S + "m = st(); v = st()\ngg = mx.nd.lamb_update_phase1(w, g, m, v, t=1, wd=0.0, bias_correction=False, beta1=0.5, beta2=0.6, epsilon=0.01); print(gg)")
case("s5_opt_lamb_bounds", S + "m = st(); v = st()\ngg = mx.nd.lamb_update_phase1(w, g, m, v, t=2, wd=0.1)\nmx.nd.lamb_update_phase2(w, gg, w.norm(), gg.norm(), lr=0.5, lower_bound=0.1, upper_bound=0.3, out=w); print(w)")
case("s5_opt_lamb_zero_norm", S + "m = st(); v = st()\ngg = mx.nd.lamb_update_phase1(w, g, m, v, t=1, wd=0.1)\nmx.nd.lamb_update_phase2(w, gg, mx.nd.zeros((1,)), gg.norm(), lr=0.5, out=w); print(w)")
case("s5_opt_lamb_missing_t", S + "m = st(); v = st()\nprint(mx.nd.lamb_update_phase1(w, g, m, v, wd=0.1))")
case("s5_opt_mp_sgd_bad_w32", S + "print(mx.nd.mp_sgd_update(w16, g16, w16, lr=0.1))")
case("s5_opt_mp_sgd_shape", S + "print(mx.nd.mp_sgd_update(w16, g16[:3], w32, lr=0.1))")
case("s5_opt_ftml_missing_t", S + "print(mx.nd.ftml_update(w, g, st(), st(), st(), lr=0.1))")
case("s5_opt_mp_sgd_noout", S + "r = mx.nd.mp_sgd_update(w16, g16, w32, lr=0.1); print(r, w16, w32)")

M = ("mx.random.seed(22); ws = [mx.nd.random.uniform(-1, 1, shape=(3,)), mx.nd.random.uniform(-1, 1, shape=(2, 2))]\n"
     "gs = [mx.nd.random.normal(0, 1, shape=(3,)), mx.nd.random.normal(0, 1, shape=(2, 2))]\n"
     "ms = [mx.nd.zeros((3,)), mx.nd.ones((2, 2)) * 0.1]\n"
     "w16 = [w.astype('float16') for w in ws]; g16 = [g.astype('float16') for g in gs]; w32 = [w.astype('float32') for w in w16]\n")
for i, kw in enumerate(["", ", rescale_grad=0.5, clip_gradient=0.4"]):
    case(f"s5_opt_multi_sgd_{i}", M + f"mx.nd.multi_sgd_update(ws[0], gs[0], ws[1], gs[1], lrs=(0.1, 0.2), wds=(0.0, 0.01), num_weights=2{kw}, out=ws)\nprint(ws)")
    case(f"s5_opt_multi_sgd_mom_{i}", M + f"for _ in range(2):\n    mx.nd.multi_sgd_mom_update(ws[0], gs[0], ms[0], ws[1], gs[1], ms[1], lrs=(0.1, 0.2), wds=(0.0, 0.01), momentum=0.9, num_weights=2{kw}, out=ws)\nprint(ws, ms)")
    case(f"s5_opt_multi_mp_sgd_{i}", M + f"mx.nd.multi_mp_sgd_update(w16[0], g16[0], w32[0], w16[1], g16[1], w32[1], lrs=(0.1, 0.2), wds=(0.0, 0.01), num_weights=2{kw}, out=w16)\nprint(w16, w32)")
    case(f"s5_opt_multi_mp_sgd_mom_{i}", M + f"for _ in range(2):\n    mx.nd.multi_mp_sgd_mom_update(w16[0], g16[0], ms[0], w32[0], w16[1], g16[1], ms[1], w32[1], lrs=(0.1, 0.2), wds=(0.0, 0.01), momentum=0.9, num_weights=2{kw}, out=w16)\nprint(w16, w32, ms)")
    case(f"s5_opt_preloaded_sgd_{i}", M + f"mx.nd.preloaded_multi_sgd_update(ws[0], gs[0], ws[1], gs[1], mx.nd.array([0.1, 0.2]), mx.nd.array([0.0, 0.01]), num_weights=2{kw}, out=ws)\nprint(ws)")
    case(f"s5_opt_preloaded_sgd_mom_{i}", M + f"mx.nd.preloaded_multi_sgd_mom_update(ws[0], gs[0], ms[0], ws[1], gs[1], ms[1], mx.nd.array([0.1, 0.2]), mx.nd.array([0.0, 0.01]), momentum=0.8, num_weights=2{kw}, out=ws)\nprint(ws, ms)")
    case(f"s5_opt_preloaded_mp_sgd_{i}", M + f"mx.nd.preloaded_multi_mp_sgd_update(w16[0], g16[0], w32[0], w16[1], g16[1], w32[1], mx.nd.array([0.1, 0.2]), mx.nd.array([0.0, 0.01]), num_weights=2{kw}, out=w16)\nprint(w16, w32)")
    case(f"s5_opt_preloaded_mp_sgd_mom_{i}", M + f"mx.nd.preloaded_multi_mp_sgd_mom_update(w16[0], g16[0], ms[0], w32[0], w16[1], g16[1], ms[1], w32[1], mx.nd.array([0.1, 0.2]), mx.nd.array([0.0, 0.01]), momentum=0.8, num_weights=2{kw}, out=w16)\nprint(w16, w32, ms)")
case("s5_opt_multi_sgd_noout", M + "r = mx.nd.multi_sgd_update(ws[0], gs[0], ws[1], gs[1], lrs=(0.1, 0.2), wds=(0.0, 0.01), num_weights=2)\nprint(type(r).__name__, len(r), r, ws)")
case("s5_opt_multi_sgd_bad_lrs", M + "print(mx.nd.multi_sgd_update(ws[0], gs[0], ws[1], gs[1], lrs=(0.1,), wds=(0.0, 0.01), num_weights=2, out=ws))")
case("s5_opt_multi_sgd_bad_count", M + "print(mx.nd.multi_sgd_update(ws[0], gs[0], ws[1], lrs=(0.1, 0.2), wds=(0.0, 0.01), num_weights=2, out=ws))")
case("s5_opt_multi_sum_sq", M + "print(mx.nd.multi_sum_sq(*ws, num_arrays=2)); print(mx.nd.multi_sum_sq(*gs, *ws, num_arrays=4))")
case("s5_opt_multi_sum_sq_f16", M + "y = mx.nd.multi_sum_sq(*w16, num_arrays=2); print(y.dtype, y)")
case("s5_opt_multi_sum_sq_bad", M + "print(mx.nd.multi_sum_sq(*ws, num_arrays=3))")
case("s5_opt_multi_lars", "print(mx.nd.multi_lars(mx.nd.array([0.1, 0.2, 0.3]), mx.nd.array([4., 0., 1.]), mx.nd.array([1., 2., 0.]), mx.nd.array([0.01, 0.0, 0.1]), eta=0.001, eps=1e-8))")
case("s5_opt_multi_lars_rescale", "print(mx.nd.multi_lars(mx.nd.array([0.1, 0.2]), mx.nd.array([4., 9.]), mx.nd.array([1., 2.]), mx.nd.array([0.01, 0.5]), eta=0.1, eps=0.5, rescale_grad=0.25))")

A = ("mx.random.seed(23); w = mx.nd.random.uniform(-1, 1, shape=(4,)); g = mx.nd.random.normal(0, 2, shape=(4,))\n"
     "m = mx.nd.zeros((4,)); v = mx.nd.zeros((4,))\n"
     "w16 = w.astype('float16'); g16 = g.astype('float16'); w32 = w16.astype('float32')\n")
case("s5_opt_adamw", A + "for _ in range(3):\n    mx.nd.contrib.adamw_update(w, g, m, v, mx.nd.array([1.0]), lr=0.01, eta=0.5, wd=0.1, out=w)\nprint(w, m, v)")
case("s5_opt_adamw_clip", A + "for _ in range(3):\n    mx.nd.contrib.adamw_update(w, g, m, v, mx.nd.array([0.5]), lr=0.01, eta=1.0, beta1=0.8, beta2=0.9, epsilon=1e-3, clip_gradient=0.5, out=w)\nprint(w, m, v)")
case("s5_opt_adamw_nan_rescale", A + "mx.nd.contrib.adamw_update(w, g, m, v, mx.nd.array([np.nan]), lr=0.01, eta=0.5, out=w)\nprint(w, m, v)")
case("s5_opt_adamw_inf_rescale", A + "mx.nd.contrib.adamw_update(w, g, m, v, mx.nd.array([np.inf]), lr=0.01, eta=0.5, out=w)\nprint(w, m, v)")
case("s5_opt_mp_adamw", A + "for _ in range(3):\n    mx.nd.contrib.mp_adamw_update(w16, g16, m, v, w32, mx.nd.array([1.0]), lr=0.01, eta=0.5, wd=0.1, out=w16)\nprint(w16, w32, m, v)")
case("s5_opt_multi_adamw", A + "w2 = w[:2].copy(); g2 = g[2:].copy(); m2 = mx.nd.zeros((2,)); v2 = mx.nd.zeros((2,))\n"
     "mx.nd.contrib.multi_adamw_update([w, w2], [g, g2], [m, m2], [v, v2], mx.nd.array([1.0]), lrs=(0.01, 0.02), wds=(0.1, 0.0), etas=(0.5, 1.0), out=[w, w2])\nprint(w, w2, m, m2, v, v2)")
case("s5_opt_multi_mp_adamw", A + "w2 = w16[:2].copy(); g2 = g16[2:].copy(); w322 = w2.astype('float32'); m2 = mx.nd.zeros((2,)); v2 = mx.nd.zeros((2,))\n"
     "mx.nd.contrib.multi_mp_adamw_update([w16, w2], [g16, g2], [m, m2], [v, v2], [w32, w322], mx.nd.array([1.0]), lrs=(0.01, 0.02), wds=(0.1, 0.0), etas=(0.5, 1.0), out=[w16, w2])\nprint(w16, w2, w32, w322, m, v)")
case("s5_opt_multi_lamb", A + "w2 = w[:2].copy(); g2 = g[2:].copy(); m2 = mx.nd.zeros((2,)); v2 = mx.nd.zeros((2,))\n"
     "for t in (1, 2):\n    mx.nd.contrib.multi_lamb_update([w, w2], [g, g2], [m, m2], [v, v2], step_count=[t, t], lrs=(0.01, 0.02), wds=(0.1, 0.0), out=[w, w2])\nprint(w, w2, m, m2, v, v2)")
case("s5_opt_multi_lamb_params", A + "w2 = w[:2].copy(); g2 = g[2:].copy(); m2 = mx.nd.zeros((2,)); v2 = mx.nd.zeros((2,))\n"
     "mx.nd.contrib.multi_lamb_update([w, w2], [g, g2], [m, m2], [v, v2], step_count=[3, 1], lrs=(0.01, 0.02), wds=(0.1, 0.0), beta1=0.5, beta2=0.7, epsilon=1e-3, rescale_grad=0.5, clip_gradient=0.8, lower_bound=0.01, upper_bound=2.0, bias_correction=False, out=[w, w2])\nprint(w, w2, m, m2, v, v2)")
case("s5_opt_multi_mp_lamb", A + "w2 = w16[:2].copy(); g2 = g16[2:].copy(); w322 = w2.astype('float32'); m2 = mx.nd.zeros((2,)); v2 = mx.nd.zeros((2,))\n"
     "mx.nd.contrib.multi_mp_lamb_update([w16, w2], [g16, g2], [m, m2], [v, v2], [w32, w322], step_count=[1, 1], lrs=(0.01, 0.02), wds=(0.1, 0.0), out=[w16, w2])\nprint(w16, w2, w32, w322, m, v)")
case("s5_opt_group_adagrad", "w = mx.nd.array([[1., 2], [3, 4], [-1, 0.5]]); g = mx.nd.array([[0.5, -1], [0.1, 0.2], [3, -4]]); h = mx.nd.zeros((3, 1))\n"
     "for _ in range(2):\n    mx.nd.contrib.group_adagrad_update(w, g, h, lr=0.1, out=w)\nprint(w, h)")
case("s5_opt_group_adagrad_params", "w = mx.nd.array([[1., 2], [3, 4], [-1, 0.5]]); g = mx.nd.array([[0.5, -1], [0.1, 0.2], [3, -4]]); h = mx.nd.ones((3, 1))\n"
     "mx.nd.contrib.group_adagrad_update(w, g, h, lr=0.1, rescale_grad=2.0, clip_gradient=1.5, epsilon=0.1, out=w)\nprint(w, h)")
case("s5_opt_group_adagrad_bad", "w = mx.nd.ones((3, 2)); print(mx.nd.contrib.group_adagrad_update(w, w, mx.nd.zeros((2, 1)), lr=0.1))")
case("s5_opt_adamw_bad_rescale", A + "print(mx.nd.contrib.adamw_update(w, g, m, v, 1.0, lr=0.01, eta=0.5))")
case("s5_opt_adamw_missing_eta", A + "print(mx.nd.contrib.adamw_update(w, g, m, v, mx.nd.array([1.0]), lr=0.01))")
case("s5_opt_adamw_f64", "w = mx.nd.array([1., -2], dtype='float64'); g = mx.nd.array([0.5, 0.25], dtype='float64'); m = mx.nd.zeros((2,), dtype='float64'); v = mx.nd.zeros((2,), dtype='float64')\n"
     "mx.nd.contrib.adamw_update(w, g, m, v, mx.nd.array([1.0], dtype='float64'), lr=0.1, eta=1.0, wd=0.1, out=w); print(w, w.dtype, m, v)")
