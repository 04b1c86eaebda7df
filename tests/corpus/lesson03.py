"""Notebook 03 (the chain rule): sigmoid_derivative(z), neuron_gradients(x, w, b, t),
local_derivative(op, a, b), and the learner's own graph backward: topological_order(root),
backward(root)."""

import math

import numpy as np

from backprop_lib.exercises import chain_rule as C
from backprop_lib.exercises import graph_backward as G

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



def sd_tanh_pattern(z):
    return 1 - sig(z) ** 2


def sd_mixed(z):
    return sig(z) * (1 - z)


def sd_squared(z):
    return sig(z) ** 2


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



def ng_one_number(x, w, b, t):
    y = _y(x, w, b)
    return 2 * (y - t) * y * (1 - y) * x        # only dL/dw


def ng_b_no_sigmoid(x, w, b, t):
    y = _y(x, w, b)
    return 2 * (y - t) * y * (1 - y) * x, 2 * (y - t)


def ng_b_with_x(x, w, b, t):
    y = _y(x, w, b)
    d = 2 * (y - t) * y * (1 - y)
    return d * x, d * x


def ng_y_not_slope(x, w, b, t):
    y = _y(x, w, b)
    return 2 * (y - t) * y * x, 2 * (y - t) * y


def ng_loss_not_gradient(x, w, b, t):
    y = _y(x, w, b)
    return (y - t) ** 2 * x, (y - t) ** 2


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


def ld_tanh_no_square(op, a, b=0.0):
    return 1 - math.tanh(a) if op == "tanh" else _right(op, a, b)


def ld_unfinished(op, a, b=0.0):
    if op == "*":
        return b
    if op in ("+", "-"):
        return 1.0
    raise NotImplementedError          # the rest still to do


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



def ld_product_value(op, a, b=0.0):
    return a * b if op == "*" else _right(op, a, b)


def ld_plus_two(op, a, b=0.0):
    return 2.0 if op == "+" else _right(op, a, b)


def ld_minus_zero(op, a, b=0.0):
    return 0.0 if op == "-" else _right(op, a, b)


def ld_square_two(op, a, b=0.0):
    return 2.0 if op == "**2" else _right(op, a, b)


def ld_sech(op, a, b=0.0):
    return 1 / math.cosh(a) if op == "tanh" else _right(op, a, b)


def ld_sigmoid_of_b(op, a, b=0.0):
    return sig(b) * (1 - sig(b)) if op == "sigmoid" else _right(op, a, b)


# ---------------------------------------------------------------- topological_order(root)
def to_recursive(root):
    order, seen = [], set()

    def visit(v):
        if v not in seen:
            seen.add(v)
            for inp in v.inputs:
                visit(inp)
            order.append(v)
    visit(root)
    return order


def to_stack(root):
    """Depth first with an explicit stack, returned as a tuple."""
    out, done, stack = [], set(), [(root, False)]
    while stack:
        v, expanded = stack.pop()
        if id(v) in done:
            continue
        if expanded:
            done.add(id(v))
            out.append(v)
        else:
            stack.append((v, True))
            stack.extend((i, False) for i in v.inputs if id(i) not in done)
    return tuple(out)


def to_by_depth(root):
    """Sorted by the longest path from a leaf: every input is shallower than its users."""
    depth = {}

    def d(v):
        if id(v) not in depth:
            depth[id(v)] = 1 + max((d(i) for i in v.inputs), default=-1)
        return depth[id(v)]
    everything = {}

    def collect(v):
        if id(v) not in everything:
            everything[id(v)] = v
            for i in v.inputs:
                collect(i)
    collect(root)
    return sorted(everything.values(), key=d)


def to_no_seen(root):
    out = []

    def visit(v):
        for inp in v.inputs:
            visit(inp)
        out.append(v)
    visit(root)
    return out


def to_root_first(root):
    return to_recursive(root)[::-1]


def to_only_inputs(root):
    return list(root.inputs) + [root]


def to_append_first(root):
    order, seen = [], set()

    def visit(v):
        if id(v) not in seen:
            seen.add(id(v))
            order.append(v)                     # appended before its inputs
            for inp in v.inputs:
                visit(inp)
    visit(root)
    return order[1:] + order[:1]                # root moved last, the rest still wrong


def to_labels(root):
    return [v.label for v in to_recursive(root)]


def to_set(root):
    return set(to_recursive(root))


def to_no_return(root):
    to_recursive(root)


# ---------------------------------------------------------------- backward(root)
def _bw(order_of=to_recursive, *, assign=False, seed=1.0, data=False, zero=True, forward=False,
        dedupe=False, add=False):
    def backward(root):
        order = order_of(root)
        if zero:
            for v in order:
                v.grad = 0.0
        root.grad = seed
        for node in (order if forward else reversed(order)):
            pairs = zip(node.inputs, node.local_grads)
            if dedupe:
                pairs = dict(pairs).items()
            for inp, local in pairs:
                push = local + node.grad if add else local * (node.data if data else node.grad)
                if assign:
                    inp.grad = push
                else:
                    inp.grad += push
    return backward


def bw_seed_then_zero(root):
    order = to_recursive(root)
    root.grad = 1.0                             # set first, then wiped by the zeroing
    for v in order:
        v.grad = 0.0
    for node in reversed(order):
        for inp, local in zip(node.inputs, node.local_grads):
            inp.grad += local * node.grad


def topological_order(root):                    # the notebook's stub, still unwritten
    raise NotImplementedError


def bw_calls_unwritten_order(root):
    for node in reversed(topological_order(root)):
        node.grad = 0.0


def bw_returns_grads(root):
    grads = {root: 1.0}
    for node in reversed(to_recursive(root)):
        for inp, local in zip(node.inputs, node.local_grads):
            grads[inp] = grads.get(inp, 0.0) + local * grads.get(node, 0.0)
    return grads


def bw_fails_second_time(root):
    if root.grad != 0.0:
        raise RuntimeError("backward was already called")
    _bw()(root)


def bw_dict(root):
    """Accumulates in a dict first, then writes every gradient once."""
    grads = {id(root): 1.0}
    order = to_stack(root)
    for node in reversed(order):
        for inp, local in zip(node.inputs, node.local_grads):
            grads[id(inp)] = grads.get(id(inp), 0.0) + local * grads.get(id(node), 0.0)
    for v in order:
        v.grad = grads.get(id(v), 0.0)


def bw_ints(root):
    order = to_by_depth(root)
    for v in order:
        v.grad = 0
    root.grad = 1
    for node in order[::-1]:
        for i in range(len(node.inputs)):
            node.inputs[i].grad = node.inputs[i].grad + node.local_grads[i] * node.grad


def bw_course(root):
    root.backward()



def bw_recursive(root):
    """micrograd's first attempt: push, then recurse into each input at once (no order)."""
    for v in to_recursive(root):
        v.grad = 0.0
    root.grad = 1.0

    def push(node):
        for inp, local in zip(node.inputs, node.local_grads):
            inp.grad += local * node.grad
            push(inp)
    push(root)


def _breadth_first(root):
    out, queue, seen = [], [root], {id(root)}
    while queue:
        node = queue.pop(0)
        out.append(node)
        for inp in node.inputs:
            if id(inp) not in seen:
                seen.add(id(inp))
                queue.append(inp)
    return out


def to_breadth_first_reversed(root):
    return _breadth_first(root)[::-1]


def bw_breadth_first(root):
    order = _breadth_first(root)
    for v in order:
        v.grad = 0.0
    root.grad = 1.0
    for node in order:
        for inp, local in zip(node.inputs, node.local_grads):
            inp.grad += local * node.grad

EXERCISES = {
    "sigmoid_derivative": Exercise(
        C.check_sigmoid_derivative, C.sigmoid_derivative_reference,
        wrong=[(sd_sigma_only, "this is σ(z) itself"),
               (sd_z_not_sigma, "you used z where σ(z) belongs"),
               (sd_sign, "wrong sign"),
               (sd_plus, "the second factor is (1 - σ(z))"),
               (sd_no_square, "the square is missing"),
               (sd_tanh_pattern, "follows tanh's pattern"),
               (sd_mixed, "mixes σ(z) and z"),
               (sd_squared, "σ(z)² is not the slope")],
        right=[sd_in_place, sd_exp_formula, sd_list, sd_float32]),
    "neuron_gradients": Exercise(
        C.check_neuron_gradients, C.neuron_gradients_reference,
        wrong=[(ng_no_two, "the factor 2 from d(e²)/de"),
               (ng_sign, "wrong sign"),
               (ng_no_sigmoid, "local derivative dy/dz = y·(1 - y) is missing"),
               (ng_no_x, "lacks the last local derivative dz/dw = x"),
               (ng_w_not_x, "dz/dw is x, not w"),
               (ng_swapped, "swapped"),
               (ng_one_number, "you returned one number"),
               (ng_b_no_sigmoid, "dL/db lacks the sigmoid's local derivative"),
               (ng_b_with_x, "dL/db carries an x"),
               (ng_y_not_slope, "dy/dz is y·(1 - y), not y"),
               (ng_loss_not_gradient, "this is the loss (y - t)², not its gradient")],
        right=[ng_list, ng_steps, ng_float32]),
    "local_derivative": Exercise(
        C.check_local_derivative, C.local_derivative_reference,
        wrong=[(ld_times_a, "the other factor b"),
               (ld_minus, "d(a - b)/da = +1"),
               (ld_sigmoid_value, "not σ(a)"),
               (ld_tanh_a, "not 1 - a²"),
               (ld_square_no_two, "the factor 2 is missing"),
               (ld_plus_b, "adding passes the gradient on unchanged"),
               (ld_tanh_no_square, "the square is missing"),
               (ld_unfinished, "raised NotImplementedError for 'sigmoid'"),
               (ld_product_value, "the product's value, not its derivative"),
               (ld_plus_two, "d(a + b)/da = 1, not 2"),
               (ld_minus_zero, "d(a - b)/da = +1, not 0"),
               (ld_square_two, "d(a²)/da = 2a, not 2"),
               (ld_sech, "1/cosh(a)², the square is missing"),
               (ld_sigmoid_of_b, "use a, not b")],
        right=[ld_ifs, ld_table, ld_float32]),
    "topological_order": Exercise(
        G.check_topological_order, G.topological_order_reference,
        wrong=[(to_no_seen, "appears more than once"),
               (to_root_first, "the output comes first"),
               (to_only_inputs, "missing"),
               (to_append_first, "comes before its input"),
               (to_labels, "Values themselves (got a list holding a str"),
               (to_set, "the order matters"),
               (to_no_return, "returned None"),
               (to_breadth_first_reversed, "comes before its input")],
        right=[to_recursive, to_stack, to_by_depth]),
    "graph_backward": Exercise(
        G.check_graph_backward, G.backward_reference,
        wrong=[(_bw(assign=True), "do not overwrite with `=`"),
               (_bw(seed=0.0), "set root.grad = 1"),
               (bw_seed_then_zero, "after zeroing the gradients"),
               (_bw(forward=True), "walked leaves first"),
               (_bw(data=True), "pushed its value, not its gradient"),
               (_bw(zero=False), "added onto the first's gradients"),
               (_bw(dedupe=True), "uses the same input twice (a·a)"),
               (_bw(add=True), "the chain rule multiplies them"),
               (bw_calls_unwritten_order, "calls `topological_order`, which still raises"),
               (bw_returns_grads, "fills each value's .grad in place"),
               (bw_fails_second_time, "run a second time on the same graph"),
               (bw_recursive, "recursed into them straight away"),
               (bw_breadth_first, "breadth first")],
        right=[bw_dict, bw_ints, bw_course]),
}
