"""MXNet 1.x's legacy image operators, written with mxnb ops (so they differentiate, run on GPU
arrays and support `create_graph`): `Crop`.

>>> x = mx.nd.arange(30).reshape((1, 1, 5, 6))
>>> mx.nd.Crop(x, h_w=(2, 3), offset=(1, 2))[0, 0]
<BLANKLINE>
[[ 8.  9. 10.]
 [14. 15. 16.]]
<NDArray 2x3 @cpu(0)>
"""
from ..base import MXNetError
from . import _api as nd
from .compat import _check

__all__ = ["Crop", "imdecode"]


def Crop(*data, offset=(0, 0), h_w=(0, 0), center_crop=False, num_args=None, out=None,
         name=None):
    """Crop the height and width of a 4-D (batch, channel, y, x) array, as MXNet's legacy Crop.

    With one array, to `h_w`; with two, to the second one's height and width (its values are
    not used). The window starts at `offset` (y, x), or is centred when `center_crop`
    (offsets rounded down). Cropping is a slice, so the gradient flows back into the window.
    """
    if not data:
        raise MXNetError("Crop: expects 1 or 2 inputs (data, and optionally crop_like)")
    _check("Crop", *((f"data[{i}]", a) for i, a in enumerate(data)))
    if num_args is not None and int(num_args) != len(data):
        raise MXNetError(f"Crop: num_args={num_args} but {len(data)} inputs were given")
    if len(data) > 2:
        raise MXNetError(f"Crop: expects 1 or 2 inputs, got {len(data)}")
    x = data[0]
    if x.ndim != 4:
        raise MXNetError(f"Crop: Check failed: data_shape.ndim() == 4U ({x.ndim} vs. 4) : "
                         f"Input data should be 4D in batch-num_filter-y-x (got shape {x.shape})")
    if len(data) == 2:
        like = data[1]
        if like.ndim != 4:
            raise MXNetError(f"Crop: the crop_like input should be 4D, got shape {like.shape}")
        h, w = like.shape[2], like.shape[3]
    else:
        h, w = (int(v) for v in h_w)
    big_h, big_w = x.shape[2], x.shape[3]
    if h > big_h or w > big_w:
        raise MXNetError(f"Crop: the crop size {(h, w)} should not exceed the input's height "
                         f"and width {(big_h, big_w)} (input shape {x.shape}, {x.dtype.__name__})")
    if center_crop:
        oy, ox = (big_h - h) // 2, (big_w - w) // 2
    else:
        oy, ox = (int(v) for v in offset)
        if not (0 <= oy <= big_h - h and 0 <= ox <= big_w - w):
            raise MXNetError(f"Crop: offset {(oy, ox)} leaves no room for a {(h, w)} crop of "
                             f"height and width {(big_h, big_w)} (input shape {x.shape})")
    return nd.slice(x, begin=(None, None, oy, ox), end=(None, None, oy + h, ox + w), out=out)


def imdecode(*args, **kwargs):
    """Not built: MXNet decodes images with OpenCV, which mxnb does not depend on. Decode with
    Pillow or OpenCV and pass the array to `mx.nd.array` (then `mx.nd.image.*` works on it)."""
    raise NotImplementedError("mx.nd.imdecode: image decoding (OpenCV in MXNet) is not built in "
                              "mxnb; decode with Pillow or cv2 and call mx.nd.array on the result")
