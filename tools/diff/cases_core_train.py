"""What an MXNet 1.x training loop does with NDArrays and autograd, step by step."""
CASES = []


def case(name, code):
    CASES.append((name, code))


AG = "from mxnet import autograd\n" if False else "autograd = mx.autograd\n"
DATA = ("X = mx.nd.array([[1., 2], [3, 4], [-1, 0.5], [2, -1]]); Y = mx.nd.array([[1.], [2], [0], [1]])\n"
        "w = mx.nd.array([[0.1], [-0.2]]); b = mx.nd.zeros((1,))\n")
case("core_tr_sgd_inplace", AG + DATA + "w.attach_grad(); b.attach_grad()\nfor i in range(5):\n"
     "    with autograd.record():\n        loss = ((mx.nd.dot(X, w) + b - Y) ** 2).mean()\n    loss.backward()\n"
     "    w -= 0.1 * w.grad; b -= 0.1 * b.grad\n    print(i, loss.asscalar())\nprint(w, b)")
case("core_tr_sgd_setitem", AG + DATA + "w.attach_grad(); b.attach_grad()\nfor i in range(4):\n"
     "    with autograd.record():\n        loss = mx.nd.sum((mx.nd.dot(X, w) + b - Y) ** 2)\n    loss.backward()\n"
     "    w[:] = w - 0.01 * w.grad; b[:] = b - 0.01 * b.grad\n    print(loss)\nprint(w.grad, b.grad)")
case("core_tr_sgd_update_op", AG + DATA + "w.attach_grad()\nfor i in range(3):\n"
     "    with autograd.record():\n        loss = ((mx.nd.dot(X, w) - Y) ** 2).sum()\n    loss.backward()\n"
     "    mx.nd.sgd_update(w, w.grad, lr=0.01, wd=0.001, out=w)\nprint(w)")
case("core_tr_grad_zero_manual", AG + DATA + "w.attach_grad(grad_req='add')\nfor i in range(3):\n"
     "    with autograd.record():\n        loss = (mx.nd.dot(X, w) ** 2).sum()\n    loss.backward()\n    print(w.grad.T)\n"
     "w.grad[:] = 0\nprint(w.grad.T)\nwith autograd.record():\n    loss = (mx.nd.dot(X, w) ** 2).sum()\nloss.backward(); print(w.grad.T)")
case("core_tr_grad_write_twice", AG + DATA + "w.attach_grad()\nfor i in range(2):\n    with autograd.record():\n"
     "        loss = (mx.nd.dot(X, w) ** 2).sum()\n    loss.backward()\nprint(w.grad.T)")
case("core_tr_attach_twice", AG + DATA + "w.attach_grad(); g1 = w.grad\nwith autograd.record():\n    l = (w * 2).sum()\n"
     "l.backward(); print(w.grad.T, g1.T)\nw.attach_grad(); print(w.grad.T, g1.T, w.grad is g1)")
case("core_tr_attach_inside_record", AG + DATA + "with autograd.record():\n    w.attach_grad()\n    l = (w * 3).sum()\nl.backward(); print(w.grad.T)")
case("core_tr_detach_middle", AG + DATA + "w.attach_grad()\nwith autograd.record():\n    h = mx.nd.dot(X, w)\n"
     "    h2 = h.detach() * h\n    l = h2.sum()\nl.backward(); print(w.grad.T)")
case("core_tr_stop_gradient_middle", AG + DATA + "w.attach_grad()\nwith autograd.record():\n    h = mx.nd.dot(X, w)\n"
     "    l = (mx.nd.stop_gradient(h) * h).sum()\nl.backward(); print(w.grad.T)")
case("core_tr_grad_int_array", AG + "x = mx.nd.array([1, 2], dtype='int32'); x.attach_grad()\nwith autograd.record():\n"
     "    y = x * 2\ny.backward(); print(x.grad)")
case("core_tr_grad_int_array_float_op", AG + "x = mx.nd.array([1, 2], dtype='int32'); x.attach_grad()\nwith autograd.record():\n"
     "    y = x.astype('float32') * 2\ny.backward(); print(x.grad)")
case("core_tr_backward_twice_err", AG + DATA + "w.attach_grad()\nwith autograd.record():\n    l = (w * w).sum()\nl.backward(); l.backward()")
case("core_tr_backward_retain", AG + DATA + "w.attach_grad()\nwith autograd.record():\n    l = (w * w).sum()\nl.backward(retain_graph=True); l.backward(); print(w.grad.T)")
case("core_tr_no_record_backward", AG + DATA + "w.attach_grad()\nl = (w * w).sum()\nl.backward()")
case("core_tr_backward_non_scalar", AG + DATA + "w.attach_grad()\nwith autograd.record():\n    l = w * w\nl.backward(); print(w.grad.T)")
case("core_tr_train_mode_dropout", AG + "mx.random.seed(1)\nx = mx.nd.ones((2, 4))\nwith autograd.record(train_mode=False):\n"
     "    y = mx.nd.Dropout(x, p=0.5)\nprint(y)\nwith autograd.predict_mode():\n    print(mx.nd.Dropout(x, p=0.5))")
case("core_tr_is_training", AG + "print(autograd.is_training(), autograd.is_recording())\nwith autograd.record():\n"
     "    print(autograd.is_training(), autograd.is_recording())\n    with autograd.pause():\n        print(autograd.is_training(), autograd.is_recording())\n"
     "with autograd.train_mode():\n    print(autograd.is_training(), autograd.is_recording())")
case("core_tr_mlp_softmax_ce", AG + "mx.random.seed(0)\nX = mx.nd.array([[0.5, -1, 2], [1, 1, 0], [-2, 0.5, 1], [0, 0, 1]]); Y = mx.nd.array([0, 2, 1, 2])\n"
     "W1 = mx.nd.array([[0.1, -0.2, 0.3, 0.05], [0.2, 0.1, -0.1, 0.3], [-0.3, 0.2, 0.1, -0.05]]); b1 = mx.nd.zeros((4,))\n"
     "W2 = mx.nd.array([[0.2, -0.1, 0.05], [0.1, 0.3, -0.2], [-0.1, 0.1, 0.2], [0.05, -0.3, 0.1]]); b2 = mx.nd.zeros((3,))\n"
     "ps = [W1, b1, W2, b2]\nfor p in ps: p.attach_grad()\nfor it in range(5):\n    with autograd.record():\n"
     "        h = mx.nd.relu(mx.nd.dot(X, W1) + b1)\n        out = mx.nd.dot(h, W2) + b2\n"
     "        loss = -mx.nd.pick(mx.nd.log_softmax(out), Y).mean()\n    loss.backward()\n"
     "    for p in ps:\n        p[:] -= 0.5 * p.grad\n    print(it, loss.asscalar())\n"
     "print(mx.nd.argmax(mx.nd.dot(mx.nd.relu(mx.nd.dot(X, W1) + b1), W2) + b2, axis=1))")
case("core_tr_fc_loop", AG + "X = mx.nd.array([[1., 2], [3, 4], [-1, 0.5]]); Y = mx.nd.array([[1.], [2], [0]])\n"
     "W = mx.nd.array([[0.1, -0.2]]); B = mx.nd.zeros((1,))\nW.attach_grad(); B.attach_grad()\nfor i in range(3):\n"
     "    with autograd.record():\n        out = mx.nd.FullyConnected(X, W, B, num_hidden=1)\n        loss = mx.nd.LinearRegressionOutput(out, Y)\n"
     "    loss.backward()\n    W -= 0.05 * W.grad; B -= 0.05 * B.grad\n    print(W, B)")
case("core_tr_batch_mean_grad", AG + DATA + "w.attach_grad()\nwith autograd.record():\n    l = ((mx.nd.dot(X, w) - Y) ** 2)\n"
     "l.backward(); g1 = w.grad.copy()\nwith autograd.record():\n    l = ((mx.nd.dot(X, w) - Y) ** 2).mean()\nl.backward(); print(g1.T, w.grad.T, (g1 / 4).T)")
case("core_tr_grad_fn", AG + DATA + "w.attach_grad()\nwith autograd.record():\n    l = (mx.nd.dot(X, w) ** 2).sum()\n"
     "g = autograd.grad(l, [w]); print(type(g).__name__, g[0].T, w.grad.T)")
case("core_tr_grad_create_graph_loop", AG + "x = mx.nd.array([1., 2.]); x.attach_grad()\nwith autograd.record():\n    y = (x ** 3).sum()\n"
     "    g = autograd.grad(y, [x], create_graph=True)[0]\n    z = (g * g).sum()\nz.backward(); print(g, x.grad)")
case("core_tr_param_reassign", AG + DATA + "w.attach_grad()\nwith autograd.record():\n    l = (w * 2).sum()\nl.backward()\n"
     "w = w - 0.1 * w.grad\nprint(w.grad)")
case("core_tr_view_grad", AG + DATA + "w.attach_grad()\nwith autograd.record():\n    l = (w[0] * 3 + w[1] * 5).sum()\nl.backward(); print(w.grad.T)")
case("core_tr_copy_grad", AG + DATA + "w.attach_grad()\nwith autograd.record():\n    v = w.copy()\n    l = (v * v).sum()\nl.backward(); print(w.grad.T)")
case("core_tr_astype_grad", AG + DATA + "w.attach_grad()\nwith autograd.record():\n    v = w.astype('float64')\n    l = (v * v).sum()\nl.backward(); print(w.grad.T, w.grad.dtype)")
case("core_tr_as_in_context_grad", AG + DATA + "w.attach_grad()\nwith autograd.record():\n    v = w.as_in_context(mx.cpu(0))\n    l = (v * v).sum()\nl.backward(); print(w.grad.T)")
case("core_tr_copyto_grad", AG + DATA + "w.attach_grad()\nwith autograd.record():\n    v = w.copyto(mx.cpu(0))\n    l = (v * v).sum()\nl.backward(); print(w.grad.T)")
case("core_tr_asnumpy_in_record", AG + DATA + "w.attach_grad()\nwith autograd.record():\n    a = w.asnumpy()\n    l = (w * mx.nd.array(a)).sum()\nl.backward(); print(w.grad.T)")
case("core_tr_backward_out_grad", AG + DATA + "w.attach_grad()\nwith autograd.record():\n    h = mx.nd.dot(X, w)\nh.backward(mx.nd.array([[1.], [0], [2], [-1]])); print(w.grad.T)")
case("core_tr_mark_variables", AG + DATA + "g = mx.nd.zeros((2, 1)); autograd.mark_variables([w], [g])\nwith autograd.record():\n    l = (mx.nd.dot(X, w) ** 2).sum()\nl.backward(); print(g.T, w.grad.T)")
case("core_tr_grad_req_null_then_write", AG + DATA + "w.attach_grad(grad_req='null'); b.attach_grad()\nwith autograd.record():\n    l = (mx.nd.dot(X, w) + b).sum()\nl.backward(); print(w.grad, b.grad)")
case("core_tr_lr_schedule_loop", AG + DATA + "w.attach_grad()\nlr = 0.1\nfor i in range(3):\n    with autograd.record():\n        l = ((mx.nd.dot(X, w) - Y) ** 2).mean()\n"
     "    l.backward()\n    w[:] -= lr * w.grad\n    lr *= 0.5\n    print('%.6f' % l.asscalar())")
case("core_tr_accum_then_scale", AG + DATA + "w.attach_grad(grad_req='add')\nfor k in range(2):\n    with autograd.record():\n        l = ((mx.nd.dot(X[k * 2:(k + 1) * 2], w) - Y[k * 2:(k + 1) * 2]) ** 2).sum()\n"
     "    l.backward()\nw[:] -= 0.01 * w.grad / 4\nw.grad[:] = 0\nprint(w.T, w.grad.T)")
case("core_tr_set_grad_value", AG + DATA + "w.attach_grad()\nw.grad[:] = 7\nprint(w.grad.T)\nwith autograd.record():\n    l = w.sum()\nl.backward(); print(w.grad.T)")
case("core_tr_zero_grad_method", AG + DATA + "w.attach_grad(grad_req='add')\nwith autograd.record():\n    l = w.sum()\nl.backward(); w.grad[:] = 0; l2 = None\nprint(w.grad.T)")
case("core_tr_inplace_on_recorded", AG + DATA + "w.attach_grad()\nwith autograd.record():\n    h = w * 2\n    h += 1\n    l = h.sum()\nl.backward(); print(w.grad.T)")
case("core_tr_inplace_on_var_recorded", AG + DATA + "w.attach_grad()\nwith autograd.record():\n    w += 1\n    l = w.sum()\nl.backward(); print(w.grad.T)")
case("core_tr_setitem_on_recorded", AG + DATA + "w.attach_grad()\nwith autograd.record():\n    h = w * 2\n    h[0] = 0\n    l = h.sum()\nl.backward(); print(w.grad.T)")
case("core_tr_detach_var", AG + DATA + "w.attach_grad()\nd = w.detach()\nprint(d.grad, d is w)\nwith autograd.record():\n    l = (d * 2).sum() + w.sum()\nl.backward(); print(w.grad.T)")
case("core_tr_update_rows", AG + DATA + "w.attach_grad()\nwith autograd.record():\n    l = (mx.nd.dot(X, w) ** 2).sum()\nl.backward()\nw[0] -= 0.01 * w.grad[0]\nprint(w.T)")
case("core_tr_f16_grad", AG + "x = mx.nd.array([1., 2], dtype='float16'); x.attach_grad()\nwith autograd.record():\n    y = (x * x).sum()\ny.backward(); print(x.grad, x.grad.dtype)")
case("core_tr_f64_grad_mixed", AG + "x = mx.nd.array([1., 2], dtype='float64'); x.attach_grad()\nwith autograd.record():\n    y = (x.astype('float32') * 3).sum()\ny.backward(); print(x.grad, x.grad.dtype)")
case("core_tr_attach_view", AG + "x = mx.nd.array([[1., 2], [3, 4]]); v = x[1]; v.attach_grad()\nwith autograd.record():\n    y = (v * v).sum()\ny.backward(); print(v.grad, x.grad)")
case("core_tr_backward_list", AG + DATA + "w.attach_grad()\nwith autograd.record():\n    l1 = w.sum(); l2 = (w * w).sum()\nautograd.backward([l1, l2]); print(w.grad.T)")
case("core_tr_backward_list_heads", AG + DATA + "w.attach_grad()\nwith autograd.record():\n    l1 = w * 1; l2 = w * w\nautograd.backward([l1, l2], [mx.nd.ones((2, 1)), mx.nd.ones((2, 1)) * 2]); print(w.grad.T)")
case("core_tr_grad_of_grad_zero", AG + DATA + "w.attach_grad()\nwith autograd.record():\n    l = (w * 0).sum()\nl.backward(); print(w.grad.T)")
case("core_tr_loss_scalar_ops", AG + DATA + "w.attach_grad()\nwith autograd.record():\n    l = 1 - (mx.nd.dot(X, w) ** 2).mean() / 2 + 3\nl.backward(); print(l, w.grad.T)")
case("core_tr_clip_grad_norm_manual", AG + DATA + "w.attach_grad()\nwith autograd.record():\n    l = (mx.nd.dot(X, w) ** 2).sum() * 10\nl.backward()\nn = w.grad.norm().asscalar()\nif n > 1:\n    w.grad[:] *= 1 / n\nprint(n, w.grad.T)")
