# `make serve` and `make test` set everything up themselves on a fresh machine.
# akhbar needs Python 3.12+ (hazm >= 0.12); the first suitable interpreter found is used.
PYTHON ?= $(shell for p in python3.13 python3.12 /root/.pyenv/versions/3.1[2-9]*/bin/python $(HOME)/.pyenv/versions/3.1[2-9]*/bin/python python3; do \
	  command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p; break; }; \
	done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The Nu Html Checker for tests/test_html_validity.py (needs Java). npm's vnu-jar is its maintainers' own build.
VNU_VERSION := 26.9.27
VNU := .tools/.vnu-jar-$(VNU_VERSION)
HOST ?= 127.0.0.1
PORT ?= 8000
# The [deploy.NAME] of site_config.toml that `make deploy` publishes to.
TARGET ?= production

# Isso, the comment server (`make comments`, tests/test_comments.py), in a venv of its own: a server with
# its own dependencies (werkzeug, bleach, misaka) that the generator never imports.
ISSO_VERSION := 0.14.0
ISSO_VENV := .tools/isso-venv
ISSO := $(ISSO_VENV)/.isso-$(ISSO_VERSION)

.PHONY: setup build check fmt-check deploy serve comments test lint bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "akhbar needs Python 3.12 or newer; install it (e.g. pyenv install 3.12) and retry." >&2; exit 1; }
	@echo "using $(PYTHON)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

build: setup
	$(BIN)/python build.py build

# What the pre-commit hooks and the CI templates in deploy/ run: writes nothing, exits 1 on any problem.
check: setup
	$(BIN)/python build.py check

fmt-check: setup
	$(BIN)/python build.py fmt --check

deploy: setup
	$(BIN)/python build.py deploy --target $(TARGET)

serve: setup
	$(BIN)/python build.py serve --host $(HOST) --port $(PORT)

# The comment server on 127.0.0.1:8080 with comments/isso.cfg, for `make serve`'s preview (Ctrl-C stops it).
comments: $(ISSO)
	@test -f $(ISSO) || { echo "Isso is not installed (see the message above)." >&2; exit 1; }
	@mkdir -p .comments
	$(ISSO_VENV)/bin/isso -c comments/isso.cfg run

# pip builds one of Isso's dependencies (misaka) with the C compiler. Like the checker above, a failed
# install leaves the comment tests to skip (to fail under CI=true) rather than stopping `make test`.
$(ISSO):
	@test -n "$(PYTHON)" || { echo "Isso needs Python 3.10 or newer; install it (e.g. pyenv install 3.12) and retry." >&2; exit 1; }
	@rm -rf $(ISSO_VENV)
	@echo "installing Isso $(ISSO_VERSION) into $(ISSO_VENV)"
	@{ $(PYTHON) -m venv $(ISSO_VENV) \
	  && $(ISSO_VENV)/bin/python -m pip install --quiet --upgrade pip \
	  && $(ISSO_VENV)/bin/python -m pip install --quiet isso==$(ISSO_VERSION) && touch $@; } \
	  || echo "could not install Isso into $(ISSO_VENV) (is a C compiler installed?): the comment tests will be skipped" >&2

test: setup $(VNU) $(ISSO)
	$(BIN)/python -m pytest

$(VNU):
	@if command -v npm >/dev/null 2>&1; then \
	  { npm install --prefix .tools --no-save --no-audit --no-fund --silent vnu-jar@$(VNU_VERSION) && touch $@; } \
	    || echo "could not install vnu-jar: the HTML validity test will be skipped" >&2; \
	else echo "npm not found: the HTML validity test will be skipped" >&2; fi

lint: setup
	$(BIN)/ruff check akhbar tests bench build.py

# Side by side with Pelican and Hugo (installs them itself); minutes at 10,000 articles. Not part of `test`.
bench: setup
	$(BIN)/python bench/peers.py --articles 1000 10000

clean:
	rm -rf output .output.new .output.old .output.search .cache .pytest_cache .tools
# .comments/ (the preview's comments) is left alone: it holds what readers wrote, not generated files.
