# The README's two commands are `make run` and `make test`; both install what is missing first.
# Everything else here is a convenience around CMake and CTest.

SHELL := /bin/bash
BUILD ?= build
JOBS ?= 2
CONFAB_WERROR ?= OFF
FUZZ_SECONDS ?= 60
CMAKE ?= cmake

.PHONY: deps run release test fuzz bench format install clean

deps:
	@scripts/install-deps

# Release build of the daemon, started in the foreground on the example config, data in ./var/.
run: release
	@mkdir -p var
	./$(BUILD)/release/daemon/confabd --config config/confab.toml --state-dir var

release: deps
	$(CMAKE) -S . -B $(BUILD)/release -DCMAKE_BUILD_TYPE=Release -DCONFAB_TESTS=OFF \
	  -DCONFAB_WERROR=$(CONFAB_WERROR)
	$(CMAKE) --build $(BUILD)/release -j$(JOBS) --target confabd

# Every test (and a smoke run of every benchmark) under ASan+UBSan, with the CTest summary.
test: deps
	$(CMAKE) -S . -B $(BUILD)/test -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCONFAB_SANITIZE=address,undefined -DCONFAB_WERROR=$(CONFAB_WERROR)
	$(CMAKE) --build $(BUILD)/test -j$(JOBS)
	ctest --test-dir $(BUILD)/test --output-on-failure -j$(JOBS)

# libFuzzer targets (clang), each run for FUZZ_SECONDS from its checked-in seed corpus.
fuzz: deps
	CXX=clang++ $(CMAKE) -S . -B $(BUILD)/fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCONFAB_FUZZ=ON \
	  -DCONFAB_WERROR=$(CONFAB_WERROR)
	$(CMAKE) --build $(BUILD)/fuzz -j$(JOBS)
	@set -e; for corpus in tests/fuzz/corpus/*/; do \
	  name=$$(basename $$corpus); work=$(BUILD)/fuzz/corpus-$$name; mkdir -p $$work; \
	  echo "fuzz: $${name}_fuzz for $(FUZZ_SECONDS) s"; \
	  ./$(BUILD)/fuzz/tests/fuzz/$${name}_fuzz -max_total_time=$(FUZZ_SECONDS) \
	    -print_final_stats=1 -artifact_prefix=$(BUILD)/fuzz/ $$work $$corpus > $$work.log 2>&1 \
	    || { tail -40 $$work.log; echo "fuzz: $${name}_fuzz FAILED"; exit 1; }; \
	  grep -E "stat::number_of_executed_units" $$work.log || true; \
	done

# Release benchmarks with real figures (record them in bench/RESULTS.md).
bench: deps
	$(CMAKE) -S . -B $(BUILD)/release -DCMAKE_BUILD_TYPE=Release -DCONFAB_TESTS=OFF
	$(CMAKE) --build $(BUILD)/release -j$(JOBS)
	@for b in $(BUILD)/release/bench/*_bench; do echo "== $$b"; $$b; done

format:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

install: release
	$(CMAKE) --install $(BUILD)/release

clean:
	rm -rf $(BUILD)
