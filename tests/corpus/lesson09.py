"""Notebook 09 (normalization): the Your-turn exercises input_dependent_share(A) and
clip_by_norm(g, max_norm); batchnorm_backward(dY, X_hat, inv_std, gamma), clip_norm(),
fix(config) for four of the five broken networks (deep_sigmoid trains for about 2 s a run, too
slow for a corpus; its reference fix is checked in test_exercises_remedies and the solutions),
and predict(model, X) in evaluation mode."""

import numpy as np

from backprop_lib.exercises import clipping as C
from backprop_lib.exercises import modes as M
from backprop_lib.exercises import remedies as R
from backprop_lib.exercises import signals as S

from . import Exercise


# ---------------------------------------------------------------- batchnorm_backward
def bn_constants(dY, X_hat, inv_std, gamma):
    return dY * gamma * inv_std


def bn_no_mean_path(dY, X_hat, inv_std, gamma):
    d = dY * gamma
    return inv_std * (d - X_hat * np.mean(d * X_hat, axis=0))


def bn_no_var_path(dY, X_hat, inv_std, gamma):
    d = dY * gamma
    return inv_std * (d - d.mean(axis=0))


def bn_no_gamma(dY, X_hat, inv_std, gamma):
    return inv_std * (dY - dY.mean(axis=0) - X_hat * np.mean(dY * X_hat, axis=0))


def bn_no_inv_std(dY, X_hat, inv_std, gamma):
    d = dY * gamma
    return d - d.mean(axis=0) - X_hat * np.mean(d * X_hat, axis=0)


def bn_axis1(dY, X_hat, inv_std, gamma):
    d = dY * gamma
    return inv_std * (d - d.mean(axis=1, keepdims=True)
                      - X_hat * np.mean(d * X_hat, axis=1, keepdims=True))


def bn_sums_not_means(dY, X_hat, inv_std, gamma):
    d = dY * gamma
    return inv_std * (d - d.sum(axis=0) - X_hat * np.sum(d * X_hat, axis=0))


def bn_sign_mean(dY, X_hat, inv_std, gamma):
    d = dY * gamma
    return inv_std * (d + d.mean(axis=0) - X_hat * np.mean(d * X_hat, axis=0))


def bn_sign_var(dY, X_hat, inv_std, gamma):
    d = dY * gamma
    return inv_std * (d - d.mean(axis=0) + X_hat * np.mean(d * X_hat, axis=0))


def bn_var_without_x_hat(dY, X_hat, inv_std, gamma):
    d = dY * gamma
    return inv_std * (d - d.mean(axis=0) - np.mean(d * X_hat, axis=0))


def bn_inv_std_twice(dY, X_hat, inv_std, gamma):
    d = dY * gamma
    return inv_std ** 2 * (d - d.mean(axis=0) - X_hat * np.mean(d * X_hat, axis=0))


def bn_divides(dY, X_hat, inv_std, gamma):
    d = dY * gamma
    return (d - d.mean(axis=0) - X_hat * np.mean(d * X_hat, axis=0)) / inv_std


def bn_in_place(dY, X_hat, inv_std, gamma):
    dY *= gamma                                          # the issue's `dY *= gamma`
    dY -= dY.mean(axis=0) + X_hat * np.mean(dY * X_hat, axis=0)
    dY *= inv_std
    return dY


def bn_sums(dY, X_hat, inv_std, gamma):
    n = dY.shape[0]
    d = dY * gamma
    return (inv_std / n) * (n * d - d.sum(axis=0) - X_hat * (d * X_hat).sum(axis=0))


def bn_float32(dY, X_hat, inv_std, gamma):
    d = (dY * gamma).astype(np.float32)
    X_hat = X_hat.astype(np.float32)
    return inv_std.astype(np.float32) * (d - d.mean(axis=0) - X_hat * (d * X_hat).mean(axis=0))


# ---------------------------------------------------------------- clip_norm()
def clip_none():
    return None


def clip_tiny():
    return 1e-4


def clip_loose():
    return 100.0


def clip_text():
    return "1.0"


def clip_negative():
    return -1.0


def clip_infinite():
    return float("inf")


def clip_one():
    return 1


def clip_half():
    return 0.5


def clip_numpy():
    return np.float64(2.0)


# ---------------------------------------------------------------- fix(config), two networks
def check_fix_lr(fn):
    return R.check_fix("lr_too_large", fn)


def check_fix_dead(fn):
    return R.check_fix("dead_relu", fn)


def fix_unchanged(config):
    return config


def fix_none(config):
    config["lr"] = 0.1                                  # changed in place, returned nothing


def fix_unknown_key(config):
    return {**config, "learning_rate": 0.1}


def fix_wrong_knob(config):
    return {**config, "epochs": 70}


def lr_still_large(config):
    return {**config, "lr": 20.0}


def lr_in_place(config):
    config["lr"] = 0.1
    return config


def lr_smaller(config):
    return {**config, "lr": 0.05}


def lr_copy(config):
    new = dict(config)
    new.update(lr=0.2)
    return new


def dead_in_place(config):
    config["hidden_bias"] = 0.0
    return config


def dead_small_positive(config):
    return {**config, "hidden_bias": 0.1}


def dead_leaky(config):
    return {**config, "hidden_bias": 0.0, "activation": "leaky_relu"}


def check_fix_zero(fn):
    return R.check_fix("zero_init", fn)


def check_fix_labels(fn):
    return R.check_fix("shuffled_labels", fn)


def zero_tiny_init(config):
    return {**config, "init": "small"}               # random but tiny: now it vanishes


def zero_more_lr(config):
    return {**config, "lr": 1.0}


def zero_relu(config):
    return {**config, "activation": "relu"}


def zero_he(config):
    return {**config, "init": "he"}


def zero_standard(config):
    config["init"] = "standard"
    return config


def labels_lower_lr(config):
    return {**config, "lr": 0.01}


def labels_longer(config):
    return {**config, "epochs": 200}


def labels_wider(config):
    return {**config, "sizes": [2, 64, 64, 2]}


def labels_dropped_key(config):
    return {k: v for k, v in config.items() if k != "shuffle_labels"}   # the default: False


def labels_in_place(config):
    config["shuffle_labels"] = False
    return config


# ---------------------------------------------------------------- predict(model, X)
def predict_train_mode(model, X):
    return model.forward(X).argmax(axis=1)


def predict_scores(model, X):
    with model.restoring_state():
        model.eval()
        return model.forward(X)


def predict_axis0(model, X):
    with model.restoring_state():
        model.eval()
        return model.forward(X).argmax(axis=0)


def predict_left_in_eval(model, X):
    model.eval()
    return model.forward(X).argmax(axis=1)


def predict_calls_train(model, X):
    model.train()
    return model.forward(X).argmax(axis=1)


def predict_probabilities_rounded(model, X):
    with model.restoring_state():
        model.eval()
        return model.forward(X)[:, 1] > 0                # a score above 0 is not class 1


def predict_train_after(model, X):            # train() at the end is not switching back
    model.eval()
    labels = model.forward(X).argmax(axis=1)
    model.train()
    return labels


def predict_switch_back(model, X):
    was_training = model.training
    model.eval()
    labels = model.forward(X).argmax(axis=1)
    if was_training:
        model.train()
    return labels


def predict_list(model, X):
    with model.restoring_state():
        model.eval()
        scores = model.forward(X)
    return [int(np.argmax(row)) for row in scores]


def predict_one_by_one(model, X):
    with model.restoring_state():
        model.eval()
        return np.array([model.forward(x[None, :])[0].argmax() for x in X])


# ---------------------------------------------------------------- input_dependent_share (Your turn)
def share_total_variance(A):                   # the law of total variance spelled out
    across_examples = A.var(axis=0).mean()
    between_units = A.mean(axis=0).var()
    return across_examples / (across_examples + between_units)


def share_complement(A):
    return 1 - A.mean(axis=0).var() / A.var()


def share_in_place(A):                         # centres A in place first: still right
    A -= A.mean()
    return np.mean(A.var(axis=0)) / np.mean(A ** 2)


# ---------------------------------------------------------------- clip_by_norm (Your turn)
def clip_min(g, max_norm):
    norm = np.sqrt(np.sum(g ** 2))
    return g * min(1.0, max_norm / norm) if norm > 0 else g


def clip_in_place(g, max_norm):                # the course's in-place habit
    norm = np.linalg.norm(g)
    if norm > max_norm:
        g *= max_norm / norm
    return g


def clip_list(g, max_norm):
    norm = float(np.linalg.norm(g))
    scale = max_norm / norm if norm > max_norm else 1.0
    return [float(x) * scale for x in g]


def clip_by_value(g, max_norm):
    return np.clip(g, -max_norm, max_norm)


def clip_always(g, max_norm):
    norm = np.linalg.norm(g)
    return g * max_norm / norm if norm > 0 else g


def clip_unit(g, max_norm):
    norm = np.linalg.norm(g)
    return g / norm if norm > max_norm else g


def clip_squared(g, max_norm):
    norm = np.linalg.norm(g)
    return g * max_norm / norm ** 2 if norm > max_norm else g


def clip_zero_nan(g, max_norm):
    norm = np.linalg.norm(g)
    with np.errstate(divide="ignore", invalid="ignore"):
        return g / norm * min(norm, max_norm)


EXERCISES = {
    "input_dependent_share": Exercise(
        S.check_input_dependent_share, S.reference_input_dependent_share,
        wrong=[(lambda A: A.mean(axis=0).var() / A.var(), "OTHER part"),
               (lambda A: A.var(axis=0).mean(), "divide it by the"),
               (lambda A: A.var(axis=1).mean() / A.var(), "axis=1"),
               (lambda A: A.std(axis=0).mean() / A.std(), "standard deviations"),
               (lambda A: A.var(axis=0) / A.var(), "numbers; average"),
               (lambda A: A.var(axis=0).sum() / A.var(), "a sum over the units"),
               (lambda A: A.var(axis=0, ddof=1).mean() / A.var(ddof=1), "ddof=1")],
        right=[share_total_variance, share_complement, share_in_place]),
    "clip_by_norm": Exercise(
        C.check_clip_by_norm, C.reference_clip_by_norm,
        wrong=[(clip_by_value, "clipping by value"),
               (clip_always, "already shorter"),
               (clip_unit, "norm 1"),
               (clip_squared, "squared norm"),
               (clip_zero_nan, "NaN")],
        right=[clip_min, clip_in_place, clip_list]),
    "batchnorm_backward": Exercise(
        R.check_batchnorm_backward, R.batchnorm_backward_reference,
        wrong=[(bn_constants, "you treated the batch mean and variance as constants"),
               (bn_no_mean_path, "the path through the batch mean is missing"),
               (bn_no_var_path, "the path through the batch variance is missing"),
               (bn_no_gamma, "gamma is missing"),
               (bn_no_inv_std, "the factor 1/σ (inv_std) is missing"),
               (bn_axis1, "over the batch (axis=0)"),
               (bn_sums_not_means, "sums where means belong"),
               (bn_sign_mean, "the sign of the mean path"),
               (bn_sign_var, "the sign of the variance path"),
               (bn_var_without_x_hat, "not mean(dX̂ · X̂) alone"),
               (bn_inv_std_twice, "yours has it twice"),
               (bn_divides, "do not divide")],
        right=[bn_in_place, bn_sums, bn_float32]),
    "clip_norm": Exercise(
        R.check_clip_norm, lambda: 1.0,
        wrong=[(clip_none, "None means no clipping"),
               (clip_tiny, "crawls"),
               (clip_loose, "still diverges"),
               (clip_text, "return a positive number"),
               (clip_negative, "return a positive number"),
               (clip_infinite, "never clips")],
        right=[clip_one, clip_half, clip_numpy]),
    "fix lr_too_large": Exercise(
        check_fix_lr, R.reference_fix("lr_too_large"),
        wrong=[(fix_unchanged, "your config is unchanged"),
               (fix_none, "returned None"),
               (fix_unknown_key, "unknown config entries"),
               (fix_wrong_knob, "still does not learn"),
               (lr_still_large, "still does not learn")],
        right=[lr_in_place, lr_smaller, lr_copy]),
    "fix dead_relu": Exercise(
        check_fix_dead, R.reference_fix("dead_relu"),
        wrong=[(fix_unchanged, "your config is unchanged"),
               (fix_none, "returned None"),
               (fix_unknown_key, "unknown config entries"),
               (fix_wrong_knob, "dead ReLUs"),
               (lambda c: {**c, "hidden_bias": -3.0}, "still does not learn"),
               (lambda c: {**c, "activation": "leaky_relu"}, "passes back only its slope"),
               (lambda c: {**c, "lr": 0.01}, "no learning rate can move")],
        right=[dead_in_place, dead_small_positive, dead_leaky]),
    "fix zero_init": Exercise(
        check_fix_zero, R.reference_fix("zero_init"),
        wrong=[(fix_unchanged, "your config is unchanged"),
               (zero_tiny_init, "vanishing"),
               (zero_more_lr, "all hidden units identical"),
               (zero_relu, "all hidden units identical"),
               (fix_unknown_key, "unknown config entries")],
        right=[zero_he, zero_standard, lambda c: {**c, "init": "xavier", "lr": 0.1}]),
    "fix shuffled_labels": Exercise(
        check_fix_labels, R.reference_fix("shuffled_labels"),
        wrong=[(fix_unchanged, "your config is unchanged"),
               (labels_lower_lr, "labels look unrelated to the inputs"),
               (labels_longer, "labels look unrelated to the inputs"),
               (labels_wider, "labels look unrelated to the inputs"),
               (fix_none, "returned None")],
        right=[labels_dropped_key, labels_in_place, lambda c: dict(c, shuffle_labels=False)]),
    "predict (train vs eval mode)": Exercise(
        M.check_predict, M.reference_predict,
        wrong=[(predict_train_mode, "BatchNorm ran in TRAINING mode"),
               (predict_calls_train, "Call model.eval() before model.forward"),
               (predict_scores, "return the class, their argmax over axis=1"),
               (predict_axis0, "the argmax is over the classes (axis=1)"),
               (predict_left_in_eval, "the model is left in evaluation mode"),
               (predict_probabilities_rounded, "agree with the reference on"),
               (predict_train_after, "arrived in evaluation mode")],
        right=[predict_switch_back, predict_list, predict_one_by_one]),
}
