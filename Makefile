# hoplab: `make` builds every program into bin/; `make test` runs the unit,
# fuzz and end-to-end tests; `make demo` shows a lab at work.

PREFIX ?= /usr/local
CC ?= cc
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 5
# make fuzz: how long each target runs when growing the corpus.
FUZZ_GROW_SECONDS ?= 60

WARN := -Wall -Wextra -Werror
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) -Icommon -MMD -MP
CFLAGS ?= -O2 -g
SAN_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	     -fno-sanitize-recover=undefined
LIBS := -lev -lmnl -ljansson -lsodium -lpcap -lm

# Debian packages the build, the tests and the demo use.
DEB_PACKAGES := make gcc libc6-dev clang libclang-rt-14-dev llvm libev-dev \
	libmnl-dev libjansson-dev libsodium-dev libcmocka-dev libpcap-dev \
	graphviz \
	bats bats-support bats-assert \
	iproute2 ethtool tcpdump tshark iputils-ping traceroute netcat-openbsd \
	python3 python3-scapy curl procps jq shellcheck clang-format coreutils \
	graphviz libxml2-utils bsdextrautils netsniff-ng iperf3 util-linux linux-perf

DAEMONS := $(notdir $(wildcard daemons/*))
COMMON_SRC := $(wildcard common/*.c)
# Tests live in a folder named after what they test: tests/unit/common/,
# tests/unit/switchd/, ...; a test links the code of that daemon only.
UNIT_SRC := $(wildcard tests/unit/*/test_*.c)
UNIT_SUPPORT := $(wildcard tests/unit/support/*.c)
FUZZ_SRC := $(wildcard tests/fuzz/*/fuzz_*.c)
TOOL_SRC := $(wildcard tests/tools/*.c)

# The sources of one program: its folder's .c files.
daemon_src = $(wildcard daemons/$(1)/*.c)
# The same without main.c, for the tests that link the daemon's code.
daemon_lib_src = $(filter-out daemons/$(1)/main.c,$(call daemon_src,$(1)))
# The include path of a source: common/ (in BASE_CFLAGS) and its own
# part's folder only, daemons/D/ for daemons/D/ and tests/*/D/, plus the
# tests' support code for tests; never another daemon's folder.
src_words = $(subst /, ,$(1))
part_dir = $(if $(filter daemons/%,$(1)),daemons/$(word 2,$(call src_words,$(1))),$(if $(filter tests/unit/% tests/fuzz/%,$(1)),daemons/$(word 3,$(call src_words,$(1)))))
inc_of = $(if $(wildcard $(call part_dir,$(1))),-I$(call part_dir,$(1))) $(if $(filter tests/%,$(1)),-Itests/unit/support)

REL := build/rel
SAN := build/san
FUZ := build/fuzz
COV := build/cov
COV_FLAGS := -O0 -g -fprofile-instr-generate -fcoverage-mapping

BINS := $(addprefix bin/,$(DAEMONS))
SAN_BINS := $(addprefix $(SAN)/bin/,$(DAEMONS))
UNIT_BINS := $(patsubst tests/unit/%.c,$(SAN)/unit/%,$(UNIT_SRC))
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(FUZ)/bin/%,$(FUZZ_SRC))
COV_BINS := $(patsubst tests/unit/%.c,$(COV)/unit/%,$(UNIT_SRC)) \
	$(patsubst tests/fuzz/%.c,$(COV)/fuzz/%,$(FUZZ_SRC))
TOOL_BINS := $(patsubst tests/tools/%.c,$(SAN)/tools/%,$(TOOL_SRC))

.PHONY: all san check-build test unit fuzz e2e lint coverage bench demo deps \
	install uninstall clean format help

all: $(BINS)

help:
	@echo "make            build bin/ (needs the packages of 'make deps')"
	@echo "make demo       bring a lab up, show it working, take it down"
	@echo "make test       lint, unit, fuzz and end-to-end tests (as root)"
	@echo "make fuzz       fuzz each target longer and grow tests/fuzz/corpus/"
	@echo "make coverage   coverage of the unit tests and fuzz corpora"
	@echo "make lint       shellcheck and the clang-format check alone"
	@echo "make bench      hoplab beside the kernel, as ratios (as root)"
	@echo "make deps       install the Debian packages hoplab needs"
	@echo "make install    install into PREFIX (default /usr/local)"
	@echo "make format     clang-format every C file"
	@echo "make clean      remove what the build made"

# --- objects: one tree per variant --------------------------------------
$(REL)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(call inc_of,$<) $(CFLAGS) -c $< -o $@

$(SAN)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(call inc_of,$<) $(SAN_FLAGS) -c $< -o $@

$(FUZ)/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(BASE_CFLAGS) $(call inc_of,$<) -g -O1 \
		-fsanitize=fuzzer-no-link,address,undefined \
		-fno-sanitize-recover=undefined -c $< -o $@

$(REL)/libhoplab.a: $(patsubst %.c,$(REL)/%.o,$(COMMON_SRC))
	$(AR) rcs $@ $^
$(SAN)/libhoplab.a: $(patsubst %.c,$(SAN)/%.o,$(COMMON_SRC))
	$(AR) rcs $@ $^
$(FUZ)/libhoplab.a: $(patsubst %.c,$(FUZ)/%.o,$(COMMON_SRC))
	$(AR) rcs $@ $^

$(COV)/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(BASE_CFLAGS) $(call inc_of,$<) $(COV_FLAGS) -c $< -o $@
$(COV)/libhoplab.a: $(patsubst %.c,$(COV)/%.o,$(COMMON_SRC))
	$(AR) rcs $@ $^

# --- programs ------------------------------------------------------------
define program_rules
bin/$(1): $(patsubst %.c,$(REL)/%.o,$(call daemon_src,$(1))) $(REL)/libhoplab.a
	@mkdir -p bin
	$$(CC) $$(CFLAGS) $$^ $$(LIBS) -o $$@
$(SAN)/bin/$(1): $(patsubst %.c,$(SAN)/%.o,$(call daemon_src,$(1))) $(SAN)/libhoplab.a
	@mkdir -p $$(dir $$@)
	$$(CC) $$(SAN_FLAGS) $$^ $$(LIBS) -o $$@
endef
$(foreach d,$(DAEMONS),$(eval $(call program_rules,$(d))))

# A test in tests/unit/D/ or tests/fuzz/D/ links daemon D's code but its
# main(); D = common links the common library alone.
define test_rules
$(SAN)/unit/$(1)/%: $(SAN)/tests/unit/$(1)/%.o $(patsubst %.c,$(SAN)/%.o,$(UNIT_SUPPORT) $(call daemon_lib_src,$(1))) $(SAN)/libhoplab.a
	@mkdir -p $$(dir $$@)
	$$(CC) $$(SAN_FLAGS) $$^ $$(LIBS) -lcmocka -o $$@
$(FUZ)/bin/$(1)/%: $(FUZ)/tests/fuzz/$(1)/%.o $(patsubst %.c,$(FUZ)/%.o,$(UNIT_SUPPORT) $(call daemon_lib_src,$(1))) $(FUZ)/libhoplab.a
	@mkdir -p $$(dir $$@)
	$$(FUZZ_CC) -g -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined $$^ $$(LIBS) -o $$@
$(COV)/unit/$(1)/%: $(COV)/tests/unit/$(1)/%.o $(patsubst %.c,$(COV)/%.o,$(UNIT_SUPPORT) $(call daemon_lib_src,$(1))) $(COV)/libhoplab.a
	@mkdir -p $$(dir $$@)
	$$(FUZZ_CC) $$(COV_FLAGS) $$^ $$(LIBS) -lcmocka -o $$@
$(COV)/fuzz/$(1)/%: $(COV)/tests/fuzz/$(1)/%.o $(patsubst %.c,$(COV)/%.o,$(UNIT_SUPPORT) $(call daemon_lib_src,$(1))) $(COV)/libhoplab.a
	@mkdir -p $$(dir $$@)
	$$(FUZZ_CC) $$(COV_FLAGS) -fsanitize=fuzzer $$^ $$(LIBS) -o $$@
endef
$(foreach d,common $(DAEMONS),$(eval $(call test_rules,$(d))))

$(SAN)/tools/%: $(SAN)/tests/tools/%.o $(SAN)/libhoplab.a
	@mkdir -p $(dir $@)
	$(CC) $(SAN_FLAGS) $^ $(LIBS) -o $@

san: $(SAN_BINS) $(TOOL_BINS)

# Planted failures for the runner's own test (tests/runner/): each must
# make tests/run fail.
PLANTED_SRC := $(wildcard tests/runner/planted/*.c)
PLANTED_BINS := $(patsubst tests/runner/planted/%.c,$(SAN)/runner/%,$(PLANTED_SRC))
$(SAN)/runner/%: $(SAN)/tests/runner/planted/%.o
	@mkdir -p $(dir $@)
	$(CC) $(SAN_FLAGS) $^ -lcmocka -o $@

# hostsock, the client library of hostd's sockets, for any program:
# build/lib/libhostsock.a and its header; its example links nothing else.
HOSTSOCK_LIB := build/lib/libhostsock.a build/lib/hostsock.h
HOSTSOCK_OBJ = $(1)/common/hostsock.o $(1)/common/hostsock_tcp.o
build/lib/libhostsock.a: $(call HOSTSOCK_OBJ,$(REL))
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^
build/lib/hostsock.h: common/hostsock.h
	@mkdir -p $(dir $@)
	cp $< $@
$(SAN)/tools/udp_echo: $(SAN)/daemons/hostd/examples/udp_echo.o $(call HOSTSOCK_OBJ,$(SAN))
	@mkdir -p $(dir $@)
	$(CC) $(SAN_FLAGS) $^ -o $@
$(SAN)/tools/tcp_echo: $(SAN)/daemons/hostd/examples/tcp_echo.o $(call HOSTSOCK_OBJ,$(SAN))
	@mkdir -p $(dir $@)
	$(CC) $(SAN_FLAGS) $^ -o $@
all: $(HOSTSOCK_LIB)

# libhostsock-preload.so: hostd's sockets for unmodified programs
# (LD_PRELOAD, HOSTSOCK_NODE; daemons/hostd/preload/preload.c). Built
# position-independent and without sanitizers, since it goes into programs
# that are not instrumented; hostsock is linked in, hidden.
PRELOAD_DIR := daemons/hostd/preload
PRELOAD_SRC := $(wildcard $(PRELOAD_DIR)/*.c)
PRELOAD_LIB := build/lib/libhostsock-preload.so
PIC := build/pic
$(PIC)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(call inc_of,$<) $(CFLAGS) -fPIC -fvisibility=hidden -c $< -o $@
$(PRELOAD_LIB): $(patsubst %.c,$(PIC)/%.o,$(PRELOAD_SRC)) $(call HOSTSOCK_OBJ,$(PIC))
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -shared -Wl,-z,defs $^ -ldl -lpthread -o $@
all: $(PRELOAD_LIB)
# Its translation without the interposed calls, for the unit tests
# (tests/unit/hostd/test_preload_*.c).
PRELOAD_CORE := $(addprefix $(PRELOAD_DIR)/,preload_addr.c preload_opt.c preload_table.c)
$(filter $(SAN)/unit/hostd/test_preload%,$(UNIT_BINS)): $(patsubst %.c,$(SAN)/%.o,$(PRELOAD_CORE))
san: $(SAN)/tools/udp_echo $(SAN)/tools/tcp_echo
check-build: all san $(UNIT_BINS) $(FUZZ_BINS) $(PLANTED_BINS) $(REL)/bench/fib_bench

# The routing table's lookup micro-benchmark (tests/bench/fib_bench.c).
$(REL)/bench/fib_bench: $(REL)/tests/bench/fib_bench.o $(REL)/libhoplab.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $^ $(LIBS) -o $@

# --- tests ---------------------------------------------------------------
test: deps
	$(MAKE) -j$$(nproc) check-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) tests/run

unit: $(UNIT_BINS)
	tests/run unit
# Fuzz each target for FUZZ_GROW_SECONDS and keep what adds coverage in
# tests/fuzz/corpus/ (commit it).
fuzz: $(FUZZ_BINS)
	FUZZ_GROW=1 FUZZ_SECONDS=$(FUZZ_GROW_SECONDS) tests/run fuzz
e2e: all san
	tests/run e2e
lint:
	tests/run lint
# Line and function coverage of the unit tests and the fuzz corpora:
# build/coverage/summary.txt, report.txt (per file) and html/index.html.
coverage: deps
	$(MAKE) $(COV_BINS)
	tests/coverage

# hoplab beside the kernel, in the same run (never part of make test):
# build/bench/results.json and ratios.svg; BENCH_SECONDS (5) per timed run.
bench: deps
	$(MAKE) all $(REL)/bench/fib_bench
	tests/bench/run

demo: deps
	$(MAKE) all
	netns-lab/demo

# Installs only what is missing, so it costs nothing once done.
deps:
	@missing=$$(for p in $(DEB_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
		grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		if [ "$$(id -u)" != 0 ]; then \
			echo "make deps: run as root to install these" >&2; exit 1; fi; \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends $$missing; \
	fi

# hoplab finds its modules in ../lib/hoplab/ from where it is installed,
# and the preload library of 'hoplab exec' there too (when it is built).
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/hoplab/conf \
		$(DESTDIR)$(PREFIX)/lib/hoplab/verbs $(DESTDIR)$(PREFIX)/include
	install -m 755 $(BINS) netns-lab/hoplab $(DESTDIR)$(PREFIX)/bin/
	install -m 644 netns-lab/lib/*.bash $(DESTDIR)$(PREFIX)/lib/hoplab/
	install -m 644 netns-lab/lib/verbs/*.bash $(DESTDIR)$(PREFIX)/lib/hoplab/verbs/
	if [ -f $(PRELOAD_LIB) ]; then install -m 644 $(PRELOAD_LIB) $(DESTDIR)$(PREFIX)/lib/hoplab/; fi
	install -m 644 conf/*.lab $(DESTDIR)$(PREFIX)/share/hoplab/conf/
	install -m 644 build/lib/libhostsock.a $(DESTDIR)$(PREFIX)/lib/
	install -m 644 build/lib/hostsock.h $(DESTDIR)$(PREFIX)/include/

uninstall:
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/bin/,$(DAEMONS) hoplab)
	rm -f $(DESTDIR)$(PREFIX)/lib/libhostsock.a $(DESTDIR)$(PREFIX)/include/hostsock.h
	rm -rf $(DESTDIR)$(PREFIX)/share/hoplab $(DESTDIR)$(PREFIX)/lib/hoplab

format:
	clang-format -i $(shell find common daemons tests -name '*.[ch]')

clean:
	rm -rf bin build

# Objects are never intermediate: keep them for the next build.
.SECONDARY:

-include $(shell find build -name '*.d' 2>/dev/null)
