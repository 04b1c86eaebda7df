"""widgets/ahead.py: the settings one step away are computed in the background, a move goes
first, and without threads (Pyodide) nothing changes but the waiting."""

from __future__ import annotations

import threading
import time

import pytest

from backprop_lib.widgets import ahead as A
from backprop_lib.widgets import controls as C


def _wait_for(condition, timeout=20.0):
    end = time.monotonic() + timeout
    while not condition() and time.monotonic() < end:
        time.sleep(0.01)
    return condition()


def _controls():
    return {
        "lr": C.log_slider("lr", 0.03, -3, 0, step=0.1),
        "depth": C.int_slider("hidden layers", 3, 1, 3),
        "gain": C.slider("gain", 1.5, 0.5, 3.0, step=0.25),
        "activation": C.dropdown("activation", ["tanh", "relu", "sigmoid"], "relu"),
        "batch": C.dropdown("batch size", [("full batch", 0), ("105", 105)], 0),
    }


def test_neighbours_are_one_step_away_the_next_step_first():
    found = A.neighbours(_controls())
    now = {"lr": 0.03, "depth": 3, "gain": 1.5, "activation": "relu", "batch": 0}
    changed = [{k: v for k, v in s.items() if v != now[k]} for s in found]
    assert all(len(c) == 1 for c in changed)            # one control at a time
    # each control's first step (the next one, or back from the maximum) before the others
    assert changed[:5] == [{"lr": changed[0]["lr"]}, {"depth": 2}, {"gain": 1.75},
                           {"activation": "sigmoid"}, {"batch": 105}]
    keys = {C.setting_key(c) for c in changed}
    assert C.setting_key({"lr": 0.03 * 10 ** 0.1}) in keys
    assert C.setting_key({"lr": 0.03 / 10 ** 0.1}) in keys
    assert {"depth": 2} in changed and {"gain": 1.75} in changed and {"gain": 1.25} in changed
    assert {"activation": "sigmoid"} in changed and {"activation": "tanh"} in changed
    assert {"batch": 105} in changed and len(changed) == 8


def test_the_neighbours_are_computed_in_the_background_and_a_move_finds_them():
    calls = []
    remembered = C.memoize(lambda **s: calls.append(s) or sum(map(hash, s.values())))
    controls = _controls()
    ahead = A.Ahead(remembered)
    ahead.around(controls)
    assert _wait_for(lambda: ahead.computed == 8), ahead.computed
    before = len(calls)
    controls["activation"].value = "sigmoid"            # a move to a neighbour: nothing to do
    remembered(**{n: c.value for n, c in controls.items()})
    assert len(calls) == before and ahead.failed == 0


def test_a_move_goes_first():
    # the background computation stops at its next pause point while a move is handled
    ticks = []

    def slow(**settings):
        for _ in range(200):
            A.pause_point()
            ticks.append(1)
            time.sleep(0.001)
        return 0

    ahead = A.Ahead(C.memoize(slow))
    ahead.around(_controls())
    assert _wait_for(lambda: len(ticks) > 5)
    with A.moving():
        time.sleep(0.05)                     # the tick under way ends
        during = len(ticks)
        time.sleep(0.3)
        assert len(ticks) == during
    assert _wait_for(lambda: len(ticks) > during)       # and goes on after the move


def test_a_failing_setting_is_left_to_the_move():
    def picky(**s):
        if s["activation"] == "tanh":
            raise ValueError("no")
        return 1

    ahead = A.Ahead(C.memoize(picky))
    ahead.around(_controls())
    assert _wait_for(lambda: ahead.computed + ahead.failed == 8)
    assert ahead.failed == 1


def test_without_threads_nothing_is_computed_ahead(monkeypatch):
    def no_threads(self):
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", no_threads)
    calls = []
    remembered = C.memoize(lambda **s: calls.append(s) or 1)
    ahead = A.Ahead(remembered)
    ahead.around(_controls())
    assert not ahead.enabled and calls == []
    ahead.around(_controls())                           # and does not try again
    assert remembered(lr=0.03) == 1 and len(calls) == 1


def test_the_training_explorer_trains_ahead():
    pytest.importorskip("ipywidgets")
    import backprop_lib as bp
    from backprop_lib.widgets import training

    X, y = bp.datasets.spiral(n_per_class=20, seed=0)
    box = training.training_explorer(X, y, epochs=20)
    box.controls["width"].value = 17
    assert _wait_for(lambda: box.ahead.computed >= 3)
    kept = box.ahead.remembered
    assert kept.has(**{**{n: c.value for n, c in box.controls.items()}, "width": 18})


def test_a_move_handled_off_the_main_thread_does_not_wait_for_itself():
    # ipykernel may handle a widget's change in a thread of its own: the move's own
    # computation passes its pause points (it waited for itself forever: 06's batch-size menu)
    done = []

    def move():
        with A.moving():
            for _ in range(3):
                A.pause_point()
            done.append(True)

    t = threading.Thread(target=move)
    t.start()
    t.join(5)
    assert done == [True]


def test_settings_computed_ahead_never_push_out_the_ones_visited():
    calls = []
    remembered = C.memoize(lambda **s: calls.append(s) or s["x"], size=3, ahead=2)
    for x in (1, 2, 3):
        remembered(x=x)                              # visited
    for x in (10, 11, 12):
        remembered.prepare(x=x)                      # computed ahead: the last 2 kept
    assert [k[0][1] for k in remembered.kept] == [1, 2, 3]
    assert [k[0][1] for k in remembered.prepared] == [11, 12]
    assert remembered(x=12) == 12 and len(calls) == 6        # a move takes it over
    assert [k[0][1] for k in remembered.kept] == [2, 3, 12] and len(remembered.prepared) == 1
    remembered.prepare(x=2)                          # visited already: nothing to do
    assert len(calls) == 6 and remembered.has(x=11) and not remembered.has(x=10)


def test_warnings_raised_while_computing_ahead_are_not_shown():
    import warnings

    def diverging(**s):
        warnings.warn(f"diverged at {s}", RuntimeWarning, stacklevel=1)
        return 0

    shown = []
    original = warnings.showwarning
    warnings.showwarning = lambda message, *a, **k: shown.append(str(message))
    try:
        ahead = A.Ahead(C.memoize(diverging))
        ahead.around(_controls())
        assert _wait_for(lambda: ahead.computed == 8)
        assert shown == []
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.warn("a move's own warning", RuntimeWarning, stacklevel=1)
        assert shown == ["a move's own warning"]
    finally:
        warnings.showwarning = original


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_09s_explorers_train_ahead_without_touching_the_warnings_filters():
    # (this project's tests turn RuntimeWarnings into errors, and the filters are every
    # thread's: plain SGD diverging at gain 2 would fail in the background, as it would for a
    # learner who made warnings errors; a move then trains that setting itself)
    import warnings

    from backprop_lib.widgets import remedies

    filters = list(warnings.filters)
    box = remedies.clipping_explorer()
    box.controls["gain"].value = 1.75
    assert _wait_for(lambda: box.ahead.computed >= 2)
    now = {n: c.value for n, c in box.controls.items()}
    assert box.ahead.remembered.has(**{**now, "gain": 2.0})
    assert warnings.filters == filters       # the background thread never changed them
    norm = remedies.norm_explorer(depth=3, max_depth=4)
    norm.controls["activation"].value = "tanh"
    assert _wait_for(lambda: norm.ahead.computed >= 1)
