"""What a caller holds stays as it was; a model that is only looked at is not changed; a layer
appears once; an optimizer's state belongs to its model; names and data get clear messages."""

import warnings

import numpy as np
import pytest

import backprop_lib as bp
from backprop_lib.plots.gradients import hidden_activations
from backprop_lib.plots.live import predicted_classes


def _data(n=60, seed=0):
    return bp.datasets.spiral(n_per_class=n // 3, seed=seed)


# ---------------------------------------------------------------- nothing kept is overwritten
def test_arrays_kept_from_a_callback_do_not_change_when_training_goes_on():
    X, y = _data()
    model = bp.mlp([2, 16, 16, 3], norm="batch", seed=0)
    kept = {}

    def keep(step):
        if step.step == 3:
            kept["outputs"] = list(step.model.outputs)
            kept["output_grads"] = list(step.model.output_grads)
            kept["hidden"] = hidden_activations(step.model)
            kept["grads"] = [p.grad for p in step.model.parameters()]
            kept["loss"] = step.history.loss
            kept["grad_norm"] = step.history.grad_norm
            kept["train_loss"] = step.history.train_loss
            kept["running_mean"] = step.model.layers[1].running_mean
            kept["copies"] = {k: [np.array(a) for a in v] if isinstance(v, list)
                              else np.array(v) for k, v in kept.items()}
    bp.train(model, X, y, optimizer=bp.SGD(0.1, clip_norm=0.5), epochs=4, batch_size=20,
             callback=keep)
    copies = kept.pop("copies")
    for name, value in kept.items():
        if isinstance(value, list):
            assert len(value) == len(copies[name]), name
            for a, b in zip(value, copies[name]):
                np.testing.assert_array_equal(a, b, err_msg=name)
        else:
            np.testing.assert_array_equal(value, copies[name], err_msg=name)


def test_gradients_returned_by_backward_are_new_arrays():
    X, y = _data()
    model = bp.mlp([2, 8, 3], seed=0)
    loss, dout = bp.softmax_cross_entropy(model.forward(X), y)
    dX = model.backward(dout)
    kept, copy = dX, dX.copy()
    out = model.forward(X + 1)
    model.backward(bp.softmax_cross_entropy(out, y)[1])
    np.testing.assert_array_equal(kept, copy)


# ---------------------------------------------------------------- looking does not change
def _snapshot(model):
    return ([p.value.copy() for p in model.parameters()],
            [{k: v.copy() for k, v in layer.buffers().items()} for layer in model.layers],
            [layer.training for layer in model.layers])


def _assert_same(model, snap):
    values, buffers, modes = snap
    for p, v in zip(model.parameters(), values):
        np.testing.assert_array_equal(p.value, v)
    for layer, saved in zip(model.layers, buffers):
        for k, v in saved.items():
            np.testing.assert_array_equal(layer.buffers()[k], v)
    assert [layer.training for layer in model.layers] == modes


def _diverged_model():
    X, y = _data()
    model = bp.mlp([2, 32, 32, 3], activation="relu", norm="batch", seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        h = bp.train(model, X, y, optimizer=bp.SGD(1e6), epochs=5, batch_size=20)
    assert h.diverged
    return model, X, y


@pytest.mark.parametrize("mixed", [False, True])
@pytest.mark.parametrize("diverged", [False, True])
def test_look_only_functions_leave_the_model_as_it_was(diverged, mixed):
    if diverged:
        model, X, y = _diverged_model()
        model.dense_layers()[0].W.value[0, 0] = np.inf  # a blown-up weight: outputs inf / NaN
    else:
        X, y = _data()
        model = bp.mlp([2, 8, 8, 3], norm="batch", seed=0)
    if mixed:
        model.layers[1].eval()                          # one layer in eval mode, the rest not
    snap = _snapshot(model)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        loss, acc = bp.evaluate(model, X, y)
        profile = bp.gradient_profile(model, X, y)
        predicted_classes(model, X)
        bp.layer_statistics(model)
        bp.dead_units(model)
    _assert_same(model, snap)
    assert np.isnan(loss) == diverged and 0 <= acc <= 1
    assert np.isnan(profile["loss"]) == diverged


# ---------------------------------------------------------------- one layer, one place
def test_the_same_layer_object_twice_is_refused_with_the_fix():
    with pytest.raises(ValueError, match=r"layers 2 and 4 are the same object.*range\(3\)"):
        bp.Sequential([bp.Dense(2, 8), bp.Tanh()] + [bp.Dense(8, 8), bp.Tanh()] * 3
                      + [bp.Dense(8, 3)])


def test_separate_layers_made_in_a_comprehension_are_accepted():
    model = bp.Sequential([bp.Dense(2, 8), bp.Tanh()]
                          + [layer for _ in range(3) for layer in (bp.Dense(8, 8), bp.Tanh())]
                          + [bp.Dense(8, 3)])
    X, y = _data()
    assert bp.gradient_check(model, X[:4], y[:4]).passed()


def test_names_the_caller_gave_are_kept():
    encoder = bp.Dense(2, 4)
    encoder.name = "encoder"
    model = bp.Sequential([encoder, bp.Tanh(), bp.Dense(4, 2)])
    assert [layer.name for layer in model.layers] == ["encoder", "tanh1", "dense2"]
    assert encoder.W.name == "encoder.W"
    again = bp.Sequential(model.layers)                 # names this module gave are renewed
    assert [layer.name for layer in again.layers] == ["encoder", "tanh1", "dense2"]
    other = bp.Dense(4, 2)
    other.name = "encoder"
    with pytest.raises(ValueError, match="two layers are named 'encoder'"):
        bp.Sequential([encoder, bp.Tanh(), other])


# ---------------------------------------------------------------- an optimizer per model
@pytest.mark.parametrize("make", [lambda: bp.Adam(0.01), lambda: bp.SGD(0.1, momentum=0.9)])
def test_an_optimizer_reused_on_another_model_starts_fresh_for_it(make):
    X, y = _data()
    used = make()
    bp.train(bp.mlp([2, 8, 3], seed=1), X, y, optimizer=used, epochs=20)
    reused = bp.train(bp.mlp([2, 8, 3], seed=0), X, y, optimizer=used, epochs=20)
    fresh = bp.train(bp.mlp([2, 8, 3], seed=0), X, y, optimizer=make(), epochs=20)
    np.testing.assert_array_equal(reused.loss, fresh.loss)


def test_continuing_with_the_same_optimizer_keeps_its_state():
    X, y = _data()
    opt, model = bp.Adam(0.01), bp.mlp([2, 8, 3], seed=0)
    bp.train(model, X, y, optimizer=opt, epochs=10)
    second = bp.train(model, X, y, optimizer=opt, epochs=10)
    whole = bp.train(bp.mlp([2, 8, 3], seed=0), X, y, optimizer=bp.Adam(0.01), epochs=20)
    np.testing.assert_allclose(second.loss, whole.loss[10:], rtol=1e-12)


# ---------------------------------------------------------------- names and data
@pytest.mark.parametrize("make,guess", [
    (lambda: bp.mlp([2, 3, 2], activation="leakyrelu"), "leaky_relu"),
    (lambda: bp.mlp([2, 3, 2], activation="Tanh"), "tanh"),
    (lambda: bp.mlp([2, 3, 2], init="xavir"), "xavier"),
    (lambda: bp.mlp([2, 3, 2], norm="batchnorm"), "batch"),
    (lambda: bp.train(bp.mlp([2, 3, 2]), np.zeros((4, 2)), np.zeros(4, int), loss="mes"), "mse"),
])
def test_unknown_names_suggest_the_closest(make, guess):
    with pytest.raises(ValueError, match=rf"did you mean '{guess}'\?"):
        make()


def test_a_loss_by_name_trains_like_the_function():
    X, y = _data()
    by_name = bp.train(bp.mlp([2, 8, 3]), X, y, loss="softmax_cross_entropy", epochs=3)
    by_function = bp.train(bp.mlp([2, 8, 3]), X, y, epochs=3)
    np.testing.assert_array_equal(by_name.loss, by_function.loss)


def test_splits_are_never_empty():
    X, y = np.arange(6.0).reshape(3, 2), np.array([0, 1, 2])
    with pytest.raises(ValueError, match="leaves the test set empty"):
        bp.datasets.train_test_split(X, y, test_fraction=0.25)
    X, y = np.arange(8.0).reshape(4, 2), np.array([0, 0, 1, 1])
    with pytest.raises(ValueError, match="leaves the training set empty"):
        bp.datasets.train_test_split(X, y, test_fraction=0.9)
    X_train, X_test, _, _ = bp.datasets.train_test_split(*bp.datasets.moons(20), 0.25)
    assert len(X_train) and len(X_test)


@pytest.mark.parametrize("call", [
    lambda X: bp.datasets.train_test_split(X, np.zeros(0, int)),
    lambda X: bp.datasets.standardize(X),
    lambda X: bp.train(bp.mlp([2, 3, 2]), X, np.zeros(0, int)),
])
def test_empty_data_gets_a_message_about_the_data(call):
    with pytest.raises(ValueError, match=r"X(_train)? is empty .*no examples"):
        call(np.zeros((0, 2)))
