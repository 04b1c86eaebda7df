"""09's exercise 4 (predict in evaluation mode): the measurement the lesson quotes, and its
bad inputs."""

import pytest

import backprop_lib as bp
from backprop_lib.exercises import modes


def test_a_batch_of_one_class_needs_evaluation_mode_and_a_mixed_batch_does_not():
    seeds = range(2)                                  # the lesson asserts all five
    one_eval = bp.over_seeds(lambda s: modes.one_class_accuracy(s, "eval"), seeds)
    one_train = bp.over_seeds(lambda s: modes.one_class_accuracy(s, "train"), seeds)
    mixed_train = bp.over_seeds(lambda s: modes.one_class_accuracy(s, "train", "mixed"), seeds)
    assert one_eval.all(lambda a: a > 0.95) and one_train.all(lambda a: 0.5 < a < 0.7)
    assert mixed_train.all(lambda a: a > 0.95)


@pytest.mark.parametrize("kwargs, words", [({"mode": "evaluation"}, "mode must be 'eval'"),
                                           ({"batch": "one"}, "batch must be 'one class'")])
def test_bad_arguments_are_named(kwargs, words):
    with pytest.raises(ValueError, match=words):
        modes.one_class_accuracy(0, **kwargs)


def test_reference_predict_leaves_the_model_as_it_was():
    model, X, _ = modes.trained_batchnorm_network(0)
    model.train()
    norm = model.layers[1]
    before = norm.running_mean.copy()
    modes.reference_predict(model, X[:10])
    assert model.training and (norm.running_mean == before).all()
