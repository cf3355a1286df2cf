"""mx.nd.image.* and mx.nd.random_pdf_* (session 5)."""
CASES = []


def case(name, code):
    CASES.append((name, code))


U8 = "mx.random.seed(11); img = mx.nd.random.randint(0, 256, shape=(4, 5, 3)).astype('uint8')\n"
F = "mx.random.seed(11); imf = mx.nd.random.uniform(0, 1, shape=(4, 5, 3))\n"
I = mx_image = "mx.nd.image"
case("s5_img_to_tensor", U8 + "y = mx.nd.image.to_tensor(img); print(y.dtype, y.shape); print(y)")
case("s5_img_to_tensor_batch", U8 + "y = mx.nd.image.to_tensor(mx.nd.stack(img, img[::-1])); print(y.shape); print(y[1, 0])")
case("s5_img_to_tensor_f32", F + "y = mx.nd.image.to_tensor(imf * 255); print(y.dtype); print(y[2])")
case("s5_img_to_tensor_bad", "print(mx.nd.image.to_tensor(mx.nd.ones((2, 3))))")
case("s5_img_to_tensor_grad", F + "imf.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.image.to_tensor(imf)\ny.backward(); print(imf.grad[0])")
T = F + "t = mx.nd.image.to_tensor(imf)\n"
case("s5_img_normalize", T + "print(mx.nd.image.normalize(t, mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225)))")
case("s5_img_normalize_scalar", T + "print(mx.nd.image.normalize(t, mean=0.5, std=0.25))")
case("s5_img_normalize_default", T + "print(mx.nd.image.normalize(t))")
case("s5_img_normalize_batch", T + "print(mx.nd.image.normalize(mx.nd.stack(t, t * 2), mean=(0.1, 0.2, 0.3), std=(1, 2, 3)))")
case("s5_img_normalize_1ch", "t = mx.nd.arange(6).reshape((1, 2, 3)); print(mx.nd.image.normalize(t, mean=(1,), std=(2,)))")
case("s5_img_normalize_bad", T + "print(mx.nd.image.normalize(t, mean=(0.1, 0.2), std=(1, 2)))")
case("s5_img_normalize_grad", T + "t.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.image.normalize(t, mean=(0.1, 0.2, 0.3), std=(1, 2, 4))\ny.backward(); print(t.grad)")
case("s5_img_normalize_f64", T + "y = mx.nd.image.normalize(t.astype('float64'), mean=(0.1, 0.2, 0.3), std=(1, 2, 4)); print(y.dtype, y[0])")
for i, kw in enumerate(["size=(3, 2)", "size=7", "size=3, keep_ratio=True", "size=(8, 6), interp=0",
                        "size=(8, 6), interp=2", "size=(2, 3), interp=3", "size=(8, 6), interp=3",
                        "size=(8, 6), interp=4", "size=(3, 2), interp=4"]):
    case(f"s5_img_resize_u8_{i}", U8 + f"y = mx.nd.image.resize(img, {kw}); print(y.dtype, y.shape); print(y)")
    case(f"s5_img_resize_f32_{i}", F + f"y = mx.nd.image.resize(imf, {kw}); print(y.dtype, y.shape); print(y)")
case("s5_img_resize_batch", U8 + "y = mx.nd.image.resize(mx.nd.stack(img, img), size=(3, 3)); print(y.shape, y[1])")
case("s5_img_resize_bad", U8 + "print(mx.nd.image.resize(img, size=(1, 2, 3)))")
case("s5_img_crop", U8 + "print(mx.nd.image.crop(img, x=1, y=2, width=3, height=2))")
case("s5_img_crop_batch", U8 + "print(mx.nd.image.crop(mx.nd.stack(img, img), x=0, y=0, width=2, height=1))")
case("s5_img_crop_bad", U8 + "print(mx.nd.image.crop(img, x=4, y=2, width=3, height=2))")
case("s5_img_crop_grad", F + "imf.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.image.crop(imf, x=1, y=1, width=2, height=2)\n    z = (y * 3)\nz.backward(); print(imf.grad)")
case("s5_img_flips", U8 + "print(mx.nd.image.flip_left_right(img), mx.nd.image.flip_top_bottom(img))")
case("s5_img_flips_f32_batch", F + "print(mx.nd.image.flip_left_right(mx.nd.stack(imf, imf))[1, 0])")
case("s5_img_flip_grad", F + "imf.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.image.flip_left_right(imf)\n    z = (y * mx.nd.arange(60).reshape((4, 5, 3)))\nz.backward(); print(imf.grad[0])")
case("s5_img_adjust_lighting", F + "print(mx.nd.image.adjust_lighting(imf, alpha=(0.1, -0.2, 0.3)))")
case("s5_img_adjust_lighting_u8", U8 + "y = mx.nd.image.adjust_lighting(img, alpha=(1.1, -2.2, 3.3)); print(y.dtype, y)")
case("s5_img_adjust_lighting_bad", F + "print(mx.nd.image.adjust_lighting(imf, alpha=(0.1, 0.2)))")
for fn, kw in [("random_brightness", "min_factor=0.5, max_factor=1.5"),
               ("random_contrast", "min_factor=0.5, max_factor=1.5"),
               ("random_saturation", "min_factor=0.3, max_factor=1.7"),
               ("random_hue", "min_factor=-0.3, max_factor=0.3"),
               ("random_color_jitter", "brightness=0.3, contrast=0.3, saturation=0.3, hue=0.2"),
               ("random_lighting", "alpha_std=0.1"), ("random_lighting", ""),
               ("random_flip_left_right", ""), ("random_flip_top_bottom", "")]:
    nm = f"s5_img_{fn}_{len(kw)}"
    case(nm, F + f"mx.random.seed(5)\nfor _ in range(3):\n    y = mx.nd.image.{fn}(imf{', ' if kw else ''}{kw}); print(y.dtype, y.shape); print(y[0])")
    case(nm + "_u8", U8 + f"mx.random.seed(5)\nfor _ in range(3):\n    y = mx.nd.image.{fn}(img{', ' if kw else ''}{kw}); print(y.dtype, y.shape); print(y[1])")
case("s5_img_random_hue_bad", F + "print(mx.nd.image.random_hue(imf))")

# random_pdf_*
P = "s = mx.nd.array([[0.5, 1.0, 2.5], [0.1, 3.0, 0.0]])\n"
for fn, params in [("uniform", "low=mx.nd.array([0., 0.5]), high=mx.nd.array([2., 4.])"),
                   ("normal", "mu=mx.nd.array([0., 1.]), sigma=mx.nd.array([1., 0.5])"),
                   ("gamma", "alpha=mx.nd.array([2., 0.5]), beta=mx.nd.array([1., 3.])"),
                   ("exponential", "lam=mx.nd.array([2., 0.5])"),
                   ("poisson", "lam=mx.nd.array([2., 0.5])"),
                   ("negative_binomial", "k=mx.nd.array([3., 1.]), p=mx.nd.array([0.4, 0.8])"),
                   ("generalized_negative_binomial", "mu=mx.nd.array([2., 0.5]), alpha=mx.nd.array([0.3, 1.2])")]:
    samp = "mx.nd.array([[0., 1., 3.], [0., 2., 5.]])" if fn in ("poisson", "negative_binomial", "generalized_negative_binomial") else "s"
    case(f"s5_pdf_{fn}", P + f"print(mx.nd.random_pdf_{fn}({samp}, {params}))")
    case(f"s5_pdf_{fn}_log", P + f"print(mx.nd.random_pdf_{fn}({samp}, {params}, is_log=True))")
    case(f"s5_pdf_{fn}_f64", P + f"args = dict({params})\nargs = {{k: v.astype('float64') for k, v in args.items()}}\ny = mx.nd.random_pdf_{fn}({samp}.astype('float64'), **args); print(y.dtype, y)")
    if fn not in ("poisson", "negative_binomial", "generalized_negative_binomial"):
        case(f"s5_pdf_{fn}_grad", P + f"args = dict({params})\nfor v in args.values(): v.attach_grad()\ns.attach_grad()\n"
             f"with mx.autograd.record():\n    y = mx.nd.random_pdf_{fn}(s + 0.05, **args, is_log=True)\ny.backward()\nprint(s.grad)\nfor k in sorted(args): print(k, args[k].grad)")
    case(f"s5_pdf_{fn}_bad_shape", P + f"args = dict({params})\nargs = {{k: v[:1] for k, v in args.items()}}\nprint(mx.nd.random_pdf_{fn}({samp}, **args))")
case("s5_pdf_dirichlet", "s = mx.nd.array([[[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]], [[0.6, 0.2, 0.2], [1/3, 1/3, 1/3]]]); a = mx.nd.array([[1., 2, 3], [0.5, 0.5, 4]])\n"
     "print(mx.nd.random_pdf_dirichlet(s, a)); print(mx.nd.random_pdf_dirichlet(s, a, is_log=True))")
case("s5_pdf_dirichlet_grad", "s = mx.nd.array([[[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]], [[0.6, 0.2, 0.2], [1/3, 1/3, 1/3]]]); a = mx.nd.array([[1., 2, 3], [0.5, 0.5, 4]])\n"
     "s.attach_grad(); a.attach_grad()\nwith mx.autograd.record():\n    y = mx.nd.random_pdf_dirichlet(s, a, is_log=True)\ny.backward(); print(s.grad, a.grad)")
case("s5_pdf_normal_outside", "print(mx.nd.random_pdf_uniform(mx.nd.array([[-1., 5.]]), low=mx.nd.array([0.]), high=mx.nd.array([1.])), mx.nd.random_pdf_exponential(mx.nd.array([[-1., 0.]]), lam=mx.nd.array([2.])), mx.nd.random_pdf_gamma(mx.nd.array([[-1., 0.]]), alpha=mx.nd.array([2.]), beta=mx.nd.array([1.])))")
case("s5_pdf_normal_1d", "print(mx.nd.random_pdf_normal(mx.nd.array([0.5, 1.]), mu=mx.nd.array([0., 1.]), sigma=mx.nd.array([1., 2.])))")
case("s5_pdf_normal_mismatch_dtype", "print(mx.nd.random_pdf_normal(mx.nd.array([[0.5, 1.]]), mu=mx.nd.array([0.], dtype='float64'), sigma=mx.nd.array([1.])))")
case("s5_pdf_normal_f16", "y = mx.nd.random_pdf_normal(mx.nd.array([[0.5, 1.]], dtype='float16'), mu=mx.nd.array([0.], dtype='float16'), sigma=mx.nd.array([1.], dtype='float16')); print(y.dtype, y)")
