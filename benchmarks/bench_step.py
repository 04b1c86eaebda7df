"""Median time of one training step (forward, loss, backward, SGD update) for four networks,
measured side by side in one run:

- backprop_lib (what the course uses), its step as ``bp.train`` runs it: the outputs checked for
  a blow-up, the loss told ``checked=True`` (train checked the data once, before the first step);
  ``--loss-checks`` adds the same step with the loss checking its inputs again at every step,
- a plain straightforward numpy implementation (benchmarks/plain_numpy.py),
- the step's matrix products alone (the floor no numpy engine can beat),
- PyTorch on the CPU, if it happens to be installed.

Run with one BLAS thread (`make bench` sets OPENBLAS_NUM_THREADS=1): two threads are noisy on a
2-core machine. Prints a table; `--json FILE` also writes the figures.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from plain_numpy import PlainMLP  # noqa: E402

import backprop_lib as bp  # noqa: E402

NETWORKS = [  # name, sizes, activation, examples per step
    ("2-16-16-2 tanh, 200 points", [2, 16, 16, 2], "tanh", 200),
    ("2-64x8-2 relu, 500 points", [2] + [64] * 8 + [2], "relu", 500),
    ("64-128-64-10 relu, batch 64", [64, 128, 64, 10], "relu", 64),
    ("784-256-128-10 relu, batch 128", [784, 256, 128, 10], "relu", 128),
]


def same_start(sizes, activation):
    """The plain network's initial weights: every implementation starts (and, with the same
    updates, stays) at the same numbers, so none is timed on different values (overflow or
    subnormal numbers would change the cost of the arithmetic)."""
    plain = PlainMLP(sizes, activation, seed=0)
    return plain.W, plain.b


def engine_step(sizes, activation, X, y, checked=True):
    model = bp.mlp(sizes, activation=activation, seed=0)
    for layer, W, b in zip(model.dense_layers(), *same_start(sizes, activation)):
        layer.W.value[...] = W
        layer.b.value[...] = b
    opt = bp.SGD(0.01)
    params = model.parameters()

    def step():                                      # the four steps of bp.train's loop
        out = model._forward(X)                      # (train checked X once, before step 1)
        if not np.isfinite(out).all():               # train's blow-up check, at every step
            raise FloatingPointError("the benchmark's network blew up")
        _, dout = bp.softmax_cross_entropy(out, y, checked=checked)   # train: checked=True
        model.backward(dout, input_grad=False)
        opt.step(params)
    return step


def plain_step(sizes, activation, X, y):
    net = PlainMLP(sizes, activation)
    return lambda: net.step(X, y)


def matmul_floor(sizes, activation, X, y):
    """The products one engine step performs: X·W forward; X^T·dZ and dZ·W^T backward (no dL/dX
    for the input layer)."""
    rng = np.random.default_rng(0)
    Ws = [rng.normal(size=(a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
    As = [X] + [rng.normal(size=(len(X), b)) for b in sizes[1:-1]]
    dZs = [rng.normal(size=(len(X), b)) for b in sizes[1:]]

    def step():
        for A, W in zip(As, Ws):
            A @ W
        for i, (A, dZ, W) in enumerate(zip(As, dZs, Ws)):
            A.T @ dZ
            if i > 0:
                dZ @ W.T
    return step


def torch_step(sizes, activation, X, y):
    import torch
    torch.set_num_threads(1)
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(torch.nn.Linear(a, b).double())
        if i < len(sizes) - 2:
            layers.append(torch.nn.Tanh() if activation == "tanh" else torch.nn.ReLU())
    net = torch.nn.Sequential(*layers)
    linears = [layer for layer in layers if isinstance(layer, torch.nn.Linear)]
    with torch.no_grad():
        for layer, W, b in zip(linears, *same_start(sizes, activation)):
            layer.weight.copy_(torch.from_numpy(W.T))
            layer.bias.copy_(torch.from_numpy(b))
    opt = torch.optim.SGD(net.parameters(), lr=0.01)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y.astype(np.int64))
    loss_fn = torch.nn.CrossEntropyLoss()

    def step():
        opt.zero_grad(set_to_none=False)
        loss_fn(net(Xt), yt).backward()
        opt.step()
    return step


CLOCK = time.perf_counter


def median_time(fns, repeats, number):
    """Time each function `number` times per round, rounds interleaved, `repeats` rounds, with
    the garbage collector off while timing (as timeit does: a collection would land on
    whichever implementation happened to be running)."""
    times = {name: [] for name in fns}
    for fn in fns.values():
        fn()                                         # warm up
    gc.collect()
    gc.disable()
    try:
        for _ in range(repeats):
            for name, fn in fns.items():
                t0 = CLOCK()
                for _ in range(number):
                    fn()
                times[name].append((CLOCK() - t0) / number)
    finally:
        gc.enable()
    return {name: float(np.median(t)) for name, t in times.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=21)
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--warm-allocator", action="store_true",
                        help="first make and free a 32 MB array, as a Jupyter kernel that has "
                             "worked with large arrays has: the C allocator then keeps freed "
                             "memory for reuse instead of returning it, so a fresh array costs "
                             "no page faults and reusing arrays gains nothing")
    parser.add_argument("--loss-checks", action="store_true",
                        help="add a column: the engine's step with the loss checking its inputs "
                             "again at every step (what train spares it: checked=False)")
    parser.add_argument("--cpu-time", action="store_true",
                        help="time with the process's CPU time instead of the wall clock: on a "
                             "machine shared with other work, time spent waiting for a core is "
                             "then not counted")
    args = parser.parse_args()
    global CLOCK
    if args.cpu_time:
        CLOCK = time.process_time
    if args.warm_allocator:
        del_me = np.ones(4_000_000)
        del del_me
    try:
        import torch  # noqa: F401
        have_torch = True
    except ImportError:
        have_torch = False

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, numpy {np.__version__}, "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}"
          + ("" if have_torch else "; PyTorch not installed")
          + ("; allocator warmed" if args.warm_allocator else "")
          + ("; CPU time" if args.cpu_time else ""))
    header = f"{'network':34s} {'engine':>10s} {'plain':>10s} {'matmuls':>10s} " \
             f"{'engine/plain':>12s} {'engine/matmuls':>14s}"
    if args.loss_checks:
        header += f" {'checks':>10s} {'checks/plain':>12s}"
    if have_torch:
        header += f" {'torch':>10s} {'torch/engine':>12s}"
    print(header)
    results = []
    for name, sizes, activation, n in NETWORKS:
        rng = np.random.default_rng(0)
        X = rng.normal(size=(n, sizes[0]))
        y = rng.integers(0, sizes[-1], n)
        fns = {"engine": engine_step(sizes, activation, X, y),
               "plain": plain_step(sizes, activation, X, y),
               "matmuls": matmul_floor(sizes, activation, X, y)}
        if args.loss_checks:
            fns["checks"] = engine_step(sizes, activation, X, y, checked=False)
        if have_torch:
            fns["torch"] = torch_step(sizes, activation, X, y)
        fns["engine"]()                              # the first call makes the arrays
        t0 = time.perf_counter()
        fns["engine"]()
        once = time.perf_counter() - t0
        number = max(1, int(0.05 / max(once, 1e-6)))  # rounds of about 50 ms
        med = median_time(fns, args.repeats, number)
        row = f"{name:34s} {med['engine'] * 1e6:8.0f}us {med['plain'] * 1e6:8.0f}us " \
              f"{med['matmuls'] * 1e6:8.0f}us {med['engine'] / med['plain']:11.2f}x " \
              f"{med['engine'] / med['matmuls']:13.2f}x"
        if args.loss_checks:
            row += f" {med['checks'] * 1e6:8.0f}us {med['checks'] / med['plain']:11.2f}x"
        if have_torch:
            row += f" {med['torch'] * 1e6:8.0f}us {med['torch'] / med['engine']:11.2f}x"
        print(row)
        results.append({"network": name, **{k: v * 1e6 for k, v in med.items()}})
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"unit": "microseconds (median)", "results": results}, fh, indent=2)


if __name__ == "__main__":
    main()
