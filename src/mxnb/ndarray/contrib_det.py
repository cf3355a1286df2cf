"""`mx.nd.contrib` deformable convolutions and the remaining detection ops: thin names over
the `_contrib_*` ops of ops/contrib_det.py and ops/contrib_det_roi.py.

>>> x = mx.nd.ones((1, 1, 3, 3)); w = mx.nd.ones((1, 1, 2, 2))
>>> mx.nd.contrib.DeformableConvolution(x, mx.nd.zeros((1, 8, 2, 2)), w, kernel=(2, 2),
...                                     num_filter=1, no_bias=True).shape
(1, 1, 2, 2)
"""
from . import _api as nd

__all__ = ["DeformableConvolution", "ModulatedDeformableConvolution"]


def DeformableConvolution(data=None, offset=None, weight=None, bias=None, kernel=None, stride=(),
                          dilate=(), pad=(), num_filter=None, num_group=1,
                          num_deformable_group=1, workspace=1024, no_bias=False, layout=None,
                          out=None, name=None):
    """2-D deformable convolution; offset is (N, DG * KH * KW * 2, OH, OW), [dh, dw] per tap.

    >>> x = mx.nd.ones((1, 1, 3, 3)); w = mx.nd.ones((1, 1, 2, 2))
    >>> mx.nd.contrib.DeformableConvolution(x, mx.nd.zeros((1, 8, 2, 2)), w, kernel=(2, 2),
    ...                                     num_filter=1, no_bias=True).asnumpy().ravel()
    array([4., 4., 4., 4.], dtype=float32)
    """
    ins = [data, offset, weight] + ([] if bias is None else [bias])
    return nd._contrib_DeformableConvolution(
        *ins, kernel=kernel, stride=stride, dilate=dilate, pad=pad, num_filter=num_filter,
        num_group=num_group, num_deformable_group=num_deformable_group, workspace=workspace,
        no_bias=no_bias, layout=layout, out=out)


def ModulatedDeformableConvolution(data=None, offset=None, mask=None, weight=None, bias=None,
                                   kernel=None, stride=(), dilate=(), pad=(), num_filter=None,
                                   num_group=1, num_deformable_group=1, workspace=1024,
                                   no_bias=False, im2col_step=64, layout=None, out=None,
                                   name=None):
    """DCNv2: the deformable convolution with each sample scaled by mask (N, DG*KH*KW, OH, OW).

    >>> x = mx.nd.ones((1, 1, 3, 3)); w = mx.nd.ones((1, 1, 2, 2))
    >>> m = mx.nd.full((1, 4, 2, 2), 0.5)
    >>> mx.nd.contrib.ModulatedDeformableConvolution(
    ...     x, mx.nd.zeros((1, 8, 2, 2)), m, w, kernel=(2, 2), num_filter=1,
    ...     no_bias=True).asnumpy().ravel()
    array([2., 2., 2., 2.], dtype=float32)
    """
    ins = [data, offset, mask, weight] + ([] if bias is None else [bias])
    return nd._contrib_ModulatedDeformableConvolution(
        *ins, kernel=kernel, stride=stride, dilate=dilate, pad=pad, num_filter=num_filter,
        num_group=num_group, num_deformable_group=num_deformable_group, workspace=workspace,
        no_bias=no_bias, im2col_step=im2col_step, layout=layout, out=out)
