"""One registry of everything with a backward pass; the finite-difference tests iterate over it."""

import numpy as np

import backprop_lib as bp

# name -> factory(features, rng) building a layer that maps (n, features) -> (n, out)
LAYERS = {
    "dense": lambda f, rng: bp.Dense(f, f + 1, init="xavier", rng=rng),
    "sigmoid": lambda f, rng: bp.Sigmoid(),
    "tanh": lambda f, rng: bp.Tanh(),
    "relu": lambda f, rng: bp.ReLU(),
    "leaky_relu": lambda f, rng: bp.LeakyReLU(0.1),
    "batchnorm": lambda f, rng: _with_random_affine(bp.BatchNorm(f), rng),
    "batchnorm_eval": lambda f, rng: _eval_with_stats(bp.BatchNorm(f), rng),
    "layernorm": lambda f, rng: _with_random_affine(bp.LayerNorm(f), rng),
}


def _with_random_affine(layer, rng):
    # gamma = 1, beta = 0 would hide a mistake that swaps or drops them
    layer.gamma.value[...] = rng.uniform(0.5, 1.5, layer.features)
    layer.beta.value[...] = rng.normal(0, 0.5, layer.features)
    return layer


def _eval_with_stats(layer, rng):
    _with_random_affine(layer, rng)
    layer.running_mean[...] = rng.normal(0, 1, layer.features)
    layer.running_var[...] = rng.uniform(0.5, 2, layer.features)
    return layer.eval()


def away_from_kinks(X, layer_name):
    """ReLU's derivative jumps at 0: keep inputs at least 1e-3 from it so the centred difference
    never straddles the kink."""
    if "relu" in layer_name:
        X = np.where(np.abs(X) < 1e-3, 1e-3 + np.abs(X), X)
    return X
