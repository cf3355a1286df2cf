"""`mx.nd.contrib.ctc_loss` / `mx.nd.contrib.CTCLoss`: MXNet's contrib names of the CTC loss.

>>> mx.nd.contrib.ctc_loss(mx.nd.zeros((2, 1, 3)), mx.nd.array([[1]]))
[1.0986123]
"""
from . import _api as nd

__all__ = ["ctc_loss", "CTCLoss"]


def ctc_loss(data=None, label=None, data_lengths=None, label_lengths=None, **kwargs):
    """The CTC loss per batch item (see `mx.nd.CTCLoss`)."""
    return nd._contrib_ctc_loss(data, label, data_lengths=data_lengths,
                                label_lengths=label_lengths, **kwargs)


def CTCLoss(data=None, label=None, data_lengths=None, label_lengths=None, **kwargs):
    """The CTC loss per batch item (see `mx.nd.CTCLoss`)."""
    return nd._contrib_CTCLoss(data, label, data_lengths=data_lengths,
                               label_lengths=label_lengths, **kwargs)
