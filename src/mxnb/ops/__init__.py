"""The op table. Importing this package declares every op (pure Python; no numba)."""
from .registry import OPS, Op, register  # noqa: F401
from . import unary, binary, basic, views  # noqa: F401,E402
from . import reduce, linalg  # noqa: F401,E402
from . import nn, nn_softmax, nn_norm, nn_conv, nn_pool, nn_random  # noqa: F401,E402
from . import shape, tiling, slicing, indexing, ordering  # noqa: F401,E402
from . import compat, special, linalg_la  # noqa: F401,E402
from . import misc, image, random_pdf  # noqa: F401,E402
from . import spatial, im2col, ctc, correlation  # noqa: F401,E402
from . import detect, resample, roi, multibox  # noqa: F401,E402
from . import contrib_nlp  # noqa: F401,E402
from . import contrib_det, contrib_det_roi, contrib_det_rpn  # noqa: F401,E402
