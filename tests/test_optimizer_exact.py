"""Optimizer updates bit for bit against MXNet 1.9.1 (mxnb/kernels/optimizer_kernels.py).

REF: MXNet 1.9.1's outputs (the new weight, then each updated state; float32, float64 and
float16) for the inputs that `_inputs` builds: a NumPy RandomState stream scaled by exact powers of two, with zeros, signed
zeros, infinities, NaN, a float32 denormal and values beyond the clip bounds first. DIGESTS
are SHA-1 prefixes of the raw bytes (NaNs made one pattern) for 3000 elements per case;
SMALL are whole float32 results, as uint32 bit patterns, for the first 16 (the special
values), with clipping on and out=weight; BIG covers 300000 elements (the parallel loop).
STOF: the float32 that MXNet makes of a parameter given as str(value) (dmlc::stof).
"""
import hashlib

import numpy as np
import pytest

import mxnb as mx
from mxnb._dmlc_float import stof

SPECIAL = [0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.0, 0.5, -0.5, 3.0, -3.0, 1e-40, 3e38,
           -3e38, 2.0, 1e-30]

# op: (number of states, states that must be >= 0, three parameter sets)
OPS = {
    "sgd_update": (0, [], [
        dict(lr=0.1),
        dict(lr=0.05, wd=0.01, rescale_grad=1 / 3., clip_gradient=0.5),
        dict(lr=0.0123456789123, wd=0.0003, rescale_grad=1.2304113526906009, clip_gradient=0.0),
    ]),
    "sgd_mom_update": (1, [], [
        dict(lr=0.1, momentum=0.9),
        dict(lr=0.05, momentum=0.95, wd=0.01, rescale_grad=1 / 3., clip_gradient=0.5),
        dict(lr=0.0123456789123, momentum=0.8, wd=0.0003, rescale_grad=1.2304113526906009),
    ]),
    "nag_mom_update": (1, [], [
        dict(lr=0.1, momentum=0.9),
        dict(lr=0.05, momentum=0.95, wd=0.01, rescale_grad=1 / 3., clip_gradient=0.5),
        dict(lr=0.37, momentum=0.8, wd=0.0, rescale_grad=1.2304113526906009),
    ]),
    "adam_update": (2, [1], [
        dict(lr=0.001),
        dict(lr=0.01, beta1=0.8, beta2=0.99, epsilon=1e-06, wd=0.01, rescale_grad=1 / 3.,
             clip_gradient=1.0),
        dict(lr=0.0123456789123, beta1=0.85, beta2=0.9995, epsilon=0.001, wd=0.1,
             rescale_grad=0.7777777777),
    ]),
    "rmsprop_update": (1, [0], [
        dict(lr=0.001),
        dict(lr=0.01, gamma1=0.9, epsilon=1e-06, wd=0.01, rescale_grad=1 / 3., clip_gradient=1.0,
             clip_weights=2.5),
        dict(lr=0.0123456789123, gamma1=0.3333333, epsilon=0.001, wd=0.1,
             rescale_grad=0.7777777777, clip_weights=0.0),
    ]),
    "rmspropalex_update": (3, [0], [
        dict(lr=0.001),
        dict(lr=0.01, gamma1=0.9, gamma2=0.8, epsilon=1e-06, wd=0.01, rescale_grad=1 / 3.,
             clip_gradient=1.0, clip_weights=2.5),
        dict(lr=0.0123456789123, gamma1=0.3333333, gamma2=0.5, epsilon=0.001, wd=0.1,
             rescale_grad=0.7777777777),
    ]),
    "ftrl_update": (2, [1], [
        dict(lr=0.1),
        dict(lr=0.05, lamda1=0.02, beta=0.5, wd=0.01, rescale_grad=1 / 3., clip_gradient=1.0),
        dict(lr=0.0123456789123, lamda1=0.0, beta=2.0, wd=0.1, rescale_grad=0.7777777777),
    ]),
    "signsgd_update": (0, [], [
        dict(lr=0.1),
        dict(lr=0.05, wd=0.01, rescale_grad=1 / 3., clip_gradient=0.5),
        dict(lr=0.0123456789123, wd=0.3333333),
    ]),
    "signum_update": (1, [], [
        dict(lr=0.1, momentum=0.9),
        dict(lr=0.05, momentum=0.95, wd=0.01, rescale_grad=1 / 3., clip_gradient=0.5, wd_lh=0.01),
        dict(lr=0.0123456789123, momentum=0.8, wd=0.0003, rescale_grad=1.2304113526906009,
             wd_lh=0.3333333),
    ]),
}

DIGESTS = {('adam_update', 'float16', 0, False): '4aa286f7e4f7f333',
 ('adam_update', 'float16', 0, True): '4aa286f7e4f7f333',
 ('adam_update', 'float16', 1, False): '7d952abba0139ecd',
 ('adam_update', 'float16', 1, True): '7d952abba0139ecd',
 ('adam_update', 'float16', 2, False): '25ece9793601cca5',
 ('adam_update', 'float16', 2, True): '25ece9793601cca5',
 ('adam_update', 'float32', 0, False): '1b628fd6c787e334',
 ('adam_update', 'float32', 0, True): '1b628fd6c787e334',
 ('adam_update', 'float32', 1, False): '1845e2a4e15e0123',
 ('adam_update', 'float32', 1, True): '1845e2a4e15e0123',
 ('adam_update', 'float32', 2, False): '016e13e4de94ea61',
 ('adam_update', 'float32', 2, True): '016e13e4de94ea61',
 ('adam_update', 'float64', 0, False): 'b342ffcc599f3326',
 ('adam_update', 'float64', 0, True): 'b342ffcc599f3326',
 ('adam_update', 'float64', 1, False): 'b9fc51f0bedd9f23',
 ('adam_update', 'float64', 1, True): 'b9fc51f0bedd9f23',
 ('adam_update', 'float64', 2, False): 'da73d97e365fa999',
 ('adam_update', 'float64', 2, True): 'da73d97e365fa999',
 ('ftrl_update', 'float16', 0, False): 'f73bd4145198ee0e',
 ('ftrl_update', 'float16', 0, True): 'f73bd4145198ee0e',
 ('ftrl_update', 'float16', 1, False): 'c23f27110b2d6bc8',
 ('ftrl_update', 'float16', 1, True): 'c23f27110b2d6bc8',
 ('ftrl_update', 'float16', 2, False): 'fc5e3a2e2a437ec9',
 ('ftrl_update', 'float16', 2, True): 'fc5e3a2e2a437ec9',
 ('ftrl_update', 'float32', 0, False): '902d54101465c4ee',
 ('ftrl_update', 'float32', 0, True): '902d54101465c4ee',
 ('ftrl_update', 'float32', 1, False): '20e1238950218d48',
 ('ftrl_update', 'float32', 1, True): '20e1238950218d48',
 ('ftrl_update', 'float32', 2, False): 'ff827ef3255cde13',
 ('ftrl_update', 'float32', 2, True): 'ff827ef3255cde13',
 ('ftrl_update', 'float64', 0, False): '5899e9744c227855',
 ('ftrl_update', 'float64', 0, True): '5899e9744c227855',
 ('ftrl_update', 'float64', 1, False): '2d8e7e3c1cd097b7',
 ('ftrl_update', 'float64', 1, True): '2d8e7e3c1cd097b7',
 ('ftrl_update', 'float64', 2, False): '6f7a2694efdbb514',
 ('ftrl_update', 'float64', 2, True): '6f7a2694efdbb514',
 ('nag_mom_update', 'float16', 0, False): '53ba370b656c8c21',
 ('nag_mom_update', 'float16', 0, True): '425b1d8a3085b232',
 ('nag_mom_update', 'float16', 1, False): '35c6ec5f4d287c07',
 ('nag_mom_update', 'float16', 1, True): '8ac18fb213d62384',
 ('nag_mom_update', 'float16', 2, False): '759a6031d149e433',
 ('nag_mom_update', 'float16', 2, True): 'f624affff9a9a21f',
 ('nag_mom_update', 'float32', 0, False): '54b84efe4623d4a6',
 ('nag_mom_update', 'float32', 0, True): 'fb6394fbff688306',
 ('nag_mom_update', 'float32', 1, False): '22707be4a3a33c70',
 ('nag_mom_update', 'float32', 1, True): '6dbb5c1735b4949c',
 ('nag_mom_update', 'float32', 2, False): '1456ee0672358c07',
 ('nag_mom_update', 'float32', 2, True): '77a30ec5b657fbea',
 ('nag_mom_update', 'float64', 0, False): '5f74248c7849e0f3',
 ('nag_mom_update', 'float64', 0, True): 'd595c7da10cfd74c',
 ('nag_mom_update', 'float64', 1, False): 'e2f1f5020da37c7e',
 ('nag_mom_update', 'float64', 1, True): 'e19acb9f787c9c1a',
 ('nag_mom_update', 'float64', 2, False): '9d603d12190ddb4e',
 ('nag_mom_update', 'float64', 2, True): '6d0841786fa455a1',
 ('rmsprop_update', 'float16', 0, False): '997b98b3299ad2e2',
 ('rmsprop_update', 'float16', 0, True): '997b98b3299ad2e2',
 ('rmsprop_update', 'float16', 1, False): 'a7e1621627ee6ed8',
 ('rmsprop_update', 'float16', 1, True): 'a7e1621627ee6ed8',
 ('rmsprop_update', 'float16', 2, False): 'd200096f3ef276fa',
 ('rmsprop_update', 'float16', 2, True): 'd200096f3ef276fa',
 ('rmsprop_update', 'float32', 0, False): '8fbd99f4102d7bef',
 ('rmsprop_update', 'float32', 0, True): '8fbd99f4102d7bef',
 ('rmsprop_update', 'float32', 1, False): 'e682b18be897e6b1',
 ('rmsprop_update', 'float32', 1, True): 'e682b18be897e6b1',
 ('rmsprop_update', 'float32', 2, False): 'b775cd9a2e7389bf',
 ('rmsprop_update', 'float32', 2, True): 'b775cd9a2e7389bf',
 ('rmsprop_update', 'float64', 0, False): '38cace69332cf5b0',
 ('rmsprop_update', 'float64', 0, True): '38cace69332cf5b0',
 ('rmsprop_update', 'float64', 1, False): '09b9041905713aa4',
 ('rmsprop_update', 'float64', 1, True): '09b9041905713aa4',
 ('rmsprop_update', 'float64', 2, False): 'f3a6028d15fdde28',
 ('rmsprop_update', 'float64', 2, True): 'f3a6028d15fdde28',
 ('rmspropalex_update', 'float16', 0, False): 'a57a95445e3c42f2',
 ('rmspropalex_update', 'float16', 0, True): 'a57a95445e3c42f2',
 ('rmspropalex_update', 'float16', 1, False): '7076d841c4c366a5',
 ('rmspropalex_update', 'float16', 1, True): '7076d841c4c366a5',
 ('rmspropalex_update', 'float16', 2, False): '5de531cbafc6c379',
 ('rmspropalex_update', 'float16', 2, True): '5de531cbafc6c379',
 ('rmspropalex_update', 'float32', 0, False): '7db20a5cd6551991',
 ('rmspropalex_update', 'float32', 0, True): '7db20a5cd6551991',
 ('rmspropalex_update', 'float32', 1, False): '96bb3e6098278c52',
 ('rmspropalex_update', 'float32', 1, True): '96bb3e6098278c52',
 ('rmspropalex_update', 'float32', 2, False): 'f08be1f177695655',
 ('rmspropalex_update', 'float32', 2, True): 'f08be1f177695655',
 ('rmspropalex_update', 'float64', 0, False): '716951520aa8e2f5',
 ('rmspropalex_update', 'float64', 0, True): '716951520aa8e2f5',
 ('rmspropalex_update', 'float64', 1, False): '032c0e3f8147d1b6',
 ('rmspropalex_update', 'float64', 1, True): '032c0e3f8147d1b6',
 ('rmspropalex_update', 'float64', 2, False): 'b6fcea008bc3612c',
 ('rmspropalex_update', 'float64', 2, True): 'b6fcea008bc3612c',
 ('sgd_mom_update', 'float16', 0, False): 'd14a0d1aafa84c6b',
 ('sgd_mom_update', 'float16', 0, True): 'd14a0d1aafa84c6b',
 ('sgd_mom_update', 'float16', 1, False): '46602d907c10c197',
 ('sgd_mom_update', 'float16', 1, True): '46602d907c10c197',
 ('sgd_mom_update', 'float16', 2, False): '0e25596a46f0233a',
 ('sgd_mom_update', 'float16', 2, True): '0e25596a46f0233a',
 ('sgd_mom_update', 'float32', 0, False): '9527aaf4f9c80da3',
 ('sgd_mom_update', 'float32', 0, True): '9527aaf4f9c80da3',
 ('sgd_mom_update', 'float32', 1, False): 'c58f7793a8b81760',
 ('sgd_mom_update', 'float32', 1, True): 'c58f7793a8b81760',
 ('sgd_mom_update', 'float32', 2, False): '1fdbb8b76bc2a3f7',
 ('sgd_mom_update', 'float32', 2, True): '1fdbb8b76bc2a3f7',
 ('sgd_mom_update', 'float64', 0, False): '569e2957673f2b5b',
 ('sgd_mom_update', 'float64', 0, True): '569e2957673f2b5b',
 ('sgd_mom_update', 'float64', 1, False): 'eb91e53e25d6ee84',
 ('sgd_mom_update', 'float64', 1, True): 'eb91e53e25d6ee84',
 ('sgd_mom_update', 'float64', 2, False): 'fc477a4b6ba8e2b3',
 ('sgd_mom_update', 'float64', 2, True): 'fc477a4b6ba8e2b3',
 ('sgd_update', 'float16', 0, False): '7b30648659ebdb3d',
 ('sgd_update', 'float16', 0, True): '7b30648659ebdb3d',
 ('sgd_update', 'float16', 1, False): '174cab14d73013f7',
 ('sgd_update', 'float16', 1, True): '174cab14d73013f7',
 ('sgd_update', 'float16', 2, False): '30468dcfb8d7f23c',
 ('sgd_update', 'float16', 2, True): '30468dcfb8d7f23c',
 ('sgd_update', 'float32', 0, False): '3262b8d2d1fbd0a3',
 ('sgd_update', 'float32', 0, True): '3262b8d2d1fbd0a3',
 ('sgd_update', 'float32', 1, False): 'd8a038bac383c59b',
 ('sgd_update', 'float32', 1, True): 'd8a038bac383c59b',
 ('sgd_update', 'float32', 2, False): '8ee686d3909f5199',
 ('sgd_update', 'float32', 2, True): '8ee686d3909f5199',
 ('sgd_update', 'float64', 0, False): '26011bd8b171e82f',
 ('sgd_update', 'float64', 0, True): '26011bd8b171e82f',
 ('sgd_update', 'float64', 1, False): 'a426c5b469fcb2d2',
 ('sgd_update', 'float64', 1, True): 'a426c5b469fcb2d2',
 ('sgd_update', 'float64', 2, False): '246d4927709f8368',
 ('sgd_update', 'float64', 2, True): '246d4927709f8368',
 ('signsgd_update', 'float16', 0, False): '4146b10d53fe116c',
 ('signsgd_update', 'float16', 0, True): '4146b10d53fe116c',
 ('signsgd_update', 'float16', 1, False): '7cea8a5bd3fdff01',
 ('signsgd_update', 'float16', 1, True): '7cea8a5bd3fdff01',
 ('signsgd_update', 'float16', 2, False): '35a5a44166874962',
 ('signsgd_update', 'float16', 2, True): '35a5a44166874962',
 ('signsgd_update', 'float32', 0, False): '3464c364cdf02ecb',
 ('signsgd_update', 'float32', 0, True): '3464c364cdf02ecb',
 ('signsgd_update', 'float32', 1, False): 'd9838a5b5342c00d',
 ('signsgd_update', 'float32', 1, True): 'd9838a5b5342c00d',
 ('signsgd_update', 'float32', 2, False): '5b84b7da81f307d4',
 ('signsgd_update', 'float32', 2, True): '5b84b7da81f307d4',
 ('signsgd_update', 'float64', 0, False): '24ba3796f2083be2',
 ('signsgd_update', 'float64', 0, True): '24ba3796f2083be2',
 ('signsgd_update', 'float64', 1, False): '88e1a5f18a7666b2',
 ('signsgd_update', 'float64', 1, True): '88e1a5f18a7666b2',
 ('signsgd_update', 'float64', 2, False): '14d3f6a8b18ad6fa',
 ('signsgd_update', 'float64', 2, True): '14d3f6a8b18ad6fa',
 ('signum_update', 'float16', 0, False): '1aa8aed1985d71cc',
 ('signum_update', 'float16', 0, True): '1aa8aed1985d71cc',
 ('signum_update', 'float16', 1, False): 'fd901ad1eb17d0b7',
 ('signum_update', 'float16', 1, True): 'fd901ad1eb17d0b7',
 ('signum_update', 'float16', 2, False): '462f33256c0e9910',
 ('signum_update', 'float16', 2, True): '462f33256c0e9910',
 ('signum_update', 'float32', 0, False): '4ef945da9a8b0557',
 ('signum_update', 'float32', 0, True): '4ef945da9a8b0557',
 ('signum_update', 'float32', 1, False): '68fcf34eb8fcbda0',
 ('signum_update', 'float32', 1, True): '68fcf34eb8fcbda0',
 ('signum_update', 'float32', 2, False): 'e6df3fcb773e30db',
 ('signum_update', 'float32', 2, True): 'e6df3fcb773e30db',
 ('signum_update', 'float64', 0, False): 'ffa381a3fc2f826a',
 ('signum_update', 'float64', 0, True): 'ffa381a3fc2f826a',
 ('signum_update', 'float64', 1, False): 'ce21d76366a9f01a',
 ('signum_update', 'float64', 1, True): 'ce21d76366a9f01a',
 ('signum_update', 'float64', 2, False): 'faee8ca423b179ec',
 ('signum_update', 'float64', 2, True): 'faee8ca423b179ec'}
SMALL = {'adam_update': [[1024842822, 3136768493, 2139095040, 4286578688, 2143289344, 1065353216,
                  3212836864, 2143289344, 4286578688, 2139095040, 2143289344, 71362, 2137108966,
                  2143289344, 1073758517, 3168075239],
                 [3223742055, 1040746632, 2134150738, 4281634386, 2143289344, 1045220556,
                  3192704204, 2143289344, 2139095040, 4286578688, 2143289344, 1061438532,
                  3206125978, 1045220558, 3200958595, 1076258407],
                 [1057048494, 1056945967, 1077852242, 1077852242, 2143289344, 2136961055,
                  2136961055, 2143289344, 982338708, 980497294, 960747963, 2139095040, 2139095040,
                  2143289344, 1065185511, 1065353216]],
 'ftrl_update': [[1038891648, 3165906684, 4290772992, 4290772992, 2143289344, 2639642915, 492159267,
                  2143289344, 4286578688, 2139095040, 2143289344, 4290772992, 4290772992,
                  2143289344, 1015220032, 3184843341],
                 [3229614080, 1059760811, 4290772992, 4290772992, 2143289344, 1065353216,
                  3212836864, 2143289344, 2139095040, 4286578688, 2143289344, 4290772992,
                  4290772992, 2143289344, 3204448256, 1082130432],
                 [1069547520, 1064421149, 1077936128, 1077936128, 71362, 2137108966, 2137108966,
                  2143289344, 1038323258, 1038323258, 1021546042, 2139095040, 2139095040,
                  2143289344, 1065353216, 1073741824]],
 'nag_mom_update': [[3223988470, 3175591445, 4290772992, 4290772992, 2143289344, 1064518969,
                     3212002617, 2143289344, 4290772992, 4290772992, 2143289344, 1063990067,
                     2137094545, 4284578193, 1069940106, 1076504822],
                    [3224680197, 3167525295, 4290772992, 4290772992, 2143289344, 3167793469,
                     1020309821, 2143289344, 4290772992, 4290772992, 2143289344, 1064646458,
                     4192658146, 2045174498, 3203635346, 1077196549]],
 'rmsprop_update': [[1002689412, 3170993794, 1075838976, 3223322624, 2143289344, 1064822677,
                     3212306325, 2143289344, 3204448256, 1075838976, 2143289344, 988146263,
                     1075838976, 3223322624, 1073739323, 3150173060],
                    [1077097266, 1026952036, 2135629851, 2135629851, 2143289344, 1036831952,
                     1036831952, 2143289344, 2139095040, 2139095040, 2143289344, 1063722097,
                     1065353216, 1057803469, 1055288228, 1077097266]],
 'rmspropalex_update': [[2143289344, 4290772992, 1075838976, 3223322624, 2143289344, 4290772992,
                         4290772992, 2143289344, 1075838976, 3223322624, 2143289344, 4290772992,
                         4290772992, 2143289344, 4290772992, 3223322624],
                        [1077097266, 1026952036, 2135629851, 2135629851, 2143289344, 1036831952,
                         1036831952, 2143289344, 2139095040, 2139095040, 2143289344, 1063722097,
                         1065353216, 1057803469, 1055288228, 1077097266],
                        [1051931442, 3200533571, 1077097266, 3224580914, 2143289344, 2135629851,
                         4283113499, 2143289344, 1023835201, 3170401697, 1012918827, 2139095040,
                         4286578688, 2143289344, 1063709048, 3209481420],
                        [2143289344, 4290772992, 3209481421, 1053609165, 2143289344, 4290772992,
                         4290772992, 2143289344, 2134150738, 4281634386, 2143289344, 4290772992,
                         4290772992, 2143289344, 4290772992, 4286578688]],
 'sgd_mom_update': [[3224685772, 3167538381, 4290772992, 4290772992, 2143289344, 1064925397,
                     3212409045, 2143289344, 2139095040, 4286578688, 2143289344, 1064654165,
                     2137101570, 4284585218, 1069748847, 1077202124],
                    [3224685772, 3167538381, 4286578688, 2139095040, 2143289344, 3167806816,
                     1020323168, 2143289344, 2139095040, 4286578688, 2143289344, 1064654165,
                     4192672914, 2045189266, 3203642949, 1077202124]],
 'sgd_update': [[1020054733, 3167538381, 2139095040, 4286578688, 2143289344, 1064925397, 3212409045,
                 2143289344, 3204723682, 1077999741, 3225448437, 1007192201, 2137101570, 4284585218,
                 1073733435, 3167538381]],
 'signsgd_update': [[1028443341, 3175926989, 2139095040, 4286578688, 2143289344, 1064505966,
                     3211989614, 1056956219, 3205282922, 1078139551, 3225623199, 1028443341,
                     2137101570, 4284585218, 1073314005, 3175926989]],
 'signum_update': [[3175926989, 3175926989, 2139095040, 4286578688, 2143289344, 1064505966,
                    3211989614, 1056956219, 3202762145, 1077720121, 3225413484, 1028443341,
                    2137101570, 4284585218, 1073314005, 1028443341],
                   [3224685772, 3167538384, 4286578688, 2139095040, 2143289344, 3167806820,
                    1020323172, 2143289344, 2139095040, 4286578688, 2143289344, 1064654165,
                    4192672916, 2045189268, 3203642949, 1077202124]]}
BIG = {'adam_update': '25882e21b3b7d7e9', 'sgd_mom_update': '6951da50e0984c13'}


def _inputs(seed, n, dt, nstates, pos):
    """weight, grad, states (float64 draws rounded once to dt; powers of two keep them exact)."""
    r = np.random.RandomState(seed)
    span = {np.float32: 20, np.float64: 60}.get(dt, 8)
    out = []
    for j in range(2 + nstates):
        v = r.randn(n) * np.ldexp(1.0, r.randint(-span, span, n))
        v = np.where(r.rand(n) < 0.5, r.randn(n), v)  # half of ordinary size
        v[:len(SPECIAL)] = np.roll(SPECIAL, 3 * j)
        with np.errstate(over="ignore"):  # +-3e38 is inf in float16
            v = v.astype(dt)
        if j - 2 in pos:
            v = np.abs(v)
        out.append(v)
    return out


def _digest(arrays):
    h = hashlib.sha1()
    for a in arrays:
        a = np.where(np.isnan(a), a.dtype.type(np.nan), a)
        h.update(np.ascontiguousarray(a).view(np.uint8).tobytes())
    return h.hexdigest()[:16]


def _run(op, dt, kw, n, seed, alias):
    ns, pos, _ = OPS[op]
    w, g, *st = _inputs(seed, n, dt, ns, pos)
    W, G = mx.nd.array(w, dtype=dt), mx.nd.array(g, dtype=dt)
    S = [mx.nd.array(s, dtype=dt) for s in st]
    with np.errstate(all="ignore"):
        if alias:
            o = getattr(mx.nd, op)(W, G, *S, out=W, **kw)
            assert o is W
        else:
            o = getattr(mx.nd, op)(W, G, *S, **kw)
            assert W.asnumpy().tobytes() == w.tobytes()  # the weight is left alone
    return [o.asnumpy()] + [s.asnumpy() for s in S]


@pytest.mark.parametrize("op", sorted(OPS))
def test_bit_exact_against_mxnet(op):
    bad = []
    for dt in (np.float32, np.float64, np.float16):
        for k, kw in enumerate(OPS[op][2]):
            for alias in (False, True):
                if _digest(_run(op, dt, kw, 3000, 7 + k, alias)) != DIGESTS[(op, np.dtype(dt).name,
                                                                            k, alias)]:
                    bad.append((np.dtype(dt).name, kw, alias))
    assert not bad, bad


def _bits(a):
    a = np.where(np.isnan(a), np.float32(np.nan), a).astype(np.float32)
    return a.view(np.uint32).tolist()


@pytest.mark.parametrize("op", sorted(OPS))
def test_special_values_bit_exact(op):
    want = [np.array(b, np.uint32).view(np.float32) for b in SMALL[op]]
    have = _run(op, np.float32, OPS[op][2][1], 16, 3, True)
    for w_, h in zip(want, have):
        assert _bits(h) == _bits(w_), (w_.tolist(), h.tolist())


@pytest.mark.parametrize("op", sorted(BIG))
def test_large_arrays_bit_exact(op):
    assert _digest(_run(op, np.float32, OPS[op][2][1], 300000, 11, True)) == BIG[op]


def test_adam_against_float64_formula():
    """The kernel computes Adam (not just the same bits as MXNet): NumPy float64 oracle."""
    r = np.random.RandomState(0)
    w, g, m, v = r.randn(4, 1000)
    v = np.abs(v)
    W, G, M, V = (mx.nd.array(a) for a in (w, g, m, v))
    mx.nd.adam_update(W, G, M, V, out=W, lr=0.01, beta1=0.8, beta2=0.99, epsilon=1e-3, wd=0.1,
                      rescale_grad=0.5, clip_gradient=0.3)
    gr = np.clip(0.5 * g + 0.1 * w, -0.3, 0.3)
    m = 0.8 * m + 0.2 * gr
    v = 0.99 * v + 0.01 * gr * gr
    np.testing.assert_allclose(M.asnumpy(), m, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(V.asnumpy(), v, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(W.asnumpy(), w - 0.01 * m / (np.sqrt(v) + 1e-3), rtol=1e-5,
                               atol=1e-6)


def test_mixed_dtypes_fail_as_in_mxnet():
    """Mixed dtypes go to the composed path, which fails as MXNet does; one dtype updates."""
    w = mx.nd.array([1.0, 2.0])
    with pytest.raises(mx.MXNetError):
        mx.nd.sgd_mom_update(w, mx.nd.array([0.5, -1.0]), mx.nd.zeros((2,), dtype="float64"),
                             lr=0.1, momentum=0.9, out=w)
    m = mx.nd.zeros((2,))
    mx.nd.sgd_mom_update(w, mx.nd.array([0.5, -1.0]), m, lr=0.1, momentum=0.9, out=w)
    np.testing.assert_allclose(w.asnumpy(), [0.95, 2.1], rtol=1e-6)
    np.testing.assert_allclose(m.asnumpy(), [-0.05, 0.1], rtol=1e-6)


def test_mxnet_parameter_parsing():
    for s, want in STOF:
        assert float(stof(s)) == float.fromhex(want), s
    for s in ("2e-39", "1e+39", "8.066296651536666e-41"):
        with pytest.raises(OverflowError):
            stof(s)
    with pytest.raises(mx.MXNetError, match="Out of range value for lr"):
        mx.nd.sgd_update(mx.nd.ones((2,)), mx.nd.ones((2,)), lr=1e-45)
    # the parsed value, not np.float32(value), is what the update uses
    w = mx.nd.sgd_update(mx.nd.zeros((1,)), mx.nd.ones((1,)), lr=1.2304113526906009)
    assert float(w.asnumpy()[0]) == -1.2304112911224365


def test_states_update_in_place_and_errors():
    w, g, m = mx.nd.ones((3,)), mx.nd.ones((3,)), mx.nd.zeros((3,))
    m_buf = m._data
    r = mx.nd.sgd_mom_update(w, g, m, lr=0.5, momentum=0.9)
    assert m._data is m_buf and m.asnumpy().tolist() == [-0.5] * 3
    assert r.asnumpy().tolist() == [0.5] * 3 and w.asnumpy().tolist() == [1.0] * 3
    with pytest.raises(mx.MXNetError, match="lr"):
        mx.nd.adam_update(w, g, m, m)
    with pytest.raises(AssertionError):
        mx.nd.sgd_update(w, [1.0, 2.0, 3.0], lr=0.1)



STOF = [
    ('1.2304113526906009', '0x1.3afc3c0000000p+0'),
    ('4.329305855133809e-34', '0x1.1fbb500000000p-111'),
    ('5.831126288435888e+35', '0x1.c136b20000000p+118'),
    ('2.310328751730122e+31', '0x1.239abe0000000p+104'),
    ('5.2544948107749026e-33', '0x1.b486bc0000000p-108'),
    ('1.045602064421326e-25', '0x1.02e0e60000000p-83'),
    ('4.696664849381693e+23', '0x1.8dd2ae0000000p+78'),
    ('9.38242093342152e-22', '0x1.1b90f60000000p-70'),
    ('8.898989854429452e+17', '0x1.8b31cc0000000p+59'),
    ('7.861273781970614e-27', '0x1.376ac80000000p-87'),
    ('4.616615406840934e-27', '0x1.6dc4140000000p-88'),
    ('9.738624473422608e-15', '0x1.5edef60000000p-47'),
    ('3.7086276645231753e-28', '0x1.d61fd80000000p-92'),
    ('8.861342928279523e-14', '0x1.8f14560000000p-44'),
    ('2.2027202611951347e-05', '0x1.718e1c0000000p-16'),
    ('0.3333333333333333', '0x1.5555560000000p-2'),
    ('0.1', '0x1.99999a0000000p-4'),
    ('1e-08', '0x1.5798ee0000000p-27'),
    ('1e-20', '0x1.79ca100000000p-67'),
    ('0.37', '0x1.7ae1480000000p-2'),
    ('123456789.123', '0x1.d6f3460000000p+26'),
    ('1e+30', '0x1.93e5940000000p+99'),
    ('3.4e+38', '0x1.ff93400000000p+127'),
    ('1.2e-38', '0x1.05563c0000000p-126'),
    ('5', '0x1.4000000000000p+2'),
    ('0.999', '0x1.ff7cee0000000p-1'),
    ('0.14285714285714285', '0x1.24924a0000000p-3'),
]
