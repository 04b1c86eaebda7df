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
