# ERP-CRM Fusion: `make demo` runs the main job, `make test` runs every test tier.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.fusion-installed
# The demo company and the benchmarks run from the checkout, not from site-packages.
export PYTHONPATH := $(CURDIR):$(CURDIR)/data$(if $(PYTHONPATH),:$(PYTHONPATH))

.PHONY: install demo lint test test-pure test-odoo odoo bench clean

$(INSTALLED): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	@touch $@

install: $(INSTALLED)

demo: install  ## the main job on the demo company, or on a live Odoo when ODOO_URL is set
	$(PY) -m demo_company run $(ARGS)

lint: install  ## ruff on every Python file, pylint-odoo on the addons (.pre-commit-config.yaml)
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/pre-commit run --all-files --show-diff-on-failure

test: install  ## lint, the pure tier, then the Odoo tier (SKIPPED loudly when no Odoo 18 is found)
	@$(MAKE) --no-print-directory lint
	@status=0; \
	$(MAKE) --no-print-directory test-pure || status=1; \
	$(MAKE) --no-print-directory test-odoo || status=1; \
	exit $$status

test-pure: install
	$(PY) -m pytest -p no:odoo tests/pure $(PYTEST_ARGS)

test-odoo: install
	$(PY) tools/odoo_tier.py test $(if $(PYTEST_ARGS),-- $(PYTEST_ARGS))

odoo: install  ## serve a database with every addon and the demo company on 127.0.0.1:8069
	$(PY) tools/odoo_tier.py serve

bench: install
	$(PY) -m benchmarks $(ARGS)

clean:
	rm -rf $(VENV) var reports build *.egg-info
