# The two commands: `make run` (the whole system locally) and `make test` (everything CI runs).
.PHONY: deps build run test bench clean help

help:
	@echo "make run    install what is missing, build, and run the whole system with the dashboard"
	@echo "make test   install what is missing, build, and run every test (what CI runs)"
	@echo "make bench  run the benchmarks and print figures with same-run baselines"
	@echo "make build  debug build of every executable"

deps:
	@scripts/install-deps.sh

build: deps
	swift build

run: deps
	scripts/run.sh

test: deps
	scripts/test.sh

bench: deps
	swift build -c release
	.build/release/edm-bench

clean:
	rm -rf .build .build-*
