"""Normalization layers: rescale each signal to mean 0 and variance 1, then let the network
choose its own scale (gamma) and shift (beta). Keeping pre-activations near 0 keeps sigmoid and
tanh out of their flat, saturated ends, so gradients survive many layers.

BatchNorm averages over the batch (axis 0), per feature; LayerNorm averages over the features
(axis 1), per example. Both: X (n, features) -> Y (n, features).
"""

from __future__ import annotations

import numpy as np

from ._validate import check_fraction, check_positive_int, unknown_name
from .layers import Layer, ones
from .parameter import Parameter


class _Norm(Layer):
    def __init__(self, features: int, eps: float = 1e-5):
        super().__init__()
        self.features = check_positive_int(features, "features")
        if not (isinstance(eps, (int, float)) and eps > 0):
            raise ValueError(f"eps must be a small positive number such as 1e-5, got {eps!r}")
        self.eps = float(eps)
        self.gamma = Parameter("gamma", np.ones(self.features))
        self.beta = Parameter("beta", np.zeros(self.features))

    def parameters(self):
        return [self.gamma, self.beta]

    def _check_input(self, X):
        if X.ndim != 2 or X.shape[1] != self.features:
            raise ValueError(f"{self.name} expects inputs of shape (n, {self.features}), "
                             f"got {X.shape}")


class BatchNorm(_Norm):
    """Batch normalization: X̂ = (X - mean_batch) / sqrt(var_batch + eps); Y = gamma·X̂ + beta.

    In training mode it uses this batch's statistics and updates running averages; in
    evaluation mode (``model.eval()``) it uses the running averages, so one example's output
    does not depend on the others in its batch.
    """

    def __init__(self, features: int, eps: float = 1e-5, momentum: float = 0.1):
        super().__init__(features, eps)
        self.momentum = check_fraction(momentum, "momentum", low_open=True, high_open=False)
        self.running_mean = np.zeros(self.features)
        self.running_var = np.ones(self.features)

    def buffers(self):
        return {"running_mean": self.running_mean, "running_var": self.running_var}

    def forward(self, X):
        self._check_input(X)
        if not self.training:
            inv_std = 1.0 / np.sqrt(self.running_var + self.eps)
            X_hat = (X - self.running_mean) * inv_std
            self.cache = (X_hat, inv_std, False)
            return self.gamma.value * X_hat + self.beta.value
        n = X.shape[0]
        if n < 2:
            raise ValueError("BatchNorm needs at least 2 examples per batch in training mode "
                             "(the variance of one example is 0); use a larger batch_size, "
                             "norm='layer', or model.eval()")
        mean = _batch_mean(X)
        Xc = X - mean
        var = _batch_mean(Xc * Xc)
        inv_std = 1.0 / np.sqrt(var + self.eps)
        X_hat = Xc * inv_std
        m = self.momentum                      # running averages, for evaluation mode
        self.running_mean *= 1 - m
        self.running_mean += m * mean
        self.running_var *= 1 - m
        self.running_var += m * var * n / (n - 1)   # unbiased estimate of the variance
        self.cache = (X_hat, inv_std, True)
        return self.gamma.value * X_hat + self.beta.value

    def backward(self, dY):
        X_hat, inv_std, batch_stats = self._read_cache()
        self._check_grad(dY, X_hat.shape)
        np.matmul(ones(len(dY)), dY * X_hat, out=self.gamma.grad)  # dL/dgamma = Σ_batch dL/dY·X̂
        np.matmul(ones(len(dY)), dY, out=self.beta.grad)           # dL/dbeta  = Σ_batch dL/dY
        dX_hat = dY * self.gamma.value                     # dL/dX̂ = dL/dY · gamma
        if not batch_stats:                                # fixed statistics: a plain rescale
            return dX_hat * inv_std
        # The mean and the variance depend on every row, so each row's gradient also flows
        # through them:  dL/dX = (1/σ)·(dX̂ - mean(dX̂) - X̂·mean(dX̂·X̂))   (means over the batch)
        return inv_std * (dX_hat - _batch_mean(dX_hat) - X_hat * _batch_mean(dX_hat * X_hat))

    def __repr__(self):
        return f"BatchNorm({self.features})"


class LayerNorm(_Norm):
    """Layer normalization: each example normalized over its own features, the same in
    training and evaluation."""

    def forward(self, X):
        self._check_input(X)
        mean = X.mean(axis=1, keepdims=True)
        Xc = X - mean
        var = np.mean(Xc * Xc, axis=1, keepdims=True)
        inv_std = 1.0 / np.sqrt(var + self.eps)
        X_hat = Xc * inv_std
        self.cache = (X_hat, inv_std)
        return self.gamma.value * X_hat + self.beta.value

    def backward(self, dY):
        X_hat, inv_std = self._read_cache()
        self._check_grad(dY, X_hat.shape)
        np.matmul(ones(len(dY)), dY * X_hat, out=self.gamma.grad)
        np.matmul(ones(len(dY)), dY, out=self.beta.grad)
        dX_hat = dY * self.gamma.value
        # as in BatchNorm, with the means taken over each row's features instead of the batch
        return inv_std * (dX_hat - dX_hat.mean(axis=1, keepdims=True)
                          - X_hat * np.mean(dX_hat * X_hat, axis=1, keepdims=True))

    def __repr__(self):
        return f"LayerNorm({self.features})"


def _batch_mean(X):
    """X.mean(axis=0) as the product (1/n)·1^T·X: the same numbers, several times faster for
    the narrow arrays of these networks."""
    return ones(len(X)) @ X / len(X)


NORMS = {"batch": BatchNorm, "layer": LayerNorm}


def normalization(name: str, features: int) -> _Norm:
    """A new normalization layer by name: 'batch' or 'layer'."""
    if name not in NORMS:
        raise unknown_name("norm", name, [None, *NORMS])
    return NORMS[name](features)
