"""Notebook 06 (training a network): training_step(model, X, y, lr) -> loss,
confusion_matrix(y_true, y_pred, num_classes), best_epoch(history)."""

from collections import Counter

import numpy as np

import backprop_lib as bp
from backprop_lib.exercises import training as T

from . import Exercise


# ---------------------------------------------------------------- training_step
def ts_uphill(model, X, y, lr):
    loss, dout = bp.softmax_cross_entropy(model.forward(X), y)
    model.backward(dout)
    for p in model.parameters():
        p.value += lr * p.grad
    return loss


def ts_copy(model, X, y, lr):
    loss, dout = bp.softmax_cross_entropy(model.forward(X), y)
    model.backward(dout)
    for p in model.parameters():
        w = p.value
        w = w - lr * p.grad                # rebinds a name: the model does not change
    return loss


def ts_weights_only(model, X, y, lr):
    loss, dout = bp.softmax_cross_entropy(model.forward(X), y)
    model.backward(dout)
    for p in model.parameters():
        if p.name.endswith("W"):
            p.value -= lr * p.grad
    return loss


def ts_double(model, X, y, lr):
    loss, dout = bp.softmax_cross_entropy(model.forward(X), y)
    model.backward(dout)
    for p in model.parameters():
        p.value -= 2 * lr * p.grad
    return loss


def ts_no_return(model, X, y, lr):
    loss, dout = bp.softmax_cross_entropy(model.forward(X), y)
    model.backward(dout)
    for p in model.parameters():
        p.value -= lr * p.grad


def ts_loss_after(model, X, y, lr):
    loss, dout = bp.softmax_cross_entropy(model.forward(X), y)
    model.backward(dout)
    for p in model.parameters():
        p.value -= lr * p.grad
    return bp.softmax_cross_entropy(model.forward(X), y)[0]


def ts_typo(model, X, y, lr):
    out = model.forwrd(X)
    return out


def ts_divided_by_n(model, X, y, lr):
    loss, dout = bp.softmax_cross_entropy(model.forward(X), y)
    model.backward(dout)
    for p in model.parameters():
        p.value -= lr * p.grad / len(X)
    return loss


def ts_returns_pair(model, X, y, lr):
    loss, dout = bp.softmax_cross_entropy(model.forward(X), y)
    model.backward(dout)
    for p in model.parameters():
        p.value -= lr * p.grad
    return loss, dout


def ts_rebinds(model, X, y, lr):
    loss, dout = bp.softmax_cross_entropy(model.forward(X), y)
    model.backward(dout)
    for p in model.parameters():
        p.value = p.value - lr * p.grad            # a new array, stored in the Parameter: fine
    return loss


def ts_mse(model, X, y, lr):
    loss, dout = bp.mse(model.forward(X), np.eye(3)[y])
    model.backward(dout)
    for p in model.parameters():
        p.value -= lr * p.grad
    return loss


def ts_in_place(model, X, y, lr):
    out = model.forward(X)
    loss, dout = bp.softmax_cross_entropy(out, y)
    model.backward(dout)
    for p in model.parameters():
        p.value -= lr * p.grad
    return loss


def ts_slice_assign(model, X, y, lr):
    loss, dout = bp.softmax_cross_entropy(model.forward(X), y)
    model.backward(dout)
    for p in model.parameters():
        p.value[...] = p.value - lr * p.grad
    return float(loss)


def ts_float32_loss_list(model, X, y, lr):
    loss, dout = bp.softmax_cross_entropy(model.forward(X), y)
    model.backward(dout)
    params = list(model.parameters())
    steps = [lr * p.grad for p in params]
    for p, s in zip(params, steps):
        np.subtract(p.value, s, out=p.value)
    return np.float32(loss)


# ---------------------------------------------------------------- confusion_matrix
def cm_transposed(y_true, y_pred, k):
    cm = np.zeros((k, k), dtype=int)
    for t, p in zip(y_true, y_pred):
        cm[p, t] += 1
    return cm


def cm_fractions(y_true, y_pred, k):
    cm = np.zeros((k, k))
    for t, p in zip(y_true, y_pred):
        cm[t, p] += 1
    return cm / len(y_true)


def cm_zeros(y_true, y_pred, k):
    cm = np.zeros((k, k))
    for t, p in zip(y_true, y_pred):
        cm[t, p] + 1
    return cm


def cm_fancy_index(y_true, y_pred, k):
    cm = np.zeros((k, k), dtype=int)
    cm[y_true, y_pred] += 1                   # repeated pairs count once
    return cm


def cm_diagonal_only(y_true, y_pred, k):
    cm = np.zeros((k, k), dtype=int)
    for t, p in zip(y_true, y_pred):
        if t == p:
            cm[t, t] += 1
    return cm


def cm_loops(y_true, y_pred, k):
    return [[sum(1 for t, p in zip(y_true, y_pred) if t == i and p == j) for j in range(k)]
            for i in range(k)]


def cm_bincount(y_true, y_pred, k):
    return np.bincount(y_true * k + y_pred, minlength=k * k).reshape(k, k)


def cm_float(y_true, y_pred, k):
    cm = np.zeros((k, k), dtype=np.float32)
    np.add.at(cm, (y_true, y_pred), 1.0)
    return cm


def cm_rows_normalised(y_true, y_pred, k):
    cm = np.zeros((k, k))
    np.add.at(cm, (y_true, y_pred), 1)
    return cm / np.maximum(cm.sum(axis=1, keepdims=True), 1)


def cm_size_from_data(y_true, y_pred, k):
    m = int(max(np.max(y_true), np.max(y_pred))) + 1
    cm = np.zeros((m, m), dtype=int)
    np.add.at(cm, (y_true, y_pred), 1)
    return cm


def cm_one_too_many(y_true, y_pred, k):
    cm = np.zeros((k + 1, k + 1), dtype=int)
    np.add.at(cm, (y_true, y_pred), 1)
    return cm


def cm_one_hot(y_true, y_pred, k):
    return np.eye(k)[y_true].T @ np.eye(k)[y_pred]


# ---------------------------------------------------------------- best_epoch
def be_from_zero(h):
    return int(np.argmin(h.val_loss))


def be_train(h):
    return int(np.argmin(h.train_loss)) + 1


def be_worst(h):
    return int(np.argmax(h.val_loss)) + 1


def be_plus_1_9(h):
    return np.argmin(h.val_loss) + 1.9


def be_min_value(h):
    return min(h.val_loss)


def be_last(h):
    return len(h.val_loss)


def be_index(h):
    return h.val_loss.index(min(h.val_loss)) + 1


def be_loop(h):
    best, best_epoch = float("inf"), 0
    for epoch, v in enumerate(h.val_loss, start=1):
        if v < best:
            best, best_epoch = v, epoch
    return best_epoch


def be_numpy(h):
    return np.argmin(np.asarray(h.val_loss)) + 1      # a numpy integer: fine


def be_accuracy(h):
    return int(np.argmax(h.val_accuracy)) + 1


def be_accuracy_from_zero(h):
    return int(np.argmax(h.val_accuracy))


def be_per_step(h):
    return int(np.argmin(h.loss)) + 1


def be_list_method(h):
    return h.val_loss.argmin() + 1


def be_property(h):
    return h.best_epoch


def be_sorted(h):
    return sorted(range(1, len(h.val_loss) + 1), key=lambda e: h.val_loss[e - 1])[0]



# ---------------------------------------------------------------- found by the second review
def ts_softmax_twice(model, X, y, lr):
    out = model.forward(X)
    e = np.exp(out - out.max(axis=1, keepdims=True))
    loss, dout = bp.softmax_cross_entropy(e / e.sum(axis=1, keepdims=True), y)
    model.backward(dout)
    for p in model.parameters():
        p.value -= lr * p.grad
    return loss


def ts_two_steps(model, X, y, lr):
    for _ in range(2):
        loss, dout = bp.softmax_cross_entropy(model.forward(X), y)
        model.backward(dout)
        for p in model.parameters():
            p.value -= lr * p.grad
    return loss


def ts_times_n(model, X, y, lr):
    loss, dout = bp.softmax_cross_entropy(model.forward(X), y)
    model.backward(dout)
    for p in model.parameters():
        p.value -= lr * p.grad * len(X)
    return loss


def ts_own_lr(model, X, y, lr):
    loss, dout = bp.softmax_cross_entropy(model.forward(X), y)
    model.backward(dout)
    for p in model.parameters():
        p.value -= 0.01 * p.grad
    return loss


def ts_no_backward(model, X, y, lr):
    loss, dout = bp.softmax_cross_entropy(model.forward(X), y)
    for p in model.parameters():
        p.value -= lr * p.grad
    return loss


def ts_returns_text(model, X, y, lr):
    loss, dout = bp.softmax_cross_entropy(model.forward(X), y)
    model.backward(dout)
    for p in model.parameters():
        p.value -= lr * p.grad
    return f"{loss:.3f}"


def ts_negated_twice(model, X, y, lr):
    loss, dout = bp.softmax_cross_entropy(model.forward(X), y)
    model.backward(-dout)                     # the gradient of -L, then a step up it: right
    for p in model.parameters():
        p.value += lr * p.grad
    return loss


def cm_pairs(y_true, y_pred, k):
    return [(t, p) for t, p in zip(y_true, y_pred)]


def cm_from_one(y_true, y_pred, k):
    cm = np.zeros((k, k), dtype=int)
    for t, p in zip(y_true, y_pred):
        cm[t - 1, p - 1] += 1
    return cm


def cm_percent(y_true, y_pred, k):
    cm = np.zeros((k, k))
    np.add.at(cm, (y_true, y_pred), 1)
    return 100 * cm / len(y_true)


def cm_columns_normalised(y_true, y_pred, k):
    cm = np.zeros((k, k))
    np.add.at(cm, (y_true, y_pred), 1)
    return cm / np.maximum(cm.sum(axis=0, keepdims=True), 1)


def cm_histogram2d(y_true, y_pred, k):
    return np.histogram2d(y_true, y_pred, bins=k, range=[[0, k], [0, k]])[0]


def cm_counter(y_true, y_pred, k):
    counts = Counter(zip(y_true.tolist(), y_pred.tolist()))
    return np.array([[counts[(i, j)] for j in range(k)] for i in range(k)])


def be_first_rise(h):
    for e in range(1, len(h.val_loss)):
        if h.val_loss[e] > h.val_loss[e - 1]:
            return e                          # the epoch before the rise, counted from 1
    return len(h.val_loss)


def be_text(h):
    return str(int(np.argmin(h.val_loss)) + 1)


def be_pair(h):
    return int(np.argmin(h.val_loss)) + 1, min(h.val_loss)


def be_float_whole(h):
    return float(np.argmin(h.val_loss) + 1)

EXERCISES = {
    "training_step": Exercise(
        T.check_training_step, T.reference_training_step,
        wrong=[(ts_uphill, "the parameters moved uphill"),
               (ts_copy, "the weights did not change"),
               (ts_weights_only, "update every parameter"),
               (ts_double, "every parameter moved 2 times the right amount"),
               (ts_no_return, "return the loss"),
               (ts_loss_after, "(before the update)"),
               (ts_typo, "model.forwrd(X)"),
               (ts_divided_by_n, "divided by the batch size again"),
               (ts_returns_pair, "return the loss alone"),
               (ts_mse, "the classifier's loss is softmax cross-entropy"),
               (ts_softmax_twice, "the softmax is applied twice"),
               (ts_two_steps, "as after two steps"),
               (ts_times_n, "30 times (the batch size)"),
               (ts_own_lr, "with the lr passed in"),
               (ts_no_backward, "call model.backward(dout)"),
               (ts_returns_text, "as a number, not a text")],
        right=[ts_in_place, ts_slice_assign, ts_float32_loss_list, ts_rebinds,
               ts_negated_twice]),
    "confusion_matrix": Exercise(
        T.check_confusion_matrix, T.reference_confusion_matrix,
        wrong=[(cm_transposed, "rows and columns are swapped"),
               (cm_fractions, "these are fractions"),
               (cm_zeros, "the matrix is all zeros"),
               (cm_fancy_index, "repeated"),
               (cm_diagonal_only, "only the correct predictions"),
               (cm_rows_normalised, "each row is divided by its total"),
               (cm_size_from_data, "use num_classes = 5"),
               (cm_one_too_many, "one row and column too many"),
               (cm_pairs, "these are the (true, predicted) pairs themselves"),
               (cm_from_one, "the classes count from 0"),
               (cm_percent, "these are percentages"),
               (cm_columns_normalised, "each column is divided by its total")],
        right=[cm_loops, cm_bincount, cm_float, cm_one_hot, cm_histogram2d, cm_counter]),
    "best_epoch": Exercise(
        T.check_best_epoch, T.reference_best_epoch,
        wrong=[(be_from_zero, "off by one"),
               (be_train, "that is where the TRAINING loss is lowest"),
               (be_worst, "that is the worst validation epoch"),
               (be_plus_1_9, "expected a whole epoch number, got"),
               (be_min_value, "expected a whole epoch number"),
               (be_last, "TRAINING"),
               (be_accuracy, "the highest validation ACCURACY"),
               (be_accuracy_from_zero, "np.argmax counts from 0"),
               (be_per_step, "one entry per STEP"),
               (be_list_method, "use np.argmin(history.val_loss)"),
               (be_first_rise, "where the validation loss first went up"),
               (be_text, "expected a whole epoch number, got '"),
               (be_pair, "expected a whole epoch number, got (")],
        right=[be_index, be_loop, be_numpy, be_property, be_sorted, be_float_whole]),
}
