"""Notebook 10 (residual connections): residual_backward(dY, X, W, b, s), the forward growth
mean_square_after(q0, c, s, blocks), and fix(config) for the broken 30-layer network (each
trained answer costs three short runs, cached per config)."""

import numpy as np

from backprop_lib.exercises import residual as R

from . import Exercise


# ---------------------------------------------------------------- residual_backward
def rb_no_identity(dY, X, W, b, s):
    A = np.tanh(X @ W + b)
    dZ = s * dY * (1 - A ** 2)
    return dZ @ W.T, X.T @ dZ, dZ.sum(axis=0)


def rb_identity_only(dY, X, W, b, s):
    A = np.tanh(X @ W + b)
    dZ = s * dY * (1 - A ** 2)
    return dY, X.T @ dZ, dZ.sum(axis=0)


def rb_no_scale(dY, X, W, b, s):
    A = np.tanh(X @ W + b)
    dZ = dY * (1 - A ** 2)
    return dY + dZ @ W.T, X.T @ dZ, dZ.sum(axis=0)


def rb_W_not_transposed(dY, X, W, b, s):
    A = np.tanh(X @ W + b)
    dZ = s * dY * (1 - A ** 2)
    return dY + dZ @ W, X.T @ dZ, dZ.sum(axis=0)


def rb_one_minus_z_squared(dY, X, W, b, s):
    Z = X @ W + b
    dZ = s * dY * (1 - Z ** 2)
    return dY + dZ @ W.T, X.T @ dZ, dZ.sum(axis=0)


def rb_db_mean(dY, X, W, b, s):
    A = np.tanh(X @ W + b)
    dZ = s * dY * (1 - A ** 2)
    return dY + dZ @ W.T, X.T @ dZ, dZ.mean(axis=0)


def rb_dW_with_identity(dY, X, W, b, s):
    A = np.tanh(X @ W + b)
    dZ = s * dY * (1 - A ** 2)
    return dY + dZ @ W.T, X.T @ (dY + dZ), dZ.sum(axis=0)


def rb_s_on_both_paths(dY, X, W, b, s):
    A = np.tanh(X @ W + b)
    dZ = dY * (1 - A ** 2)
    return s * (dY + dZ @ W.T), s * (X.T @ dZ), s * dZ.sum(axis=0)


def rb_no_tanh_slope(dY, X, W, b, s):
    dZ = s * dY
    return dY + dZ @ W.T, X.T @ dZ, dZ.sum(axis=0)


def rb_slope_at_Y(dY, X, W, b, s):
    A = np.tanh(X @ W + b)
    Y = X + s * A
    dZ = s * dY * (1 - Y ** 2)                   # the block's output, not the branch's
    return dY + dZ @ W.T, X.T @ dZ, dZ.sum(axis=0)


def rb_sigmoid_slope(dY, X, W, b, s):
    A = np.tanh(X @ W + b)
    dZ = s * dY * A * (1 - A)
    return dY + dZ @ W.T, X.T @ dZ, dZ.sum(axis=0)


def rb_dW_transposed(dY, X, W, b, s):
    A = np.tanh(X @ W + b)
    dZ = s * dY * (1 - A ** 2)
    return dY + dZ @ W.T, dZ.T @ X, dZ.sum(axis=0)


def rb_dW_no_scale(dY, X, W, b, s):
    A = np.tanh(X @ W + b)
    dZ = dY * (1 - A ** 2)
    return dY + s * dZ @ W.T, X.T @ dZ, dZ.sum(axis=0)


def rb_wrong_order(dY, X, W, b, s):
    A = np.tanh(X @ W + b)
    dZ = s * dY * (1 - A ** 2)
    return X.T @ dZ, dZ.sum(axis=0), dY + dZ @ W.T


def rb_dX_only(dY, X, W, b, s):
    A = np.tanh(X @ W + b)
    return dY + (s * dY * (1 - A ** 2)) @ W.T


def rb_in_place(dY, X, W, b, s):
    A = np.tanh(X @ W + b)
    dZ = dY * s
    dZ *= 1 - A * A                      # in place on a new array: dY is untouched
    dX = dY.copy()
    dX += dZ @ W.T
    return dX, X.T @ dZ, np.sum(dZ, axis=0)


def rb_einsum(dY, X, W, b, s):
    A = np.tanh(np.einsum("ni,ij->nj", X, W) + b)
    dZ = s * dY / np.cosh(X @ W + b) ** 2          # tanh' = 1/cosh²
    return (dY + np.einsum("nj,ij->ni", dZ, W), np.einsum("ni,nj->ij", X, dZ),
            dZ.sum(0)) if A is not None else None


def rb_in_place_on_dY(dY, X, W, b, s):
    A = np.tanh(X @ W + b)
    dZ = s * dY * (1 - A ** 2)
    dY += dZ @ W.T                       # overwrites its own dY (the checker passes a copy)
    return dY, X.T @ dZ, dZ.sum(axis=0)


def rb_row_by_row(dY, X, W, b, s):
    dX, dW, db = np.zeros_like(X), np.zeros_like(W), np.zeros_like(b)
    for i in range(X.shape[0]):
        a = np.tanh(X[i] @ W + b)
        dz = s * dY[i] * (1 - a * a)
        dX[i] = dY[i] + W @ dz
        dW += np.outer(X[i], dz)
        db += dz
    return dX, dW, db


def rb_lists(dY, X, W, b, s):
    A = np.tanh(X @ W + b)
    dZ = s * dY * (1 - A ** 2)
    return [(dY + dZ @ W.T).tolist(), (X.T @ dZ).tolist(), list(dZ.sum(axis=0))]


# ---------------------------------------------------------------- mean_square_after
def ms_not_squared(q0, c, s, blocks):
    return q0 + s * c * np.arange(1, blocks + 1)


def ms_product(q0, c, s, blocks):
    return q0 * (1 + s ** 2 * c) ** np.arange(1, blocks + 1)


def ms_rms_added(q0, c, s, blocks):
    return (np.sqrt(q0) + np.arange(1, blocks + 1) * s * np.sqrt(c)) ** 2


def ms_no_q0(q0, c, s, blocks):
    return s ** 2 * c * np.arange(1, blocks + 1)


def ms_off_by_one(q0, c, s, blocks):
    return q0 + s ** 2 * c * np.arange(blocks)


def ms_constant(q0, c, s, blocks):
    return np.full(blocks, q0 + s ** 2 * c)


def ms_last_only(q0, c, s, blocks):
    return q0 + blocks * s ** 2 * c


def ms_with_q0(q0, c, s, blocks):
    return q0 + s ** 2 * c * np.arange(blocks + 1)


def ms_rms(q0, c, s, blocks):
    return np.sqrt(q0 + s ** 2 * c * np.arange(1, blocks + 1))


def ms_c_squared(q0, c, s, blocks):
    return q0 + (s * c) ** 2 * np.arange(1, blocks + 1)


def ms_no_s(q0, c, s, blocks):
    return q0 + c * np.arange(1, blocks + 1)


def ms_q0_multiplied(q0, c, s, blocks):
    return q0 * (1 + s ** 2 * c * np.arange(1, blocks + 1))


def ms_s_from_blocks(q0, c, s, blocks):
    return q0 + c * np.arange(1, blocks + 1) / blocks


def ms_reversed(q0, c, s, blocks):
    return (q0 + s ** 2 * c * np.arange(1, blocks + 1))[::-1]


def ms_loop(q0, c, s, blocks):
    out, q = [], q0
    for _ in range(blocks):
        q += (s ** 2) * c
        out.append(q)
    return out


def ms_cumsum(q0, c, s, blocks):
    return q0 + np.cumsum(np.full(blocks, s * s * c))


def ms_linspace(q0, c, s, blocks):
    return np.linspace(q0 + s ** 2 * c, q0 + blocks * s ** 2 * c, blocks).astype(np.float32)


def ms_comprehension(q0, c, s, blocks):
    return [q0 + k * s * s * c for k in range(1, blocks + 1)]


def ms_in_place(q0, c, s, blocks):
    q = np.full(blocks, float(q0))
    q += s ** 2 * c * np.arange(1, blocks + 1)
    return q


# ---------------------------------------------------------------- fix(config)
def fix_text(config):
    return "residual connections"


def fix_learning_rate(config):
    return {**config, "lr": 0.5}


def fix_shallower(config):
    return {**config, "depth": 5}


def fix_unchanged(config):
    return dict(config)


def fix_bad_value(config):
    return {**config, "activation": "swish"}


def fix_xavier_only(config):
    return {**config, "init": "xavier"}


def fix_residual(config):
    return {**config, "residual": True}


def fix_in_place(config):
    config["residual"] = True
    return config


def fix_tanh_residual(config):
    return dict(activation="tanh", init="xavier", residual=True)


def fix_tuple(config):
    return config, True


def fix_misspelt_norm(config):
    return {**config, "norm": "batchnorm"}


def fix_residual_yes(config):
    return {**config, "residual": "yes"}


def fix_relu_only(config):
    return {**config, "activation": "relu"}


def fix_relu_he(config):
    return {**config, "activation": "relu", "init": "he"}


def fix_spelt_like_the_explorer(config):
    return {**config, "activation": "ReLU", "init": "He", "norm": "none", "residual": True}


EXERCISES = {
    "residual_backward": Exercise(
        R.check_residual_backward, R.reference_residual_backward,
        wrong=[(rb_no_identity, "identity path's gradient is missing"),
               (rb_identity_only, "only the identity path"),
               (rb_no_scale, "lacks s"),
               (rb_W_not_transposed, "instead of W^T"),
               (rb_one_minus_z_squared, "not 1 - Z²"),
               (rb_db_mean, "SUM over rows"),
               (rb_dW_with_identity, "only the branch has weights"),
               (rb_s_on_both_paths, "s multiplies only the branch"),
               (rb_no_tanh_slope, "tanh's derivative is missing"),
               (rb_slope_at_Y, "block's output Y"),
               (rb_sigmoid_slope, "sigmoid's slope"),
               (rb_dW_transposed, "transpose"),
               (rb_dW_no_scale, "dW lacks s"),
               (rb_wrong_order, "wrong order"),
               (rb_dX_only, "return three arrays")],
        right=[rb_in_place, rb_einsum, rb_lists, rb_in_place_on_dY, rb_row_by_row]),
    "mean_square_after": Exercise(
        R.check_forward_growth, R.reference_mean_square_after,
        wrong=[(ms_not_squared, "not squared"), (ms_product, "not a product"),
               (ms_rms_added, "added the RMS"), (ms_no_q0, "add it"),
               (ms_off_by_one, "off by one"), (ms_constant, "not one"),
               (ms_last_only, "one mean square per block"),
               (ms_with_q0, "leave q0 out"), (ms_rms, "RMS values"),
               (ms_c_squared, "only s is squared"), (ms_no_s, "scale s is missing"),
               (ms_q0_multiplied, "not multiplied"), (ms_s_from_blocks, "use the s you are given"),
               (ms_reversed, "reversed")],
        right=[ms_loop, ms_cumsum, ms_linspace, ms_comprehension, ms_in_place]),
    "fix": Exercise(
        R.check_fix, R.reference_fix,
        wrong=[(fix_text, "as a dict"), (fix_learning_rate, "unknown option 'lr'"),
               (fix_shallower, "keep 30 hidden layers"), (fix_unchanged, "unchanged"),
               (fix_bad_value, "activation must be one of"),
               (fix_xavier_only, "vanishes"),
               (fix_tuple, "as a dict"), (fix_misspelt_norm, "norm must be one of"),
               (fix_residual_yes, "residual must be one of"), (fix_relu_only, "vanishes"),
               (fix_relu_he, "not enough here")],
        right=[fix_residual, fix_in_place, fix_tanh_residual, fix_spelt_like_the_explorer]),
}
