"""The optimizer updates of optimizer_ops2 / optimizer_multi / contrib_optim against MXNet 1.9.1.

DIGESTS: for each case of tests/optimizer_more_cases.py (every op, float16/float32/float64
where MXNet takes them, several parameter sets, out=weight and a fresh output, special values
first: zeros, infinities, NaN, denormals, values beyond the clip bounds), the SHA-1 prefix of
MXNet 1.9.1's results: the returned arrays, then every array argument after the call (the
updated states), NaNs made one pattern. PINS: whole results of small cases as hex floats.
"""
import hashlib

import numpy as np
import pytest

import mxnb as mx
import optimizer_more_cases as C

DIGESTS = [
    '391c4f3fc80abae0', '61ee2c9c4fe1a72b', '234a0ade4ba023f1', '916e50b880de9d0e',
    'efc6a006dc97fd8f', 'ada37e492bc22288', 'd573910c241f0838', '9a52e68f518d6d46',
    'f8f27819ee6257f2', 'f81adf686efcd151', '36892d02f7878363', '0191439099ee9728',
    'dcc122963a9ffbde', 'c9957e7e1339229b', '52844e179a7ece94', '90bb6b71a0446dfb',
    'f2d605062eb94e64', '11209d8bddc500cb', '3c93789735cac790', '63d0472e729366a7',
    '57ef7c165c7c39c2', '961f4ffef52853a0', '7874ad0053754a24', '58026b35c514204e',
    'ca6573fffea57079', '0a66dc424642e777', 'b321f5085e0cfe8a', '7865e80f117b8104',
    '9a6fcf301fe8f4f8', '4028760c1895d0c1', 'b8c541613ad93887', '3b98c1314828a7c6',
    '49703c81daa0d30e', 'f50dd6691cabde4d', '959892a5e646a652', '28b5f5949ea0863f',
    '773b5338ac7cee7e', 'bf4dce8e90ae264b', '98df1b24b4ed6225', 'f37210f7e0af2e65',
    '8d7405b1339c94fc', '17cae7b3bcbf7d56', '8128b827fb61db2a', '06adc9905bc91895',
    'e655f9e3cda848d0', '2097da548542dfc1', 'baea0776e965c8e5', '8be7140850d0a8e2',
    '1e17f02d8ce5c4aa', '308c741667219a65', '5974cfa28393f7a5', '10b719d16dde7cc1',
    '589c539f68a51826', '1144848e31aa709a', 'c50a6f5fbd8ce665', '9ed465488ae06de4',
    '6cdb02285dceadcc', '2719abfb6501b25e', '8a04e7459e0f7497', '4282f6bf90cefe97',
    '5b3e2397a312e468', 'd9e3776742266396', 'c0469cf569850f8f', 'ecb920a07ad43af3',
    '79fc52dc10736626', '71a8a4cd487abeb1', '49d49562b84bc17f', 'a2c1a3facf2caa95',
    '5e330d2262d01086', 'fb8a51aa2d5df5e5', '8f35687df0c2be1f', 'a12d33e16d21048a',
    '7ed36152a222fd72', '0d3ab098e30bc710', '8c31eb580af080ec', '1b2693444a0a6564',
    '6c9edf465c7bbbf0', '7da00235f72a050e', '616f6331aae70cea', 'c092d621d55fc20e',
    '2e043498266a82d5', '7aa76965d205e099', '1c9b114289e37129', 'a35406c2d1c92521',
    '1ae4946b60645a5a', 'be448a81a9f15a37', 'cd663e2f95ade9a8', '35b25abe07c2cac3',
    '45e344359cd8ad22', 'e5d6df51088b6be5', '368b8a9aa9c718bd', '913921bd1b77b416',
    'e6165d9c6c6a1229', 'cf0273232f989297', 'dbe87786a259a254', '2e302b9421b14e8c',
    'abc29722f7a24fcf', '51f9a9a936590d73', 'e5632e42b78668cd', '2cc2ceb373226242',
    'f78f21f5bb7dc73d', '12e154f87f213d42', '92e2774890a9001c', '41c7d4c47acf0ce7',
    '1c3b48d1453ed930', 'fd01193150ba213c', '92f8d13156ded16e', '9ae84b9d0836a782',
    '41eea46b912f4142', '8886513dd2c9b938', 'cd81f46d2298e97b', '4e125b9d0db23174',
    '7900899a3236bd1a', 'cf7266df578ba63b', '966d09486d7d951c', '33cd90399287ae29',
    'f5b750f9ad9b28e2', 'a6949f9fb5e49397', '332d0cc438f9054d', '4ca4ea4b877498f2',
    '8e9f1ae4944525de', '02378c7e78501b83', 'e9e26115022531e1', '2aa716c16c34ad8b',
    '3229fb8d5e5e29a5', '2ba714413ec8de71', '9280547dcfe99d7b', '81f0b3820ba61d24',
    '4fa5284f33465df8', '1ce422bfaf63089d', 'deb3105e23ab9c74', '919b2df75dc230b6',
    '5bb47732d4ce614a', '10372f370a555b72', 'd739f5cb16b690de', '0c35816d91439f4f',
    'c84e7875c1bee471', 'b892547e0b9324e3', 'f385a240fd6e7eae', '46113e9eade15c41',
    '98598a0272d7149d', '1797239cf1bf18a8', '57ab06aef21cb067', 'c1f5a9f863ac2501',
    '45bf467cb9677b27', '70f52bf9a97e3498', '451a8b9b32ac4c0c', 'bfbb5ed8c0e59ce3',
    '2e4983e344c42bc9', '284ad4a5e6ed132d', '46d3c3e947bd1101', '72b356ef9e56f981',
    'c7b2a09c41d9e071', '266965ce9f2bf357', '306f4e7fa76b3e2a', '78d8bb9c2812fc62',
    '8a831e0ed07794b7', 'fb18c582c7283e37', 'abed4156629bc8f4', 'b2791e124d5f785f',
    '87a6808f24e26241', '12d6efba83eb0a8a', '2dafd0a7047aef24', '2b7ee619b69baa02',
    '731243287dd314e3', '6e050a1ae7191600', 'a0665fe835b0c69f', 'e3ab826d874996c1',
    'fcb9f93efe316f88', 'f25809acd0f8d159', '336a2da31eddd25f', 'cfec0e686c4f4a7c',
    '61b240cfe5c2efe1', '666af8e3c94e83b0', 'ef787caa554b4ad3', '87425a379e24678f',
    '2c30ac8374041091', 'd034417064c366de', '07f5a11e5d4e389c', '1143e61d0b3374b1',
    'c1605a30faf34f61', 'b04537f1300841a7', '356d1011a39a0281', '5afdcc9bd4834932',
    '19423695467769fc', '53f0484571686f31', 'cee5ce960930bb7a', '762346261f606e33',
    'fd86fb295bd86bba', 'ce4a7e1ea8192591', 'e2d65f2db18e7bc5', '16f3d7ec46406986',
    '4dcbc0fc88a1a584', '9169b39004202bb8', '6d9061e4c0873dff', 'e8bbc807c5e4a386',
    'b19a4abd8e1dbad5', '3b51e58ca93a9efc', '95b37aaa9f4830b4', '7718591549419977',
    '0e110a384491e9eb', '6cc1cdb5680832ea', '848e84b3cc444f28', 'a95fea5ebdf759ac',
    '372602f0ad258966', 'f842cd2677aaaf75', '07a8bea1dfc0f0ce', '53b2dab8b8bfbe36',
    '69058b66010f4fea', '2fa3840b937e2f63', '88c6bafa8ec9e5a8', '46cfd621e63147f1',
    '699153fc74adf16a', '96b2e52c3f4d8f78', 'c88cbaaff8592232', '6f5b21a2645d0ef2',
    '2352e061c820c58c', '5ce1e6ba3d4996ef', 'b4ac4e3160248f9b', 'dd74fd539d53cf84',
    '9c4f1da7221b3fb1', '999c6e568a6411d5', '46e1cc67dc3d4a3c', 'ad7b4bc3a1703c48',
    '0c3013046eb2fa9f', '183da96bc3067345', '9c0e94beaa3527f2', '27d84dc197cc6d57',
    '23a10c7055c5cea2', '726abf7fd110fe6c', 'be91ae0035dc102b', 'd55a39b3c68c3771',
    '03c6356cec08a4cf', '6b2d6be6629c870e', '80f58da70b1e1974', '3a1df65f3bcab9cb',
    '9168b69836140366', '85159d660ab2c0e4', 'c7fe5e23d129927c', '8c826012266aad4c',
    'e768861fa9284cbf', 'f0005c52b21bc84e', '9f609ac44162421d', '1dd0636cffb54b75',
    'fbd8bf30473c7596', '0053c60b32ed027e', 'd8e8a90d9bfad367', '26c1005609383fef',
    '6088985871a6fe19', 'd891be488ce85557', '8d03cedfa0792ac9', 'f3d37e35a95a3dd2',
    '4f0ae2e602be59c2', 'ed24d8ccef3a1c86', '1d9b3c10c5a2d91e', '114ed78a8f664444',
    '1bc839f6c05b23a0', '697f874914352832', '9d289ea1f2477ae3', '2cb827510c080e1d',
    '2aa2d6bd9c97dde1', 'eba6e9f44d73a1a3', 'aca34b29323860f6', '593b26a68302409b',
    '83c8bf9bb5c76284', '832d9a8e3a384f9d', 'ad6e84703cece9e2', 'e1c55010b6d17f36',
    '18804385b6b5c107', '1df8179f5e42b8c5', 'df9d512f3f3a972d', 'd92f9f0b8e649aec',
    '32e9c6704aeecc46', 'f270a8f8528d77fb', '395ea2affbb02977', '01764f2c9f706c99',
    '8980bc67be832aee', '455c82202cedfcfd', '43157ee67de731cd', '04fb5fcbd7acd74f',
    '50511b65a2f730b2', '8bd9a735b7b7edf4', '207ccca0b5349ba6', 'db93da213b431e25',
    'eee57acffab5072b', '7e4c83ff390e6780', '8b035f39079c90b4', 'b5f618ec5a9ced30',
    '39dd366c199bf999', 'a5022dd9aebcb5e0', 'f11af89f5a6d6564', 'adb866cd7148c98c',
    '69dff748dcc93fee', '3cb8dbc427a7d6eb', '11cd36aa84e0986c', '9a87085e3e492d67',
    '24038295f2092a8b', 'be42be2f7d523402', 'b23e2638026c6ad0', '9b56f09d5c732072',
    '938491b09c893b4e', '9b6de31be3845721', '798881b084e85ecb', '79c62b45a5ac26bf',
    '07fee9bfa5b488df', '79931607cf848574', 'bac4a789a1d3f2e9', 'ff1951a40eba707e',
    'fe3e8f8e095adaf4', '13cfee3fc2ccb9e6', '1e2aff64381e3290', 'b3f794f07b454022',
    'cc524f588216483c', '412a46c46b9fdee4', '8e86b87cfd15905b', 'a187bd31cef64b2d',
    '95a51f23dec2793f', '975809791b6ee750', 'b76d6491b453f907', '922984be5cb0777a',
    'e6e49f6d8dc80c3b', 'f641254bb2fba581', '820dd0f5ac9bd60d', '39de0a682057bd08',
    'cf4555705707aa6b', '87dcbd5b022b1dfe', 'f8ba8038470ef08f', '973ed2bf031b5e61',
]

PINS = {'adamw': [['0x1.5627740000000p+0', '-0x1.97a1ee0000000p-3', '-0x1.d1da360000000p-6',
            '0x1.c6fc620000000p+9'],
           ['0x1.99999a0000000p-5', '-0x1.0000000000000p+0', '0x1.0000000000000p+0',
            '0x1.a36e2e0000000p-15'],
           ['0x1.47ae1a0000000p-8', '-0x1.9999a00000000p-4', '0x1.9999a00000000p-4',
            '0x1.4f8b5e0000000p-18'],
           ['0x1.4f8a3e0000000p-19', '0x1.0624000000000p-10', '0x1.0624000000000p-10',
            '0x1.5fd6d40000000p-39']],
 'ftml': [['0x1.7b34ac0000000p+0', '-0x1.6896440000000p-3', '-0x1.3cb9c80000000p-8',
           '0x1.f2f5e00000000p+9'],
          ['0x1.c9eef40000000p+4', '0x1.226db60000000p+3', '0x1.1fe59e0000000p+8',
           '0x1.21b4c80000000p+9'],
          ['0x1.477da40000000p-7', '0x1.0773f60000000p-10', '0x1.02e1460000000p+0',
           '0x1.0624dc0000000p+2'],
          ['-0x1.53297e0000000p+5', '0x1.9914c20000000p+0', '0x1.64305e0000000p+0',
           '-0x1.1a53f60000000p+19']],
 'group_adagrad': [['0x1.7e61ee0000000p+0', '-0x1.fa692c0000000p-4', '-0x1.2191c60000000p-3',
                    '0x1.f400000000000p+9'],
                   ['0x1.40a3d80000000p+1', '0x1.8800000000000p+4']],
 'lamb': [['0x1.a7e5ce0000000p-3', '-0x1.485a5c0000000p-1', '0x1.4a7aea0000000p-5',
           '0x1.42e9100000000p+3'],
          ['0x1.851eb80000000p-4', '-0x1.9999a00000000p-4', '0x1.9999a00000000p-3',
           '0x1.cccd740000000p-1'],
          ['0x1.476f2a0000000p-7', '0x1.0624000000000p-10', '0x1.00c49c0000000p+0',
           '0x1.ff7cee0000000p+1'],
          ['0x1.f400240000000p+9'], ['0x1.43a1da0000000p+3'],
          ['0x1.7f79e00000000p+0', '-0x1.f303680000000p-3', '-0x1.82cf440000000p-12',
           '0x1.f3f33a0000000p+9']],
 'lars': [['0x1.934c6a0000000p-12', '0x1.99999a0000000p-3', '0x1.0da2440000000p-11']],
 'mp_nag': [['0x1.7c80000000000p+0', '-0x1.e7c0000000000p-5', '-0x1.8500000000000p-3',
             '0x1.f2c0000000000p+9'],
            ['-0x1.458ef80000000p-9', '0x1.99d8040000000p-4', '-0x1.98d2660000000p-4',
             '-0x1.e5b5740000000p+0'],
            ['0x1.7c7b300000000p+0', '-0x1.e7a0f80000000p-5', '-0x1.850f080000000p-3',
             '0x1.f2a51e0000000p+9']],
 'mp_sgd_mom': [['0x1.8200000000000p+0', '-0x1.c1c0000000000p-3', '-0x1.c7c0000000000p+9',
                 '0x1.f380000000000p+9'],
                ['0x1.e9eeec0000000p-8', '0x1.f1c50c0000000p-6', '-0x1.c7b5380000000p+9',
                 '-0x1.ceb2720000000p-1'],
                ['0x1.81e9ee0000000p+0', '-0x1.c1c75e0000000p-3', '-0x1.c7b5380000000p+9',
                 '0x1.f38c540000000p+9']],
 'multi_lamb': [['0x1.7dc09e0000000p+0', '-0x1.ee04e40000000p-3', '-0x1.1eb6280000000p-7'],
                ['0x1.c200000000000p+9'],
                ['0x1.47ae1a0000000p-7', '-0x1.9999a00000000p-3', '0x1.66666c0000000p-1'],
                ['0x1.4f8a3e0000000p-17', '0x1.0624000000000p-8', '0x1.9167200000000p-5']],
 'preloaded_mom_f16': [['0x1.f280000000000p+0', '-0x1.e600000000000p-3'], ['0x1.1340000000000p+1'],
                       ['0x1.ca00000000000p-2', '0x1.9e80000000000p-7'],
                       ['-0x1.b340000000000p-1']],
 'sum_sq': [['0x1.c000020000000p+3'], ['inf'], ['0x1.4001180000000p+3']]}


def _digest(arrays):
    h = hashlib.sha1()
    for a in arrays:
        a = np.where(np.isnan(a), a.dtype.type(np.nan), a)
        h.update(np.ascontiguousarray(a).view(np.uint8).tobytes())
    return h.hexdigest()[:16]


def _run_case(data, c):
    arrs = {}

    def conv(v):
        if isinstance(v, str) and v.startswith("@"):
            if v[1:] not in arrs:
                arrs[v[1:]] = mx.nd.array(data[v[1:]], dtype=data[v[1:]].dtype)
            return arrs[v[1:]]
        if isinstance(v, list) and v and isinstance(v[0], str) and v[0].startswith("@"):
            return [conv(x) for x in v]
        return v

    args = [conv(a) for a in c["args"]]
    kw = {k: conv(v) for k, v in c["kwargs"].items()}
    if "out" in c:
        kw["out"] = conv(c["out"])
    f = mx
    for p in c["fn"].split("."):
        f = getattr(f, p)
    with np.errstate(all="ignore"):
        r = f(*args, **kw)
    if "out" in c and not isinstance(c["out"], list):
        assert r is kw["out"]
    rr = [] if c.get("skip_result") else (list(r) if isinstance(r, (list, tuple)) else [r])
    return _digest([x.asnumpy() for x in rr] + [a.asnumpy() for a in arrs.values()])


def _groups():
    out, start = [], 0
    for b in C.BUILDERS:
        with np.errstate(all="ignore"):
            data, cases = b()
        out.append((b.__name__[len("_build_"):], start, data, cases))
        start += len(cases)
    return out


@pytest.mark.parametrize("group", range(len(C.BUILDERS)))
def test_bit_exact_against_mxnet(group):
    name, start, data, cases = _groups()[group]
    bad = [(i, c["fn"], c.get("tag")) for i, c in enumerate(cases, start)
           if _run_case(data, c) != DIGESTS[i]]
    assert not bad, bad
    assert start + len(cases) <= len(DIGESTS)


def test_every_case_pinned():
    assert sum(len(g[3]) for g in _groups()) == len(DIGESTS)


def _hx(a):
    return np.array([float.fromhex(x) for x in a])


def _same(have, want):
    have = np.asarray(have.asnumpy() if hasattr(have, "asnumpy") else have,
                      np.float64).ravel()
    np.testing.assert_array_equal(have, _hx(want))


def _f16(vals):
    return mx.nd.array(vals, dtype="float16")


def test_mp_sgd_mom_and_nag_pinned():
    args = dict(lr=0.0123456789123, momentum=0.9, wd=0.0003, rescale_grad=1.2304113526906009)
    g = _f16([0.1, -2.0, 60000., 1e-4])
    w32 = mx.nd.array([1.5, -0.25, 3e-5, 1000.0])
    m = mx.nd.array([0.01, 0, 0, -1])
    o = mx.nd.mp_sgd_mom_update(w32.astype("float16"), g, m, w32, **args)
    assert o.dtype == np.float16
    for have, want in zip((o, m, w32), PINS["mp_sgd_mom"]):
        _same(have, want)
    w32 = mx.nd.array([1.5, -0.25, 3e-5, 1000.0])
    m = mx.nd.array([0.01, 0, 0, -1])
    w = w32.astype("float16")
    o = mx.nd.mp_nag_mom_update(w, g, m, w32, lr=0.1, momentum=0.9, wd=0.01,
                                clip_gradient=1.0, out=w)
    assert o is w
    for have, want in zip((o, m, w32), PINS["mp_nag"]):
        _same(have, want)


def test_ftml_pinned_and_float64_oracle():
    w, g = mx.nd.array([1.5, -0.25, 3e-5, 1000.0]), mx.nd.array([0.1, -2.0, 7., 1e-4])
    d, v = mx.nd.array([0.5, 1, 0, 2]), mx.nd.array([0.01, 0, 1, 4])
    z = mx.nd.array([0.1, -0.2, 0, 1])
    o = mx.nd.ftml_update(w, g, d, v, z, lr=0.05, t=2, wd=0.01, rescale_grad=0.5)
    for have, want in zip((o, d, v, z), PINS["ftml"]):
        _same(have, want)
    # the same step in float64 against the paper's formula
    r = np.random.RandomState(1)
    w, g, d, z = r.randn(4, 50)
    v = np.abs(r.randn(50))
    W, G, D, V, Z = (mx.nd.array(a, dtype="float64") for a in (w, g, d, v, z))
    o = mx.nd.ftml_update(W, G, D, V, Z, lr=0.05, beta1=0.6, beta2=0.999, epsilon=1e-8, t=3,
                          wd=0.01, rescale_grad=0.5, clip_grad=1.0)
    b1, b2 = float(np.float32(0.6)), float(np.float32(0.999))
    gi = np.clip(0.5 * g + 0.01 * w, -1, 1)
    v2 = b2 * v + (1 - b2) * gi ** 2
    dt = (1 - b1 ** 3) / 0.05 * (np.sqrt(v2 / (1 - b2 ** 3)) + 1e-8)
    z2 = b1 * z + (1 - b1) * gi - (dt - b1 * d) * w
    np.testing.assert_allclose(V.asnumpy(), v2, rtol=1e-6)
    np.testing.assert_allclose(D.asnumpy(), dt, rtol=1e-6)
    np.testing.assert_allclose(o.asnumpy(), -z2 / dt, rtol=1e-5, atol=1e-9)


def test_lamb_phases_pinned_and_oracle():
    w, g = mx.nd.array([1.5, -0.25, 3e-5, 1000.0]), mx.nd.array([0.1, -2.0, 7., 1e-4])
    m, v = mx.nd.array([0.1, 0, 0, 1]), mx.nd.array([0.01, 0, 1, 4])
    o = mx.nd.lamb_update_phase1(w, g, m, v, t=3, wd=0.01, rescale_grad=0.5, clip_gradient=2.0)
    # MXNet's nd.norm of w and of o (pinned: mxnb's norm may round differently)
    r1, r2 = (mx.nd.array(_hx(PINS["lamb"][k])) for k in (3, 4))
    o2 = mx.nd.lamb_update_phase2(w, o, r1, r2, lr=0.01, lower_bound=0.1, upper_bound=10.0)
    for have, want in zip((o, m, v, r1, r2, o2), PINS["lamb"]):
        _same(have, want)
    # float64 oracle of both phases
    r = np.random.RandomState(2)
    w, g, m = r.randn(3, 40)
    v = np.abs(r.randn(40))
    W, G, M, V = (mx.nd.array(a, dtype="float64") for a in (w, g, m, v))
    upd = mx.nd.lamb_update_phase1(W, G, M, V, beta1=0.875, beta2=0.9375, epsilon=1e-6, t=4,
                                   wd=0.125)
    m2, v2 = 0.875 * m + 0.125 * g, 0.9375 * v + 0.0625 * g * g
    want = m2 / (1 - 0.875 ** 4) / (np.sqrt(v2 / (1 - 0.9375 ** 4)) + 1e-6) + 0.125 * w
    np.testing.assert_allclose(upd.asnumpy(), want, rtol=1e-6)
    r1 = mx.nd.array([np.linalg.norm(w)], dtype="float64")
    r2 = mx.nd.array([np.linalg.norm(want)], dtype="float64")
    new = mx.nd.lamb_update_phase2(W, upd, r1, r2, lr=0.5)
    np.testing.assert_allclose(new.asnumpy(), w - 0.5 * np.linalg.norm(w) /
                               np.linalg.norm(want) * want, rtol=1e-6)


def test_adamw_pinned_skip_and_inplace_grad():
    w, g = mx.nd.array([1.5, -0.25, 3e-5, 1000.0]), mx.nd.array([0.1, -2.0, 7., 1e-4])
    m, v = mx.nd.zeros((4,)), mx.nd.zeros((4,))
    o = mx.nd.contrib.adamw_update(w, g, m, v, 0.5, lr=0.01, eta=0.9, wd=0.1, clip_gradient=1.0)
    for have, want in zip((o, g, m, v), PINS["adamw"]):   # grad is rescaled and clipped too
        _same(have, want)
    for rs in (float("nan"), float("inf"), 0.0, mx.nd.array([np.nan])):
        w, g, m = mx.nd.array([1., 2.]), mx.nd.array([0.5, -1.]), mx.nd.zeros((2,))
        r = mx.nd.contrib.adamw_update(w, g, m, m, rs, lr=0.1, eta=1.0, out=w)
        assert r is w and w.asnumpy().tolist() == [1., 2.] and g.asnumpy().tolist() == [0.5, -1.]
        assert m.asnumpy().tolist() == [0., 0.]
    with pytest.raises(mx.MXNetError, match="Type inconsistent, Provided = float64"):
        mx.nd.contrib.adamw_update(w, g, m, m, mx.nd.array([1.], dtype="float64"), lr=0.1,
                                   eta=1.)


def test_multi_sum_sq_lars_lamb_adagrad_pinned():
    s = [mx.nd.multi_sum_sq(a, num_arrays=1) for a in
         (_f16([1.0, 2.0, 1e-3, 3.0]), mx.nd.array([0.1, 1e200, -3.0], dtype="float64"),
          mx.nd.array([0.1] * 1000))]
    for have, want in zip(s, PINS["sum_sq"]):
        assert have.dtype == np.float32 and have.shape == (1,)
        _same(have, want)
    lars = mx.nd.multi_lars(mx.nd.array([0.1, 0.2, 0.3]), mx.nd.array([4., 0., 9.]),
                            mx.nd.array([1., 1., 0.25]), mx.nd.array([0.01, 0., 0.5]),
                            eta=0.001, eps=1e-8, rescale_grad=0.5)
    _same(lars, PINS["lars"][0])
    ws = [mx.nd.array([1.5, -0.25, 3e-5]), mx.nd.array([1000.0])]
    gs = [mx.nd.array([0.1, -2.0, 7.]), mx.nd.array([1e-4])]
    ms, vs = [mx.nd.zeros((3,)), mx.nd.zeros((1,))], [mx.nd.zeros((3,)), mx.nd.zeros((1,))]
    r = mx.nd.contrib.multi_lamb_update(ws, gs, ms, vs, [1, 5], [0.01, 0.1], [0.0, 0.01],
                                        out=ws)
    assert r[0] is ws[0] and r[1] is ws[1]
    for have, want in zip((ws[0], ws[1], ms[0], vs[0]), PINS["multi_lamb"]):
        _same(have, want)
    w, h = mx.nd.array([[1.5, -0.25], [3e-5, 1000.0]]), mx.nd.array([0.5, 0.])
    mx.nd.contrib.group_adagrad_update(w, mx.nd.array([[0.1, -2.0], [7., 1e-4]]), h, lr=0.1,
                                       out=w)
    _same(w, PINS["group_adagrad"][0])
    _same(h, PINS["group_adagrad"][1])


def test_preloaded_multi_sgd_mom_float16_pinned():
    w0, w1, g0, g1 = _f16([1.5, -0.25]), _f16([3.0]), _f16([0.1, -2.0]), _f16([7.])
    m0, m1 = _f16([0.5, 0.]), _f16([1.])
    r = mx.nd.preloaded_multi_sgd_mom_update(
        w0, g0, m0, w1, g1, m1, mx.nd.array([0.0123456789123, 0.5]), mx.nd.array([0.1, 0.0]),
        momentum=0.9, rescale_grad=0.5, num_weights=2, out=[w0, w1])
    assert r[0] is w0 and r[1] is w1
    for have, want in zip((w0, w1, m0, m1), PINS["preloaded_mom_f16"]):
        _same(have, want)


def test_multi_sgd_matches_float64_oracle():
    r = np.random.RandomState(3)
    ws = [r.randn(n) for n in (5, 3)]
    gs = [r.randn(n) for n in (5, 3)]
    ms = [r.randn(n) for n in (5, 3)]
    W = [mx.nd.array(a, dtype="float64") for a in ws]
    flat = []
    for i in range(2):
        flat += [W[i], mx.nd.array(gs[i], dtype="float64"), mx.nd.array(ms[i], dtype="float64")]
    mx.nd.multi_sgd_mom_update(*flat, lrs=(0.25, 0.5), wds=(0.125, 0.0), momentum=0.5,
                               rescale_grad=2.0, num_weights=2, out=W)
    for i, (lr, wd) in enumerate(((0.25, 0.125), (0.5, 0.0))):
        mom = 0.5 * ms[i] - lr * wd * ws[i] - lr * 2.0 * gs[i]
        np.testing.assert_allclose(flat[3 * i + 2].asnumpy(), mom, rtol=1e-12)
        np.testing.assert_allclose(W[i].asnumpy(), ws[i] + mom, rtol=1e-12)


@pytest.mark.parametrize("call, match", [
    (lambda w, g, w32: mx.nd.mp_sgd_update(w, g, w32), "Required parameter lr of float"),
    (lambda w, g, w32: mx.nd.mp_sgd_update(w, g, w, lr=0.1),
     "Type inconsistent, Provided = float16, inferred type = float32"),
    (lambda w, g, w32: mx.nd.mp_sgd_update(w, g[:2], w32, lr=0.1),
     r"at 1-th input: expected \[3\], got \[2\]"),
    (lambda w, g, w32: mx.nd.mp_sgd_update(w, w32, w32, lr=0.1),
     "at 1-th input: expected float16, got float32"),
    (lambda w, g, w32: mx.nd.ftml_update(w32, w32, w32, w32, w32, lr=0.1),
     "Required parameter t of int"),
    (lambda w, g, w32: mx.nd.mp_lamb_update_phase1(w32, w32, w32, w32, w32, t=1, wd=0.),
     "Provided = float32, inferred type = float16"),
    (lambda w, g, w32: mx.nd.lamb_update_phase1(w32, w32, w32, w32, t=1),
     "Required parameter wd of float"),
    (lambda w, g, w32: mx.nd.lamb_update_phase2(w32, w32, w32, w32[:1], lr=0.1),
     r"r1_shape\[0\] == 1U \(3 vs. 1\) : r1 shape incorrect"),
    (lambda w, g, w32: mx.nd.mp_sgd_update(w.astype("int32"), w.astype("int32"), w32, lr=0.1),
     "only support floating point types, not int32"),
    (lambda w, g, w32: mx.nd.multi_sgd_update(w, g, w, g, w, g, lrs=(0.1, 0.2), wds=(0., 0.),
                                              num_weights=2, out=[w, w]),
     "expects 4 inputs, but got 6 instead"),
    (lambda w, g, w32: mx.nd.multi_sgd_update(w, g, w, g, lrs=(0.1,), wds=(0., 0.),
                                              num_weights=2, out=[w, w]),
     "Number of learning rates is inconsistent with num_weights"),
    (lambda w, g, w32: mx.nd.multi_sgd_update(w, g, w, g, wds=(0., 0.), num_weights=2,
                                              out=[w, w]),
     "Required parameter lrs of tuple of <float>"),
    (lambda w, g, w32: mx.nd.multi_sgd_update(w, g, lrs=(0.1,), wds=(0.,)),
     "shape must have a valid ndim"),
    (lambda w, g, w32: mx.nd.multi_sgd_update(w, g, w, g, lrs=(0.1, 0.2), wds=(0., 0.),
                                              num_weights=2, out=w),
     "Operator expects 2 \\(all\\) or 2 \\(visible only\\) outputs, but got 1"),
    (lambda w, g, w32: mx.nd.multi_sum_sq(w, g), "Required parameter num_arrays of int"),
    (lambda w, g, w32: mx.nd.multi_lars(w32, w32, w32, w32, eta=1.),
     "Required parameter eps of float"),
    (lambda w, g, w32: mx.nd.contrib.group_adagrad_update(w32, w32, w32, lr=0.1),
     "kWriteInplace is expected for sparse group_adagrad_update"),
    (lambda w, g, w32: mx.nd.mp_sgd_update(w, g, w32, lr=0.1, out=w32),
     "at 0-th output: expected float16, got float32"),
    (lambda w, g, w32: mx.nd.mp_sgd_update(w, g, w32, lr=0.1, out=w[:2]),
     r"at 0-th output: expected \[3\], got \[2\]"),
    (lambda w, g, w32: mx.nd.multi_sgd_update(w32, w32, lrs=(0.1,), wds=(0.,), out=[w32[:2]]),
     r"at 0-th output: expected \[3\], got \[2\]"),
])
def test_errors_as_mxnet(call, match):
    w, g, w32 = _f16([1., 2., 3.]), _f16([1., 1., 1.]), mx.nd.ones((3,))
    with pytest.raises(mx.MXNetError, match=match):
        call(w, g, w32)


def test_nothing_recorded_and_states_in_place():
    w32 = mx.nd.array([1., 2.])
    w = w32.astype("float16")
    w.attach_grad()
    m = mx.nd.zeros((2,))
    buf = m._data
    with mx.autograd.record():
        o = mx.nd.mp_sgd_mom_update(w, _f16([1., 1.]), m, w32, lr=0.5, momentum=0.9)
        y = (o * 2).sum()
    with pytest.raises(mx.MXNetError, match="not in a computational graph"):
        y.backward()   # the update is not on the tape, so nothing leads back to w
    assert m._data is buf and m.asnumpy().tolist() == [-0.5, -0.5]
    assert w.asnumpy().tolist() == [1., 2.]  # a fresh output: the weight is left alone
    assert w32.asnumpy().tolist() == [0.5, 1.5] and o.asnumpy().tolist() == [0.5, 1.5]


def test_tuple_attributes_parse_as_strtof():
    from mxnb.ndarray.optimizer_multi import strtof

    for s in ("0.1", "0.0123456789123", "1e-08", "3.4e+38", "0.3333333333333333"):
        assert strtof(s) == np.float32(float(s))
    # a decimal halfway between two float32s after rounding to double first
    assert strtof("1.00000005960464477539062500001") == np.float32(1.00000012)
