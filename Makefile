# wingpose: `make demo` and `make test` create .venv with the pinned stack on first use.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.wingpose-installed
PYTEST_ARGS ?=
DEMO_DATA ?= data/synthface
DEMO_CONFIG ?= configs/synthface/cnn6_wing_synthface.py
DEMO_WORK_DIR ?= work_dirs/demo

.PHONY: install test demo clean-venv

install: $(STAMP)

# Reinstalls when the pins, setup.py or the install script change; a second run is a no-op.
$(STAMP): requirements.txt requirements/*.txt setup.py tools/install_env.sh
	VENV=$(VENV) bash tools/install_env.sh
	touch $@

# Two pytest workers: the tool tests run single-threaded subprocesses (OMP_NUM_THREADS=1), so
# one worker leaves a core idle; a test file stays on one worker (its module fixtures are built
# once). The longest file, test_reproduce.py (about 9 minutes here), is named first so that it
# starts at once and the other worker runs the rest meanwhile (pytest collects it once).
# pytest exits 5 when a selection collects no test: that is not a failure of the suite.
PYTEST_WORKERS ?= -n 2 --dist loadfile
PYTEST_FIRST ?= tests/tools/test_reproduce.py
test: $(STAMP)
	$(PY) -m pytest $(PYTEST_FIRST) tests $(PYTEST_WORKERS) $(PYTEST_ARGS); rc=$$?; if [ $$rc -eq 5 ]; then exit 0; else exit $$rc; fi

demo: $(STAMP)
	$(PY) tools/run_demo.py --data $(DEMO_DATA) --config $(DEMO_CONFIG) --work-dir $(DEMO_WORK_DIR)

clean-venv:
	rm -rf $(VENV)
