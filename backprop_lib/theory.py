"""What theory predicts for the size of the backpropagated error, layer by layer.

Going back one layer, dL/dZ_l = (dL/dZ_{l+1} · W^T) ⊙ f'(Z_l), where W (fan_in, fan_out) is the
next layer's weight matrix. If the weights are independent with variance Var(W), each entry of
dL/dZ_{l+1} · W^T sums fan_out terms, so

    Var(dL/dZ_l) ≈ fan_out · Var(W) · E[f'(Z)²] · Var(dL/dZ_{l+1}).

The RMS of the error is multiplied by sqrt(fan_out · Var(W) · E[f'(Z)²]) per layer. With equal
widths n:
- uniform ±1/sqrt(n) ("standard"): Var(W) = 1/(3n), so variance x1/3 per layer (tanh near 0);
- a sigmoid adds f' <= 1/4, so at least x1/16 more: the error shrinks more than 7x per layer;
- ReLU passes half the units (E[f'²] = 1/2): with Xavier (Var = 1/n) x1/2, with He (2/n) x1.

The assumption to remember: for sigmoid and tanh, E[f'²] is taken at Z = 0 (the linear regime,
where tanh's slope is 1). Weights large enough to spread Z over the bend (tanh with He, n·Var(W) =
2) make the measured E[f'²] about half of that, and the prediction fails by orders of magnitude
over many layers; ``predicted_delta_rms(..., gains=measured)`` puts the measured values back in
(``signals.slope_gain`` measures them). Where the regime ends, measured in notebook 08 (tanh,
Xavier times a gain, five seeds): the per-layer factor is within 15% of theory while the typical
RMS of Z stays below about 0.3, about 0.8 of it at He's spread (RMS of Z 0.5-0.8, the bends), and
half of it when Z reaches 2.5 and many units sit in the flat ends (saturation). Per layer modest,
but it compounds with depth.
"""

from __future__ import annotations

import numpy as np

from ._validate import check_positive_int, unknown_name
from .activations import ACTIVATIONS
from .init import INITIALIZERS

SIGMOID_MAX_SLOPE = 0.25   # σ'(z) = σ(z)(1 - σ(z)) is largest at z = 0, where it is 1/4


def weight_variance(init: str, fan_in: int, fan_out: int) -> float:
    """Var(W) of each initializer (see ``backprop_lib.init``)."""
    fan_in, fan_out = check_positive_int(fan_in, "fan_in"), check_positive_int(fan_out, "fan_out")
    variances = {
        "small": 0.01 ** 2,
        "standard": 1.0 / (3 * fan_in),             # uniform ±a has variance a²/3
        "xavier": 2.0 / (fan_in + fan_out),          # a² / 3 with a² = 6/(fan_in + fan_out)
        "he": 2.0 / fan_in,
        "zeros": 0.0,
    }
    if init not in INITIALIZERS:
        raise unknown_name("init", init, INITIALIZERS)
    return variances[init]


def derivative_gain(activation: str, slope: float = 0.01) -> float:
    """E[f'(Z)²] for pre-activations near 0 (the most favourable case for sigmoid and tanh)."""
    gains = {"sigmoid": SIGMOID_MAX_SLOPE ** 2, "tanh": 1.0, "relu": 0.5,
             "leaky_relu": 0.5 * (1 + slope ** 2)}
    if activation not in ACTIVATIONS:
        raise unknown_name("activation", activation, ACTIVATIONS)
    return gains[activation]


def layer_factor(activation: str, init: str, fan_in: int, fan_out: int) -> float:
    """The factor by which the RMS of dL/dZ changes going back through one hidden layer:
    sqrt(fan_out · Var(W) · E[f'²])."""
    return float(np.sqrt(fan_out * weight_variance(init, fan_in, fan_out)
                         * derivative_gain(activation)))


def predicted_delta_rms(sizes, activation: str, init: str, last_hidden_rms: float = 1.0,
                        gains=None):
    """Predicted RMS of dL/dZ at every hidden Dense layer of ``mlp(sizes, ...)``, first to last,
    anchored at ``last_hidden_rms`` for the last hidden layer (pass the measured value to
    overlay the prediction on a measurement).

    ``gains``: optional E[f'(Z)²] per hidden layer (one number each, first to last), e.g. the
    measured ``signals.slope_gain(model)``, used instead of the value at Z = 0."""
    sizes = list(sizes)
    hidden = len(sizes) - 2
    if hidden < 1:
        raise ValueError("the prediction needs at least one hidden layer (sizes of length >= 3)")
    if gains is not None:
        try:
            gains = np.asarray(gains, dtype=float)
        except (TypeError, ValueError):
            raise ValueError(f"gains must be numbers, one E[f'²] per hidden layer ({hidden}); "
                             f"got {gains!r}") from None
        if gains.shape != (hidden,) or not np.all(np.isfinite(gains)) or np.any(gains < 0):
            raise ValueError(f"gains must hold one E[f'²] >= 0 per hidden layer ({hidden}), got "
                             f"shape {gains.shape}")
    predicted = np.empty(hidden)
    predicted[-1] = last_hidden_rms
    for k in range(hidden - 2, -1, -1):              # hidden layer k receives from layer k + 1
        fan_in, fan_out = sizes[k + 1], sizes[k + 2]  # the weights of the layer above
        if gains is None:
            factor = layer_factor(activation, init, fan_in, fan_out)
        else:                                        # f'(Z_k) multiplies the error at layer k
            factor = np.sqrt(fan_out * weight_variance(init, fan_in, fan_out) * gains[k])
        predicted[k] = predicted[k + 1] * factor
    return predicted


# --------------------------------------------------------------------------- residual stacks
#
# A residual block adds its branch to its input: X_{l+1} = X_l + s·F(X_l). Going forward, the
# branch's output is (for wide layers) nearly uncorrelated with X_l, so mean squares ADD:
#
#     E[X_{l+1}²] ≈ E[X_l²] + 2s·E[X_l]·E[F] + s²·E[F²]
#
# Without normalization, F = f(Z) with Z = X_l·W: Z ~ N(0, fan_in·Var(W)·E[X_l²]), so E[F²]
# grows with the signal itself. ReLU with He init: E[F²] = E[X_l²], so the mean square at least
# doubles at every block (more with the mean's cross term: exponential in L). tanh: E[F²] < 1,
# so it grows by at most s² a block (linearly in L).
# With the normalization inside the branch, Z ~ N(0, 1) whatever X_l is: E[F²] is a constant
# c (0.39 for tanh, 1/2 for ReLU), a linear growth L·s²·c; and s = 1/sqrt(L) keeps the total
# growth under c: bounded whatever the depth.
#
# Going back, dL/dX_l = dL/dX_{l+1} + s·(dL/dX_{l+1} ⊙ f'(Z))·W^T: the two terms are
# uncorrelated (W has mean 0), so
#
#     E[(dL/dX_l)²] = E[(dL/dX_{l+1})²] · (1 + s²·fan_out·Var(W)·E[f'²])      (>= 1: never shrinks)

# E[g(z)] for z ~ N(0, 1) as Σ weights·g(nodes) on a fine grid (ReLU's kink defeats
# Gauss-Hermite quadrature; a fine grid is exact to about 1e-8 for every activation here)
_NODES = np.linspace(-12.0, 12.0, 24001)
_WEIGHTS = np.exp(-0.5 * _NODES ** 2)
_WEIGHTS = _WEIGHTS / _WEIGHTS.sum()


def gaussian_moments(activation: str, std: float = 1.0) -> tuple[float, float]:
    """(E[f(Z)], E[f(Z)²]) for Z ~ N(0, std²), by quadrature on a fine grid."""
    from .activations import activation as make_activation

    layer = make_activation(activation)
    f = layer.forward(std * _NODES[:, None])[:, 0]
    return float(_WEIGHTS @ f), float(_WEIGHTS @ (f * f))


def residual_moments(activation: str, init: str, width: int, blocks: int, norm=None,
                     branch_scale: float = 1.0, mean: float = 0.0, mean_square: float = 1.0):
    """Predicted mean and mean square of the signal after each of ``blocks`` residual blocks
    X + s·f([norm](X·W)) of ``width`` units, starting from a signal with ``mean`` and
    ``mean_square`` (pass the measured values at the first block's input). Returns a dict of
    arrays (blocks,): ``mean``, ``mean_square``, ``rms`` = sqrt(mean_square).

    The biases are taken as 0 and gamma = 1, beta = 0 (as at initialization)."""
    width, blocks = check_positive_int(width, "width"), check_positive_int(blocks, "blocks")
    gain = width * weight_variance(init, width, width)         # fan_in · Var(W)
    m, q = float(mean), float(mean_square)
    means, squares = np.empty(blocks), np.empty(blocks)
    for k in range(blocks):
        std = 1.0 if norm is not None else np.sqrt(gain * q)   # the spread of Z
        mu_f, sq_f = gaussian_moments(activation, std)
        q = q + 2 * branch_scale * m * mu_f + branch_scale ** 2 * sq_f
        m = m + branch_scale * mu_f
        means[k], squares[k] = m, q
    return {"mean": means, "mean_square": squares, "rms": np.sqrt(squares)}


def residual_delta_rms(activation: str, init: str, width: int, blocks: int,
                       branch_scale: float = 1.0, last_rms: float = 1.0, gains=None):
    """Predicted RMS of dL/dZ at the Dense of each residual block, first to last, anchored at
    ``last_rms`` for the last block (no normalization in the branch). Per block going back,
    the error on the residual stream is multiplied by sqrt(1 + s²·fan_out·Var(W)·E[f'²]) and the
    branch's dL/dZ is s·(that error)·sqrt(E[f'²]). ``gains``: measured E[f'²] per block."""
    width, blocks = check_positive_int(width, "width"), check_positive_int(blocks, "blocks")
    gain = width * weight_variance(init, width, width)
    g = (np.full(blocks, derivative_gain(activation)) if gains is None
         else np.asarray(gains, dtype=float))
    if g.shape != (blocks,):
        raise ValueError(f"gains must hold one E[f'²] per block ({blocks}), got shape {g.shape}")
    stream = np.empty(blocks)                    # RMS of dL/dY at each block's output
    stream[-1] = 1.0
    for k in range(blocks - 2, -1, -1):
        stream[k] = stream[k + 1] * np.sqrt(1 + branch_scale ** 2 * gain * g[k + 1])
    delta = branch_scale * stream * np.sqrt(g)
    return delta * (last_rms / delta[-1]) if delta[-1] > 0 else delta
