"""The forward signal beside the backward one, and the product that makes the weight gradient.

Backpropagation is half the story. A Dense layer's weight gradient is

    dL/dW = A^T · dL/dZ          A (n, fan_in): the layer's input;  dL/dZ (n, fan_out)

so ||dL/dW|| is large only where BOTH the forward signal A and the backward error dL/dZ are. By
Cauchy-Schwarz, entry by entry and summed,

    ||dL/dW|| <= ||A|| · ||dL/dZ|| = n · sqrt(fan_in · fan_out) · RMS(A) · RMS(dL/dZ),

with equality when every column of A points along every column of dL/dZ. ``alignment`` is the
measured ||dL/dW|| over that bound, a number in [0, 1]. On a log scale the weight gradient is a
SUM: log RMS(A) + log RMS(dL/dZ) + log alignment + a constant of the shapes.

Also here: the per-layer E[f'(Z)²] actually met by the units (theory assumes its value at Z = 0),
and how much of each layer's activation variance depends on the input example.
"""

from __future__ import annotations

import numpy as np

from .diagnostics import gradient_profile
from .losses import softmax_cross_entropy
from .network import Sequential, dense_blocks


def _rms(M: np.ndarray) -> float:
    return float(np.sqrt(np.vdot(M, M) / M.size))


def _check_model(model) -> None:
    if not isinstance(model, Sequential):
        raise TypeError(f"expected a network built with bp.mlp or bp.Sequential, got "
                        f"{type(model).__name__}")


def forward_profile(model: Sequential, X) -> dict:
    """One forward pass on X (no backward, no weight changes); per Dense layer, first to last:

    - ``input_rms``: RMS of the layer's input A (X for the first layer), the forward signal that
      dL/dW = A^T · dL/dZ multiplies;
    - ``z_rms``: RMS of its pre-activations Z = A·W + b (large |Z| = saturated sigmoid/tanh);
    - ``layers``: the Dense layers' names.

    In training mode a BatchNorm layer normalizes with this batch's statistics (and updates its
    running averages, as any training-mode forward does).
    """
    _check_model(model)
    model.forward(X)
    blocks = dense_blocks(model)
    outputs = model.leaf_outputs()
    input_rms, z_rms = [], []
    for i, dense, _ in blocks:
        A = dense.cache                              # Dense keeps its input for dL/dW
        input_rms.append(_rms(A))
        z_rms.append(_rms(outputs[i]))
    return {"layers": [d.name for _, d, _ in blocks], "input_rms": np.array(input_rms),
            "z_rms": np.array(z_rms)}


def weight_gradient_parts(model: Sequential, X, y, loss=softmax_cross_entropy) -> dict:
    """One forward and backward pass; for every Dense layer the three factors of ||dL/dW||:

    ``input_rms`` (RMS of A), ``delta_rms`` (RMS of dL/dZ), ``alignment`` (||dL/dW|| over its
    Cauchy-Schwarz bound ||A||·||dL/dZ||, in [0, 1]), and ``grad_norm`` (||dL/dW||), so that

        grad_norm = alignment · n · sqrt(fan_in · fan_out) · input_rms · delta_rms   (exactly).

    No weight changes (``.grad`` is filled, as by any backward pass).
    """
    _check_model(model)
    profile = gradient_profile(model, X, y, loss)
    blocks = dense_blocks(model)
    input_rms, sizes = [], []
    for _, dense, _ in blocks:
        A = dense.cache
        input_rms.append(_rms(A))
        sizes.append(len(A) * np.sqrt(dense.fan_in * dense.fan_out))
    input_rms, sizes = np.array(input_rms), np.array(sizes)
    bound = sizes * input_rms * profile["delta_rms"]        # ||A|| · ||dL/dZ||
    with np.errstate(invalid="ignore", divide="ignore"):
        alignment = np.where(bound > 0, profile["grad_norm"] / bound, 0.0)
    return {"layers": profile["layers"], "input_rms": input_rms,
            "delta_rms": profile["delta_rms"], "grad_norm": profile["grad_norm"],
            "alignment": alignment, "size_factor": sizes}


def slope_gain(model: Sequential) -> np.ndarray:
    """Per hidden Dense layer: the measured E[f'(Z)²] over the last forward pass's batch.

    Theory (``theory.derivative_gain``) uses its value at Z = 0: 1 for tanh, 1/16 for a
    sigmoid. Units pushed into the flat ends (large |Z|) make the measured value smaller.
    """
    _check_model(model)
    if model.outputs is None:
        raise RuntimeError("slope_gain needs a forward pass first: run model.forward(X)")
    gains = []
    leaves = model.leaves()
    for _, _, act_index in dense_blocks(model):
        if act_index is not None:
            slope = leaves[act_index].local_grad()
            gains.append(float(np.mean(slope * slope)))
    return np.array(gains)


def input_dependent_share(model: Sequential, X) -> np.ndarray:
    """Per hidden layer, the share of its activations' variance that changes with the example.

    For activations A (n examples, d units), the total variance around the overall mean splits
    (law of total variance) into a part across examples, mean over units of Var_n(A[:, j]), and
    a part across units, Var_j of the unit means. The share is the first over the total: 1 when
    every unit varies with the input, 0 when each unit outputs its own constant whatever the
    example (and then the layers above receive no information about the input).
    One forward pass (training mode for a BatchNorm, as during training); no weight changes.
    """
    _check_model(model)
    model.forward(X)
    shares = []
    outputs = model.leaf_outputs()
    for _, _, act_index in dense_blocks(model):
        if act_index is None:
            continue
        A = outputs[act_index]
        across_examples = float(np.mean(A.var(axis=0)))
        total = float(A.var())
        shares.append(across_examples / total if total > 0 else 0.0)
    return np.array(shares)


__all__ = ["forward_profile", "input_dependent_share", "slope_gain", "weight_gradient_parts"]
