"""Normalization layers: rescale each signal to mean 0 and variance 1, then let the network
choose its own scale (gamma) and shift (beta). Keeping pre-activations near 0 keeps sigmoid and
tanh out of their flat, saturated ends, so gradients survive many layers.

BatchNorm averages over the batch (axis 0), per feature; LayerNorm averages over the features
(axis 1), per example. Both: X (n, features) -> Y (n, features).
"""

from __future__ import annotations

import warnings

import numpy as np

from ._validate import check_fraction, check_positive_int, first_nonfinite, unknown_name
from .layers import Layer
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

    def _blown_up(self, X, also: str = "") -> None:
        """Say in words why this batch's statistics are NaN or infinite: numpy's own warning
        ("invalid value encountered in subtract") names neither the layer nor the fix. Silent
        where the caller silenced numpy (``np.errstate(invalid="ignore")``, as ``train`` does: it
        stops a blow-up and warns itself)."""
        if np.geterr()["invalid"] == "ignore":
            return
        what = (first_nonfinite(X) if not np.isfinite(X).all() else
                f"values too large to square (up to {np.abs(X).max():.3g})")
        warnings.warn(f"{self.name} got {what} in its input, so its outputs are NaN{also}. "
                      "Either the signal blew up before this layer (try a 10x smaller learning "
                      "rate, or gradient clipping) or the data holds it (check the data: "
                      "np.isfinite(X).all(), np.abs(X).max())", RuntimeWarning, stacklevel=3)


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
        self._check_input(X, self.features)
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
        with np.errstate(over="ignore", invalid="ignore"):    # a blow-up is named below
            mean = X.mean(axis=0)                  # per feature, over the batch
            Xc = X - mean
            var = (Xc * Xc).mean(axis=0)
            inv_std = 1.0 / np.sqrt(var + self.eps)
            X_hat = Xc * inv_std
            unbiased = var * n / (n - 1)           # the estimate of the variance to keep
        if np.isfinite(mean).all() and np.isfinite(unbiased).all():
            self._update_running(mean, unbiased)
        else:        # a NaN or inf is not averaged in: the running statistics stay finite
            self._blown_up(X, ", and the running statistics were left as they were")
        self.cache = (X_hat, inv_std, True)
        return self.gamma.value * X_hat + self.beta.value

    def _update_running(self, mean, var):
        """running = (1 - momentum)·running + momentum·batch, for evaluation mode."""
        m = self.momentum
        self.running_mean = (1 - m) * self.running_mean + m * mean
        self.running_var = (1 - m) * self.running_var + m * var

    def backward(self, dY):
        X_hat, inv_std, batch_stats = self._read_cache()
        self._check_grad(dY, X_hat.shape)
        self.gamma.grad = (dY * X_hat).sum(axis=0)          # dL/dgamma = Σ_batch dL/dY·X̂
        self.beta.grad = dY.sum(axis=0)                     # dL/dbeta  = Σ_batch dL/dY
        dX_hat = dY * self.gamma.value                      # dL/dX̂ = dL/dY · gamma
        if not batch_stats:                                 # fixed statistics: a plain rescale
            return dX_hat * inv_std
        # The mean and the variance depend on every row, so each row's gradient also flows
        # through them:  dL/dX = (1/σ)·(dX̂ - mean(dX̂) - X̂·mean(dX̂·X̂))   (means over the batch)
        return inv_std * (dX_hat - dX_hat.mean(axis=0) - X_hat * (dX_hat * X_hat).mean(axis=0))

    def __repr__(self):
        return f"BatchNorm({self.features})"


class LayerNorm(_Norm):
    """Layer normalization: each example normalized over its own features, the same in
    training and evaluation."""

    def forward(self, X):
        self._check_input(X, self.features)
        with np.errstate(over="ignore", invalid="ignore"):    # a blow-up is named below
            mean = X.mean(axis=1, keepdims=True)
            Xc = X - mean
            var = np.mean(Xc * Xc, axis=1, keepdims=True)
            inv_std = 1.0 / np.sqrt(var + self.eps)
            X_hat = Xc * inv_std
        if not np.isfinite(var).all():
            self._blown_up(X)
        self.cache = (X_hat, inv_std)
        return self.gamma.value * X_hat + self.beta.value

    def backward(self, dY):
        X_hat, inv_std = self._read_cache()
        self._check_grad(dY, X_hat.shape)
        self.gamma.grad = (dY * X_hat).sum(axis=0)
        self.beta.grad = dY.sum(axis=0)
        dX_hat = dY * self.gamma.value
        # as in BatchNorm, with the means taken over each row's features instead of the batch
        return inv_std * (dX_hat - dX_hat.mean(axis=1, keepdims=True)
                          - X_hat * np.mean(dX_hat * X_hat, axis=1, keepdims=True))

    def __repr__(self):
        return f"LayerNorm({self.features})"


NORMS = {"batch": BatchNorm, "layer": LayerNorm}


def normalization(name: str, features: int) -> _Norm:
    """A new normalization layer by name: 'batch' or 'layer'."""
    if name not in NORMS:
        raise unknown_name("norm", name, [None, *NORMS])
    return NORMS[name](features)
