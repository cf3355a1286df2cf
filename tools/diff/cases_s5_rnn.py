"""mx.nd.RNN (session 5): modes, layers, directions, states, gradients, bad input."""
CASES = []


def case(name, code):
    CASES.append((name, code))


HEAD = """
def nparam(mode, I, H, L, D, P=None):
    G = {'rnn_relu': 1, 'rnn_tanh': 1, 'lstm': 4, 'gru': 3}[mode]
    n = 0
    for l in range(L):
        ins = I if l == 0 else (P or H) * D
        n += D * (G * H * ins + G * H * (P or H) + 2 * G * H)
        if P:
            n += D * P * H
    return n
def setup(mode, T=3, N=2, I=3, H=2, L=1, D=1, dtype='float32', P=None):
    mx.random.seed(7)
    p = mx.nd.random.uniform(-0.6, 0.6, shape=(nparam(mode, I, H, L, D, P),), dtype=dtype)
    x = mx.nd.random.uniform(-1, 1, shape=(T, N, I), dtype=dtype)
    h0 = mx.nd.random.uniform(-0.3, 0.3, shape=(L * D, N, P or H), dtype=dtype)
    c0 = mx.nd.random.uniform(-0.3, 0.3, shape=(L * D, N, H), dtype=dtype)
    return p, x, h0, c0
"""

for mode in ["rnn_relu", "rnn_tanh", "lstm", "gru"]:
    cell = ", state_cell=c0" if mode == "lstm" else ""
    for L, D in [(1, 1), (2, 1), (1, 2), (2, 2)]:
        bi = D == 2
        nm = f"s5_rnn_{mode}_L{L}_D{D}"
        case(nm, HEAD + f"p, x, h0, c0 = setup('{mode}', L={L}, D={D})\n"
             f"y = mx.nd.RNN(x, p, h0{cell}, state_size=2, num_layers={L}, bidirectional={bi}, mode='{mode}')\n"
             "print(y.shape, y.dtype); print(y)")
        case(nm + "_states", HEAD + f"p, x, h0, c0 = setup('{mode}', L={L}, D={D})\n"
             f"r = mx.nd.RNN(x, p, h0{cell}, state_size=2, num_layers={L}, bidirectional={bi}, mode='{mode}', state_outputs=True)\n"
             "print(type(r).__name__, len(r))\nfor a in r:\n    print(a.shape); print(a)")
        case(nm + "_grad", HEAD + f"p, x, h0, c0 = setup('{mode}', L={L}, D={D})\n"
             f"x.attach_grad(); p.attach_grad(); h0.attach_grad()\n"
             "w = mx.nd.arange(1, 1 + 3 * 2 * 2 * " + str(D) + ").reshape((3, 2, " + str(2 * D) + ")) * 0.1\n"
             f"with mx.autograd.record():\n    y = mx.nd.RNN(x, p, h0{cell}, state_size=2, num_layers={L}, bidirectional={bi}, mode='{mode}')\n"
             "    z = (y * w).sum()\nz.backward()\nprint(z); print(x.grad); print(p.grad); print(h0.grad)")
    case(f"s5_rnn_{mode}_f64", HEAD + f"p, x, h0, c0 = setup('{mode}', dtype='float64')\n"
         f"y = mx.nd.RNN(x, p, h0{cell}, state_size=2, num_layers=1, mode='{mode}')\nprint(y.dtype); print(y)")
    case(f"s5_rnn_{mode}_f64_grad", HEAD + f"p, x, h0, c0 = setup('{mode}', dtype='float64', L=2, D=2)\n"
         "x.attach_grad(); p.attach_grad()\n"
         f"with mx.autograd.record():\n    y = mx.nd.RNN(x, p, h0{cell}, state_size=2, num_layers=2, bidirectional=True, mode='{mode}')\n"
         "    z = (y * y).sum()\nz.backward()\nprint(z); print(x.grad); print(p.grad)")
    case(f"s5_rnn_{mode}_f16", HEAD + f"p, x, h0, c0 = setup('{mode}', dtype='float16')\n"
         f"y = mx.nd.RNN(x, p, h0{cell}, state_size=2, num_layers=1, mode='{mode}')\nprint(y.dtype); print(y)")
    case(f"s5_rnn_{mode}_state_grad", HEAD + f"p, x, h0, c0 = setup('{mode}')\n"
         "h0.attach_grad(); c0.attach_grad()\n"
         f"with mx.autograd.record():\n    r = mx.nd.RNN(x, p, h0{cell}, state_size=2, num_layers=1, mode='{mode}', state_outputs=True)\n"
         "    z = r[0].sum() + (r[1] * r[1]).sum() * 2\nz.backward()\nprint(h0.grad); print(c0.grad)")
    case(f"s5_rnn_{mode}_bigger", HEAD + f"p, x, h0, c0 = setup('{mode}', T=5, N=3, I=4, H=6, L=2, D=2)\n"
         f"h0 = h0[:, :, :6] if h0.shape[2] == 6 else h0\n"
         f"y = mx.nd.RNN(x, p, h0{cell}, state_size=6, num_layers=2, bidirectional=True, mode='{mode}')\n"
         "print(y.shape); print(y.sum(axis=2))")
    case(f"s5_rnn_{mode}_seqlen", HEAD + f"p, x, h0, c0 = setup('{mode}', T=4, N=3)\n"
         "sl = mx.nd.array([4, 2, 1])\n"
         f"r = mx.nd.RNN(x, p, h0{cell}, sequence_length=sl, use_sequence_length=True, state_size=2, num_layers=1, mode='{mode}', state_outputs=True)\n"
         "for a in r:\n    print(a)")
    case(f"s5_rnn_{mode}_dropout_predict", HEAD + f"p, x, h0, c0 = setup('{mode}', L=2)\n"
         f"y = mx.nd.RNN(x, p, h0{cell}, state_size=2, num_layers=2, mode='{mode}', p=0.5)\nprint(y)")

case("s5_rnn_lstm_proj", HEAD + "p, x, h0, c0 = setup('lstm', H=3, P=2)\n"
     "r = mx.nd.RNN(x, p, h0, c0, state_size=3, projection_size=2, num_layers=1, mode='lstm', state_outputs=True)\n"
     "for a in r:\n    print(a.shape); print(a)")
case("s5_rnn_lstm_clip", HEAD + "p, x, h0, c0 = setup('lstm')\np = p * 6\n"
     "r = mx.nd.RNN(x * 4, p, h0, c0, state_size=2, num_layers=1, mode='lstm', state_outputs=True, lstm_state_clip_min=-0.2, lstm_state_clip_max=0.3)\n"
     "for a in r:\n    print(a)")
case("s5_rnn_lstm_clip_nan", HEAD + "p, x, h0, c0 = setup('lstm')\n"
     "r = mx.nd.RNN(x, p, h0, c0, state_size=2, num_layers=1, mode='lstm', state_outputs=True, lstm_state_clip_min=-0.1, lstm_state_clip_max=0.1, lstm_state_clip_nan=True)\n"
     "print(r[2])")
# bad input
case("s5_rnn_bad_param_size", HEAD + "p, x, h0, c0 = setup('gru')\nprint(mx.nd.RNN(x, p[:10], h0, state_size=2, num_layers=1, mode='gru'))")
case("s5_rnn_bad_state_shape", HEAD + "p, x, h0, c0 = setup('gru')\nprint(mx.nd.RNN(x, p, mx.nd.zeros((2, 2, 2)), state_size=2, num_layers=1, mode='gru'))")
case("s5_rnn_missing_state_size", HEAD + "p, x, h0, c0 = setup('gru')\nprint(mx.nd.RNN(x, p, h0, num_layers=1, mode='gru'))")
case("s5_rnn_bad_mode", HEAD + "p, x, h0, c0 = setup('gru')\nprint(mx.nd.RNN(x, p, h0, state_size=2, num_layers=1, mode='xyz'))")
case("s5_rnn_lstm_no_cell", HEAD + "p, x, h0, c0 = setup('lstm')\nprint(mx.nd.RNN(x, p, h0, state_size=2, num_layers=1, mode='lstm'))")
case("s5_rnn_2d_data", HEAD + "p, x, h0, c0 = setup('gru')\nprint(mx.nd.RNN(x[0], p, h0, state_size=2, num_layers=1, mode='gru'))")
case("s5_rnn_dtype_mix", HEAD + "p, x, h0, c0 = setup('gru')\nprint(mx.nd.RNN(x.astype('float64'), p, h0, state_size=2, num_layers=1, mode='gru'))")
case("s5_rnn_int", HEAD + "p, x, h0, c0 = setup('rnn_tanh')\nprint(mx.nd.RNN(x.astype('int32'), p.astype('int32'), h0.astype('int32'), state_size=2, num_layers=1, mode='rnn_tanh'))")
case("s5_rnn_proj_gru", HEAD + "p, x, h0, c0 = setup('gru')\nprint(mx.nd.RNN(x, p, h0, state_size=2, projection_size=1, num_layers=1, mode='gru'))")
case("s5_rnn_kw", HEAD + "p, x, h0, c0 = setup('rnn_tanh')\nprint(mx.nd.RNN(data=x, parameters=p, state=h0, state_size=2, num_layers=1, mode='rnn_tanh'))")
