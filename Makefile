# btsim build. `make` builds bin/btsim; see `make help`.
VERSION   := 0.1.0
PREFIX    ?= /usr/local
CC        ?= cc
PKGS      := gsl libcjson hdf5
DEB_PKGS  := build-essential pkg-config libgsl-dev libcjson-dev libhdf5-dev hdf5-tools \
             libcriterion-dev libopenblas-dev python3-h5py python3-numpy python3-matplotlib \
             libopenmpi-dev openmpi-bin clang libclang-rt-14-dev valgrind
OPT       ?= -O2
CFLAGS_BASE := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -fopenmp -Isim -Imodels \
               -DBTSIM_VERSION=\"$(VERSION)\"
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null | sed 's/-lgslcblas/-lopenblas/')
CFLAGS    ?= $(OPT) -g
# make MPI=1: sweeps spread over mpirun's ranks (Open MPI's mpicc).
ifeq ($(MPI),1)
CC        := mpicc
CFLAGS_BASE += -DBT_MPI
BUILD     ?= build-mpi
endif
ALL_CFLAGS = $(CFLAGS_BASE) $(CFLAGS) $(PKG_CFLAGS)
LDLIBS     = $(PKG_LIBS) -lm -fopenmp

BUILD     ?= build
LIB_SRC   := $(wildcard sim/kernel/*.c sim/agents/*.c sim/chain/*.c sim/net/*.c sim/mechanism/*.c sim/scenario/*.c sim/io/*.c sim/run/*.c models/*.c)
CLI_SRC   := $(wildcard sim/cli/*.c)
TEST_SRC  := $(wildcard tests/test_*.c)
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ   := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_BIN  := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
BIN       ?= bin/btsim
PY        := /usr/bin/python3

.PHONY: FORCE all deps check-deps run test unit-tests cli-tests mpi-tests asan bench bench-scale clean install help \
        fuzz fuzz-build fuzz-replay fuzz-h5raw valgrind

all: $(BIN)

FORCE:

help:
	@echo "targets: all deps run test asan valgrind fuzz bench clean install (PREFIX=$(PREFIX))"

# Installs every missing Debian package (needs root, or sudo).
deps:
	@missing=""; for p in $(DEB_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "btsim: installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null || \
	    { echo "btsim: apt-get install failed for:$$missing" >&2; exit 1; }; \
	fi

check-deps:
	@for p in $(DEB_PKGS); do dpkg -s $$p >/dev/null 2>&1 || { $(MAKE) --no-print-directory deps; break; }; done

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libbtsim.a: $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# Always relinked (a second): bin/btsim may come from the MPI or the plain build.
$(BIN): $(CLI_OBJ) $(BUILD)/libbtsim.a FORCE
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $(filter-out FORCE,$^) $(LDLIBS)

$(BUILD)/tests/%: tests/%.c $(BUILD)/libbtsim.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests -o $@ $< $(BUILD)/libbtsim.a $(LDLIBS) -lcriterion

run: check-deps
	@$(MAKE) --no-print-directory all
	@mkdir -p out
	./$(BIN) run scenarios/default.json -o out/default.h5

unit-tests: $(TEST_BIN)
	@set -e; for t in $(TEST_BIN); do echo "== $$t"; BTSIM_ROOT=$(CURDIR) $$t --jobs 1; done

cli-tests: $(BIN)
	@BTSIM=$(CURDIR)/$(BIN) bash tests/cli_tests.sh

# The MPI build goes to build-mpi/ so that it never mixes objects with the plain one.
mpi-tests: $(BIN)
	@if command -v mpicc >/dev/null && command -v mpirun >/dev/null; then \
	  $(MAKE) --no-print-directory MPI=1 BUILD=build-mpi BIN=build-mpi/btsim build-mpi/btsim >/dev/null && \
	  BTSIM=$(CURDIR)/$(BIN) BTSIM_MPI=$(CURDIR)/build-mpi/btsim bash tests/mpi_tests.sh; \
	else echo "mpi-tests: mpicc/mpirun not installed (make deps); skipped"; fi

# The analysis package and `btsim report` (tests/analysis/; Debian's python3 with h5py, numpy,
# matplotlib), and the figures: the runs and sweeps behind figures/ and its README.md.
.PHONY: analysis-tests figures
analysis-tests: $(BIN)
	@BTSIM=$(CURDIR)/$(BIN) $(PY) -m unittest discover -s tests/analysis

figures: check-deps
	@$(MAKE) --no-print-directory all
	@BTSIM=$(CURDIR)/$(BIN) $(PY) -m analysis.figures

# mpi-tests before cli-tests: the determinism suite compares MPI ranks when build-mpi/btsim exists.
test: check-deps
	@$(MAKE) --no-print-directory unit-tests fuzz-replay mpi-tests cli-tests analysis-tests

# Under ASan: 6 SIGKILL rounds, not 30 (each run is 3x slower), and no determinism suite (make test
# runs it; it would only add 40 s of the same runs).
asan: check-deps
	@BTSIM_SANITIZED=1 KILL_TESTS_N=$${KILL_TESTS_N:-6} SKIP_SUITES=$${SKIP_SUITES-determinism} $(MAKE) --no-print-directory \
	  BUILD=build-asan BIN=build-asan/btsim OPT=-O1 \
	  CFLAGS="-O1 -g -DBT_DEBUG -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  unit-tests fuzz-replay cli-tests

# ---- fuzzing (docs/reliability.md) ----
# make fuzz: clang + libFuzzer builds of tests/fuzz/fuzz_*.c in build-fuzz/, each run for
# FUZZ_SECONDS on a corpus seeded from scenarios/ and tests/; a crash is kept under
# tests/fuzz/regressions/<target>/ and fails the target. fuzz-replay (part of make test) runs the
# kept crashes and the seeds through the same entry points, built with $(CC).
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := scenario sweep h5read
FUZZ_CFLAGS  := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_REPLAY  := $(FUZZ_TARGETS:%=$(BUILD)/tests/fuzz/replay_%)

$(BUILD)/tests/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(BUILD)/libbtsim.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ tests/fuzz/replay.c $< $(BUILD)/libbtsim.a $(LDLIBS)

fuzz-replay: $(FUZZ_REPLAY)
	@BUILD=$(BUILD) bash tests/fuzz/replay.sh

fuzz-build: check-deps
	@$(MAKE) --no-print-directory -j$$(nproc) BUILD=build-fuzz CC=clang \
	  CFLAGS="$(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link" build-fuzz/libbtsim.a
	@for t in $(FUZZ_TARGETS) h5raw; do src=tests/fuzz/fuzz_$$t.c; def=; \
	  if [ $$t = h5raw ]; then src=tests/fuzz/fuzz_h5read.c; def=-DFZ_H5_RAW; fi; \
	  echo "clang ... -fsanitize=fuzzer -o build-fuzz/fuzz_$$t $$src"; \
	  clang $(CFLAGS_BASE) $(FUZZ_CFLAGS) -fsanitize=fuzzer $$def $(PKG_CFLAGS) -o build-fuzz/fuzz_$$t \
	    $$src build-fuzz/libbtsim.a $(LDLIBS) || exit 1; done

fuzz: fuzz-build $(BIN)
	@BTSIM=$(CURDIR)/$(BIN) FUZZ_SECONDS=$(FUZZ_SECONDS) bash tests/fuzz/run_fuzz.sh $(FUZZ_TARGETS)

# Raw-byte fuzzing of the HDF5 reader: finds crashes inside HDF5 1.10.8 itself (not in CI).
fuzz-h5raw: fuzz-build $(BIN)
	@BTSIM=$(CURDIR)/$(BIN) FUZZ_SECONDS=$(FUZZ_SECONDS) bash tests/fuzz/run_fuzz.sh h5raw

# ---- valgrind memcheck of the unit tests and a few CLI runs ----
valgrind: check-deps
	@$(MAKE) --no-print-directory -j$$(nproc) BUILD=build-vg BIN=build-vg/btsim OPT=-O1 CFLAGS="-O1 -g" \
	  build-vg/btsim $(TEST_SRC:tests/%.c=build-vg/tests/%)
	@BTSIM=$(CURDIR)/build-vg/btsim bash tests/valgrind.sh build-vg

bench: check-deps
	@$(MAKE) --no-print-directory all
	@if command -v mpicc >/dev/null; then $(MAKE) --no-print-directory MPI=1 BUILD=build-mpi BIN=build-mpi/btsim build-mpi/btsim >/dev/null; fi
	@BTSIM=$(CURDIR)/$(BIN) BTSIM_MPI=$(CURDIR)/build-mpi/btsim bash bench/run.sh

bench-scale: check-deps
	@$(MAKE) --no-print-directory all
	@BTSIM=$(CURDIR)/$(BIN) bash bench/scale.sh

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/btsim

clean:
	rm -rf build build-asan build-mpi build-fuzz build-vg bin out

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
