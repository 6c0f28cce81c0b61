# Helpcenter: the two commands a newcomer needs are `make run` and `make test`.
GO        ?= go
BIN       := bin/helpcenter
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -s -w -X github.com/helpcenter/helpcenter/internal/app.Version=$(VERSION)
TEST_PG   := var/test/postgres
GOFILES    = $(shell git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './var/*')

.PHONY: run build test test-go generate check-generated lint bench clean pg-stop

## run: build and serve the help center with demo content on http://localhost:8080
run: build
	HELPCENTER_DEMO=$${HELPCENTER_DEMO:-true} ./$(BIN) serve

## build: compile the binary into bin/
build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/helpcenter

## test: check generated code and formatting, vet, then run every test against real PostgreSQL
test: check-generated lint
	@status=0; $(GO) test -count=1 -timeout 45m $(TESTFLAGS) ./... || status=$$?; \
	$(GO) run ./cmd/helpcenter postgres stop --dir $(TEST_PG) || true; exit $$status

## generate: regenerate templ code with the version pinned in go.mod
generate:
	$(GO) tool templ generate

## check-generated: fail when committed *_templ.go files do not match their .templ sources
check-generated:
	@before=$$(find . -name '*_templ.go' -not -path './var/*' | sort | xargs cat 2>/dev/null | sha256sum); \
	$(GO) tool templ generate >/dev/null 2>&1 || { echo "templ generate failed"; exit 1; }; \
	after=$$(find . -name '*_templ.go' -not -path './var/*' | sort | xargs cat 2>/dev/null | sha256sum); \
	if [ "$$before" != "$$after" ]; then echo "generated templ code was stale: it has been regenerated, commit the *_templ.go files"; exit 1; fi

## lint: gofmt check and go vet
lint:
	@out=$$(gofmt -l $(GOFILES)); if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

## bench: load benchmarks (see docs/benchmarks.md)
bench: build
	./scripts/bench.sh

## pg-stop: stop the private test cluster left running by a direct `go test`
pg-stop:
	$(GO) run ./cmd/helpcenter postgres stop --dir $(TEST_PG)

clean:
	rm -rf bin
