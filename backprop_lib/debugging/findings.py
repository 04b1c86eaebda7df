"""What the checklist reports: a ``Finding`` (one problem, what was measured, what to try, and the
same advice as a config change the lab can apply) and a ``Diagnosis`` (the findings, most
fundamental first). Also ``untouched``: the copy every look-only function works on, so that looking
at a model never changes it. Engine floor: numpy only.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Finding:
    """One thing the checklist found.

    ``problem``: a short key ("diverged", "dead_units", ...); ``message``: what was measured;
    ``advice``: what to try, in words; ``fix``: the same advice as changes to a lab config
    (``debugging.BASELINE``'s entries), for example ``{"hidden_bias": 0.0}``. An empty ``fix``
    means no config change can repair it (a bug to find, or data to collect).
    """

    problem: str
    message: str
    advice: str
    fix: dict = field(default_factory=dict)

    def __str__(self):
        return f"{self.message}  ->  {self.advice}"


@dataclass
class Diagnosis:
    """The findings of ``diagnose``, most fundamental first. Falsy when nothing was found."""

    findings: list = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return [f.problem for f in self.findings]

    @property
    def fix(self) -> dict:
        """Every finding's config changes in one dict; where two findings change the same entry,
        the more fundamental (earlier) one wins."""
        merged: dict = {}
        for finding in reversed(self.findings):
            merged.update(finding.fix)
        return merged

    def apply(self, config: dict) -> dict:
        """A new config: ``config`` with every suggested fix applied (``config`` is not changed)."""
        if not isinstance(config, dict):
            raise TypeError(f"apply needs a config dict like debugging.BASELINE, got "
                            f"{type(config).__name__}")
        return {**copy.deepcopy(config), **self.fix}

    def __contains__(self, problem):
        return problem in self.problems

    def __bool__(self):
        return bool(self.findings)

    def __len__(self):
        return len(self.findings)

    def __str__(self):
        if not self.findings:
            return "checklist: nothing wrong found"
        return "\n".join(["checklist:"] + [f"- {f}" for f in self.findings])

    def _repr_pretty_(self, p, cycle):
        p.text(str(self))


def untouched(*things):
    """Deep copies of a model (and its optimizer, copied together so that the optimizer's state
    still belongs to the copied parameters). A function that only looks at a model runs its
    forward and backward passes on the copy: the caller's parameters, gradients, running
    statistics and training/evaluation mode stay exactly as they were, whatever happens."""
    copied = copy.deepcopy(things)
    return copied[0] if len(copied) == 1 else copied


def all_finite(model) -> bool:
    """True when every parameter of ``model`` is a finite number (False after a divergence)."""
    return all(bool(np.all(np.isfinite(p.value))) for p in model.parameters())
