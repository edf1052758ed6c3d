# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install browser demo test models eval bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	# the CPU build of torch first: an unpinned resolve would pull a multi-GB CUDA build
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

# Debian's Chromium renders the HTML report in the browser test; installed when missing and we may (root + apt)
browser:
	@if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi

demo: install
	$(VENV)/bin/marketfit demo

test: install browser
	$(PY) -m pytest

models: install
	$(VENV)/bin/marketfit train

# judgment quality on held-out labels and dev sets (reads ../shared/data)
eval: install
	$(PY) eval/eval_hire_type.py
	$(PY) eval/eval_skills.py
	$(PY) eval/eval_fit.py
	$(PY) eval/eval_hn_headers.py
	$(PY) eval/eval_boilerplate.py

# performance: scan throughput, rescans, top-k, bulk load, peak RSS, CPU bf16 (bench/README.md)
bench: install
	$(PY) bench/bench.py

clean:
	rm -rf $(VENV) .pytest_cache
