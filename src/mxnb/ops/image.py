"""`mx.nd.image`'s ops (MXNet 1.9.1's `_image_*`): layout, crop, resize, colour augmentation.

Shapes, dtypes and arithmetic follow `src/operator/image/image_random-inl.h`:

* to_tensor: (H, W, C) or (N, H, W, C), any dtype -> float32 (C, H, W) / (N, C, H, W), x / 255.
* normalize: (C, H, W) or (N, C, H, W) with C in {1, 3}, same dtype out, (x - mean[c]) / std[c]
  with mean and std C++ floats (a length-1 tuple applies to every channel; the default of
  four zeros fits no image, as in MXNet); integer results wrap as C's conversion does.
* crop: (H, W, C) or (N, H, W, C); resize: the same, through OpenCV's `cv2.resize` in MXNet
  (`image_resize.py` reproduces its five modes bit for bit).
* the augmenters (flips, random_*, adjust_lighting): (H, W, C) only, C in {1, 3}; the colour
  ones compute in C++ float and store through MXNet's `saturate_cast` (clip to [0, 255] for
  uint8, a plain conversion otherwise).

Random draws come from the single MT19937 generator (MXNet's `kRandom` resource, the one
`shuffle` and `multinomial` use), with libstdc++'s distributions, so `mx.random.seed(s)`
gives MXNet's draws exactly (`image_random.py`).

Gradients, as MXNet 1.9.1 declares them: crop scatters dy back, normalize is dy / std[c];
the colour augmenters and the random flips pass dy through unchanged (MXNet registers them with
`ElemwiseGradUseNone{"_copy"}`) [COPY]. MXNet does that for the two plain flips too, which is
wrong for a mirror: mxnb mirrors dy back [FIX]. to_tensor's MXNet gradient fails on a shape check;
mxnb gives the true one, dy transposed back / 255 [FIX]. resize has none in MXNet either.
Where MXNet writes uninitialised memory (the middle column of an odd-width flip, hue and
lighting on 1-channel images, a colour jitter that applies nothing) mxnb copies the input [FIX].
The CPU forwards are NumPy (and Numba for resize and contrast); on `mx.gpu()` the ops run as
CUDA kernels (kernels/cuda_vision_image.py, cuda_vision_resize.py), the random parameters drawn
on the host from the same stream as on the CPU.
"""
import numpy as np

from ..base import MXNetError
from . import _nd as nd
from .basic import _host
from .registry import Op, fmt_shape, register
from .slicing import _scatter_bwd, _scatter_vjp


def _identity_bwd(op, dys, ins, outs, attrs):
    return [dys[0].copy()]


def _identity_vjp(op, dys, ins, outs, attrs):
    return [dys[0]]


_COPY_GRAD = "MXNet declares this op's gradient as the identity (_copy); pinned in test_image.py"


def _floats(op, name, v):
    """A float tuple attribute, as MXNet parses it into C++ floats."""
    if isinstance(v, (int, float, np.number)):
        v = (v,)
    try:
        return tuple(np.float32(a) for a in v)
    except (TypeError, ValueError):
        raise MXNetError(f"{op.name}: {name} must be a number or a tuple of numbers, got {v!r}")


# ---------------------------------------------------------------- to_tensor


def _to_tensor_infer(op, inputs, attrs):
    s = inputs[0].shape
    if len(s) not in (3, 4):
        raise MXNetError(f"{op.name}: Input image must have shape (height, width, channels), or "
                         f"(N, height, width, channels) but got {fmt_shape(s)}")
    out = (s[2], s[0], s[1]) if len(s) == 3 else (s[0], s[3], s[1], s[2])
    return [(out, np.dtype(np.float32))]


def _to_tensor_fwd(op, ins, outs, attrs):
    x = np.moveaxis(ins[0], -1, -3)
    if x.dtype == np.float64:      # double / float promotes to double, then stores a float
        np.copyto(outs[0], x / 255.0, casting="unsafe")
    elif x.dtype == np.float16:    # half_t / float is a half_t in mshadow: 51 -> 0.19995117
        np.copyto(outs[0], (x.astype(np.float32) / np.float32(255)).astype(np.float16))
    else:
        np.divide(x.astype(np.float32), np.float32(255), out=outs[0])


def _to_tensor_axes(ndim):
    return (1, 2, 0) if ndim == 3 else (0, 2, 3, 1)


register(Op("_image_to_tensor", ("data",), infer=_to_tensor_infer, forward=_host(_to_tensor_fwd),
            backward=lambda op, dys, ins, outs, attrs: [
                (dys[0].transpose(_to_tensor_axes(dys[0].ndim)) / 255.0).astype(ins[0].dtype)],
            vjp=lambda op, dys, ins, outs, attrs: [nd.cast(
                nd.transpose(dys[0], axes=_to_tensor_axes(dys[0].ndim)) / 255.0,
                dtype=ins[0].dtype)],
            doc="(H, W, C) or (N, H, W, C) image -> float32 (C, H, W) / (N, C, H, W) in [0, 1].",
            test={"skip": "float32 output; the exact gradient is pinned in test_image.py"}))

# ---------------------------------------------------------------- normalize


def _norm_params(op, attrs, shape):
    if len(shape) not in (3, 4):
        raise MXNetError(f"{op.name}: Input tensor must have shape (channels, height, width), or "
                         f"(N, channels, height, width), but got {fmt_shape(shape)}")
    c = shape[0] if len(shape) == 3 else shape[1]
    if c not in (1, 3):
        which = "first" if len(shape) == 3 else "second"
        raise MXNetError(f"{op.name}: The {which} dimension of input tensor must be the channel "
                         f"dimension with either 1 or 3 elements, but got input with shape "
                         f"{fmt_shape(shape)}")
    mean = _floats(op, "mean", attrs["mean"])
    std = _floats(op, "std", attrs["std"])
    for name, v in (("mean", mean), ("std", std)):
        if len(v) not in (1, c):
            raise MXNetError(f"{op.name}: Invalid {name} for input with shape {fmt_shape(shape)}. "
                             f"{name} must have either 1 or {c} elements, but got "
                             "[" + ",".join(f"{float(a):g}" for a in v) + "]")
    mean = np.array([mean[i if len(mean) > 1 else 0] for i in range(c)], np.float32)
    std = np.array([std[i if len(std) > 1 else 0] for i in range(c)], np.float32)
    return mean.reshape(c, 1, 1), std.reshape(c, 1, 1)


def _norm_infer(op, inputs, attrs):
    _norm_params(op, attrs, inputs[0].shape)
    return [(inputs[0].shape, np.dtype(inputs[0].dtype))]


def _norm_fwd(op, ins, outs, attrs):
    x = ins[0]
    mean, std = _norm_params(op, attrs, x.shape)
    with np.errstate(all="ignore"):
        if x.dtype == np.float64:
            y = (x - mean.astype(np.float64)) / std.astype(np.float64)
        else:   # DType - float is float arithmetic for every other dtype
            y = (x.astype(np.float32) - mean) / std
        if outs[0].dtype.kind in "iu":
            # a plain C conversion: truncation, and x86's wrap-around out of range (200 / 0.5
            # stores 144 in uint8, -2 stores 254), as MXNet 1.9.1 gives
            y = np.trunc(np.nan_to_num(y)).astype(np.int64)
        np.copyto(outs[0], y, casting="unsafe")


def _norm_scale(op, attrs, shape):
    """1.0 / std[c] in double, as MXNet's backward multiplies by it."""
    _, std = _norm_params(op, attrs, shape)
    with np.errstate(divide="ignore"):
        return 1.0 / std.astype(np.float64)


def _norm_bwd(op, dys, ins, outs, attrs):
    g = dys[0] * _norm_scale(op, attrs, ins[0].shape)
    return [g.astype(dys[0].dtype)]


def _norm_vjp(op, dys, ins, outs, attrs):
    from .linalg_la import _const

    return [nd.broadcast_mul(dys[0], _const(_norm_scale(op, attrs, ins[0].shape), dys[0]))]


register(Op("_image_normalize", ("data",), attrs=(("mean", (0.0, 0.0, 0.0, 0.0)),
                                                  ("std", (1.0, 1.0, 1.0, 1.0))),
            infer=_norm_infer, forward=_host(_norm_fwd), backward=_norm_bwd, vjp=_norm_vjp,
            doc="(x - mean[c]) / std[c] on (C, H, W) or (N, C, H, W) data.",
            test={"shapes": [(3, 2, 2)], "cases": [
                {"attrs": {"mean": (0.1, 0.2, 0.3), "std": (0.5, 2.0, 4.0)}},
                {"shapes": [(2, 1, 2, 2)], "attrs": {"mean": (0.5,), "std": (3.0,)}}]}))

# ---------------------------------------------------------------- crop


def _crop_key(op, shape, attrs):
    if len(shape) not in (3, 4):
        raise MXNetError(f"{op.name}: Image Crop expects inputs of 3D (h, w, c) or 4D "
                         f"(n, h, w, c). But got {len(shape)}")
    if shape[-1] not in (1, 3):
        raise MXNetError(f"{op.name}: Expect channel of the input image is 1 or 3, but got"
                         f"{shape[-1]}")
    x, y, w, h = (int(attrs[k]) for k in ("x", "y", "width", "height"))
    if h <= 0 or w <= 0:
        raise MXNetError(f"{op.name}: Input height and width must be greater than 0")
    if x < 0 or y < 0:   # [FIX] MXNet reads outside the image
        raise MXNetError(f"{op.name}: x and y must not be negative, got x={x}, y={y}")
    if x + w > shape[-2]:
        raise MXNetError(f"{op.name}: x + width should not be greater than input width")
    if y + h > shape[-3]:
        raise MXNetError(f"{op.name}: y + height should not be greater than input height")
    key = (slice(y, y + h), slice(x, x + w))
    return key if len(shape) == 3 else (slice(None),) + key


def _crop_infer(op, inputs, attrs):
    s = inputs[0].shape
    key = _crop_key(op, s, attrs)
    return [(s[:-3] + (key[-2].stop - key[-2].start, key[-1].stop - key[-1].start, s[-1]),
             np.dtype(inputs[0].dtype))]


register(Op("_image_crop", ("data",), attrs=(("x", None), ("y", None), ("width", None),
                                             ("height", None)),
            infer=_crop_infer,
            forward=_host(lambda op, ins, outs, attrs: np.copyto(
                outs[0], ins[0][_crop_key(op, ins[0].shape, attrs)])),
            backward=lambda op, dys, ins, outs, attrs: _scatter_bwd(
                op, dys, ins, outs, attrs, _crop_key(op, ins[0].shape, attrs)),
            vjp=lambda op, dys, ins, outs, attrs: _scatter_vjp(
                dys, ins, _crop_key(op, ins[0].shape, attrs)),
            doc="The (height, width) window at (y, x) of (H, W, C) or (N, H, W, C) images.",
            test={"shapes": [(3, 4, 3)], "cases": [
                {"attrs": {"x": 1, "y": 0, "width": 2, "height": 2}},
                {"shapes": [(2, 3, 3, 1)], "attrs": {"x": 0, "y": 1, "width": 3, "height": 1}}]}))

# ---------------------------------------------------------------- augmenters: shared parts


def image_shape(op, shape):
    """MXNet's `ImageShape`: one (H, W, C) image with 1 or 3 channels."""
    if len(shape) != 3:
        raise MXNetError(f"{op.name}: Check failed: dshape.ndim() == 3 ({len(shape)} vs. 3) : "
                         f"Input image must have shape (height, width, channels), but got "
                         f"{fmt_shape(shape)}")
    if shape[2] not in (1, 3):
        raise MXNetError(f"{op.name}: The last dimension of input image must be the channel "
                         f"dimension with either 1 or 3 elements, but got input with shape "
                         f"{fmt_shape(shape)}")


def _image_infer(op, inputs, attrs):
    image_shape(op, inputs[0].shape)
    return [(inputs[0].shape, np.dtype(inputs[0].dtype))]


def _store(out, v):
    """MXNet's `saturate_cast<DType>(float)`: clip to [0, 255] for uint8, else a C cast."""
    with np.errstate(all="ignore"):
        if out.dtype == np.uint8:
            np.copyto(out, np.clip(v, 0, 255), casting="unsafe")
        elif out.dtype.kind in "iu":
            # C truncates toward zero; out-of-range values wrap as the x86 conversion does
            np.copyto(out, np.trunc(v).astype(np.int64), casting="unsafe")
        else:
            np.copyto(out, v, casting="unsafe")


def _aug_op(name, forward, attrs=(), doc=""):
    register(Op(name, ("data",), attrs=attrs, infer=_image_infer, forward=_host(forward),
                backward=_identity_bwd, vjp=_identity_vjp, smooth=False, doc=doc,
                test={"skip": _COPY_GRAD}))


def _flip(x, out, axis):
    np.copyto(out, np.flip(x, axis))


def _flip_op(name, axis, doc):
    # MXNet 1.9.1 gives the flips the identity gradient too; a mirror's gradient is the
    # mirrored dy, so mxnb gives that [FIX].
    register(Op(name, ("data",), infer=_image_infer,
                forward=_host(lambda op, ins, outs, attrs: _flip(ins[0], outs[0], axis)),
                backward=lambda op, dys, ins, outs, attrs: [np.flip(dys[0], axis).copy()],
                vjp=lambda op, dys, ins, outs, attrs: [nd.flip(dys[0], axis=axis)], doc=doc,
                test={"shapes": [(3, 4, 3)]}))


_flip_op("_image_flip_left_right", 1, "Mirror an (H, W, C) image left to right.")
_flip_op("_image_flip_top_bottom", 0, "Mirror an (H, W, C) image top to bottom.")


def _adjust_lighting_fwd(op, ins, outs, attrs):
    from . import image_random as r

    alpha = _floats(op, "alpha", attrs["alpha"])
    if len(alpha) < 3:
        raise MXNetError(f"{op.name}: Check failed: i >= 0 && i < ndim(): index = {len(alpha)} "
                         f"must be in range [0, {len(alpha)})")
    r.adjust_lighting(ins[0], outs[0], alpha[:3])


_aug_op("_image_adjust_lighting", _adjust_lighting_fwd, attrs=(("alpha", None),),
        doc="Add AlexNet's PCA lighting noise with the given (R, G, B) alphas.")


def _random(fn_name, *names):
    def forward(op, ins, outs, attrs):
        from . import image_random as r

        getattr(r, fn_name)(ins[0], outs[0], *(np.float32(attrs[n]) for n in names))
    return forward


def _check_bounds(op, attrs, names):
    for n in names:
        v = float(attrs[n])
        if v < 0:
            raise MXNetError(f"value {v:g} for Parameter {n} should be greater equal to 0")


def _random_op(name, fn_name, attrs, bounded, doc):
    names = tuple(a for a, _ in attrs)

    def infer(op, inputs, a):
        _check_bounds(op, a, bounded)
        return _image_infer(op, inputs, a)

    register(Op(name, ("data",), attrs=attrs, infer=infer, forward=_host(_random(fn_name, *names)),
                backward=_identity_bwd, vjp=_identity_vjp, smooth=False, doc=doc,
                test={"skip": _COPY_GRAD + " (and a random op)"}))


_FACTORS = (("min_factor", None), ("max_factor", None))
_random_op("_image_random_flip_left_right", "flip_left_right", (), (),
           "Mirror left to right with probability 1/2.")
_random_op("_image_random_flip_top_bottom", "flip_top_bottom", (), (),
           "Mirror top to bottom with probability 1/2.")
_random_op("_image_random_brightness", "brightness", _FACTORS, ("min_factor", "max_factor"),
           "Scale by a factor drawn uniformly from [min_factor, max_factor].")
_random_op("_image_random_contrast", "contrast", _FACTORS, ("min_factor", "max_factor"),
           "Blend with the mean gray level by a factor from [min_factor, max_factor].")
_random_op("_image_random_saturation", "saturation", _FACTORS, ("min_factor", "max_factor"),
           "Blend with the gray image by a factor from [min_factor, max_factor].")
_random_op("_image_random_hue", "hue", _FACTORS, ("min_factor", "max_factor"),
           "Rotate the hue by a fraction of a turn drawn from [min_factor, max_factor].")
_random_op("_image_random_color_jitter", "color_jitter",
           (("brightness", None), ("contrast", None), ("saturation", None), ("hue", None)), (),
           "Brightness, contrast, saturation and hue jitter in a random order.")
_random_op("_image_random_lighting", "lighting", (("alpha_std", 0.05),), (),
           "AlexNet-style PCA lighting noise with normal(0, alpha_std) alphas.")

# ---------------------------------------------------------------- resize

_RESIZE_DTYPES = frozenset(map(np.dtype, (np.float32, np.float64, np.uint8, np.int8)))


def _resize_size(op, shape, attrs):
    if len(shape) not in (3, 4):
        raise MXNetError(f"{op.name}: Input image dimension should be 3 or 4 but got {len(shape)}")
    size = attrs["size"]
    size = (size,) if isinstance(size, (int, np.integer)) else tuple(size or ())
    if len(size) not in (1, 2):
        raise MXNetError(f"{op.name}: Input size dimension must be 1 or 2, but got {len(size)}")
    h, w = shape[-3], shape[-2]
    if len(size) == 1:
        s = int(size[0])
        if s <= 0:
            raise MXNetError(f"{op.name}: Input size should be greater than 0, but got {s}")
        if not attrs["keep_ratio"]:
            return s, s
        return (h * s // w, s) if h > w else (s, w * s // h)
    if int(size[0]) <= 0 or int(size[1]) <= 0:
        raise MXNetError(f"{op.name}: Input width and height should be greater than 0, but got "
                         f"{size}")
    return int(size[1]), int(size[0])


def _resize_infer(op, inputs, attrs):
    x = inputs[0]
    h, w = _resize_size(op, x.shape, attrs)
    dt = np.dtype(x.dtype)
    if dt == np.float16:
        raise MXNetError(f"{op.name}: opencv image mat doesn't support fp16")
    if dt not in _RESIZE_DTYPES:
        raise MXNetError(f"{op.name}: resize supports float32, float64, uint8 and int8 images "
                         f"(OpenCV has no resize for {dt.name}), got {dt.name}")
    if int(attrs["interp"]) not in (0, 1, 2, 3, 4):
        raise MXNetError(f"{op.name}: interp must be 0 (nearest), 1 (bilinear), 2 (bicubic), "
                         f"3 (area) or 4 (Lanczos), got {attrs['interp']}")
    return [(x.shape[:-3] + (h, w, x.shape[-1]), dt)]


def _resize_fwd(op, ins, outs, attrs):
    from .image_resize import resize_one

    x = ins[0]
    h, w = _resize_size(op, x.shape, attrs)
    interp = int(attrs["interp"])
    if x.ndim == 3:
        outs[0][...] = resize_one(x, h, w, interp)
    else:
        for i in range(x.shape[0]):
            outs[0][i] = resize_one(x[i], h, w, interp)


def _resize_vjp(op, dys, ins, outs, attrs):
    # MXNet 1.9.1's gradient fails its own shape check; there is no gradient to give
    raise MXNetError(f"{op.name}: image resize has no gradient (as in MXNet 1.9.1)")


register(Op("_image_resize", ("data",), attrs=(("size", ()), ("keep_ratio", False), ("interp", 1)),
            infer=_resize_infer, forward=_host(_resize_fwd), vjp=_resize_vjp,
            backward=_resize_vjp, smooth=False,
            doc="Resize (H, W, C) or (N, H, W, C) images as OpenCV's cv2.resize does.",
            test={"skip": "no gradient: MXNet 1.9.1's fails, mxnb's raises MXNetError"}))
