"""Notebook 03 (the chain rule): sigmoid_derivative(z), neuron_gradients(x, w, b, t),
local_derivative(op, a, b)."""

import math

import numpy as np

from backprop_lib.exercises import chain_rule as C

from . import Exercise


def sig(z):
    return 1 / (1 + np.exp(-z))


# ---------------------------------------------------------------- sigmoid_derivative(z)
def sd_sigma_only(z):
    return sig(z)


def sd_z_not_sigma(z):
    return z * (1 - z)


def sd_sign(z):
    return -sig(z) * (1 - sig(z))


def sd_plus(z):
    return sig(z) * (1 + sig(z))


def sd_no_square(z):
    return np.exp(-z) / (1 + np.exp(-z))


def sd_in_place(z):
    z[...] = sig(z)
    z *= 1 - z
    return z


def sd_exp_formula(z):
    return np.exp(-z) / (1 + np.exp(-z)) ** 2


def sd_list(z):
    return [math.exp(-v) / (1 + math.exp(-v)) ** 2 for v in z]


def sd_float32(z):
    s = sig(z.astype(np.float32))
    return s * (1 - s)


# ---------------------------------------------------------------- neuron_gradients(x, w, b, t)
def _y(x, w, b):
    return 1 / (1 + math.exp(-(w * x + b)))


def ng_no_two(x, w, b, t):
    y = _y(x, w, b)
    d = (y - t) * y * (1 - y)
    return d * x, d


def ng_sign(x, w, b, t):
    y = _y(x, w, b)
    d = 2 * (t - y) * y * (1 - y)
    return d * x, d


def ng_no_sigmoid(x, w, b, t):
    y = _y(x, w, b)
    d = 2 * (y - t)
    return d * x, d


def ng_no_x(x, w, b, t):
    y = _y(x, w, b)
    d = 2 * (y - t) * y * (1 - y)
    return d, d


def ng_w_not_x(x, w, b, t):
    y = _y(x, w, b)
    d = 2 * (y - t) * y * (1 - y)
    return d * w, d


def ng_swapped(x, w, b, t):
    y = _y(x, w, b)
    d = 2 * (y - t) * y * (1 - y)
    return d, d * x


def ng_list(x, w, b, t):
    y = _y(x, w, b)
    dz = 2 * (y - t) * y * (1 - y)
    return [dz * x, dz]


def ng_steps(x, w, b, t):
    z = w * x + b
    y = 0.5 * (1 + math.tanh(z / 2))
    dL_dy = 2 * (y - t)
    dy_dz = math.exp(-z) / (1 + math.exp(-z)) ** 2
    return np.array([dL_dy * dy_dz * x, dL_dy * dy_dz * 1.0])


def ng_float32(x, w, b, t):
    y = np.float32(_y(x, w, b))
    d = np.float32(2) * (y - np.float32(t)) * y * (1 - y)
    return np.array([d * np.float32(x), d], dtype=np.float32)


# ---------------------------------------------------------------- local_derivative(op, a, b)
def _right(op, a, b):
    return {"*": b, "+": 1.0, "-": 1.0, "sigmoid": sig(a) * (1 - sig(a)),
            "tanh": 1 - math.tanh(a) ** 2, "**2": 2 * a}[op]


def ld_times_a(op, a, b=0.0):
    return a if op == "*" else _right(op, a, b)


def ld_minus(op, a, b=0.0):
    return -1.0 if op == "-" else _right(op, a, b)


def ld_sigmoid_value(op, a, b=0.0):
    return sig(a) if op == "sigmoid" else _right(op, a, b)


def ld_tanh_a(op, a, b=0.0):
    return 1 - a * a if op == "tanh" else _right(op, a, b)


def ld_square_no_two(op, a, b=0.0):
    return a if op == "**2" else _right(op, a, b)


def ld_plus_b(op, a, b=0.0):
    return b if op == "+" else _right(op, a, b)


def ld_ifs(op, a, b=0.0):
    if op == "*":
        return b
    elif op == "+" or op == "-":
        return 1
    elif op == "sigmoid":
        s = 1 / (1 + math.exp(-a))
        return s - s * s
    elif op == "tanh":
        return 1 / math.cosh(a) ** 2
    elif op == "**2":
        return a + a


def ld_table(op, a, b=0.0):
    table = {"*": lambda: b, "+": lambda: 1, "-": lambda: 1,
             "sigmoid": lambda: np.exp(-a) / (1 + np.exp(-a)) ** 2,
             "tanh": lambda: 1 - np.tanh(a) ** 2, "**2": lambda: 2 * a}
    return table[op]()


def ld_float32(op, a, b=0.0):
    return np.float32(_right(op, a, b))


EXERCISES = {
    "sigmoid_derivative": Exercise(
        C.check_sigmoid_derivative, C.sigmoid_derivative_reference,
        wrong=[(sd_sigma_only, "this is σ(z) itself"),
               (sd_z_not_sigma, "you used z where σ(z) belongs"),
               (sd_sign, "wrong sign"),
               (sd_plus, "the second factor is (1 - σ(z))"),
               (sd_no_square, "the square is missing")],
        right=[sd_in_place, sd_exp_formula, sd_list, sd_float32]),
    "neuron_gradients": Exercise(
        C.check_neuron_gradients, C.neuron_gradients_reference,
        wrong=[(ng_no_two, "the factor 2 from d(e²)/de"),
               (ng_sign, "wrong sign"),
               (ng_no_sigmoid, "local derivative dy/dz = y·(1 - y) is missing"),
               (ng_no_x, "lacks the last local derivative dz/dw = x"),
               (ng_w_not_x, "dz/dw is x, not w"),
               (ng_swapped, "swapped")],
        right=[ng_list, ng_steps, ng_float32]),
    "local_derivative": Exercise(
        C.check_local_derivative, C.local_derivative_reference,
        wrong=[(ld_times_a, "the other factor b"),
               (ld_minus, "d(a - b)/da = +1"),
               (ld_sigmoid_value, "not σ(a)"),
               (ld_tanh_a, "not 1 - a²"),
               (ld_square_no_two, "the factor 2 is missing"),
               (ld_plus_b, "adding passes the gradient on unchanged")],
        right=[ld_ifs, ld_table, ld_float32]),
}
