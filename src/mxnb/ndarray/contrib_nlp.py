"""`mx.nd.contrib` attention and normalisation functions over the ops of ops/contrib_nlp.py:
the interleaved multi-head attention matmuls (GluonNLP's BERT and Transformer), SyncBatchNorm
and BatchNormWithReLU.

>>> qkv = mx.nd.ones((3, 2, 12))          # (seq, batch, heads * 3 * head_dim)
>>> att = mx.nd.contrib.interleaved_matmul_selfatt_qk(qkv, heads=2)
>>> att.shape, float(att[0, 0, 0].asscalar())
((4, 3, 3), 1.4142135381698608)
"""
from . import _api as nd

__all__ = ["interleaved_matmul_selfatt_qk", "interleaved_matmul_selfatt_valatt",
           "interleaved_matmul_encdec_qk", "interleaved_matmul_encdec_valatt",
           "SyncBatchNorm", "BatchNormWithReLU", "hawkesll"]


def interleaved_matmul_selfatt_qk(queries_keys_values=None, heads=None, out=None, name=None,
                                  **kwargs):
    """Self-attention scores q k^T / sqrt(head_dim), shape (batch*heads, seq, seq), from
    (seq, batch, heads*3*head_dim) projections laid out [q, k, v] per head.

    >>> s = mx.nd.contrib.interleaved_matmul_selfatt_qk(mx.nd.ones((2, 1, 3)), heads=1)
    >>> s.asnumpy().tolist()
    [[[1.0, 1.0], [1.0, 1.0]]]
    """
    return nd._contrib_interleaved_matmul_selfatt_qk(queries_keys_values, heads=heads, out=out,
                                                     **kwargs)


def interleaved_matmul_selfatt_valatt(queries_keys_values=None, attention=None, heads=None,
                                      out=None, name=None, **kwargs):
    """attention (batch*heads, seq, seq) times the values of interleaved (seq, batch,
    heads*3*head_dim) projections; output (seq, batch, heads*head_dim).

    >>> qkv = mx.nd.array([[[0, 0, 2]], [[0, 0, 3]]])
    >>> att = mx.nd.ones((1, 2, 2))
    >>> mx.nd.contrib.interleaved_matmul_selfatt_valatt(qkv, att, heads=1).asnumpy().tolist()
    [[[5.0]], [[5.0]]]
    """
    return nd._contrib_interleaved_matmul_selfatt_valatt(queries_keys_values, attention,
                                                         heads=heads, out=out, **kwargs)


def interleaved_matmul_encdec_qk(queries=None, keys_values=None, heads=None, out=None,
                                 name=None, **kwargs):
    """Encoder-decoder scores q k^T / sqrt(head_dim), shape (batch*heads, q_seq, kv_seq), from
    queries (q_seq, batch, heads*head_dim) and keys_values (kv_seq, batch, heads*2*head_dim)
    laid out [k, v] per head.

    >>> mx.nd.contrib.interleaved_matmul_encdec_qk(mx.nd.ones((1, 1, 4)), mx.nd.ones((3, 1, 8)),
    ...                                           heads=1).shape
    (1, 1, 3)
    """
    return nd._contrib_interleaved_matmul_encdec_qk(queries, keys_values, heads=heads, out=out,
                                                    **kwargs)


def interleaved_matmul_encdec_valatt(keys_values=None, attention=None, heads=None, out=None,
                                     name=None, **kwargs):
    """attention (batch*heads, q_seq, kv_seq) times the values of keys_values (kv_seq, batch,
    heads*2*head_dim); output (q_seq, batch, heads*head_dim).

    >>> mx.nd.contrib.interleaved_matmul_encdec_valatt(mx.nd.ones((3, 1, 8)),
    ...                                               mx.nd.ones((1, 2, 3)), heads=1).shape
    (2, 1, 4)
    """
    return nd._contrib_interleaved_matmul_encdec_valatt(keys_values, attention, heads=heads,
                                                        out=out, **kwargs)


def SyncBatchNorm(data=None, gamma=None, beta=None, moving_mean=None, moving_var=None, eps=1e-3,
                  momentum=0.9, fix_gamma=True, use_global_stats=False, output_mean_var=False,
                  ndev=1, key=None, out=None, name=None, **kwargs):
    """Batch normalisation over axis 1 (synchronised across `ndev` devices in MXNet; one
    process here). With output_mean_var it also returns the batch mean and biased variance.

    >>> x = mx.nd.array([[1., 2.], [3., 6.]])
    >>> with mx.autograd.record():
    ...     y = mx.nd.contrib.SyncBatchNorm(x, mx.nd.ones(2), mx.nd.zeros(2), mx.nd.zeros(2),
    ...                                     mx.nd.ones(2), key='bn0')
    >>> [[round(v, 4) for v in row] for row in y.asnumpy().tolist()]
    [[-0.9995, -0.9999], [0.9995, 0.9999]]
    """
    return nd._contrib_SyncBatchNorm(data, gamma, beta, moving_mean, moving_var, eps=eps,
                                     momentum=momentum, fix_gamma=fix_gamma,
                                     use_global_stats=use_global_stats,
                                     output_mean_var=output_mean_var, ndev=ndev, key=key,
                                     out=out, **kwargs)


def BatchNormWithReLU(data=None, gamma=None, beta=None, moving_mean=None, moving_var=None,
                      out=None, name=None, **kwargs):
    """relu(BatchNorm(data, ...)): BatchNorm's attributes (eps, momentum, fix_gamma,
    use_global_stats, output_mean_var, axis, ...) and extra outputs (mean, inverse std).

    >>> x = mx.nd.array([[1., -2.], [3., 6.]])
    >>> y = mx.nd.contrib.BatchNormWithReLU(x, mx.nd.ones(2), mx.nd.zeros(2), mx.nd.zeros(2),
    ...                                     mx.nd.ones(2))
    >>> [[round(v, 4) for v in row] for row in y.asnumpy().tolist()]
    [[0.9995, 0.0], [2.9985, 5.997]]
    """
    return nd._contrib_BatchNormWithReLU(data, gamma, beta, moving_mean, moving_var, out=out,
                                         **kwargs)


def hawkesll(lda=None, alpha=None, beta=None, state=None, lags=None, marks=None,
             valid_length=None, max_time=None, out=None, name=None, **kwargs):
    """Log-likelihood of K univariate Hawkes processes with exponential kernels on ragged
    sequences: lda (N, K) background intensities, alpha (K,) branching ratios, beta (K,)
    decays, state (N, K) the memory s_k(0), lags (N, T) interarrival times, marks (N, T)
    int32 process ids, valid_length (N,), max_time (N,). Returns [loglik (N,), state (N, K)].

    >>> ll, s = mx.nd.contrib.hawkesll(
    ...     mx.nd.ones((1, 1)), mx.nd.array([0.5]), mx.nd.array([1.]), mx.nd.zeros((1, 1)),
    ...     mx.nd.array([[1.]]), mx.nd.array([[0]], dtype='int32'), mx.nd.array([1.]),
    ...     mx.nd.array([2.]))
    >>> ll.shape, s.shape
    ((1,), (1, 1))
    """
    return nd._contrib_hawkesll(lda, alpha, beta, state, lags, marks, valid_length, max_time,
                                out=out, **kwargs)
