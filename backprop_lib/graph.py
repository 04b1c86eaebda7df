"""A tiny computational graph of scalars, for seeing the chain rule work one node at a time.

Every ``Value`` remembers the values it was computed from (its *inputs*) and, right beside its
result, the *local derivatives* d(this)/d(input), worked out during the forward pass. The
backward pass then needs only one rule, applied node by node from the output back:

    input.grad += local_derivative · node.grad        # the chain rule

(``+=`` because a value used twice receives gradient along both paths.) This is micrograd's idea
(Karpathy), with the local derivatives stored as numbers so that they can be written on a picture.

    x, w, b, t = Value(1.5, "x"), Value(0.8, "w"), Value(-0.5, "b"), Value(1.0, "t")
    L = ((w * x + b).sigmoid() - t) ** 2
    L.backward()                 # w.grad is dL/dw
    L.backward(steps=2)          # only the first two steps of the backward pass

Engine floor: plain Python and numpy, no plotting.
"""

from __future__ import annotations

import math
import numbers


class Value:
    """One scalar in a computation: its value ``data``, its gradient ``grad`` = dL/d(this), the
    ``inputs`` it was computed from, the operation ``op`` and the local derivatives
    d(this)/d(input), one per input, in ``local_grads``."""

    def __init__(self, data, label: str = "", inputs=(), op: str = "", local_grads=()):
        if isinstance(data, bool) or not isinstance(data, numbers.Real):
            raise TypeError(f"a Value holds one real number, got {data!r}; for arrays use the "
                            "layers of backprop_lib")
        if not math.isfinite(data):
            raise ValueError(f"a Value must be finite, got {data}")
        self.data = float(data)
        self.grad = 0.0
        self.label = label
        self.inputs = tuple(inputs)
        self.op = op
        self.local_grads = tuple(float(g) for g in local_grads)

    # ------------------------------------------------------------------ operations
    # Each one: the result, and right beside it d(result)/d(each input).
    def __add__(self, other):
        other = _as_value(other)
        return Value(self.data + other.data, "", (self, other), "+", (1.0, 1.0))

    def __mul__(self, other):
        other = _as_value(other)
        # d(a·b)/da = b, d(a·b)/db = a
        return Value(self.data * other.data, "", (self, other), "*", (other.data, self.data))

    def __neg__(self):
        return Value(-self.data, "", (self,), "neg", (-1.0,))

    def __sub__(self, other):
        other = _as_value(other)
        return Value(self.data - other.data, "", (self, other), "-", (1.0, -1.0))

    def __pow__(self, k):
        if isinstance(k, bool) or not isinstance(k, numbers.Real):
            raise TypeError(f"a Value can be raised to a constant power only, got {k!r}")
        # d(a^k)/da = k·a^(k-1)
        return Value(self.data ** k, "", (self,), f"**{k:g}", (k * self.data ** (k - 1),))

    def sigmoid(self):
        s = 0.5 * (math.tanh(0.5 * self.data) + 1.0)       # 1 / (1 + e^-a), overflow-free
        return Value(s, "", (self,), "sigmoid", (s * (1.0 - s),))    # σ' = σ·(1 - σ)

    def tanh(self):
        y = math.tanh(self.data)
        return Value(y, "", (self,), "tanh", (1.0 - y * y,))           # tanh' = 1 - tanh²

    def exp(self):
        y = math.exp(self.data)
        return Value(y, "", (self,), "exp", (y,))

    def relu(self):
        # ReLU passes the gradient (slope 1) where the input is positive and blocks it (0) elsewhere
        return Value(max(self.data, 0.0), "", (self,), "relu", (float(self.data > 0),))

    def max(self, other):
        # max routes the gradient: all of it to the larger input, none to the other (a tie goes
        # to self, a convention: the derivative does not exist there)
        other = _as_value(other)
        first = self.data >= other.data
        return Value(max(self.data, other.data), "", (self, other), "max",
                     (float(first), float(not first)))

    __radd__ = __add__
    __rmul__ = __mul__

    def __rsub__(self, other):
        return _as_value(other) - self

    def named(self, label: str) -> Value:
        """Give this value a name to show on the picture; returns itself."""
        self.label = label
        return self

    # ------------------------------------------------------------------ backward
    def backward(self, steps: int | None = None, zero: bool = True) -> Value:
        """Fill ``grad`` of every value this one depends on: d(self)/d(value).

        1. Zero every gradient in the graph (``zero_grad``), unless ``zero=False``. The pass
           below only *adds* to gradients (``+=``, because a value used twice receives one
           contribution per use), so without zeroing a second backward pass would add its
           gradients onto the first's; ``zero=False`` shows exactly that.
        2. dself/dself = 1.
        3. ``steps`` nodes (all by default) push their gradient to their inputs, in reverse
           topological order: each node only once all the nodes that use it have pushed theirs.
        Returns self.
        """
        order = backward_order(self)
        if steps is None:
            steps = len(order)
        if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or steps < 0:
            raise ValueError(f"steps must be a whole number from 0 to {len(order)} (the nodes "
                             f"that have inputs), got {steps!r}")
        steps = min(int(steps), len(order))
        if zero:
            zero_grad(self)
        self.grad = 1.0                                   # dL/dL = 1
        for node in order[:steps]:
            for inp, local in zip(node.inputs, node.local_grads):
                inp.grad += local * node.grad     # chain rule: dL/dinput += local · dL/dnode
        return self

    @property
    def name(self) -> str:
        """The label, or the operation for an unnamed intermediate."""
        return self.label or self.op or "const"

    def __repr__(self):
        return f"Value({self.name}={self.data:.4g}, grad={self.grad:.4g})"


def _as_value(x) -> Value:
    if isinstance(x, Value):
        return x
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"can only combine a Value with a number or another Value, got {x!r}")
    return Value(x, f"{x:g}")


def topological_order(root: Value) -> list[Value]:
    """Every value ``root`` depends on, each after all of its inputs: the order of the forward
    pass (leaves first, ``root`` last)."""
    if not isinstance(root, Value):
        raise TypeError(f"expected a Value (the output of the graph), got {type(root).__name__}")
    order, seen = [], set()

    def visit(v):
        if id(v) in seen:
            return
        seen.add(id(v))
        for inp in v.inputs:
            visit(inp)
        order.append(v)

    visit(root)
    return order


def zero_grad(root: Value) -> None:
    """Set the gradient of ``root`` and of every value it depends on to 0."""
    for v in topological_order(root):
        v.grad = 0.0


def forward_order(root: Value) -> list[Value]:
    """The nodes that compute something (not the leaves), in forward order."""
    return [v for v in topological_order(root) if v.inputs]


def backward_order(root: Value) -> list[Value]:
    """The nodes that push gradient back, output first: the steps of the backward pass."""
    return forward_order(root)[::-1]


def leaves(root: Value) -> list[Value]:
    """The inputs and parameters: values not computed from others."""
    return [v for v in topological_order(root) if not v.inputs]


def neuron(x: float = 1.5, w: float = 0.8, b: float = -0.5, t: float = 1.0) -> dict:
    """The course's example graph: one sigmoid neuron and its squared error,

        z = w·x + b,   y = sigmoid(z),   L = (y - t)²

    Returns the named nodes {'x', 'w', 'b', 't', 'wx', 'z', 'y', 'e', 'L'} (e = y - t).
    """
    X, W, B, T = Value(x, "x"), Value(w, "w"), Value(b, "b"), Value(t, "t")
    wx = (W * X).named("w·x")
    z = (wx + B).named("z")
    y = z.sigmoid().named("y")
    e = (y - T).named("e")
    L = (e ** 2).named("L")
    return {"x": X, "w": W, "b": B, "t": T, "wx": wx, "z": z, "y": y, "e": e, "L": L}


def finite_difference(f, x: float, h: float = 1e-5, kind: str = "central") -> float:
    """df/dx at ``x`` from two evaluations of ``f``: "forward" (f(x+h) - f(x)) / h, error ~h;
    "central" (f(x+h) - f(x-h)) / 2h, error ~h²."""
    if not callable(f):
        raise TypeError("f must be a function of one number")
    if not (isinstance(h, numbers.Real) and h > 0):
        raise ValueError(f"h must be a small positive number such as 1e-5, got {h!r}")
    if kind == "central":
        return (f(x + h) - f(x - h)) / (2 * h)
    if kind == "forward":
        return (f(x + h) - f(x)) / h
    raise ValueError(f"unknown kind {kind!r}; choose 'forward' or 'central'")


def finite_difference_errors(f, dfdx: float, x: float, hs) -> dict:
    """|finite difference - dfdx| for each h in ``hs``, by kind: {'h', 'forward', 'central'}.

    Too large an h and the curve's bend spoils the estimate (truncation error); too small and
    rounding in f (about 1e-16 relative) divided by h takes over.
    """
    import numpy as np

    hs = np.asarray(hs, dtype=float)
    if hs.ndim != 1 or hs.size == 0 or np.any(hs <= 0):
        raise ValueError("hs must be a 1-D list of positive step sizes, e.g. np.logspace(-12, 0)")
    return {
        "h": hs,
        "forward": np.array([abs(finite_difference(f, x, h, "forward") - dfdx) for h in hs]),
        "central": np.array([abs(finite_difference(f, x, h, "central") - dfdx) for h in hs]),
    }


__all__ = ["Value", "topological_order", "forward_order", "backward_order", "leaves", "zero_grad",
           "neuron", "finite_difference", "finite_difference_errors"]
