"""Notebook 02 (the error): mse(pred, target) -> (L, dL/dpred); softmax_ce_grad(logits, labels)."""

import numpy as np

from backprop_lib.exercises import error as E

from . import Exercise


# ---------------------------------------------------------------- mse
def mse_no_two(pred, target):
    e = pred - target
    return np.mean(e ** 2), e / e.size


def mse_no_mean(pred, target):
    e = pred - target
    return np.mean(e ** 2), 2 * e


def mse_rows(pred, target):
    e = pred - target
    return np.mean(e ** 2), 2 * e / e.shape[0]


def mse_sign(pred, target):
    e = target - pred
    return np.mean(e ** 2), 2 * e / e.size


def mse_sum_loss(pred, target):
    e = pred - target
    return np.sum(e ** 2), 2 * e / e.size


def mse_rmse(pred, target):
    e = pred - target
    return np.sqrt(np.mean(e ** 2)), 2 * e / e.size


def mse_abs(pred, target):
    e = pred - target
    return np.mean(np.abs(e)), 2 * e / e.size


def mse_grad_only(pred, target):
    return 2 * (pred - target) / pred.size


def mse_in_place(pred, target):
    pred -= target                       # reuses pred as the error
    loss = float((pred ** 2).mean())
    pred *= 2 / pred.size
    return loss, pred


def mse_list(pred, target):
    e = (pred - target).ravel().tolist()
    n = len(e)
    loss = sum(x * x for x in e) / n
    grad = np.array([2 * x / n for x in e]).reshape(pred.shape)
    return [loss, grad]                  # a list instead of a tuple: fine


def mse_float32(pred, target):
    e = (pred - target).astype(np.float32)
    return np.float32(np.mean(e * e)), (2 * e / e.size)


def mse_einsum(pred, target):
    e = pred - target
    n = np.prod(e.shape)
    return np.einsum("ij,ij->", e, e) / n, np.multiply(e, 2.0 / n)


def mse_swapped(pred, target):
    e = pred - target
    return 2 * e / e.size, np.mean(e ** 2)


def mse_axis0(pred, target):
    e = pred - target
    return np.mean(e ** 2, axis=0), 2 * e / e.size


def mse_grad_summed(pred, target):
    e = pred - target
    return np.mean(e ** 2), (2 * e / e.size).sum(axis=0)


def mse_half(pred, target):
    e = pred - target
    return 0.5 * np.mean(e ** 2), e / e.size


def mse_mean_twice(pred, target):
    e = pred - target
    return np.mean(np.mean(e ** 2, axis=1)), 2 * (pred - target) / pred.size


# ---------------------------------------------------------------- softmax_ce_grad
def _onehot(labels, k):
    return np.eye(k)[labels]


def ce_naive(z, labels):                 # overflows on logits of 1000
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    return (p - _onehot(labels, z.shape[1])) / z.shape[0]


def ce_no_mean(z, labels):
    z = z - z.max(axis=1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    return p - _onehot(labels, z.shape[1])


def ce_sign(z, labels):
    z = z - z.max(axis=1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    return (_onehot(labels, z.shape[1]) - p) / z.shape[0]


def ce_no_onehot(z, labels):
    z = z - z.max(axis=1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    return p / z.shape[0]


def ce_clipped(z, labels):
    z = np.clip(z, -50, 50)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    return (p - _onehot(labels, z.shape[1])) / z.shape[0]


def ce_batch_max(z, labels):
    z = z - z.max()
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    return (p - _onehot(labels, z.shape[1])) / z.shape[0]


def ce_sum_over_batch_axis(z, labels):
    z = z - z.max(axis=1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(axis=0, keepdims=True)
    return (p - _onehot(labels, z.shape[1])) / z.shape[0]


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def ce_all_entries(z, labels):
    return (_softmax(z) - _onehot(labels, z.shape[1])) / z.size


def ce_no_keepdims(z, labels):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1)
    return (p - _onehot(labels, z.shape[1])) / z.shape[0]


def ce_loss_too(z, labels):
    p, n = _softmax(z), z.shape[0]
    return -np.mean(np.log(p[np.arange(n), labels])), (p - _onehot(labels, z.shape[1])) / n


def ce_rows(z, labels):
    p = _softmax(z)
    p[labels] -= 1
    return p / z.shape[0]


def ce_columns(z, labels):
    p = _softmax(z)
    p[:, labels] -= 1
    return p / z.shape[0]


def ce_in_place(z, labels):
    z -= z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    z[np.arange(len(labels)), labels] -= 1
    z /= len(labels)
    return z


def ce_logsumexp(z, labels):
    m = z.max(axis=1, keepdims=True)
    log_p = z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))
    grad = np.exp(log_p)
    for i, c in enumerate(labels):
        grad[i, c] -= 1.0
    return grad / len(labels)


def ce_tanh_free_list(z, labels):
    out = []
    for row, c in zip(z, labels):
        e = np.exp(row - row.max())
        p = e / e.sum()
        p[c] -= 1
        out.append(list(p / len(labels)))
    return out                           # a list of lists: fine


def mse_loss_text(pred, target):
    e = pred - target
    return "mean squared error", 2 * e / e.size


def mse_loss_none(pred, target):
    e = pred - target
    loss = print(np.mean(e ** 2))               # print returns None
    return loss, 2 * e / e.size


def mse_unfinished_branch(pred, target):        # one case written, the other left to do
    if pred.shape[1] == 1:
        diff = pred - target
        return np.mean(diff ** 2), 2 * diff / diff.size
    else:
        raise NotImplementedError("several outputs")


def ce_labels_as_column(z, labels):
    return (_softmax(z) - labels[:, None]) / z.shape[0]     # labels are not a one-hot


def ce_log_p(z, labels):
    m = z.max(axis=1, keepdims=True)
    log_p = z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))
    return (log_p - _onehot(labels, z.shape[1])) / z.shape[0]


def ce_grad_wrt_p(z, labels):
    return -_onehot(labels, z.shape[1]) / _softmax(z) / z.shape[0]


def ce_sigmoid(z, labels):
    return (1 / (1 + np.exp(-z)) - _onehot(labels, z.shape[1])) / z.shape[0]


def ce_returns_loss(z, labels):
    p = _softmax(z)
    return -np.mean(np.log(p[np.arange(len(labels)), labels]))


EXERCISES = {
    "mse": Exercise(
        E.check_mse, E.mse_reference,
        wrong=[(mse_no_two, "the factor 2 is missing"),
               (mse_no_mean, "the 1/N of the mean is missing"),
               (mse_rows, "you divided by n = 5 (the rows)"),
               (mse_sign, "wrong sign"),
               (mse_sum_loss, "your loss is the sum of squares"),
               (mse_rmse, "(RMSE)"),
               (mse_abs, "mean absolute error"),
               (mse_grad_only, "return two things, (loss, gradient)"),
               (mse_swapped, "in the order (loss, grad)"),
               (mse_axis0, "you averaged each column (axis=0)"),
               (mse_grad_summed, "one entry per prediction, shaped like pred"),
               (mse_half, "your loss has an extra 1/2"),
               (mse_unfinished_branch, "still raises NotImplementedError for these inputs"),
               (mse_loss_text, "got the text 'mean squared error'"),
               (mse_loss_none, "the loss is None")],
        right=[mse_in_place, mse_list, mse_float32, mse_einsum, mse_mean_twice]),
    "softmax_ce_grad": Exercise(
        E.check_softmax_ce_grad, E.softmax_ce_grad_reference,
        wrong=[(ce_naive, "subtract each row's max first"),
               (ce_no_mean, "the 1/n of the mean over the batch is missing"),
               (ce_sign, "wrong sign"),
               (ce_no_onehot, "the one-hot is missing"),
               (ce_clipped, "clipping"),
               (ce_batch_max, "each ROW's own max"),
               (ce_sum_over_batch_axis, "axis=1"),
               (ce_all_entries, "so N = n = 4"),
               (ce_no_keepdims, "keepdims=True"),
               (ce_loss_too, "return only the gradient"),
               (ce_rows, "the 1 was subtracted at the wrong places"),
               (ce_columns, "p[np.arange(n), labels]"),
               (ce_labels_as_column, "labels are class ids"),
               (ce_log_p, "you used log p"),
               (ce_grad_wrt_p, "this is dL/dp"),
               (ce_sigmoid, "the softmax normalizes each row"),
               (ce_returns_loss, "you returned one number (the loss?)")],
        right=[ce_in_place, ce_logsumexp, ce_tanh_free_list]),
}
