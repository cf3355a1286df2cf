"""Fused optimizer update ops (mx.nd.sgd_update, ...): values and state updates."""
CASES = []


def case(name, code):
    CASES.append((name, code))


S = ("w = mx.nd.array([1., -2., 0.5, 3.]); g = mx.nd.array([0.5, -1., 4., -0.2])\n"
     "def st(v=0.0): return mx.nd.ones((4,)) * v\n")
KW = ["", ", wd=0.1", ", rescale_grad=0.5, clip_gradient=1.0", ", wd=0.01, clip_gradient=0.3, rescale_grad=2.0"]
for i, kw in enumerate(KW):
    case(f"opt_sgd_{i}", S + f"r = mx.nd.sgd_update(w, g, lr=0.1{kw}); print(r, w)")
    case(f"opt_sgd_out_{i}", S + f"r = mx.nd.sgd_update(w, g, lr=0.1{kw}, out=w); print(r is w, w)")
    case(f"opt_sgd_mom_{i}", S + f"m = st(0.2)\nfor _ in range(3):\n    mx.nd.sgd_mom_update(w, g, m, lr=0.1, momentum=0.9{kw}, out=w)\nprint(w, m)")
    case(f"opt_nag_{i}", S + f"m = st(0.2)\nfor _ in range(3):\n    mx.nd.nag_mom_update(w, g, m, lr=0.1, momentum=0.9{kw}, out=w)\nprint(w, m)")
    case(f"opt_adam_{i}", S + f"m = st(); v = st()\nfor _ in range(3):\n    mx.nd.adam_update(w, g, m, v, lr=0.01{kw}, out=w)\nprint(w, m, v)")
    case(f"opt_rmsprop_{i}", S + f"n = st()\nfor _ in range(3):\n    mx.nd.rmsprop_update(w, g, n, lr=0.01{kw}, out=w)\nprint(w, n)")
    case(f"opt_rmspropalex_{i}", S + f"n = st(); gg = st(); d = st()\nfor _ in range(3):\n    mx.nd.rmspropalex_update(w, g, n, gg, d, lr=0.01{kw}, out=w)\nprint(w, n, gg, d)")
    case(f"opt_ftrl_{i}", S + f"z = st(); n = st()\nfor _ in range(3):\n    mx.nd.ftrl_update(w, g, z, n, lr=0.1{kw}, out=w)\nprint(w, z, n)")
    case(f"opt_signsgd_{i}", S + f"mx.nd.signsgd_update(w, g, lr=0.1{kw}, out=w); print(w)")
    case(f"opt_signum_{i}", S + f"m = st(0.1)\nfor _ in range(2):\n    mx.nd.signum_update(w, g, m, lr=0.1, momentum=0.9{kw}, out=w)\nprint(w, m)")
case("opt_rmsprop_clip_weights", S + "n = st(); mx.nd.rmsprop_update(w, g, n, lr=0.5, clip_weights=1.0, gamma1=0.5, epsilon=0.1, out=w); print(w, n)")
case("opt_adam_params", S + "m = st(0.1); v = st(0.2); mx.nd.adam_update(w, g, m, v, lr=0.05, beta1=0.5, beta2=0.7, epsilon=0.01, out=w); print(w, m, v)")
case("opt_all_finite", "print(mx.nd.all_finite(mx.nd.array([1., 2.])), mx.nd.all_finite(mx.nd.array([1., np.inf])), mx.nd.all_finite(mx.nd.array([np.nan])), mx.nd.multi_all_finite(mx.nd.ones((2,)), mx.nd.array([np.inf]), num_arrays=2))")
case("opt_reset_arrays", "a = mx.nd.ones((2,)); b = mx.nd.ones((3,)); r = mx.nd.reset_arrays(a, b, num_arrays=2); print(r, a, b)")
case("opt_sgd_missing_lr", S + "mx.nd.sgd_update(w, g)")
case("opt_sgd_f64", "w = mx.nd.array([1., 2.], dtype='float64'); g = mx.nd.array([0.3, 0.1], dtype='float64'); mx.nd.sgd_update(w, g, lr=0.1, wd=0.01, out=w); print(w, w.dtype)")
case("opt_nag_noalias", S + "m = st(0.2); w2 = mx.nd.zeros((4,))\nfor _ in range(3):\n    mx.nd.nag_mom_update(w, g, m, lr=0.1, momentum=0.9, wd=0.1, out=w2); w[:] = w2\nprint(w, m)")
case("opt_nag_noout", S + "m = st(0.2)\nr = mx.nd.nag_mom_update(w, g, m, lr=0.1, momentum=0.9, wd=0.1, clip_gradient=0.3); print(r, w, m)")
