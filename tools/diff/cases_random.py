"""Seeded samplers (bit-exact where MXNet's CPU stream is reproduced) and initializers."""
CASES = []


def case(name, code):
    CASES.append((name, code))


for seed in [0, 42, 123]:
    case(f"exact_uniform_s{seed}", f"mx.random.seed({seed}); print(mx.nd.random.uniform(shape=(3, 4))); print(mx.nd.random.uniform(-2, 3, shape=(5,)))")
    case(f"exact_normal_s{seed}", f"mx.random.seed({seed}); print(mx.nd.random.normal(shape=(3, 4))); print(mx.nd.random.normal(1, 0.5, shape=(5,)))")
    case(f"exact_uniform_big_s{seed}", f"mx.random.seed({seed}); a = mx.nd.random.uniform(shape=(300, 7)).asnumpy(); print(a[::37, ::3]); print(a.sum(dtype='float64'))")
    case(f"exact_normal_big_s{seed}", f"mx.random.seed({seed}); a = mx.nd.random.normal(shape=(5000,)).asnumpy(); print(a[::499]); print(a.sum(dtype='float64'))")
case("exact_uniform_f64", "mx.random.seed(7); print(mx.nd.random.uniform(shape=(4,), dtype='float64'))")
case("exact_normal_f64", "mx.random.seed(7); print(mx.nd.random.normal(shape=(4,), dtype='float64'))")
case("exact_uniform_f16", "mx.random.seed(7); print(mx.nd.random.uniform(shape=(4,), dtype='float16'))")
case("exact_uniform_noshape", "mx.random.seed(7); x = mx.nd.random.uniform(); print(x.shape, x)")
case("exact_uniform_positional", "mx.random.seed(7); print(mx.nd.random.uniform(-1, 1, (2, 2)))")
case("exact_uniform_seq", "mx.random.seed(42); print(mx.nd.random.uniform(shape=(3,)), mx.nd.random.uniform())")
case("exact_uniform_out", "mx.random.seed(42); o = mx.nd.zeros((2, 2)); r = mx.nd.random.uniform(out=o); print(o, r is o)")
case("exact_uniform_ndparams", "mx.random.seed(42); print(mx.nd.random.uniform(mx.nd.array([0., 10]), mx.nd.array([1., 20]), shape=(3,)))")
case("exact_normal_ndparams", "mx.random.seed(42); print(mx.nd.random.normal(mx.nd.array([0., 10]), mx.nd.array([1., 2]), shape=(2,)))")
case("exact_mx_random_alias", "mx.random.seed(42); print(mx.random.uniform(shape=(2,)), mx.random.normal(shape=(2,)), mx.random.uniform is mx.nd.random.uniform)")
case("exact_randint", "mx.random.seed(42); r = mx.nd.random.randint(0, 10, shape=(8,)); print(r, r.dtype)")
case("exact_randint_i64", "mx.random.seed(42); r = mx.nd.random.randint(-5, 5, shape=(6,), dtype='int64'); print(r, r.dtype)")
case("exact_random_uniform_op", "mx.random.seed(3); print(mx.nd.random_uniform(shape=(3,)), mx.nd.uniform(shape=(2,)) if hasattr(mx.nd, 'uniform') else None)")
case("exact_random_normal_op", "mx.random.seed(3); print(mx.nd.random_normal(shape=(3,)), mx.nd.normal(shape=(2,)) if hasattr(mx.nd, 'normal') else None)")
case("exact_sample_uniform", "mx.random.seed(3); print(mx.nd.sample_uniform(mx.nd.array([0., 1]), mx.nd.array([1., 2]), shape=(2,)))")
case("exact_seed_ctx", "mx.random.seed(5, ctx=mx.cpu()); print(mx.nd.random.uniform(shape=(3,)))")
case("exact_seed_ctx1", "mx.random.seed(5, ctx=mx.cpu(1)); print(mx.nd.random.uniform(shape=(3,), ctx=mx.cpu(1)))")
case("seed_bad", "mx.random.seed(1.5)")
case("seed_np_int", "mx.random.seed(np.int64(3)); print(mx.nd.random.uniform(shape=(2,)))")
case("uniform_int_dtype", "print(mx.nd.random.uniform(shape=(2,), dtype='int32'))")
case("exact_shuffle", "mx.random.seed(42); print(mx.nd.random.shuffle(mx.nd.arange(10)))")
case("exact_multinomial", "mx.random.seed(42); print(mx.nd.random.multinomial(mx.nd.array([[0.1, 0.5, 0.4], [0.9, 0.05, 0.05]]), shape=(4,)))")
case("exact_poisson", "mx.random.seed(42); print(mx.nd.random.poisson(lam=3, shape=(6,)))")
case("exact_exponential", "mx.random.seed(42); print(mx.nd.random.exponential(scale=2, shape=(6,)))")
case("exact_gamma", "mx.random.seed(42); print(mx.nd.random.gamma(alpha=2, beta=1, shape=(6,)))")
case("exact_negbin", "mx.random.seed(42); print(mx.nd.random.negative_binomial(k=3, p=0.4, shape=(6,)))")
case("exact_gen_negbin", "mx.random.seed(42); print(mx.nd.random.generalized_negative_binomial(mu=2, alpha=0.5, shape=(6,)))")
case("exact_randn", "mx.random.seed(42); print(mx.nd.random.randn(2, 3))")
case("exact_bernoulli", "mx.random.seed(42); print(mx.nd.random.bernoulli(prob=0.3, shape=(8,)) if hasattr(mx.nd.random, 'bernoulli') else 'none')")
case("exact_dropout_seeded", "mx.random.seed(42); x = mx.nd.ones((2, 8))\nwith mx.autograd.train_mode():\n    print(mx.nd.Dropout(x, p=0.5))")
case("random_dir", "print(sorted(n for n in dir(mx.nd.random) if not n.startswith('_') and callable(getattr(mx.nd.random, n))))")

# ---- initializers
INITS = ["mx.init.Zero()", "mx.init.One()", "mx.init.Constant(0.5)", "mx.init.Constant(2)", "mx.init.Uniform()",
         "mx.init.Uniform(0.1)", "mx.init.Normal()", "mx.init.Normal(0.8)", "mx.init.Orthogonal()",
         "mx.init.Orthogonal(rand_type='normal')", "mx.init.Xavier()", "mx.init.Xavier(factor_type='in', magnitude=2.45)",
         "mx.init.Xavier('gaussian', 'out', 2)", "mx.init.MSRAPrelu()", "mx.init.MSRAPrelu('in', 0.1)",
         "mx.init.Bilinear()", "mx.init.LSTMBias()", "mx.init.LSTMBias(2.0)", "mx.init.Initializer(a=1, b='x')"]
for i, ini in enumerate(INITS):
    case(f"init_dumps_{i}", f"i = {ini}; print(i.dumps()); print(repr(i) if type(i).__repr__ is not object.__repr__ else 'objrepr', str(i)[:1] == '<')")
    if "Initializer(" not in ini:
        case(f"exact_init_apply_{i}", f"mx.random.seed(11); i = {ini}; a = mx.nd.zeros((4, 3)); i(mx.init.InitDesc('fc_weight'), a); print(a)")
        case(f"exact_init_bias_{i}", f"mx.random.seed(11); i = {ini}; a = mx.nd.ones((4,)); i(mx.init.InitDesc('fc_bias'), a); print(a)")
        case(f"exact_init_str_{i}", f"mx.random.seed(11); i = {ini}; a = mx.nd.ones((2, 3)); i('conv_weight', a); print(a)")
        case(f"init_create_roundtrip_{i}", f"i = {ini}; j = mx.init.create(i.dumps()); print(type(j).__name__, j == i, j.dumps())")
case("exact_init_4d", "mx.random.seed(1); a = mx.nd.zeros((2, 3, 2, 2)); mx.init.Xavier(rnd_type='gaussian', magnitude=3)(mx.init.InitDesc('w_weight'), a); print(a)")
case("exact_init_bilinear", "a = mx.nd.zeros((1, 1, 4, 4)); mx.init.Bilinear()(mx.init.InitDesc('up_weight'), a); print(a)")
case("exact_init_lstmbias", "a = mx.nd.ones((8,)); mx.init.LSTMBias(2.0)(mx.init.InitDesc('lstm_bias', {'__init__': mx.init.LSTMBias(2.0).dumps()}), a); print(a)")
case("init_names", "for n in ['gamma', 'beta', 'bias', 'weight', 'moving_mean', 'moving_var', 'moving_inv_var', 'moving_avg', 'min', 'max', 'foo']:\n    a = mx.nd.ones((2,)) * 7\n    try:\n        mx.init.Uniform()(mx.init.InitDesc('x_' + n), a); print(n, a)\n    except Exception as e:\n        print(n, type(e).__name__, e)")
case("init_names_legacy", "for n in ['gamma', 'beta', 'bias', 'weight', 'moving_mean', 'moving_var', 'moving_inv_var', 'moving_avg', 'min', 'max', 'foo']:\n    a = mx.nd.ones((2,)) * 7\n    try:\n        mx.init.Uniform()('x_' + n, a); print(n, a)\n    except Exception as e:\n        print(n, type(e).__name__, e)")
case("init_initdesc", "d = mx.init.InitDesc('abc', {'k': 'v'}); print(repr(d), str(d), d.attrs, d.global_init, d == 'abc', d + '_x', isinstance(d, str))")
case("init_xavier_1d", "mx.init.Xavier()(mx.init.InitDesc('fc_weight'), mx.nd.zeros((3,)))")
case("init_xavier_badfactor", "mx.init.Xavier(factor_type='bad')(mx.init.InitDesc('fc_weight'), mx.nd.zeros((3, 3)))")
case("init_create_variants", "print(type(mx.init.create('xavier')).__name__, mx.init.create('Xavier', magnitude=2).dumps(), mx.init.create('[\"normal\", {\"sigma\": 0.8}]').dumps(), mx.init.create({'initializer': 'uniform', 'scale': 0.2}).dumps(), type(mx.init.create('ONES')).__name__)")
case("init_create_bad", "mx.init.create('foo')")
case("init_hash", "hash(mx.init.Normal())")
case("init_eq", "print(mx.init.Normal(0.1) == mx.init.Normal(0.1), mx.init.Normal(0.1) == mx.init.Normal(0.2), mx.init.Normal() == 3)")
case("init_constant_nd", "i = mx.init.Constant(mx.nd.array([1., 2])); print(i.dumps()); a = mx.nd.zeros((2,)); i(mx.init.InitDesc('x_weight'), a); print(a)")
case("init_constant_np", "print(mx.init.Constant(np.array([1, 2])).dumps())")
case("exact_init_mixed", "mx.random.seed(0); init = mx.initializer.Mixed(['bias', '.*'], [mx.init.Zero(), mx.init.Uniform(0.1)]); a = mx.nd.ones((1, 3)); init('fc_weight', a); print(a); b = mx.nd.ones((2,)); init('fc_bias', b); print(b)")
case("init_mixed_nomatch", "init = mx.initializer.Mixed(['bias'], [mx.init.Zero()]); init('fc_weight', mx.nd.ones((2,)))")
case("init_load", "d = {'arg:w': mx.nd.array([1., 2])}; L = mx.init.Load(d, default_init=mx.init.One()); a = mx.nd.zeros((2,)); L('w', a); print(a); b = mx.nd.zeros((3,)); L('zz_weight', b); print(b)")
case("init_load_mismatch", "d = {'arg:w': mx.nd.array([1., 2])}; L = mx.init.Load(d); L('w', mx.nd.zeros((3,)))")
case("init_registry_keys", "from mxnet.registry import _REGISTRY if False else None" if False else "print(sorted(k for k in ['bilinear','constant','fusedrnn','lstmbias','msraprelu','normal','one','ones','orthogonal','uniform','xavier','zero','zeros'] if not isinstance(mx.init.create(k if k not in ('constant','fusedrnn') else '[\"one\", {}]'), mx.init.Initializer)))")
case("init_set_verbosity", "i = mx.init.Uniform(); r = i.set_verbosity(True); print(r is i)")
case("init_fusedrnn_dumps", "print(mx.init.FusedRNN(None, 10, 2, 'lstm').dumps())")
case("init_mx_init_is_initializer", "print(mx.init is mx.initializer)")
case("init_call_ndarray_name", "a = mx.nd.zeros((2, 2)); mx.init.One()('w_weight', a); print(a)")
case("init_call_bad_name", "mx.init.One()(3, mx.nd.zeros((2,)))")
case("exact_init_global_init", "mx.random.seed(2); d = mx.init.InitDesc('foo', {'__init__': '[\"uniform\", {\"scale\": 1.0}]'}); a = mx.nd.zeros((3,)); mx.init.Zero()(d, a); print(a)")
for dt in ["float64", "float16"]:
    for ini in ["mx.init.Uniform(0.5)", "mx.init.Normal(2.0)", "mx.init.Xavier()", "mx.init.MSRAPrelu()", "mx.init.Orthogonal()", "mx.init.One()", "mx.init.Constant(3.5)"]:
        case(f"exact_init_dtype_{dt}_{ini[8:ini.index('(')]}", f"mx.random.seed(3); a = mx.nd.zeros((3, 4), dtype='{dt}'); {ini}(mx.init.InitDesc('fc_weight'), a); print(a.dtype, a)")
for shp in ["(64, 3, 3, 3)", "(10,)", "(5, 7)", "(2, 3, 4, 5, 6)"]:
    for ini in ["mx.init.Xavier(rnd_type='gaussian', factor_type='out', magnitude=2)", "mx.init.MSRAPrelu('in', 0.1)", "mx.init.Uniform()"]:
        nm = ini[8:ini.index('(')]
        case(f"exact_init_shape_{nm}_{shp.count(',')}d_{len(shp)}", f"mx.random.seed(9); a = mx.nd.zeros({shp}); {ini}(mx.init.InitDesc('c_weight'), a); print(a.asnumpy().ravel()[::max(1, a.size // 9)], a.asnumpy().sum(dtype='float64'))")
case("exact_init_sequence", "mx.random.seed(1); a = mx.nd.zeros((3,)); b = mx.nd.zeros((70,)); i = mx.init.Uniform(1.0)\ni(mx.init.InitDesc('a_weight'), a); i(mx.init.InitDesc('b_weight'), b); c = mx.nd.random.uniform(shape=(2,)); print(a, b[:5], b[-3:], c)")
case("exact_init_int_arr", "mx.random.seed(1); a = mx.nd.zeros((3,), dtype='int32'); mx.init.Uniform(5.0)(mx.init.InitDesc('a_weight'), a); print(a)")
case("exact_init_verbose", "import logging\nmx.random.seed(1); a = mx.nd.zeros((2, 2)); i = mx.init.Uniform().set_verbosity(True); i(mx.init.InitDesc('a_weight'), a); print(a)")
case("exact_init_gamma_beta", "mx.random.seed(1)\nfor n in ['bn_gamma', 'bn_beta', 'bn_moving_mean', 'bn_moving_var', 'fc_bias', 'x_weight']:\n    a = mx.nd.ones((3,)) * 5; mx.init.Xavier()(n, a) if n != 'x_weight' else mx.init.Normal()(n, a); print(n, a)")
case("exact_random_chunks", "mx.random.seed(13)\nfor n in [1, 63, 64, 65, 127, 1000, 65537]:\n    a = mx.nd.random.uniform(shape=(n,)).asnumpy(); print(n, a[:2], a[-2:], a.sum(dtype='float64'))")
case("exact_normal_chunks", "mx.random.seed(13)\nfor n in [1, 63, 65, 1000, 4097]:\n    a = mx.nd.random.normal(shape=(n,)).asnumpy(); print(n, a[:2], a[-2:])")
case("exact_randint_chunks", "mx.random.seed(13)\nfor n in [1, 65, 1000]:\n    a = mx.nd.random.randint(-100, 100, shape=(n,)).asnumpy(); print(n, a[:3], a[-3:], a.sum())")
case("exact_uniform_f64_chunks", "mx.random.seed(13)\nfor n in [1, 65, 1000]:\n    a = mx.nd.random.uniform(shape=(n,), dtype='float64').asnumpy(); print(n, a[:2], a[-2:])")
case("exact_multinomial_more", "mx.random.seed(2); p = mx.nd.array([0.2, 0.3, 0.5]); print(mx.nd.random.multinomial(p), mx.nd.random.multinomial(p, shape=(3, 2)), mx.nd.random.multinomial(mx.nd.array([[0.5, 0.5], [0.9, 0.1]]), get_prob=True))")
case("exact_shuffle_2d", "mx.random.seed(2); print(mx.nd.random.shuffle(mx.nd.arange(12).reshape((4, 3))))")
case("exact_poisson_big", "mx.random.seed(2); print(mx.nd.random.poisson(lam=mx.nd.array([1., 50.]), shape=(4,)))")
case("exact_gamma_small_alpha", "mx.random.seed(2); print(mx.nd.random.gamma(alpha=0.5, beta=2., shape=(6,)))")
case("exact_exponential_nd", "mx.random.seed(2); print(mx.nd.random.exponential(scale=mx.nd.array([1., 10.]), shape=(3,)))")
