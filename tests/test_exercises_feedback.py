"""One convention for every checker: an ``Answer`` (ok, message, use, attempted) defined once in
``exercises.feedback``, shown as its message; a stub falls back to the reference and says so in
the same words everywhere."""

import numpy as np
import pytest

from backprop_lib.exercises import (
    backprop,
    chain_rule,
    descent,
    error,
    forward,
    modes,
    remedies,
    training,
    vanishing,
)
from backprop_lib.exercises import feedback as fb

NOT_ATTEMPTED, Answer = fb.NOT_ATTEMPTED, fb.Answer


def stub(*args):
    raise NotImplementedError


# (checker, its title, the reference it falls back to)
CHECKERS = [
    (forward.check_dense_forward, "dense_forward", forward.dense_forward_reference),
    (forward.check_two_layer_forward, "two_layer_forward", forward.two_layer_forward_reference),
    (error.check_mse, "mse", error.mse_reference),
    (error.check_softmax_ce_grad, "softmax_ce_grad", error.softmax_ce_grad_reference),
    (chain_rule.check_local_derivative, "local_derivative", chain_rule.local_derivative_reference),
    (chain_rule.check_sigmoid_derivative, "sigmoid_derivative",
     chain_rule.sigmoid_derivative_reference),
    (backprop.check_dense_backward, "dense_backward", backprop.dense_backward_reference),
    (backprop.check_activation_backward, "sigmoid_backward",
     backprop.sigmoid_backward_reference),
    (descent.check_gd_step, "gd_step", descent.gd_step_reference),
    (descent.check_momentum_step, "momentum_step", descent.momentum_step_reference),
    (training.check_training_step, "training_step", training.reference_training_step),
    (training.check_best_epoch, "best_epoch", training.reference_best_epoch),
    (vanishing.check_predicted_ratio, "predicted_ratio", vanishing.reference_predicted_ratio),
    (vanishing.check_stalled_layer, "stalled_layer", vanishing.reference_stalled_layer),
    (remedies.check_layer_factor, "layer_factor", remedies.layer_factor_reference),
    (remedies.check_batchnorm_backward, "batchnorm_backward",
     remedies.batchnorm_backward_reference),
    (modes.check_predict, "predict", modes.reference_predict),
]


@pytest.mark.parametrize("check, title, reference", CHECKERS, ids=[c[1] for c in CHECKERS])
def test_every_stub_gets_the_same_answer(check, title, reference):
    answer = check(stub)
    assert type(answer) is Answer
    assert answer.message == f"{title}: {NOT_ATTEMPTED}"
    assert not answer.ok and not answer.attempted and not bool(answer)
    assert answer.use is reference


@pytest.mark.parametrize("check, title, reference", CHECKERS, ids=[c[1] for c in CHECKERS])
def test_a_right_answer_is_used(check, title, reference):
    answer = check(reference)
    assert type(answer) is Answer and answer.ok and answer.attempted
    assert answer.use is reference


def test_shapes_and_run_answers_share_the_convention():
    assert forward.check_shapes({}).message == f"shapes: {NOT_ATTEMPTED}"
    answer = remedies.check_fix("zero_init", stub)
    assert type(answer) is Answer and not answer.attempted and NOT_ATTEMPTED in answer.message
    assert answer.use.learned                          # the reference fix's run


def test_an_answer_shows_as_its_message():
    answer = Answer(False, "mse: wrong sign", use=len)

    class Printer:                                      # what IPython's pretty printer calls
        def text(self, s):
            self.out = s

    printer = Printer()
    answer._repr_pretty_(printer, False)
    assert printer.out == "mse: wrong sign"
    assert repr(answer) == str(answer) == "mse: wrong sign"
    assert "0x" not in repr(answer) and "Answer(" not in repr(answer)
    assert not answer and Answer(True, "ok")


def test_fall_back_says_why_and_uses_the_reference():
    answer = fb.fall_back(len, "wrong sign", "mse")
    assert not answer.ok and answer.attempted and answer.use is len
    assert answer.message.startswith("mse: wrong sign\n") and "reference" in answer.message
    assert fb.fall_back(len, fb.STUB, "mse") == fb.not_attempted("mse", len)
    verdict = fb.diagnose("g", np.ones(2), -np.ones(2))
    assert fb.fall_back(len, verdict, "mse").message.startswith(f"mse: {verdict.message}")


def test_two_numbers_are_called_proportional_only_for_a_telling_factor():
    """Any two numbers are proportional: for single numbers diagnose names a factor only when it
    is one a slip produces (2, 1/2, a whole number n, 1/n), and otherwise shows both."""
    message = fb.diagnose("dL/dw", 0.3, 0.7).message
    assert "proportional" not in message and message == "dL/dw: yours 0.3, expected 0.7"
    assert "yours 0.3, expected 0.7" in fb.diagnose("loss", [[0.3]], [[0.7]]).message
    assert "proportional" not in fb.diagnose("loss", 0.7 * 1.37, 0.7).message
    for got, words in ((1.4, "a factor 2: check the derivative of a square or a mean"),
                       (0.35, "a factor 1/2"),
                       (2.8, "a whole-number factor 4: a sum where a mean belongs"),
                       (0.7 / 32, "a factor 1/32: a mean where a sum belongs"),
                       (-1.4, "the sign is wrong) (a factor 2")):
        message = fb.diagnose("loss", got, 0.7).message
        assert "proportional to the answer" in message and words in message, message
    assert "wrong sign" in fb.diagnose("loss", -0.7, 0.7).message
    # arrays that are proportional still are a finding, whatever the factor
    message = fb.diagnose("dW", 1.37 * np.arange(1.0, 4.0), np.arange(1.0, 4.0)).message
    assert "proportional to the answer: 1.37 times the answer (too large)" in message
    # one nonzero entry is one number again
    message = fb.diagnose("db", [0.0, 0.3], [0.0, 0.7]).message
    assert "proportional" not in message and "yours 0.3, expected 0.7" in message


def test_a_local_derivative_off_by_no_telling_factor_is_told_to_rederive():
    def wrong_product(op, a, b=0.0):
        return a + b if op == "*" else chain_rule.local_derivative_reference(op, a, b)

    message = chain_rule.check_local_derivative(wrong_product).message
    assert "proportional" not in message and "rederive d(a·b)/da" in message, message


def test_close():
    assert fb.close([1.0, 2.0], np.array([1.0, 2.0 + 1e-12]))
    assert not fb.close([1.0, 2.0], [[1.0, 2.0]])                  # shapes must agree
    assert not fb.close("abc", 1.0) and not fb.close(1e-10, 0.0, atol=1e-12)


def test_attempt_number():
    def ref(x):
        return x

    assert fb.attempt_number(lambda x: "3", (1,), int, "an epoch", ref, "t") == (3, None)
    for fn, words in ((stub, NOT_ATTEMPTED), (lambda x: None, "returned None"),
                      (lambda x: "three", "expected an epoch, got 'three'")):
        got, answer = fb.attempt_number(fn, (1,), int, "an epoch", ref, "t")
        assert got is None and answer.use is ref and words in answer.message


# ------------------------------------------------------------- run: the one way to call learners
from backprop_lib.exercises.sandbox import PRINT_LINES, as_array, run  # noqa: E402


def test_run_returns_the_value_and_is_ok():
    outcome = run(lambda x, y=1: x + y, 2, y=3)
    assert outcome.value == 5 and outcome.ok and outcome.problem is None and not outcome.stub


def test_run_marks_a_stub():
    outcome = run(stub, np.ones(3))
    assert outcome.stub and not outcome.ok and outcome.problem is None


def test_run_tells_a_stub_from_code_that_reaches_a_leftover_raise():
    """Only the template's body (raise NotImplementedError, with a docstring or a message, or
    reached through a lambda) is "not attempted"; code that the learner wrote and that still
    reaches a raise is named, with the line."""
    def documented(X):
        """The template, with a docstring and a message."""
        raise NotImplementedError("your code here")

    def ends_with_it(X):
        Z = X * 2  # noqa: F841
        raise NotImplementedError

    def code_below_it(X):
        raise NotImplementedError
        return X * 2

    def one_case_left(X):
        if X.ndim == 2:
            return X * 2
        else:
            raise NotImplementedError

    def helper(X):
        raise NotImplementedError

    def calls_a_stub(X):
        Z = X * 2
        return helper(Z)

    def unfinished_helper(X):
        Y = X + 1  # noqa: F841
        raise NotImplementedError

    def calls_unfinished(X):
        return unfinished_helper(X) * 2

    for fn in (stub, documented, lambda X: documented(X)):
        outcome = run(fn, np.ones(3))
        assert outcome.stub and outcome.problem is None
    for fn, words in (
            (ends_with_it, "your function still ends with raise NotImplementedError (line 3 of "
                           "`ends_with_it`: raise NotImplementedError)"),
            (code_below_it, "still starts with raise NotImplementedError (line 2 of "
                            "`code_below_it`: raise NotImplementedError), so the code you wrote "
                            "below it never runs: delete that line"),
            (one_case_left, "still raises NotImplementedError for these inputs (line 5 of "
                            "`one_case_left`"),
            (calls_a_stub, "your function calls `helper`, which still raises "
                           "NotImplementedError (it is still the template): write it first"),
            (calls_unfinished, "your function calls `unfinished_helper`, which still raises "
                               "NotImplementedError (line 3 of `unfinished_helper`"),
            (lambda X: ends_with_it(X), "still ends with raise NotImplementedError")):
        outcome = run(fn, np.ones(3))
        assert not outcome.stub and not outcome.ok and words in outcome.problem, outcome.problem
        assert "X: array of shape (3,)" in outcome.problem
    # and a checker says so, as an attempt (not "not attempted yet")
    answer = forward.check_dense_forward(lambda X, W, b: ends_with_it(X))
    assert answer.attempted and NOT_ATTEMPTED not in answer.message
    assert "still ends with raise NotImplementedError" in answer.message


def test_run_without_the_source_falls_back_to_the_first_line():
    """A function made by exec has no source to read: a raise at its first statement is a stub,
    one further down is named."""
    space = {}
    exec("def made(x):\n    raise NotImplementedError\n"
         "def later(x):\n    y = x + 1\n    raise NotImplementedError\n", space)
    assert run(space["made"], 1).stub
    outcome = run(space["later"], 1)
    assert not outcome.stub and "still raises NotImplementedError" in outcome.problem


def test_a_not_implemented_error_from_the_library_is_the_learners_call():
    def uses_the_library(x):
        from backprop_lib.activations import Activation
        return Activation().local_grad()          # the base class has no f' of its own

    outcome = run(uses_the_library, np.ones(2))
    assert not outcome.stub and "NotImplementedError" in outcome.problem
    assert "line 3 of `uses_the_library`" in outcome.problem


def test_run_names_the_exception_the_learners_line_and_the_shapes():
    def dense_forward(X, W, b):
        Z = X @ W
        return Z + b

    outcome = run(dense_forward, np.ones((4, 3)), np.ones((2, 3)), np.zeros(3))
    assert not outcome.ok and not outcome.stub
    assert "ValueError" in outcome.problem and "matmul" in outcome.problem
    assert "line 2 of `dense_forward`: Z = X @ W" in outcome.problem
    assert "X: array of shape (4, 3)" in outcome.problem
    assert "W: array of shape (2, 3)" in outcome.problem


def test_run_points_at_the_learners_line_not_at_backprop_lib():
    import backprop_lib as bp

    def forward(model, X):
        return model.forwrd(X)                        # a typo: AttributeError in their line

    outcome = run(forward, bp.mlp([2, 3, 1], seed=0), np.ones((4, 2)))
    assert "AttributeError" in outcome.problem and "model.forwrd(X)" in outcome.problem


def test_run_stops_a_loop_that_never_ends_even_if_it_catches_exceptions():
    def forever(x):
        while True:
            try:
                x = x + 1
            except Exception:
                pass

    outcome = run(forever, 0, limit=0.2)
    assert not outcome.ok and "more than 0.2 s" in outcome.problem
    assert "loop that never ends" in outcome.problem


def test_explaining_a_late_not_implemented_error_is_not_stopped_by_the_limit(monkeypatch):
    """A learner's function that used up its time and then reached a leftover raise: reading
    its source to explain that (stubs.unfinished) runs after the tracer is off, so the time
    limit cannot fire inside the explanation and escape as a TimeLimit (it once did, in the
    corpus under load: the checker crashed instead of answering)."""
    import time

    from backprop_lib.exercises import stubs

    def helper():
        return "explained"

    def slow_explanation(e, shown=""):
        time.sleep(0.05)                  # past the deadline of 0.01 s below ...
        return helper()                   # ... then a new frame: the tracer would fire here

    monkeypatch.setattr(stubs, "unfinished", slow_explanation)

    def unfinished(x):
        raise NotImplementedError

    outcome = run(unfinished, 1, limit=0.01)
    assert outcome.problem == "explained" and not outcome.stub


def test_run_keeps_the_first_printed_lines_and_counts_the_rest(capsys):
    def chatty(x):
        for i in range(100_000):
            print("line", i)
        return x

    outcome = run(chatty, 7, limit=30.0)             # (about 1 s with the tracer, unloaded)
    assert outcome.ok and outcome.value == 7
    lines = outcome.printed.splitlines()
    assert len(lines) == PRINT_LINES + 1 and lines[0] == "line 0"
    assert lines[-1] == f"... ({100_000 - PRINT_LINES} more lines)"
    assert capsys.readouterr().out == ""                  # nothing leaked to the real stdout


def test_run_cuts_one_enormous_line():
    outcome = run(lambda: print("x" * 10**6))
    assert outcome.ok and len(outcome.printed) < 1000


def test_run_copies_every_input_so_mutation_cannot_reach_the_caller():
    import backprop_lib as bp

    def mutate(w, parts, table, model):
        w -= 1.0
        parts[0] *= 0
        parts.append(3)
        table["a"][:] = 9
        for p in model.parameters():
            p.value[...] = 0
        return w

    w, parts, table = np.ones(3), [np.ones(2)], {"a": np.ones(2)}
    model = bp.mlp([2, 3, 1], seed=0)
    before = [p.value.copy() for p in model.parameters()]
    outcome = run(mutate, w, parts, table, model)
    assert outcome.ok and np.allclose(outcome.value, 0.0)
    assert np.all(w == 1) and len(parts) == 1 and np.all(parts[0] == 1) and np.all(table["a"] == 1)
    assert all(np.array_equal(p.value, b) for p, b in zip(model.parameters(), before))


def test_run_reports_exit_and_recursion_but_lets_keyboard_interrupt_through():
    import sys

    assert "exit()" in run(lambda: sys.exit(1)).problem

    def again(n):
        return again(n + 1)

    assert "RecursionError" in run(again, 0).problem

    def interrupted():
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(interrupted)


def test_run_restores_stdout_and_the_previous_tracer():
    import sys

    out, trace = sys.stdout, sys.gettrace()
    run(lambda: 1 / 0)
    run(lambda: print("hi"))
    assert sys.stdout is out and sys.gettrace() is trace


def test_run_says_when_it_is_not_given_a_function():
    outcome = run(np.ones(3))
    assert not outcome.ok and "expected a function" in outcome.problem


@pytest.mark.parametrize("value, phrase", [
    (None, "did you forget `return`"),
    ("0.5", "returned the text '0.5'"),
    (object(), "an object of type `object`"),
    ({"dW": 1}, "returned a dict"),
    ((np.ones(3), np.ones((3, 2))), "did you return several values"),
    ([1, [2, 3]], "do not form an array"),
    (np.ones(2) * 1j, "complex"),
])
def test_as_array_names_what_came_back_instead_of_an_array(value, phrase):
    array, why = as_array(value, "dW")
    assert array is None and phrase in why and why.startswith("dW: ")


@pytest.mark.parametrize("value", [[1.0, 2.0], (1, 2), np.array([1, 2], dtype=np.float32)])
def test_as_array_accepts_lists_tuples_and_float32(value):
    array, why = as_array(value, shape=(2,))
    assert why is None and array.dtype == np.float64 and np.array_equal(array, [1.0, 2.0])


def test_diagnose_and_as_array_are_one_path():
    assert fb.diagnose("dW", "abc", np.ones(2)).message == as_array("abc", "dW")[1]
    assert fb.diagnose("dW", None, np.ones(2)).message == as_array(None, "dW")[1]
    assert "NaN" in fb.diagnose("dW", [np.nan, 1.0], np.ones(2)).message


def test_attempt_reports_the_problem_and_shows_the_printed_lines(capsys):
    def noisy(x):
        print("debug", x)
        raise IndexError("index 5 is out of bounds")

    value, why = fb.attempt(noisy, 3)
    assert value is None and "IndexError" in why and "index 5" in why
    assert "debug 3" in capsys.readouterr().out
    assert fb.attempt(stub, 1) == (None, fb.STUB)


def test_call_gives_the_value_or_the_answer_to_return(capsys):
    def reference(x):
        return x

    def noisy(x):
        print("debug", x)
        raise IndexError("index 5 is out of bounds")

    assert fb.call(lambda x: 2 * x, 3, reference=reference, title="t") == (6, None)
    value, answer = fb.call(noisy, 3, reference=reference, title="t", on="on a case: ")
    assert value is None and answer is not None and not answer.ok and answer.use is reference
    assert answer.message.startswith("t: on a case: your function raised IndexError")
    assert "debug 3" in capsys.readouterr().out
    value, answer = fb.call(stub, 3, reference=reference, title="t", on="on a case: ")
    assert value is None and answer.message == f"t: {NOT_ATTEMPTED}" and not answer.attempted
    value, answer = fb.call(lambda x: None, 3, reference=reference, title="t")
    assert value is None and answer is None              # a None returned is the checker's to name


def test_a_time_limit_hit_while_printing_says_how_much_was_printed():
    def chatty_forever():
        while True:
            print("again")

    outcome = run(chatty_forever, limit=0.2)
    assert "loop that never ends" in outcome.problem
    assert "lines: printing is slow" in outcome.problem
    assert outcome.printed.endswith("more lines)")


def test_library_frames_are_not_line_traced_but_still_stopped():
    import backprop_lib as bp

    X, y = bp.datasets.moons(200, seed=0)

    def trains_for_ever(model):
        bp.train(model, X, y, epochs=100_000)       # its loops are in the library

    outcome = run(trains_for_ever, bp.mlp([2, 8, 2], seed=0), limit=0.3)
    assert "loop that never ends" in outcome.problem


def test_no_checker_calls_learner_code_except_through_run():
    """Every call of a learner's function goes through sandbox.run (or attempt, which uses it):
    no module of exercises calls a parameter named fn, or a stored backward_fn, directly."""
    import ast
    import pathlib

    import backprop_lib.exercises as package

    learner_names = {"fn", "backward_fn", "dense_backward", "sigmoid_backward",
                     "activation_backward"}
    direct = []
    for path in pathlib.Path(package.__file__).parent.glob("*.py"):
        if path.name == "sandbox.py":                 # run itself: the one place that calls
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                f = node.func
                name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(
                    f, ast.Attribute) else None
                if name in learner_names:
                    direct.append(f"{path.name}:{node.lineno}")
    assert direct == []


def test_the_same_printed_lines_are_echoed_once(capsys):
    from backprop_lib.exercises import descent

    def gd_step(w, grad, lr):
        print("debugging")
        return w - lr * grad

    assert descent.check_gd_step(gd_step).ok
    assert capsys.readouterr().out.count("debugging") == 1
