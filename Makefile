# Relais — the two commands a newcomer needs:
#   make run    installs what is missing, builds, opens Relais on a demo folder
#   make test   installs what is missing, runs every test
SHELL := /bin/bash

# Fyne's cgo build (GLFW with its X11 and Wayland back ends).
BUILD_DEPS := gcc pkg-config libgl1-mesa-dev xorg-dev libwayland-dev libxkbcommon-dev wayland-protocols
# The window tests: a virtual screen, a keyboard robot, a screenshot tool;
# poppler-utils reads back the PDFs Relais writes.
TEST_DEPS := xvfb xauth xdotool imagemagick x11-utils poppler-utils

DEMO_DIR ?= $(CURDIR)/demo-data
BIN := bin/relais
# Fyne cannot parse C.UTF-8 (it prints locale errors): use a locale it knows.
export LANG := en_US.UTF-8

.PHONY: run test deps test-deps build noeud vet bench fuzz clean

run: deps build
	./$(BIN) demo --data "$(DEMO_DIR)"
	LANG=fr_FR.UTF-8 ./$(BIN) --data "$(DEMO_DIR)"

build: deps
	go build -o $(BIN) .

# The headless node for a server: no Fyne, no cgo, no shared library.
noeud:
	CGO_ENABLED=0 go build -o bin/relais-noeud ./cmd/relais-noeud

deps:
	@./scripts/deps.sh $(BUILD_DEPS)

test-deps: deps
	@./scripts/deps.sh $(TEST_DEPS)

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt: files above need formatting"; exit 1; }
	go vet ./...

# The store and sync run under the race detector; sync runs once more without
# it, at full load (its fault test is lighter under -race); the rest once.
RACE_PKGS := ./store/... ./sync/...
test: test-deps vet
	go test -race -count=1 -timeout 20m $(RACE_PKGS)
	go test -count=1 -timeout 30m $$(go list ./... | grep -v -e '/store$$' -e '/store/')
	@echo "make test: all tests passed"

# Benchmarks; set RELAIS_LARGE_DIR to a folder made by
# `relais demo --size large` to measure on the large set too.
bench:
	go test -run '^$$' -bench . -benchtime 2000x ./store/ ./appointments/ ./people/ ./guides/ ./radar/
	go test -run '^$$' -bench . -benchtime 20x ./app/
	go test -run '^$$' -bench . -benchtime 3x ./stats/ ./report/ ./importcsv/

fuzz:
	go test ./store -run '^$$' -fuzz FuzzDecodeEnvelope -fuzztime 60s
	go test ./store -run '^$$' -fuzz FuzzReadBackupInfo -fuzztime 30s
	go test ./sync/peer -run '^$$' -fuzz FuzzFileInfoToRemote -fuzztime 30s
	go test ./sync/discover -run '^$$' -fuzz FuzzDecode -fuzztime 30s
	go test ./guides -run '^$$' -fuzz FuzzParse -fuzztime 30s
	go test ./radar -run '^$$' -fuzz FuzzParseIndexValue -fuzztime 30s
	go test ./importcsv -run '^$$' -fuzz FuzzRead -fuzztime 30s
	go test ./sync/peer -run '^$$' -fuzz FuzzRelayMessage -fuzztime 30s

clean:
	rm -rf bin "$(DEMO_DIR)"
