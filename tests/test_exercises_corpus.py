"""The corpus of issue 10 (tests/corpus/): every exercise's checker names each typical wrong
answer, passes each right answer written differently from the reference, passes the reference,
and answers every hostile function (None, a list, a text, an object, NaN, raises, loops forever,
prints 100k lines, mutates its inputs) with feedback while its own cases stay intact."""

import importlib

import numpy as np
import pytest

from backprop_lib.exercises import sandbox

LESSONS = ["lesson01", "lesson02", "lesson03", "lesson04", "lesson05", "lesson06", "lesson07",
           "lesson08", "lesson09", "lesson10"]
EXERCISES = {}
for lesson in LESSONS:
    try:
        module = importlib.import_module(f"corpus.{lesson}")
    except ModuleNotFoundError:
        continue
    for name, exercise in module.EXERCISES.items():
        EXERCISES[f"{lesson}.{name}"] = exercise

WRONG = [(key, i) for key, ex in EXERCISES.items() for i in range(len(ex.wrong))]
RIGHT = [(key, i) for key, ex in EXERCISES.items() for i in range(len(ex.right))]


@pytest.fixture(autouse=True)
def short_time_limit(monkeypatch):
    monkeypatch.setattr(sandbox, "LIMIT", 0.2)       # the loop-forever answers cost 0.2 s a call


@pytest.mark.parametrize("key", list(EXERCISES))
def test_each_exercise_has_enough_wrong_and_right_answers(key):
    ex = EXERCISES[key]
    assert len(ex.wrong) >= 5 and len(ex.right) >= 3


@pytest.mark.parametrize("key", list(EXERCISES))
def test_the_reference_passes(key):
    ex = EXERCISES[key]
    assert ex.check(ex.reference).ok


@pytest.mark.parametrize("key, i", WRONG, ids=[f"{k}-{i}" for k, i in WRONG])
def test_a_wrong_answer_is_named(key, i):
    ex = EXERCISES[key]
    fn, phrase = ex.wrong[i]
    answer = ex.check(fn)
    assert not answer.ok, f"{getattr(fn, '__name__', fn)} passed"
    assert phrase in str(answer), str(answer)


@pytest.mark.parametrize("key, i", RIGHT, ids=[f"{k}-{i}" for k, i in RIGHT])
def test_a_right_answer_passes(key, i):
    ex = EXERCISES[key]
    fn = ex.right[i]
    answer = ex.check(fn)
    assert answer.ok, f"{getattr(fn, '__name__', fn)}: {answer}"
    assert ex.check(fn).ok                             # and again: it changed no case
    assert ex.check(ex.reference).ok


# ---------------------------------------------------------------- the hostile set
def returns_none(*args, **kwargs):
    return None


def returns_list(*args, **kwargs):
    return [1, 2, 3]


def returns_text(*args, **kwargs):
    return "the gradient"


def returns_object(*args, **kwargs):
    return object()


def returns_nan(*args, **kwargs):
    return float("nan")


def raises(*args, **kwargs):
    return [][3]


def loops_forever(*args, **kwargs):
    while True:
        pass


def prints_a_lot(*args, **kwargs):
    for i in range(100_000):
        print("debugging", i)


def mutates_its_inputs(*args, **kwargs):
    """Scribble over every array it is given (and every model's parameters), return nothing
    useful."""
    for a in list(args) + list(kwargs.values()):
        if isinstance(a, np.ndarray) and a.dtype.kind == "f":
            a[...] = np.nan
        elif isinstance(a, list | tuple):
            for b in a:
                if isinstance(b, np.ndarray) and b.dtype.kind == "f":
                    b[...] = np.nan
        for p in getattr(a, "parameters", lambda: [])():
            p.value[...] = np.nan
        for attr in ("val_loss", "train_loss", "grad_norm"):
            value = getattr(a, attr, None)
            if isinstance(value, list):
                value[:] = [np.nan] * len(value)
            elif isinstance(value, np.ndarray):
                value[...] = np.nan
        if isinstance(a, dict):
            for v in a.values():
                if isinstance(v, np.ndarray) and v.dtype.kind == "f":
                    v[...] = np.nan
    return 0.0


HOSTILE = [returns_none, returns_list, returns_text, returns_object, returns_nan, raises,
           loops_forever, prints_a_lot, mutates_its_inputs]
HOSTILE_CASES = [(key, h) for key, ex in EXERCISES.items() if ex.hostile for h in HOSTILE]


@pytest.mark.parametrize("key, hostile", HOSTILE_CASES,
                         ids=[f"{k}-{h.__name__}" for k, h in HOSTILE_CASES])
def test_a_hostile_answer_gets_feedback_and_leaves_the_cases_intact(key, hostile, capsys):
    ex = EXERCISES[key]
    answer = ex.check(hostile)
    assert not answer.ok and str(answer).strip()
    if hostile is loops_forever:
        assert "loop that never ends" in str(answer)
    if hostile is raises:
        assert "IndexError" in str(answer) and "return [][3]" in str(answer)
    printed = capsys.readouterr().out
    assert len(printed.splitlines()) < 200             # 100k lines do not flood the notebook
    if hostile in (mutates_its_inputs, loops_forever, raises):
        assert ex.check(ex.reference).ok               # the checker's cases are intact


# ---------------------------------------------------------------- 01's shapes: answers are dicts
from corpus import lesson01  # noqa: E402

from backprop_lib.exercises import forward  # noqa: E402


@pytest.mark.parametrize("i", range(len(lesson01.SHAPES_WRONG)))
def test_a_wrong_shape_answer_is_named(i):
    answers, phrase = lesson01.SHAPES_WRONG[i]
    answer = forward.check_shapes(answers)
    assert not answer.ok and phrase in answer.message, answer.message


@pytest.mark.parametrize("i", range(len(lesson01.SHAPES_RIGHT)))
def test_a_right_shape_answer_passes(i):
    answer = forward.check_shapes(lesson01.SHAPES_RIGHT[i])
    assert answer.ok, answer.message


@pytest.mark.parametrize("answers", [None, [1, 2], "shapes", object(), float("nan"),
                                     {"X": float("nan")}, {"X": object()}, {"X": [None, 4]}])
def test_a_hostile_shape_answer_gets_feedback(answers):
    answer = forward.check_shapes(answers)
    assert not answer.ok and answer.message
