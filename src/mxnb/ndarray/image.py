"""`mx.nd.image`: MXNet 1.9.1's image operators (the `_image_*` ops of `ops/image.py`).

>>> img = mx.nd.array([[[0, 128, 255]]], dtype='uint8')      # (H, W, C) = (1, 1, 3)
>>> mx.nd.image.to_tensor(img).asnumpy().ravel()
array([0.       , 0.5019608, 1.       ], dtype=float32)
>>> mx.random.seed(0)
>>> mx.nd.image.random_brightness(mx.nd.ones((1, 1, 3)), 0.0, 1.0).asnumpy().ravel()
array([0.5488135, 0.5488135, 0.5488135], dtype=float32)
"""
from . import _api

__all__ = ["to_tensor", "normalize", "resize", "crop", "flip_left_right", "flip_top_bottom",
           "random_flip_left_right", "random_flip_top_bottom", "random_brightness",
           "random_contrast", "random_saturation", "random_hue", "random_color_jitter",
           "adjust_lighting", "random_lighting"]


class _NullType:
    def __repr__(self):
        return "_Null"


_Null = _NullType()


def _call(name, data, out, **attrs):
    attrs = {k: v for k, v in attrs.items() if v is not _Null}
    return getattr(_api, "_image_" + name)(data, out=out, **attrs)


def to_tensor(data=None, out=None, name=None, **kwargs):
    """(H, W, C) or (N, H, W, C) in [0, 255] -> float32 (C, H, W) or (N, C, H, W) in [0, 1].

    >>> mx.nd.image.to_tensor(mx.nd.full((2, 2, 3), 51, dtype='uint8')).shape
    (3, 2, 2)
    """
    return _call("to_tensor", data, out, **kwargs)


def normalize(data=None, mean=_Null, std=_Null, out=None, name=None, **kwargs):
    """(x - mean[c]) / std[c] on (C, H, W) or (N, C, H, W) tensors, C in {1, 3}.

    >>> mx.nd.image.normalize(mx.nd.ones((3, 1, 1)), mean=(0.5,), std=(2.0,)).asnumpy().ravel()
    array([0.25, 0.25, 0.25], dtype=float32)
    """
    return _call("normalize", data, out, mean=mean, std=std, **kwargs)


def resize(data=None, size=_Null, keep_ratio=_Null, interp=_Null, out=None, name=None, **kwargs):
    """Resize (H, W, C) or (N, H, W, C) images to `size` = (width, height) or one side.

    interp: 0 nearest, 1 bilinear (default), 2 bicubic, 3 area, 4 Lanczos, as cv2.resize.

    >>> mx.nd.image.resize(mx.nd.ones((4, 6, 3)), (3, 2)).shape
    (2, 3, 3)
    """
    return _call("resize", data, out, size=size, keep_ratio=keep_ratio, interp=interp, **kwargs)


def crop(data=None, x=_Null, y=_Null, width=_Null, height=_Null, out=None, name=None, **kwargs):
    """The (height, width) window at column x, row y of (H, W, C) or (N, H, W, C) images.

    >>> mx.nd.image.crop(mx.nd.ones((4, 6, 3)), 1, 0, 2, 3).shape
    (3, 2, 3)
    """
    return _call("crop", data, out, x=x, y=y, width=width, height=height, **kwargs)


def flip_left_right(data=None, out=None, name=None, **kwargs):
    """Mirror an (H, W, C) image left to right (MXNet's gradient: the identity)."""
    return _call("flip_left_right", data, out, **kwargs)


def flip_top_bottom(data=None, out=None, name=None, **kwargs):
    """Mirror an (H, W, C) image top to bottom (MXNet's gradient: the identity)."""
    return _call("flip_top_bottom", data, out, **kwargs)


def random_flip_left_right(data=None, out=None, name=None, **kwargs):
    """flip_left_right with probability 1/2 (MXNet's draw from `mx.random.seed`'s stream)."""
    return _call("random_flip_left_right", data, out, **kwargs)


def random_flip_top_bottom(data=None, out=None, name=None, **kwargs):
    """flip_top_bottom with probability 1/2 (MXNet's draw from `mx.random.seed`'s stream)."""
    return _call("random_flip_top_bottom", data, out, **kwargs)


def random_brightness(data=None, min_factor=_Null, max_factor=_Null, out=None, name=None,
                      **kwargs):
    """x * a, a ~ U[min_factor, max_factor] (uint8 results clip to [0, 255])."""
    return _call("random_brightness", data, out, min_factor=min_factor, max_factor=max_factor,
                 **kwargs)


def random_contrast(data=None, min_factor=_Null, max_factor=_Null, out=None, name=None,
                    **kwargs):
    """x * a + (1 - a) * mean gray level, a ~ U[min_factor, max_factor]."""
    return _call("random_contrast", data, out, min_factor=min_factor, max_factor=max_factor,
                 **kwargs)


def random_saturation(data=None, min_factor=_Null, max_factor=_Null, out=None, name=None,
                      **kwargs):
    """Blend with a gray level, a ~ U[min_factor, max_factor] (MXNet's gray quirk kept)."""
    return _call("random_saturation", data, out, min_factor=min_factor, max_factor=max_factor,
                 **kwargs)


def random_hue(data=None, min_factor=_Null, max_factor=_Null, out=None, name=None, **kwargs):
    """Rotate the hue by a * 360 degrees, a ~ U[min_factor, max_factor]."""
    return _call("random_hue", data, out, min_factor=min_factor, max_factor=max_factor,
                 **kwargs)


def random_color_jitter(data=None, brightness=_Null, contrast=_Null, saturation=_Null, hue=_Null,
                        out=None, name=None, **kwargs):
    """Brightness, contrast, saturation and hue jitter (those > 0) in a random order."""
    return _call("random_color_jitter", data, out, brightness=brightness, contrast=contrast,
                 saturation=saturation, hue=hue, **kwargs)


def adjust_lighting(data=None, alpha=_Null, out=None, name=None, **kwargs):
    """Add AlexNet's PCA lighting noise for the (R, G, B) `alpha`."""
    return _call("adjust_lighting", data, out, alpha=alpha, **kwargs)


def random_lighting(data=None, alpha_std=_Null, out=None, name=None, **kwargs):
    """adjust_lighting with alphas drawn from normal(0, alpha_std) (default 0.05)."""
    return _call("random_lighting", data, out, alpha_std=alpha_std, **kwargs)
