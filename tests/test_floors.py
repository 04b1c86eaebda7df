"""The package's floors: the engine needs numpy only; plots add matplotlib but never ipywidgets;
no floor imports one above it. Checked on the source of every module, so new files are covered."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "backprop_lib"
FLOOR = {"engine": 0, "plots": 1, "widgets": 2}
FORBIDDEN = {0: {"matplotlib", "ipywidgets", "IPython", "ipympl"}, 1: {"ipywidgets", "ipympl"},
             2: set()}


def floor_of(path: Path) -> int:
    parts = path.relative_to(PKG).parts
    return FLOOR.get(parts[0], 0) if len(parts) > 1 else 0


def imported(path: Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:                                  # relative: resolve inside the package
                base = path.relative_to(PKG).parts[:-1]
                base = base[: len(base) - (node.level - 1)]
                dotted = ".".join([*base, *(node.module or "").split(".")]).strip(".")
                yield "backprop_lib." + dotted
            else:
                yield node.module or ""


MODULES = sorted(PKG.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(PKG)) for p in MODULES])
def test_no_floor_imports_one_above_it(path):
    floor = floor_of(path)
    for name in imported(path):
        top = name.split(".")[0]
        assert top not in FORBIDDEN[floor], f"{path.name} (floor {floor}) imports {name}"
        if name.startswith("backprop_lib."):
            sub = name.split(".")[1] if len(name.split(".")) > 1 else ""
            assert FLOOR.get(sub, 0) <= floor, f"{path.name} imports {name}, a floor above it"


def test_importing_the_engine_loads_no_plotting():
    code = ("import sys, backprop_lib; "
            "print(sorted(m for m in ('matplotlib', 'ipywidgets') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
