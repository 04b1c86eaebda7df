"""The loss along one weight (notebook 04's tangent explorer): the backward pass's dL/dw is the
slope of the curve, the model is left as it was, and bad input is named."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import backprop_lib as bp  # noqa: E402
from backprop_lib.plots import backward as bplots  # noqa: E402
from backprop_lib.slices import weight_slice  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _setup(seed=0, outputs=1):
    X, labels = bp.datasets.moons(8, seed=seed)
    T = np.random.default_rng(seed).normal(size=(8, outputs))
    model = bp.Sequential([bp.Dense(2, 3, rng=np.random.default_rng(seed)), bp.Sigmoid(),
                           bp.Dense(3, outputs, rng=np.random.default_rng(seed + 1))])
    return model, X, T


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("name,index", [("dense1.W", (0, 1)), ("dense1.b", (2,)),
                                        ("dense2.W", (1, 0)), ("dense2.b", 0)])
def test_slope_from_backward_matches_finite_differences_of_the_curve(seed, name, index):
    model, X, T = _setup(seed)
    s = weight_slice(model, X, T, bp.mse, name, index, span=1.0, points=11)
    h = 1e-5
    for w in s.values[::3]:
        numeric = (s.at(w + h)[0] - s.at(w - h)[0]) / (2 * h)
        assert np.isclose(s.at(w)[1], numeric, rtol=1e-6, atol=1e-10)
    assert np.allclose([s.at(w)[0] for w in s.values], s.losses)


def test_slice_leaves_the_model_as_it_was():
    model, X, T = _setup(0)
    out = model.forward(X)
    model.backward(bp.mse(out, T)[1])
    before = [(p.value.copy(), p.grad.copy()) for p in model.parameters()]
    outputs = model.outputs
    s = weight_slice(model, X, T, bp.mse, "dense1.W", (1, 2))
    s.at(s.values[0])
    for p, (value, grad) in zip(model.parameters(), before):
        assert np.array_equal(p.value, value) and np.array_equal(p.grad, grad)
    assert model.outputs is outputs
    assert s.w0 == model.layers[0].W.value[1, 2]


def test_slice_is_centred_on_the_weight_and_spans_it():
    model, X, T = _setup(1)
    s = weight_slice(model, X, T, bp.mse, "dense2.W", (0, 0), span=2.0, points=21)
    assert s.values.shape == s.losses.shape == s.grads.shape == (21,)
    assert np.isclose(s.values[10], s.w0) and np.isclose(s.values[-1] - s.values[0], 4.0)


@pytest.mark.parametrize("kw,message", [
    (dict(name="dense9.W", index=(0, 0)), "no parameter named 'dense9.W'"),
    (dict(name="dense1.W", index=(5, 0)), "does not pick one entry"),
    (dict(name="dense1.W", index=(0,)), "does not pick one entry"),
    (dict(name="dense1.W", index=(0, 0), span=-1.0), "span must be a positive number"),
    (dict(name="dense1.W", index=(0, 0), points=2), "points must be an integer"),
])
def test_bad_input_is_named(kw, message):
    model, X, T = _setup(0)
    with pytest.raises(ValueError, match=message):
        weight_slice(model, X, T, bp.mse, **kw)


def test_tangent_touches_the_curve_with_the_backward_slope():
    model, X, T = _setup(0)
    s = weight_slice(model, X, T, bp.mse, "dense1.W", (0, 1))
    fig, artists = bplots.tangent_figure(s)
    w = s.values[30]
    L, g = bplots.update_tangent(artists, s, w)
    x, y = artists.tangent.get_data()
    assert np.isclose(np.interp(w, x, y), L)                       # it passes through (w, L)
    assert np.isclose((y[1] - y[0]) / (x[1] - x[0]), g)            # with the backward's slope
    assert artists.point.get_data()[0][0] == w
    assert f"{g:+.4f}" in artists.text.get_text()


def test_a_wrong_backward_tilts_the_tangent():
    from backprop_lib.exercises import backprop as bpx

    def sigmoid_backward_buggy(dY, Z, Y):
        return dY * Z * (1 - Z)

    good, X, T = _setup(0)
    bad = bpx.learner_network(bpx.dense_backward_reference, sigmoid_backward_buggy,
                              sizes=(2, 3, 1))
    for p, q in zip(good.parameters(), bad.parameters()):
        q.value[...] = p.value
    s_good = weight_slice(good, X, T, bp.mse, "dense1.W", (0, 1))
    s_bad = weight_slice(bad, X, T, bp.mse, "dense1.W", (0, 1))
    assert np.allclose(s_good.losses, s_bad.losses)                # the forward pass is the same
    assert not np.allclose(s_good.grads, s_bad.grads, rtol=1e-2)   # the slope is not


def test_tangent_explorer_moves_the_tangent():
    from backprop_lib.widgets import backward as wbackward

    model, X, T = _setup(0)
    s = weight_slice(model, X, T, bp.mse, "dense1.W", (0, 1))
    explorer = wbackward.tangent_explorer(s)
    before = explorer.fig.axes[0].lines[1].get_ydata().copy()
    explorer.controls["w"].value = float(s.values[90])
    assert explorer.updates == 1
    assert not np.allclose(explorer.fig.axes[0].lines[1].get_ydata(), before)
