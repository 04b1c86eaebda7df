"""Notebook 04 (backpropagation): dense_backward(dZ, X, W) -> (dX, dW, db), sigmoid_backward and
tanh_backward(dY, Z, Y) -> dZ, and both inside a network graded by check_backward."""

import numpy as np

from backprop_lib.exercises import backprop as B

from . import Exercise


# ---------------------------------------------------------------- dense_backward
def db_dX_no_transpose(dZ, X, W):                 # raises on the usual case: named anyway
    return dZ @ W, X.T @ dZ, dZ.sum(axis=0)


def db_dW_wrong_order(dZ, X, W):                  # raises too
    return dZ @ W.T, X @ dZ.T, dZ.sum(axis=0)


def db_dW_transposed(dZ, X, W):
    return dZ @ W.T, dZ.T @ X, dZ.sum(axis=0)


def db_no_sum(dZ, X, W):
    return dZ @ W.T, X.T @ dZ, dZ


def db_sum_axis1(dZ, X, W):
    return dZ @ W.T, X.T @ dZ, dZ.sum(axis=1)


def db_mean(dZ, X, W):
    return dZ @ W.T, X.T @ dZ, dZ.mean(axis=0)


def db_divided_by_n(dZ, X, W):
    return dZ @ W.T, X.T @ dZ / len(X), dZ.sum(axis=0)


def db_sign(dZ, X, W):
    return -(dZ @ W.T), X.T @ dZ, dZ.sum(axis=0)


def db_two_values(dZ, X, W):
    return X.T @ dZ, dZ.sum(axis=0)


def db_order(dZ, X, W):
    return X.T @ dZ, dZ @ W.T, dZ.sum(axis=0)


def db_keepdims(dZ, X, W):
    return dZ @ W.T, X.T @ dZ, dZ.sum(axis=0, keepdims=True)


def db_all_over_n(dZ, X, W):
    n = X.shape[0]
    return dZ @ W.T / n, X.T @ dZ / n, dZ.sum(axis=0) / n


def db_dW_sign(dZ, X, W):
    return dZ @ W.T, -(X.T @ dZ), dZ.sum(axis=0)


def db_in_place(dZ, X, W):
    dX = np.dot(dZ, W.T)
    dW = np.dot(X.T, dZ)
    db = np.sum(dZ, axis=0)
    dZ *= 0.0                                      # scribbles on its inputs afterwards
    W -= 1.0
    return dX, dW, db


def db_einsum(dZ, X, W):
    return (np.einsum("nk,fk->nf", dZ, W), np.einsum("nf,nk->fk", X, dZ),
            np.einsum("nk->k", dZ))


def db_list_float32(dZ, X, W):
    dZ32, X32, W32 = dZ.astype(np.float32), X.astype(np.float32), W.astype(np.float32)
    return [dZ32 @ W32.T, X32.T @ dZ32, dZ32.sum(axis=0)]


def db_loops(dZ, X, W):
    dW = np.zeros_like(W)
    for i in range(X.shape[0]):
        dW += np.outer(X[i], dZ[i])                # a sum of one outer product per example
    return (W @ dZ.T).T, dW, np.ones(len(dZ)) @ dZ


# ---------------------------------------------------------------- sigmoid_backward
def sb_z(dY, Z, Y):
    return dY * Z * (1 - Z)


def sb_no_upstream(dY, Z, Y):
    return Y * (1 - Y)


def sb_unchanged(dY, Z, Y):
    return dY


def sb_sign(dY, Z, Y):
    return -dY * Y * (1 - Y)


def sb_no_one_minus(dY, Z, Y):
    return dY * Y


def sb_in_place(dY, Z, Y):
    dY *= Y
    dY *= 1 - Y
    return dY


def sb_from_Z(dY, Z, Y):
    s = 1 / (1 + np.exp(-Z))
    return dY * s * (1 - s)


def sb_float32(dY, Z, Y):
    Y = Y.astype(np.float32)
    return dY.astype(np.float32) * (Y - Y * Y)


# ---------------------------------------------------------------- tanh_backward
def sb_exp_formula(dY, Z, Y):
    return dY * np.exp(-Z) / (1 + np.exp(-Z)) ** 2


def tb_z(dY, Z, Y):
    return dY * (1 - Z * Z)


def tb_one_minus_y(dY, Z, Y):
    return dY * (1 - Y)


def tb_no_upstream(dY, Z, Y):
    return 1 - Y * Y


def tb_unchanged(dY, Z, Y):
    return dY


def tb_sign(dY, Z, Y):
    return -dY * (1 - Y * Y)


def tb_in_place(dY, Z, Y):
    Y **= 2
    dY *= 1 - Y
    return dY


def tb_cosh(dY, Z, Y):
    return dY / np.cosh(Z) ** 2


def tb_float32(dY, Z, Y):
    return (dY * (1 - Y ** 2)).astype(np.float32)


def check_tanh(fn):
    return B.check_activation_backward(fn, kind="tanh")


# ---------------------------------------------------------------- both inside a network
def in_network_dense(fn):
    return B.check_backward(fn, B.sigmoid_backward_reference)


def in_network_sigmoid(fn):
    return B.check_backward(B.dense_backward_reference, fn)


def fd_sigmoid_backward(dY, Z, Y):
    """A finite difference where the analytic derivative was asked: numerically right."""
    h = 1e-6
    s = lambda z: 1 / (1 + np.exp(-z))        # noqa: E731
    return dY * (s(Z + h) - s(Z - h)) / (2 * h)


def sb_squared(dY, Z, Y):
    return dY * Y * (1 - Y) ** 2


def sb_one_plus(dY, Z, Y):
    return dY * Y * (1 + Y)


def sb_over_rows(dY, Z, Y):
    return dY * Y * (1 - Y) / len(Z)


def sb_matmul(dY, Z, Y):
    return dY @ (Y * (1 - Y)).T


def sb_in_place_upstream(dY, Z, Y):
    dY *= Y
    dY *= 1 - Y
    return dY



# ---------------------------------------------------------------- found by the second review
def db_sum_all(dZ, X, W):
    return dZ @ W.T, X.T @ dZ, dZ.sum()


def db_first_row(dZ, X, W):
    return dZ @ W.T, X.T @ dZ, dZ[0]


def db_dict(dZ, X, W):
    return {"dX": dZ @ W.T, "dW": X.T @ dZ, "db": dZ.sum(axis=0)}


def db_matmul_T_of_products(dZ, X, W):
    return np.matmul(W, dZ.T).T, (dZ.T @ X).T, np.sum(dZ, axis=0).tolist()


def sb_tanh_derivative(dY, Z, Y):
    return dY * (1 - Y ** 2)


def sb_divides(dY, Z, Y):
    return dY / (Y * (1 - Y))


def sb_sigmoid_again(dY, Z, Y):
    s = 1 / (1 + np.exp(-Y))
    return dY * s * (1 - s)


def sb_quarter(dY, Z, Y):
    return dY * 0.25


def sb_adds(dY, Z, Y):
    return dY + Y * (1 - Y)


def sb_trailing_comma(dY, Z, Y):
    dZ = dY * Y * (1 - Y)
    return dZ,


def sb_y_minus_y2(dY, Z, Y):
    return np.multiply(dY, Y - Y ** 2)


def sb_sech(dY, Z, Y):
    return dY / (4 * np.cosh(Z / 2) ** 2)


def tb_sigmoid_derivative(dY, Z, Y):
    return dY * Y * (1 - Y)


def tb_tanh_again(dY, Z, Y):
    return dY * (1 - np.tanh(Y) ** 2)


def tb_square_after(dY, Z, Y):
    return dY * (1 - Y) ** 2


def tb_one_plus(dY, Z, Y):
    return dY * (1 + Y * Y)


def tb_adds(dY, Z, Y):
    return dY + (1 - Y * Y)


def tb_factored(dY, Z, Y):
    return dY * (1 - Y) * (1 + Y)


def tb_from_Z(dY, Z, Y):
    return dY * (1 - np.tanh(Z) ** 2)


def in_network_tanh(fn):
    """The notebook's own call: check_backward(dense_backward, tanh_backward, kind="tanh")."""
    return B.check_backward(B.dense_backward_reference, fn, kind="tanh")

EXERCISES = {
    "dense_backward": Exercise(
        B.check_dense_backward, B.dense_backward_reference,
        wrong=[(db_dX_no_transpose, "dX = dZ @ W: a transpose is missing: dL/dX = dL/dZ @ W.T"),
               (db_dW_wrong_order, "dW = X @ dZ.T"),
               (db_dW_transposed, "dW = dZ.T @ X"),
               (db_no_sum, "forgot to sum the bias gradient over the batch"),
               (db_sum_axis1, "summed over the wrong axis"),
               (db_mean, "averaged instead of summed"),
               (db_divided_by_n, "divided by the batch size"),
               (db_sign, "wrong sign on dL/dX"),
               (db_two_values, "return the three arrays (dX, dW, db)"),
               (db_order, "returned in the order (dW, dX, db)"),
               (db_keepdims, "sum without keepdims=True"),
               (db_all_over_n, "dX divided by the batch size"),
               (db_dW_sign, "wrong sign: the gradient of the loss, not its negative"),
               (db_sum_all, "summed over every entry (dZ.sum() gives one number)"),
               (db_first_row, "only the first example's row"),
               (db_dict, "got dict with keys")],
        right=[db_in_place, db_einsum, db_list_float32, db_loops, db_matmul_T_of_products]),
    "sigmoid_backward": Exercise(
        B.check_activation_backward, B.sigmoid_backward_reference,
        wrong=[(sb_z, "used Z instead of Y"),
               (sb_no_upstream, "forgot to multiply by the upstream gradient"),
               (sb_unchanged, "returned dL/dY unchanged"),
               (sb_sign, "wrong sign"),
               (sb_no_one_minus, "the factor (1 - Y) is missing"),
               (sb_squared, "(1 - Y) is squared"),
               (sb_one_plus, "1 + Y where 1 - Y belongs"),
               (sb_over_rows, "divided by the number of rows"),
               (sb_matmul, "a matrix product (@) where the elementwise product (*) belongs"),
               (sb_tanh_derivative, "1 - Y² is tanh's derivative"),
               (sb_divides, "divided by σ'(Z) where the chain rule multiplies"),
               (sb_sigmoid_again, "the sigmoid applied to Y again"),
               (sb_quarter, "1/4 is only the largest value of σ'(Z)"),
               (sb_adds, "added where the chain rule multiplies"),
               (sb_trailing_comma, "a trailing comma")],
        right=[sb_in_place, sb_from_Z, sb_float32, fd_sigmoid_backward, sb_in_place_upstream,
               sb_y_minus_y2, sb_sech]),
    "tanh_backward": Exercise(
        check_tanh, B.tanh_backward_reference,
        wrong=[(tb_z, "used Z instead of Y"),
               (tb_one_minus_y, "1 - Y, not 1 - Y²"),
               (tb_no_upstream, "forgot to multiply by the upstream gradient"),
               (tb_unchanged, "returned dL/dY unchanged"),
               (tb_sign, "wrong sign"),
               (tb_sigmoid_derivative, "the sigmoid's derivative; tanh's is 1 - Y²"),
               (tb_tanh_again, "tanh applied to Y again"),
               (tb_square_after, "(1 - Y)², not 1 - Y²"),
               (tb_one_plus, "1 + Y² where 1 - Y² belongs"),
               (tb_adds, "added where the chain rule multiplies")],
        right=[tb_in_place, tb_cosh, tb_float32, tb_factored, tb_from_Z]),
    "check_backward (tanh_backward in a network, as the notebook calls it)": Exercise(
        in_network_tanh, B.tanh_backward_reference,
        wrong=[(tb_z, "used Z instead of Y"),
               (tb_one_minus_y, "1 - Y, not 1 - Y²"),
               (tb_no_upstream, "forgot to multiply by the upstream gradient"),
               (tb_sign, "wrong sign"),
               (tb_sigmoid_derivative, "the sigmoid's derivative; tanh's is 1 - Y²"),
               (tb_tanh_again, "tanh applied to Y again")],
        right=[tb_in_place, tb_cosh, tb_factored, tb_from_Z]),
    "check_backward (dense_backward in a network)": Exercise(
        in_network_dense, B.dense_backward_reference,
        wrong=[(db_dX_no_transpose, "dX = dZ @ W: a transpose is missing"),
               (db_dW_transposed, "dW = dZ.T @ X"),
               (db_no_sum, "forgot to sum the bias gradient"),
               (db_divided_by_n, "divided by the batch size"),
               (db_sign, "wrong sign on dL/dX"),
               (db_two_values, "return the 3 arrays (dX, dW, db)"),
               (db_order, "returned in the order (dW, dX, db)"),
               (db_keepdims, "sum without keepdims=True"),
               # right formulas, graded 'look closer' in float64: the float32 is named
               (db_list_float32, "dense_backward answers in float32")],
        right=[db_in_place, db_einsum, db_loops]),
    "check_backward (sigmoid_backward in a network)": Exercise(
        in_network_sigmoid, B.sigmoid_backward_reference,
        wrong=[(sb_z, "dense2 is right but dense1.W, dense1.b are wrong"),
               (sb_no_upstream, "forgot to multiply by the upstream gradient"),
               (sb_unchanged, "returned dL/dY unchanged"),
               (sb_sign, "wrong sign"),
               (sb_no_one_minus, "the factor (1 - Y) is missing"),
               (lambda dY, Z, Y: None, "did you forget `return`"),
               (sb_matmul, "a matrix product (@) where the elementwise product (*) belongs"),
               (sb_squared, "(1 - Y) is squared"),
               (sb_float32, "sigmoid_backward answers in float32")],   # 'look closer', named
        right=[sb_in_place, sb_from_Z, sb_exp_formula]),
}
