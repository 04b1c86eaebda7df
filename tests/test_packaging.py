"""The package as an installed copy sees what a checkout sees: every subpackage, and the data.

A wheel is what the in-browser edition and `pip install .` install; before the data moved into
the package, an installed copy raised 'digits data not found at .../site-packages/data/'."""
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")  # Python 3.11+; the course also runs on 3.10

ROOT = Path(__file__).resolve().parent.parent


def listed_packages():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    return set(config["packages"]), config["package-dir"]


def test_every_subpackage_is_listed_in_pyproject():
    on_disk = {".".join(p.parent.relative_to(ROOT).parts)
               for p in (ROOT / "backprop_lib").rglob("__init__.py")}
    listed, mapped = listed_packages()
    missing = on_disk - listed
    assert not missing, f"add {sorted(missing)} to [tool.setuptools] packages in pyproject.toml"
    assert mapped == {"backprop_lib.data": "data"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out),
                    str(ROOT)], check=True, cwd=out)
    (found,) = out.glob("backprop_lib-*.whl")
    return found


def test_the_wheel_carries_every_module_and_the_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "backprop_lib").rglob("*.py")}
    assert modules - names == set()
    assert {"backprop_lib/data/digits.csv.gz", "backprop_lib/data/README.md"} <= names


def test_an_installed_copy_finds_the_digits_with_nothing_set(wheel, tmp_path):
    zipfile.ZipFile(wheel).extractall(tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("BACKPROP_DATA", "PYTHONPATH")}
    env["PYTHONPATH"] = str(tmp_path)
    code = ("import backprop_lib as bp; X, y = bp.datasets.load_digits(); "
            "print(bp.__file__); print(X.shape)")
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path,
                            capture_output=True, text=True, check=True)
    where, shape = result.stdout.split("\n")[:2]
    assert where.startswith(str(tmp_path)), where  # the copy, not the checkout
    assert shape == "(1797, 64)"
