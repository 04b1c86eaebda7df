"""Checkers for the notebooks' exercises: they run the learner's function on test cases, say what
is wrong (shape, a missing transpose, a sign, a factor), and fall back to the reference answer
when the exercise is left undone, so the notebook still runs top to bottom.

Learner code is only ever called through ``sandbox.run`` (or ``feedback.attempt``, which uses
it): inputs copied, a time limit, printing kept short, every exception told in the learner's
terms. ``tests/corpus`` holds, for every exercise, typical wrong answers with the mistake the
checker must name, right answers written differently, and the hostile ones.

Engine floor: numpy only. One module a notebook, for example ``exercises.backprop`` (a long one
split into helpers beside it, such as ``backprop_*``, ``training_results`` or
``remedies_normalization``, that it re-exports). ``sandbox`` runs the learner's code and
``returned`` reads what it returned.
"""
