"""A plain, straightforward numpy MLP: the baseline the engine is measured against.

What a careful learner would write first: lists of weight matrices, a forward loop that keeps the
activations, a backward loop with the chain rule, and `W -= lr * dW`. No buffers, no tricks.
"""

import numpy as np

ACT = {
    "tanh": (np.tanh, lambda A: 1.0 - A * A),
    "relu": (lambda Z: np.maximum(Z, 0.0), lambda A: (A > 0).astype(A.dtype)),
}


class PlainMLP:
    def __init__(self, sizes, activation, seed=0):
        rng = np.random.default_rng(seed)
        self.W = [rng.normal(0, np.sqrt(2.0 / a), (a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
        self.b = [np.zeros(b) for b in sizes[1:]]
        self.f, self.df = ACT[activation]

    def step(self, X, y, lr=0.01):
        # forward
        activations = [X]
        for i, (W, b) in enumerate(zip(self.W, self.b)):
            Z = activations[-1] @ W + b
            activations.append(Z if i == len(self.W) - 1 else self.f(Z))
        # softmax cross-entropy
        logits = activations[-1]
        shifted = logits - logits.max(axis=1, keepdims=True)
        p = np.exp(shifted)
        p /= p.sum(axis=1, keepdims=True)
        n = len(y)
        loss = -np.log(p[np.arange(n), y]).mean()
        dZ = p
        dZ[np.arange(n), y] -= 1
        dZ /= n
        # backward
        grads = []
        for i in range(len(self.W) - 1, -1, -1):
            dW = activations[i].T @ dZ
            db = dZ.sum(axis=0)
            grads.append((dW, db))
            if i > 0:
                dZ = (dZ @ self.W[i].T) * self.df(activations[i])
        # update
        for (dW, db), W, b in zip(reversed(grads), self.W, self.b):
            W -= lr * dW
            b -= lr * db
        return loss
