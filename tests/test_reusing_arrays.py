"""Training steps reuse their memory (Sequential.reusing_arrays) without changing a single number,
and outside a training step every result is a new array that nothing overwrites."""

import numpy as np
import pytest

import backprop_lib as bp

NORMS = [None, "batch", "layer"]


def _step(model, X, y):
    out = model._forward(X)
    loss, dout = bp.softmax_cross_entropy(out, y)
    dX = model.backward(dout)
    return loss, out, dX


def _data(n=40, features=3, classes=4, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, features)), rng.integers(0, classes, n)


@pytest.mark.parametrize("norm", NORMS)
@pytest.mark.parametrize("activation", sorted(bp.ACTIVATIONS))
def test_reused_arrays_give_bit_identical_gradients(activation, norm):
    X, y = _data()
    fresh = bp.mlp([3, 7, 5, 4], activation=activation, norm=norm, seed=1)
    reusing = bp.mlp([3, 7, 5, 4], activation=activation, norm=norm, seed=1)
    expected = _step(fresh, X, y)
    with reusing.reusing_arrays():
        _step(reusing, X, y)                    # the first call makes the arrays,
        got = _step(reusing, X, y)              # the second writes into them
    assert got[0] == expected[0]
    np.testing.assert_array_equal(got[1], expected[1])
    np.testing.assert_array_equal(got[2], expected[2])
    for p, q in zip(fresh.parameters(), reusing.parameters()):
        np.testing.assert_array_equal(p.grad, q.grad, err_msg=p.name)


@pytest.mark.parametrize("activation", sorted(bp.ACTIVATIONS))
def test_a_step_inside_the_block_writes_into_the_same_arrays(activation):
    X, y = _data()
    model = bp.mlp([3, 6, 6, 4], activation=activation, seed=0)
    with model.reusing_arrays():
        _step(model, X, y)
        first = [id(a) for a in model.outputs + model.output_grads]
        _step(model, X[::-1].copy(), y[::-1].copy())
        second = [id(a) for a in model.outputs + model.output_grads]
    # every signal but the loss gradient (made by the loss function, not a layer) is reused
    assert first[:-1] == second[:-1]


def test_outside_the_block_every_forward_returns_a_new_array():
    X, _ = _data()
    model = bp.mlp([3, 6, 4], activation="relu", seed=0)
    with model.reusing_arrays():
        model.forward(X)
    a = model.forward(X)
    b = model.forward(2 * X)
    assert a is not b and not np.shares_memory(a, b)
    assert not np.array_equal(a, b)                 # a still holds the first call's outputs
    assert all(layer.reuse_arrays is False for layer in model.layers)


def test_each_batch_shape_gets_its_own_arrays():
    # the last, smaller batch of an epoch must not overwrite the full batches' arrays, nor the
    # other way round: each shape has its own
    model = bp.mlp([3, 5, 4], activation="tanh", seed=0)
    X, _ = _data(n=10)
    with model.reusing_arrays():
        big = model.forward(X)
        kept = big.copy()
        small = model.forward(X[:3])
    assert small.shape == (3, 4)
    np.testing.assert_array_equal(big, kept)


def test_the_block_is_left_clean_after_an_error():
    model = bp.mlp([3, 5, 4], seed=0)
    with pytest.raises(ValueError, match="features"):
        with model.reusing_arrays():
            model.forward(np.zeros((2, 7)))
    assert all(layer.reuse_arrays is False for layer in model.layers)


def test_train_reuses_arrays_and_matches_a_hand_written_loop():
    X, y = _data(n=64, features=3, classes=3, seed=2)
    trained = bp.mlp([3, 16, 16, 3], activation="relu", seed=0)
    history = bp.train(trained, X, y, optimizer=bp.SGD(0.1), epochs=5, batch_size=None)
    by_hand = bp.mlp([3, 16, 16, 3], activation="relu", seed=0)
    opt = bp.SGD(0.1)
    losses = []
    for _ in range(5):                                    # full batch: no shuffling involved
        loss, dout = bp.softmax_cross_entropy(by_hand.forward(X), y)
        by_hand.backward(dout)
        opt.step(by_hand.parameters())
        losses.append(loss)
    np.testing.assert_array_equal(history.loss, losses)
    for p, q in zip(trained.parameters(), by_hand.parameters()):
        np.testing.assert_array_equal(p.value, q.value, err_msg=p.name)


def test_a_callback_gets_new_arrays_it_can_keep():
    # a live view keeps each step's predictions: training must not overwrite them
    X, y = _data(n=32, features=3, classes=3)
    model = bp.mlp([3, 8, 3], activation="tanh", seed=0)
    kept = []
    bp.train(model, X, y, epochs=3, callback=lambda step: kept.append(step.model.forward(X)))
    assert len(kept) == 3
    assert not np.array_equal(kept[0], kept[2])
    np.testing.assert_array_equal(kept[-1], model.forward(X))



def test_a_nested_block_leaves_the_outer_one_on():
    model = bp.mlp([3, 5, 4], seed=0)
    with model.reusing_arrays():
        with model.reusing_arrays():
            pass
        assert all(layer.reuse_arrays for layer in model.layers)
    assert not any(layer.reuse_arrays for layer in model.layers)
