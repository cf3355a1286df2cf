"""mx.autograd flags and scopes: every row of spec section 1 (values pinned from MXNet 1.9.1)."""
import threading

import pytest

import mxnb as mx
from mxnb import autograd as ag


@pytest.fixture(autouse=True)
def _clean_state():
    ag.set_recording(False)
    ag.set_training(False)
    yield
    ag.set_recording(False)
    ag.set_training(False)


def state():
    return (ag.is_recording(), ag.is_training())


def test_scope_table():
    assert state() == (False, False)
    with ag.record():
        assert state() == (True, True)
        with ag.pause():
            assert state() == (False, False)
            with ag.train_mode():
                assert state() == (False, True)
            assert state() == (False, False)
        assert state() == (True, True)
        with ag.predict_mode():
            assert state() == (True, False)
        assert state() == (True, True)
        with ag.pause(train_mode=True):
            assert state() == (False, True)
        assert state() == (True, True)
    with ag.record(train_mode=False):
        assert state() == (True, False)
    with ag.train_mode():
        assert state() == (False, True)
        with ag.predict_mode():
            assert state() == (False, False)
        assert state() == (False, True)
    assert state() == (False, False)


def test_setters_return_the_previous_value_as_bool():
    assert [ag.set_recording(v) for v in (True, True, False, False)] == [False, True, True, False]
    res = [ag.set_training(v) for v in (1, 1, 0, 0)]  # integers are accepted
    assert res == [False, True, True, False]
    assert all(type(r) is bool for r in res)
    assert ag.set_recording(1) is False and ag.is_recording() is True


def test_training_set_before_record_is_not_restored():
    ag.set_training(True)
    with ag.record():
        assert state() == (True, True)
    assert state() == (False, True)  # unchanged on entry, so not restored (Q2)


def test_manual_change_survives_exit_when_flag_already_had_requested_value():
    ag.set_recording(True)
    with ag.record():
        ag.set_recording(False)
    assert ag.is_recording() is False


def test_manual_change_is_overwritten_when_the_scope_changed_the_flag():
    with ag.record():
        with ag.predict_mode():
            ag.set_training(True)
        assert state() == (True, True)
    assert state() == (False, False)


def test_exception_restores_and_propagates():
    with pytest.raises(ValueError):
        with ag.record():
            raise ValueError("boom")
    assert state() == (False, False)
    with ag.record():
        with pytest.raises(KeyError):
            with ag.pause(train_mode=True):
                raise KeyError("k")
        assert state() == (True, True)


def test_scope_objects_are_reusable_and_one_class():
    s = ag.record()
    for _ in range(2):
        with s:
            assert state() == (True, True)
        assert state() == (False, False)
    kinds = {type(f()) for f in (ag.record, ag.pause, ag.train_mode, ag.predict_mode)}
    assert len(kinds) == 1


def test_nesting_in_any_order():
    with ag.predict_mode():
        with ag.record():
            assert state() == (True, True)
            with ag.train_mode():
                with ag.pause():
                    assert state() == (False, False)
                assert state() == (True, True)
        assert state() == (False, False)
    assert state() == (False, False)


def test_flags_are_per_thread():
    seen = {}

    def worker(tag):
        seen[tag + "_start"] = state()
        with ag.record(train_mode=False):
            seen[tag + "_in"] = state()
            barrier.wait()
            barrier.wait()
        seen[tag + "_out"] = state()

    barrier = threading.Barrier(2)
    with ag.record():
        t = threading.Thread(target=worker, args=("t",))
        t.start()
        barrier.wait()   # the thread is inside its record(train_mode=False)
        assert state() == (True, True)
        barrier.wait()
        t.join()
        assert state() == (True, True)
    assert seen == {"t_start": (False, False), "t_in": (True, False), "t_out": (False, False)}


def test_ops_in_another_thread_are_not_recorded_by_this_threads_scope():
    x = mx.nd.array([1.0, 2.0])
    x.attach_grad()
    out = {}

    def worker():
        out["y"] = x * 2  # this thread is not recording

    with ag.record():
        t = threading.Thread(target=worker)
        t.start()
        t.join()
        z = x * 3
    assert not ag.in_graph(out["y"])
    with pytest.raises(mx.MXNetError, match="not in a computational graph"):
        out["y"].backward()
    z.backward()
    assert x.grad.asnumpy().tolist() == [3.0, 3.0]


def test_threads_record_their_own_graphs():
    results = {}

    def worker(k):
        x = mx.nd.array([1.0, 2.0, 3.0], dtype="float64")
        x.attach_grad()
        for _ in range(20):
            with ag.record():
                y = x * x * k
            y.backward()
        results[k] = x.grad.asnumpy().tolist()

    threads = [threading.Thread(target=worker, args=(k,)) for k in (1, 2, 3, 4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {k: [2.0 * k, 4.0 * k, 6.0 * k] for k in (1, 2, 3, 4)}
