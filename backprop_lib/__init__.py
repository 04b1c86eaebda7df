"""backprop_lib: a small numpy engine for learning backpropagation.

    import backprop_lib as bp
    model = bp.mlp([2, 16, 16, 3], activation="tanh", seed=0)
    out = model.forward(X)                           # 1. forward pass
    loss, dout = bp.softmax_cross_entropy(out, y)    # 2. the error
    model.backward(dout)                             # 3. backpropagation: every p.grad filled
    for p in model.parameters():                     # 4. gradient descent
        p.value -= 0.1 * p.grad

The engine (this namespace) needs numpy only. Pictures live in ``backprop_lib.plots`` and sliders
in ``backprop_lib.widgets``, which add matplotlib and ipywidgets.
"""

from . import datasets
from .activations import ACTIVATIONS, LeakyReLU, ReLU, Sigmoid, Tanh, activation
from .diagnostics import STATS, dead_units, gradient_profile, layer_statistics
from .gradcheck import GradientCheck, grade, gradient_check, numerical_gradient, relative_error
from .history import History, Step
from .init import INITIALIZERS, RECOMMENDED_INIT, initialize
from .layers import Dense, Layer
from .losses import (
    LOSSES,
    accuracy,
    binary_cross_entropy,
    mse,
    sigmoid,
    softmax,
    softmax_cross_entropy,
)
from .network import Sequential, mlp
from .normalization import NORMS, BatchNorm, LayerNorm
from .optim import SGD, Adam, clip_grad_norm, grad_norm
from .parameter import Parameter
from .residual import Residual, block_rms
from .seeds import SEEDS, Spread, over_seeds
from .train import evaluate, train

__version__ = "0.1.0"

__all__ = [
    "ACTIVATIONS", "INITIALIZERS", "LOSSES", "NORMS", "RECOMMENDED_INIT", "STATS", "Adam",
    "BatchNorm", "Dense", "GradientCheck", "History", "Layer", "LayerNorm", "LeakyReLU",
    "Parameter", "ReLU", "Residual", "SEEDS", "SGD", "Sequential", "Sigmoid", "Spread", "Step",
    "Tanh", "accuracy", "activation", "binary_cross_entropy", "block_rms", "clip_grad_norm",
    "datasets", "dead_units", "evaluate", "grad_norm", "grade", "gradient_check",
    "gradient_profile", "initialize", "layer_statistics", "mlp", "mse", "numerical_gradient",
    "over_seeds", "relative_error", "sigmoid", "softmax", "softmax_cross_entropy", "train",
]
