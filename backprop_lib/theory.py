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
