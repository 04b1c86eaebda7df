"""The in-browser edition's build checks every file it ships (tools/build_lite.py, lite_files.py).

Fast and offline: every test here runs with sockets refused. The full build and the site in a
browser are tested by tests/browser/test_lite_in_browser.py."""
from __future__ import annotations

import importlib.util
import io
import json
import socket
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tools"))
lite_files = pytest.importorskip("lite_files")
_spec = importlib.util.spec_from_file_location("build_lite", REPO / "tools" / "build_lite.py")
build_lite = sys.modules["build_lite"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build_lite)

from lite_files import BuildError, Source, sha256  # noqa: E402


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("this test must not use the network")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


FILES = {"pyodide.js": b"interpreter", "numpy-2.0.2-x.whl": b"numpy wheel"}


def tiny_subset():
    return {"core": {"pyodide.js": sha256(FILES["pyodide.js"])},
            "packages": {"numpy": {"name": "numpy", "file_name": "numpy-2.0.2-x.whl",
                                   "sha256": sha256(FILES["numpy-2.0.2-x.whl"]),
                                   "imports": ["numpy"], "depends": []}},
            "info": {"version": "0.27.7"}}


def folder_with(tmp_path, files):
    root = tmp_path / "pyodide"
    root.mkdir()
    for name, data in files.items():
        (root / name).write_bytes(data)
    return root


def test_the_pinned_files_pass(tmp_path):
    got = lite_files.pyodide_files(Source(folder_with(tmp_path, FILES)), tiny_subset())
    assert got == FILES


def test_a_changed_file_is_refused_by_name_with_both_hashes(tmp_path):
    changed = dict(FILES, **{"numpy-2.0.2-x.whl": b"numpy wheel, one byte changed"})
    with pytest.raises(BuildError) as err:
        lite_files.pyodide_files(Source(folder_with(tmp_path, changed)), tiny_subset())
    msg = str(err.value)
    assert "numpy-2.0.2-x.whl" in msg and "does not match the pinned file" in msg
    assert sha256(changed["numpy-2.0.2-x.whl"]) in msg
    assert sha256(FILES["numpy-2.0.2-x.whl"]) in msg
    assert "Refusing to put it in the site" in msg


def test_a_missing_file_is_named_with_how_to_get_it(tmp_path):
    with pytest.raises(BuildError) as err:
        lite_files.pyodide_files(Source(folder_with(tmp_path, {"pyodide.js": FILES["pyodide.js"]})),
                                 tiny_subset())
    msg = str(err.value)
    assert "numpy-2.0.2-x.whl is missing from the Pyodide source" in msg
    assert lite_files.OFFICIAL_RELEASE in msg and "--pyodide-source" in msg


def test_a_source_that_does_not_exist_says_how_to_get_one(tmp_path):
    with pytest.raises(BuildError, match="does not exist.*pyodide-0.27.7.tar.bz2"):
        Source(tmp_path / "nowhere")


@pytest.mark.parametrize("kind", ["zip", "tar.bz2"])
def test_archives_are_read_without_unpacking(tmp_path, kind):
    path = tmp_path / f"release.{kind}"
    if kind == "zip":
        with zipfile.ZipFile(path, "w") as z:
            for name, data in FILES.items():
                z.writestr(f"pyodide/{name}", data)
    else:
        with tarfile.open(path, "w:bz2") as t:
            for name, data in FILES.items():
                info = tarfile.TarInfo(f"pyodide/{name}")
                info.size = len(data)
                t.addfile(info, io.BytesIO(data))
    assert lite_files.pyodide_files(Source(path), tiny_subset()) == FILES


def test_the_copy_beside_the_interpreter_wins(tmp_path):
    root = folder_with(tmp_path, {})
    (root / "dist").mkdir()
    (root / "other").mkdir()
    (root / "dist" / "pyodide.asm.wasm").write_bytes(b"wasm")
    (root / "dist" / "pyodide.js").write_bytes(b"right")
    (root / "other" / "pyodide.js").write_bytes(b"wrong")
    assert Source(root).read("pyodide.js") == b"right"


# ------------------------------------------------------------------ the pinned subset, the lock

def site_lock_for_tests():
    """The site's lock as the build writes it, with stand-in bytes for the downloaded wheels."""
    subset = lite_files.load_subset()
    wheels = {p["file_name"]: b"wheel" for p in subset["pypi"].values()}
    kernel_pypi = {"widgetsnbextension-4.0.999-py3-none-any.whl": b"stub"}
    entries, files = build_lite.extra_entries(subset, wheels, kernel_pypi,
                                              ("backprop_lib-0.1.0-py3-none-any.whl", b"c"))
    return subset, lite_files.site_lock(subset, entries), files


def test_the_pinned_subset_is_pyodide_0_27_7_with_its_interpreter():
    subset = lite_files.load_subset()
    assert subset["info"]["version"] == lite_files.PYODIDE_VERSION == "0.27.7"
    assert set(subset["core"]) == {"pyodide.js", "pyodide.asm.js", "pyodide.asm.wasm",
                                   "python_stdlib.zip"}
    versions = {k: v["version"] for k, v in subset["packages"].items()}
    assert versions["numpy"] == "2.0.2" and versions["matplotlib"] == "3.8.4"
    for entry in [*subset["packages"].values(), *subset["pypi"].values()]:
        assert len(entry["sha256"]) == 64, entry["name"]


def test_the_lock_written_lists_what_the_notebooks_import():
    _, lock, files = site_lock_for_tests()
    notebooks = sorted(REPO.glob("notebooks/*.ipynb")) + sorted(
        REPO.glob("notebooks/solutions/*.ipynb"))
    imports = lite_files.notebook_imports(notebooks)
    assert {"numpy", "matplotlib", "backprop_lib", "ipympl"} <= imports
    assert lite_files.unprovided_imports(lock, imports) == set()
    # every entry's file is shipped, and every dependency has an entry
    shipped = {e["file_name"] for e in lite_files.load_subset()["packages"].values()} | set(files)
    assert {e["file_name"] for e in lock["packages"].values()} <= shipped
    names = set(lock["packages"])
    norm = lite_files.normalize
    assert {norm(d) for e in lock["packages"].values() for d in e["depends"]} <= names


def test_an_import_the_lock_lacks_is_found(tmp_path):
    nb = {"cells": [{"cell_type": "code", "source": "%matplotlib widget\nimport os\n"
                     "import scipy.linalg\nfrom backprop_lib import plots\n!pip list"}]}
    path = tmp_path / "x.ipynb"
    path.write_text(json.dumps(nb))
    imports = lite_files.notebook_imports([path])
    assert imports == {"scipy", "backprop_lib", "ipympl"}
    _, lock, _ = site_lock_for_tests()
    assert lite_files.unprovided_imports(lock, imports) == {"scipy"}


def test_a_dependency_without_an_entry_stops_the_build():
    subset = tiny_subset()
    subset["packages"]["numpy"]["depends"] = ["openblas"]
    with pytest.raises(BuildError, match=r"does not carry: \['openblas'\]"):
        lite_files.site_lock(subset, [])


def test_the_course_depends_on_what_its_plots_and_widgets_import():
    _, lock, _ = site_lock_for_tests()
    course = lock["packages"]["backprop-lib"]
    assert course["imports"] == ["backprop_lib"]
    assert set(course["depends"]) == {"numpy", "matplotlib", "ipywidgets", "ipympl"}
    assert course["sha256"] == sha256(b"c")


def test_gz_files_get_a_binary_mimetype(tmp_path):
    index = tmp_path / "api" / "contents" / "data" / "all.json"
    index.parent.mkdir(parents=True)
    index.write_text(json.dumps({"content": [
        {"name": "digits.csv.gz", "mimetype": "text/csv"},
        {"name": "a.ipynb", "mimetype": None}]}))
    assert build_lite.fix_mimetypes(tmp_path) == 1
    content = json.loads(index.read_text())["content"]
    assert content[0]["mimetype"] == "application/gzip" and content[1]["mimetype"] is None


def test_the_site_is_never_written_into_the_tree(capsys):
    with pytest.raises(SystemExit):
        build_lite.main(["--out", str(REPO / "notebooks" / "site")])
    assert "--out must be outside the tree or under build/" in capsys.readouterr().err


def test_a_build_error_is_one_clear_line_and_exit_code_1(tmp_path, capsys):
    code = build_lite.main(["--out", str(tmp_path / "site"),
                            "--pyodide-source", str(tmp_path / "nowhere")])
    assert code == 1
    err = capsys.readouterr().err
    assert err.startswith("build_lite: FAILED: Pyodide source") and "does not exist" in err
