"""Notebook 01 (the forward pass): dense_forward, shapes, two_layer_forward."""

import numpy as np

from backprop_lib.exercises import forward as F

from . import Exercise


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


# ---------------------------------------------------------------- dense_forward(X, W, b)
def dense_W_at_X(X, W, b):
    return W @ X + b


def dense_bias_column(X, W, b):
    return X @ W + b[:, None]                  # b turned into a column: does not broadcast


def dense_one_example(X, W, b):
    return X[0] @ W + b


def dense_summed(X, W, b):
    return (X @ W + b).sum(axis=0)


def dense_via_transposes(X, W, b):
    return (W.T @ X.T).T + b                   # (X W)ᵀ = Wᵀ Xᵀ: right


def dense_no_bias(X, W, b):
    return X @ W


def dense_bias_subtracted(X, W, b):
    return X @ W - b


def dense_times_bias(X, W, b):
    return X @ W * b


def dense_activation(X, W, b):
    return 1 / (1 + np.exp(-(X @ W + b)))


def dense_transposed_W(X, W, b):
    return X @ W.T + b


def dense_bias_summed(X, W, b):
    return X @ W + b.sum()


def dense_in_place(X, W, b):
    Z = X @ W
    Z += b
    return Z


def dense_loops(X, W, b):
    n, k = X.shape[0], W.shape[1]
    Z = [[sum(X[i, j] * W[j, u] for j in range(W.shape[0])) + b[u] for u in range(k)]
         for i in range(n)]
    return Z                                   # a list of lists: fine


def dense_float32(X, W, b):
    return (X.astype(np.float32) @ W.astype(np.float32) + b.astype(np.float32))


def dense_einsum(X, W, b):
    return np.einsum("nf,fk->nk", X, W) + b[None, :]


# ---------------------------------------------------------------- two_layer_forward
def two_sigmoid_out(X, W1, b1, W2, b2):
    return sigmoid(sigmoid(X @ W1 + b1) @ W2 + b2)


def two_no_hidden_activation(X, W1, b1, W2, b2):
    return (X @ W1 + b1) @ W2 + b2


def two_tanh(X, W1, b1, W2, b2):
    return np.tanh(X @ W1 + b1) @ W2 + b2


def two_no_b1(X, W1, b1, W2, b2):
    return sigmoid(X @ W1) @ W2 + b2


def two_no_b2(X, W1, b1, W2, b2):
    return sigmoid(X @ W1 + b1) @ W2


def two_hidden_only(X, W1, b1, W2, b2):
    return sigmoid(X @ W1 + b1)


def two_relu(X, W1, b1, W2, b2):
    return np.maximum(X @ W1 + b1, 0) @ W2 + b2


def two_softmax_out(X, W1, b1, W2, b2):
    Z = sigmoid(X @ W1 + b1) @ W2 + b2
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def two_returns_both(X, W1, b1, W2, b2):
    H = sigmoid(X @ W1 + b1)
    return H, H @ W2 + b2


def two_in_place(X, W1, b1, W2, b2):
    H = X @ W1
    H += b1
    H[...] = 1 / (1 + np.exp(-H))
    out = H @ W2
    out += b2
    return out


def two_tanh_formula(X, W1, b1, W2, b2):
    H = 0.5 * (1 + np.tanh(0.5 * (X @ W1 + b1)))       # σ(z) = (1 + tanh(z/2)) / 2
    return H @ W2 + b2


def two_float32(X, W1, b1, W2, b2):
    X, W1, b1, W2, b2 = (a.astype(np.float32) for a in (X, W1, b1, W2, b2))
    return sigmoid(X @ W1 + b1) @ W2 + b2


def dense_left_the_raise(X, W, b):               # wrote the code, kept the template's last line
    Z = X @ W + b  # noqa: F841 - the learner forgot `return Z`
    raise NotImplementedError


def dense_below_the_raise(X, W, b):              # wrote the code under the template's raise
    raise NotImplementedError
    return X @ W + b


def _add_bias(Z, b):                             # a helper of the learner's, still to write
    raise NotImplementedError


def two_helper_unwritten(X, W1, b1, W2, b2):
    H = sigmoid(_add_bias(X @ W1, b1))
    return _add_bias(H @ W2, b2)



def dense_elementwise(X, W, b):
    return X * W + b                            # * where @ is meant


def two_elementwise(X, W1, b1, W2, b2):
    return sigmoid(X @ W1 + b1) * W2 + b2


def two_W2_transposed(X, W1, b1, W2, b2):
    return sigmoid(X @ W1 + b1) @ W2.T + b2


def two_bias_after_activation(X, W1, b1, W2, b2):
    return (sigmoid(X @ W1) + b1) @ W2 + b2


EXERCISES = {
    "dense_forward": Exercise(
        F.check_dense_forward, F.dense_forward_reference,
        wrong=[(dense_no_bias, "the bias is missing"),
               (dense_bias_subtracted, "the bias has the wrong sign"),
               (dense_transposed_W, "check the order of the product"),
               (dense_bias_summed, "the sum of the biases"),
               (dense_W_at_X, "not W @ X"),
               (dense_times_bias, "added, not multiplied"),
               (dense_activation, "you applied an activation"),
               (dense_bias_column, "adds b to every row as it is (no reshape"),
               (dense_one_example, "one row per example"),
               (dense_summed, "not summed over the examples"),
               (dense_left_the_raise, "still ends with raise NotImplementedError"),
               (dense_below_the_raise, "the code you wrote below it never runs"),
               (dense_elementwise, "X * W multiplies entry by entry")],
        right=[dense_in_place, dense_loops, dense_float32, dense_einsum, dense_via_transposes]),
    "two_layer_forward": Exercise(
        F.check_two_layer_forward, F.two_layer_forward_reference,
        wrong=[(two_sigmoid_out, "no sigmoid after the last Dense"),
               (two_no_hidden_activation, "the hidden activation is missing"),
               (two_tanh, "not tanh"),
               (two_no_b1, "b1 is missing"),
               (two_no_b2, "b2 is missing"),
               (two_hidden_only, "the second layer (W2, b2) is missing"),
               (two_relu, "not ReLU"),
               (two_softmax_out, "no softmax after the last Dense"),
               (two_returns_both, "did you return several values"),
               (two_helper_unwritten, "calls `_add_bias`, which still raises NotImplementedError"),
               (two_elementwise, "`*` multiplies entry by entry"),
               (two_W2_transposed, "no transposes"),
               (two_bias_after_activation, "b1 is added after the activation")],
        right=[two_in_place, two_tanh_formula, two_float32]),
}

# check_shapes takes a dict, not a function: its corpus is a list of answers.
RIGHT_SHAPES = F.shapes_reference()
SHAPES_WRONG = [
    ({**RIGHT_SHAPES, "W1": (8, 4)}, "W1: you said (8, 4) (the transpose)"),
    ({**RIGHT_SHAPES, "b1": 8}, "a one-entry shape needs a comma"),
    ({**RIGHT_SHAPES, "X": (10.7, 4.2)}, "not a whole number"),
    ({**RIGHT_SHAPES, "b1": (10, 8)}, "one bias per unit"),
    ({**RIGHT_SHAPES, "H1": (10, 4)}, "elementwise"),
    ({**RIGHT_SHAPES, "outputs": (3, 10)}, "(the transpose)"),
    ({**RIGHT_SHAPES, "W2": "(8, 3)"}, "not a shape"),
    ({**RIGHT_SHAPES, "Z1": None}, "not answered yet: Z1"),
    ({**RIGHT_SHAPES, "Z1": (10, 4)}, "one column per unit"),
    ({**RIGHT_SHAPES, "W2": (3, 8)}, "W2: you said (3, 8) (the transpose)"),
    ({**RIGHT_SHAPES, "b2": (10, 3)}, "one bias per output unit"),
    ({**RIGHT_SHAPES, "b2": 3}, "(3) is just 3 in Python; a one-entry shape needs a comma, (3,)"),
    ({**RIGHT_SHAPES, "b1": (1, 8)}, "b1: you said (1, 8), expected (8,)"),
]
SHAPES_RIGHT = [
    RIGHT_SHAPES,
    {k: list(v) for k, v in RIGHT_SHAPES.items()},                       # lists
    {k: tuple(np.int64(x) for x in v) for k, v in RIGHT_SHAPES.items()},  # numpy integers
    {k: np.shape(np.zeros(v)) for k, v in RIGHT_SHAPES.items()},          # read off arrays
    {k: np.array(v) for k, v in RIGHT_SHAPES.items()},                   # arrays of sizes
]
