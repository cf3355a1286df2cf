"""Box ops of mx.nd.contrib (box_iou, box_nms, box_encode, box_decode, bipartite_matching)
against literals printed by MXNet 1.9.1 and a NumPy float64 NMS oracle."""
import numpy as np
import pytest

import mxnb as mx
from mxnb import autograd
from mxnb.base import MXNetError

C = mx.nd.contrib

NMS_X = [[0.0, 0.9, 0.0, 0.0, 1.0, 1.0], [0.0, 0.8, 0.1, 0.1, 1.1, 1.1],
         [1.0, 0.7, 0.0, 0.0, 1.0, 1.0], [0.0, 0.3, 2.0, 2.0, 3.0, 3.0],
         [0.0, 0.01, 5.0, 5.0, 6.0, 6.0], [1.0, 0.95, 2.0, 2.0, 3.2, 3.2]]
NMS_CASES = [({'valid_thresh': 0.1, 'id_index': 0},
              [[1.0, 0.949999988079071, 2.0, 2.0, 3.200000047683716, 3.200000047683716],
               [0.0, 0.8999999761581421, 0.0, 0.0, 1.0, 1.0],
               [1.0, 0.699999988079071, 0.0, 0.0, 1.0, 1.0],
               [0.0, 0.30000001192092896, 2.0, 2.0, 3.0, 3.0],
               [-1.0, -1.0, -1.0, -1.0, -1.0, -1.0], [-1.0, -1.0, -1.0, -1.0, -1.0, -1.0]]),
             ({'topk': 2, 'id_index': 0, 'force_suppress': True},
              [[1.0, 0.949999988079071, 2.0, 2.0, 3.200000047683716, 3.200000047683716],
               [0.0, 0.8999999761581421, 0.0, 0.0, 1.0, 1.0], [-1.0, -1.0, -1.0, -1.0, -1.0, -1.0],
               [-1.0, -1.0, -1.0, -1.0, -1.0, -1.0], [-1.0, -1.0, -1.0, -1.0, -1.0, -1.0],
               [-1.0, -1.0, -1.0, -1.0, -1.0, -1.0]]),
             ({'in_format': 'corner', 'out_format': 'center'},
              [[1.0, 0.949999988079071, 2.5999999046325684, 2.5999999046325684, 1.2000000476837158,
                1.2000000476837158],
               [0.0, 0.8999999761581421, 0.5, 0.5, 1.0, 1.0],
               [0.0, 0.009999999776482582, 5.5, 5.5, 1.0, 1.0],
               [-1.0, -1.0, -1.0, -1.0, -1.0, -1.0], [-1.0, -1.0, -1.0, -1.0, -1.0, -1.0],
               [-1.0, -1.0, -1.0, -1.0, -1.0, -1.0]]),
             ({'id_index': 0, 'background_id': 1},
              [[0.0, 0.8999999761581421, 0.0, 0.0, 1.0, 1.0],
               [0.0, 0.30000001192092896, 2.0, 2.0, 3.0, 3.0],
               [0.0, 0.009999999776482582, 5.0, 5.0, 6.0, 6.0],
               [-1.0, -1.0, -1.0, -1.0, -1.0, -1.0], [-1.0, -1.0, -1.0, -1.0, -1.0, -1.0],
               [-1.0, -1.0, -1.0, -1.0, -1.0, -1.0]]),
             ({'overlap_thresh': 0.2, 'in_format': 'center'},
              [[1.0, 0.949999988079071, 0.3999999761581421, 0.3999999761581421, 3.5999999046325684,
                3.5999999046325684],
               [0.0, 0.8999999761581421, -0.5, -0.5, 0.5, 0.5],
               [0.0, 0.009999999776482582, 2.0, 2.0, 8.0, 8.0],
               [-1.0, -1.0, -1.0, -1.0, -1.0, -1.0], [-1.0, -1.0, -1.0, -1.0, -1.0, -1.0],
               [-1.0, -1.0, -1.0, -1.0, -1.0, -1.0]]),
             ({'topk': 0},
              [[0.0, 0.8999999761581421, 0.0, 0.0, 1.0, 1.0],
               [0.0, 0.800000011920929, 0.10000000149011612, 0.10000000149011612,
                1.100000023841858, 1.100000023841858],
               [1.0, 0.699999988079071, 0.0, 0.0, 1.0, 1.0],
               [0.0, 0.30000001192092896, 2.0, 2.0, 3.0, 3.0],
               [0.0, 0.009999999776482582, 5.0, 5.0, 6.0, 6.0],
               [1.0, 0.949999988079071, 2.0, 2.0, 3.200000047683716, 3.200000047683716]])]
NMS_GRAD = [[6.0, 7.0, 8.0, 9.0, 10.0, 11.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
            [12.0, 13.0, 14.0, 15.0, 16.0, 17.0], [18.0, 19.0, 20.0, 21.0, 22.0, 23.0],
            [0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]]
NMS4 = [[[[1.0, 0.949999988079071, 2.0, 2.0, 3.200000047683716, 3.200000047683716],
          [0.0, 0.8999999761581421, 0.0, 0.0, 1.0, 1.0],
          [1.0, 0.699999988079071, 0.0, 0.0, 1.0, 1.0],
          [0.0, 0.30000001192092896, 2.0, 2.0, 3.0, 3.0],
          [0.0, 0.009999999776482582, 5.0, 5.0, 6.0, 6.0], [-1.0, -1.0, -1.0, -1.0, -1.0, -1.0]]],
        [[[1.0, 0.949999988079071, 2.0, 2.0, 3.200000047683716, 3.200000047683716],
          [0.0, 0.8999999761581421, 0.0, 0.0, 1.0, 1.0],
          [1.0, 0.699999988079071, 0.0, 0.0, 1.0, 1.0],
          [0.0, 0.30000001192092896, 2.0, 2.0, 3.0, 3.0],
          [0.0, 0.009999999776482582, 5.0, 5.0, 6.0, 6.0], [-1.0, -1.0, -1.0, -1.0, -1.0, -1.0]]]]
IOU_A = [[0.0, 0.0, 2.0, 2.0], [1.0, 1.0, 3.0, 3.0],
         [0.5, 0.20000000298023224, 1.7000000476837158, 2.9000000953674316]]
IOU_B = [[1.0, 0.0, 2.0, 1.0], [0.0, 0.0, 1.0, 1.0]]
IOU_CORNER = [[0.25, 0.25], [0.0, 0.0], [0.15217392146587372, 0.1041666641831398]]
IOU_CENTER = [[0.20000000298023224, 0.25], [0.2222222238779068, 0.1111111119389534],
              [0.24193547666072845, 0.16732282936573029]]
# box_encode / box_decode / bipartite_matching, from MXNet 1.9.1
ANCHORS = [[[0, 0, 2, 2], [1, 1, 3, 4]]]
DEC_X = [[[0.1, -0.2, 0.3, 0.1], [0.5, 0.2, -0.1, 0.3]]]
DEC_STD = [[[-1.0418366, -1.0602013, 1.0818366, 0.9802013],
                   [-0.32029808, -1.0436732, 2.620298, 3.2036734]]]
DEC_CENTER_CLIP = [[[-0.8100502, -1.4100502, 1.2100502, 0.6100502],
                    [1.1427438, -0.2201004, 3.8572562, 3.8201003]]]
ENC_T = [[[2.5, 3.75, 0.0, 1.1157178], [0.0, 0.0, 0.0, 0.0]]]
ENC_M = [[[1, 1, 1, 1], [0, 0, 0, 0]]]
BM_SCORES = [[0.5, 0.6], [0.1, 0.2], [0.3, 0.4]]


def _f32(v):
    return np.array(v, np.float32)


@pytest.mark.parametrize("k", range(len(NMS_CASES)))
def test_box_nms_matches_mxnet(k):
    kw, want = NMS_CASES[k]
    got = C.box_nms(mx.nd.array([NMS_X]), **kw).asnumpy()
    assert got.shape == (1, 6, 6) and got.dtype == np.float32
    np.testing.assert_array_equal(got[0], _f32(want))


def test_box_nms_alias_and_leading_dims():
    x = np.array(NMS_X * 2, np.float32).reshape(2, 1, 6, 6)[:, :, ::-1].copy()
    got = C.box_non_maximum_suppression(mx.nd.array(x), id_index=0, overlap_thresh=0.1)
    np.testing.assert_array_equal(got.asnumpy(), _f32(NMS4))
    assert mx.nd._contrib_box_non_maximum_suppression is not None


def test_box_nms_gradient_follows_rows():
    x = mx.nd.array([NMS_X])
    x.attach_grad()
    with autograd.record():
        y = C.box_nms(x, valid_thresh=0.1, id_index=0)
    y.backward(mx.nd.arange(36).reshape((1, 6, 6)))
    np.testing.assert_array_equal(x.grad.asnumpy()[0], _f32(NMS_GRAD))


def test_box_nms_fused_backward_equals_vjp():
    x = mx.nd.array([NMS_X], dtype="float64")
    head = mx.nd.array(np.random.RandomState(1).uniform(-1, 1, (1, 6, 6)), dtype="float64")
    x.attach_grad()
    with autograd.record():
        y = C.box_nms(x, id_index=0, force_suppress=True)
    y.backward(head)
    fused = x.grad.asnumpy().copy()
    with autograd.record():
        y = C.box_nms(x, id_index=0, force_suppress=True)
        (g,) = autograd.grad(y, [x], head_grads=head, create_graph=True)
    np.testing.assert_array_equal(g.asnumpy(), fused)


def _nms_oracle(x, thresh, valid, topk, force, id_index, center):
    """Plain float64 NMS: sort by score (stable), greedy suppression, -1 padding."""
    out = np.full_like(x, -1.0)
    for b in range(x.shape[0]):
        rows = x[b]
        keep = [i for i in range(len(rows)) if rows[i, 1] > valid]
        keep = sorted(keep, key=lambda i: -rows[i, 1])[:topk]
        boxes = rows[:, 2:6].copy()
        if center:
            boxes = np.concatenate([boxes[:, :2] - boxes[:, 2:] / 2,
                                    boxes[:, :2] + boxes[:, 2:] / 2], axis=1)
        alive = list(keep)
        for p, i in enumerate(keep):
            if i not in alive:
                continue
            for j in keep[p + 1:]:
                if j not in alive or (not force and rows[i, 0] != rows[j, 0]):
                    continue
                w = max(0.0, min(boxes[i, 2], boxes[j, 2]) - max(boxes[i, 0], boxes[j, 0]))
                h = max(0.0, min(boxes[i, 3], boxes[j, 3]) - max(boxes[i, 1], boxes[j, 1]))
                area = lambda q: (q[2] - q[0]) * (q[3] - q[1])  # noqa: E731
                if w * h / (area(boxes[i]) + area(boxes[j]) - w * h) > thresh:
                    alive.remove(j)
        for r, i in enumerate(alive):
            out[b, r] = rows[i]
    return out


@pytest.mark.parametrize("force,center,topk", [(False, False, 40), (True, True, 9)])
def test_box_nms_random_against_oracle(force, center, topk):
    rng = np.random.RandomState(3)
    x = np.zeros((3, 40, 6))
    x[..., 0] = rng.randint(0, 3, (3, 40))
    x[..., 1] = rng.permutation(120).reshape(3, 40) / 120.0   # distinct scores
    x[..., 2:4] = rng.uniform(0, 4, (3, 40, 2))
    x[..., 4:6] = rng.uniform(0.2, 2, (3, 40, 2)) + (0 if center else x[..., 2:4])
    got = C.box_nms(mx.nd.array(x, dtype="float64"), overlap_thresh=0.4, valid_thresh=0.05,
                    topk=topk, id_index=0, force_suppress=force,
                    in_format="center" if center else "corner",
                    out_format="center" if center else "corner").asnumpy()
    want = _nms_oracle(x, np.float32(0.4), np.float32(0.05), topk, force, 0, center)
    np.testing.assert_array_equal(got, want)


def test_box_nms_float16_and_all_filtered():
    x = mx.nd.array([NMS_X], dtype="float16")
    got = C.box_nms(x, valid_thresh=0.1, id_index=0).asnumpy()
    assert got.dtype == np.float16
    np.testing.assert_array_equal(got[0], _f32(NMS_CASES[0][1]).astype(np.float16))
    none = C.box_nms(mx.nd.array([NMS_X]), valid_thresh=0.99).asnumpy()
    np.testing.assert_array_equal(none, -np.ones((1, 6, 6), np.float32))


def test_box_nms_errors():
    with pytest.raises(MXNetError, match="at least 5 elements.*5 provided, 6 expected"):
        C.box_nms(mx.nd.ones((2, 5)), id_index=0)
    with pytest.raises(MXNetError, match="score_index: 3 conflict with coordinates: \\(2, 5\\)"):
        C.box_nms(mx.nd.ones((2, 6)), score_index=3)
    with pytest.raises(MXNetError, match="'xyz', valid values are"):
        C.box_nms(mx.nd.ones((2, 6)), in_format="xyz")


def test_box_iou_matches_mxnet():
    a, b = mx.nd.array(IOU_A), mx.nd.array(IOU_B)
    np.testing.assert_array_equal(C.box_iou(a, b).asnumpy(), _f32(IOU_CORNER))
    np.testing.assert_array_equal(C.box_iou(a, b, format="center").asnumpy(), _f32(IOU_CENTER))
    got = C.box_iou(a.reshape((1, 3, 4)), b.reshape((2, 1, 4)))
    assert got.shape == (1, 3, 2, 1)
    np.testing.assert_array_equal(got.asnumpy().reshape(3, 2), _f32(IOU_CORNER))


def test_box_iou_float64_oracle_and_zero_grad():
    rng = np.random.RandomState(0)
    a = rng.uniform(0, 3, (5, 4))
    a[:, 2:] += a[:, :2]
    b = rng.uniform(0, 3, (4, 4))
    b[:, 2:] += b[:, :2]
    lo, hi = np.maximum(a[:, None, :2], b[None, :, :2]), np.minimum(a[:, None, 2:], b[None, :, 2:])
    w, h = np.clip(hi - lo, 0, None).transpose(2, 0, 1)
    ar = lambda q: (q[:, 2] - q[:, 0]) * (q[:, 3] - q[:, 1])  # noqa: E731
    want = w * h / (ar(a)[:, None] + ar(b)[None, :] - w * h)
    la, lb = mx.nd.array(a, dtype="float64"), mx.nd.array(b, dtype="float64")
    la.attach_grad()
    with autograd.record():
        y = C.box_iou(la, lb)
    y.backward()
    np.testing.assert_allclose(y.asnumpy(), want, rtol=1e-14)
    np.testing.assert_array_equal(la.grad.asnumpy(), np.zeros((5, 4)))
    with pytest.raises(MXNetError, match="last dimension of lhs must be 4 3 provided"):
        C.box_iou(mx.nd.ones((2, 3)), mx.nd.ones((2, 4)))


def test_box_decode_matches_mxnet():
    x, anc = mx.nd.array(DEC_X), mx.nd.array(ANCHORS)
    got = C.box_decode(x, anc, std0=0.1, std1=0.1, std2=0.2, std3=0.2)
    np.testing.assert_array_equal(got.asnumpy(), _f32(DEC_STD))
    got = C.box_decode(x, anc, format="center", clip=0.01)
    np.testing.assert_array_equal(got.asnumpy(), _f32(DEC_CENTER_CLIP))


def test_box_encode_matches_mxnet():
    t, m = C.box_encode(mx.nd.array([[1, 0]]), mx.nd.array([[1, 0]]), mx.nd.array(ANCHORS),
                        mx.nd.array([[[0, 0, 1, 1], [0.5, 0.5, 2.5, 3]]]),
                        mx.nd.array([0, 0, 0, 0]), mx.nd.array([0.1, 0.1, 0.2, 0.2]))
    np.testing.assert_array_equal(t.asnumpy(), _f32(ENC_T))
    np.testing.assert_array_equal(m.asnumpy(), _f32(ENC_M))


@pytest.mark.parametrize("kw,rows,cols", [
    ({"threshold": 1e-12}, [1, -1, 0], [2, 0]),
    ({"threshold": 1e-12, "topk": 1}, [1, -1, 0], [2, 0]),   # MXNet stops after topk + 1
    ({"threshold": 0.35, "is_ascend": True}, [-1, 0, -1], [1, -1]),
])
def test_bipartite_matching_matches_mxnet(kw, rows, cols):
    r, c = C.bipartite_matching(mx.nd.array(BM_SCORES), **kw)
    np.testing.assert_array_equal(r.asnumpy(), _f32(rows))
    np.testing.assert_array_equal(c.asnumpy(), _f32(cols))


def test_two_output_ops_have_zero_gradients():
    ins = [mx.nd.array(v, dtype="float64") for v in
           ([[1, 0]], [[1, 0]], ANCHORS, [[[0, 0, 1, 1], [0.5, 0.5, 2.5, 3]]], [0, 0, 0, 0],
            [0.1, 0.1, 0.2, 0.2], BM_SCORES)]
    for a in ins:
        a.attach_grad()
        a.grad[:] = 5
    with autograd.record():
        t, m = C.box_encode(*ins[:6])
        r, c = C.bipartite_matching(ins[6], threshold=0.1)
        z = t.sum() + m.sum() + r.sum() + c.sum()
    z.backward()
    for a in ins:
        assert np.all(a.grad.asnumpy() == 0)
