# pinetboot — plain Makefile. `make help` lists the targets.
# Every library comes through pkg-config; objects carry -MMD dependencies; V=1 shows commands.

PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions
DATADIR     ?= $(PREFIX)/share
DESTDIR  ?=
BUILD    ?= build
CC       ?= cc
SAN      ?=
WERROR   ?= 1

PKGS      := ncursesw libpcap libudev libiscsi inih liblzma zlib libzstd libarchive libcrypto \
             libxxhash ext2fs com_err libtirpc jansson yaml-0.1
TEST_PKGS := cmocka umockdev-1.0

VERSION  := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

Q := @
ifeq ($(V),1)
Q :=
endif

CFLAGS   ?= -O2 -g
WFLAGS   := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
ifeq ($(WERROR),1)
WFLAGS   += -Werror
endif
ifeq ($(FUZZ),1)
CFLAGS   := -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined
endif
ifeq ($(SAN),1)
CFLAGS   := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
LDFLAGS  += -fsanitize=address,undefined
endif
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lbz2 -lpthread -lcrypt -lcsv
ALL_CFLAGS := $(CPPFLAGS) -std=c11 -D_GNU_SOURCE -DPNB_VERSION=\"$(VERSION)\" -I. -I$(BUILD)/gen \
              $(WFLAGS) $(PKG_CFLAGS) $(CFLAGS)

# Sources: every .c in the four code folders; cli/main.c is the only entry point.
LIB_SRC  := $(sort $(wildcard core/*/*.c capture/*.c tui/*.c cli/*.c))
LIB_SRC  := $(filter-out cli/main.c,$(LIB_SRC))
GEN_SRC  := $(BUILD)/gen/templates_data.c
LIB_OBJ  := $(patsubst %.c,$(BUILD)/%.o,$(LIB_SRC)) $(BUILD)/gen/templates_data.o
MAIN_OBJ := $(BUILD)/cli/main.o
BIN      := $(BUILD)/pinetboot
LIBA     := $(BUILD)/libpinetboot.a
# Shell completions, generated from the commands' option tables by the binary itself.
COMPLETIONS := $(BUILD)/completion/pinetboot $(BUILD)/completion/_pinetboot

UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
TOOL_SRC := $(sort $(wildcard tests/tools/*.c))
TOOL_BIN := $(patsubst tests/tools/%.c,$(BUILD)/tools/%,$(TOOL_SRC))
TEMPLATES := $(sort $(wildcard templates/*))

.PHONY: all deps run check check-asan check-deb deb unit bench fuzz fuzz-build install uninstall clean help format pkgcheck

all: pkgcheck $(BIN) $(TOOL_BIN) $(COMPLETIONS)

# A plain `make` on a machine without the -dev packages says what to do instead of failing
# on the first missing header.
pkgcheck:
	@pkg-config --exists $(PKGS) 2>/dev/null || { echo "pinetboot: missing build libraries:" \
	  $$(for p in $(PKGS); do pkg-config --exists $$p 2>/dev/null || printf '%s ' $$p; done); \
	  echo "run 'make deps' (or 'make run' / 'make check', which install them first)"; exit 2; }

help:
	@echo "make            build $(BIN)"
	@echo "make run        install missing Debian packages, build, open the wizard on a demo site"
	@echo "make check      install missing packages, build, run every test (unit, CLI, daemons, tmux, ASan)"
	@echo "make check-asan the tests again under AddressSanitizer + UndefinedBehaviorSanitizer"
	@echo "make bench      benchmarks against tshark/tcpdump/dd/bmaptool (prints ratios)"
	@echo "make fuzz       libFuzzer harnesses, FUZZ_SECONDS each (default 60)"
	@echo "make install    PREFIX=$(PREFIX) DESTDIR=…"
	@echo "make deb        a Debian package (debhelper) in $(BUILD)/deb/, checked by lintian"
	@echo "make check-deb  make deb, then install it, run it and remove it (needs root)"

deps:
	$(Q)bash scripts/install-deps.sh

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/gen/templates_data.c: $(TEMPLATES) scripts/embed-templates.sh
	@mkdir -p $(dir $@)
	$(Q)bash scripts/embed-templates.sh $(TEMPLATES) > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/templates_data.o: $(BUILD)/gen/templates_data.c
	$(Q)$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -c $< -o $@

$(LIBA): $(LIB_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BIN): $(MAIN_OBJ) $(LIBA)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(MAIN_OBJ) $(LIBA) $(PKG_LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIBA)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes $(shell pkg-config --cflags $(TEST_PKGS)) -MMD -MP \
		$< -o $@ $(LDFLAGS) $(LIBA) $(PKG_LIBS) $(shell pkg-config --libs $(TEST_PKGS))

$(BUILD)/tools/%: tests/tools/%.c $(LIBA)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -MMD -MP $< -o $@ $(LDFLAGS) $(LIBA) $(PKG_LIBS)

$(BUILD)/completion/pinetboot: $(BIN)
	@mkdir -p $(dir $@)
	$(Q)$(BIN) completion bash > $@.tmp && mv $@.tmp $@

$(BUILD)/completion/_pinetboot: $(BIN)
	@mkdir -p $(dir $@)
	$(Q)$(BIN) completion zsh > $@.tmp && mv $@.tmp $@

unit: $(UNIT_BIN)

# run and check install missing packages first, then build in a sub-make: this make already
# expanded pkg-config when it read this file, before the -dev packages were there, so only a
# fresh make sees their flags (a fresh Debian machine otherwise fails on its first run).
run: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)bash scripts/run-demo.sh $(BIN)

# One runner for everything: unit binaries and shell tests; it prints "N passed, N failed".
# Two tests at a time: each test is isolated (own namespaces, temp dir, daemons, tmux server)
# and most of a lab test is waiting, so this nearly halves the wall time on 2 cores.
PNB_JOBS ?= 2
check: deps
	$(Q)$(MAKE) --no-print-directory all unit
	$(Q)BUILD=$(BUILD) PNB_JOBS=$(PNB_JOBS) bash tests/run.sh
	$(Q)$(MAKE) --no-print-directory check-asan

check-asan:
	$(Q)$(MAKE) --no-print-directory BUILD=build-asan SAN=1 all unit
	$(Q)BUILD=build-asan PNB_ASAN=1 PNB_JOBS=$(PNB_JOBS) ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 bash tests/run.sh

# The Debian package: built from a copy of the tree in $(BUILD)/deb (debhelper, lintian and
# fakeroot are installed first when missing; they are not needed for make check).
deb: deps
	$(Q)bash scripts/install-deps.sh mk/debian-packages-deb.txt
	$(Q)bash scripts/make-deb.sh $(BUILD)/deb

check-deb: deb
	$(Q)$(MAKE) --no-print-directory all
	$(Q)PNB_DEB_DIR=$(BUILD)/deb PNB_TOP=$(CURDIR) PNB_BUILD=$(abspath $(BUILD)) \
		bash tests/pkg/deb_install.sh

bench: all
	$(Q)for b in bench/*.sh; do echo "== $$b"; BUILD=$(BUILD) bash $$b || exit 1; done

# libFuzzer harnesses: tests/fuzz/fuzz_NAME.c, seed corpus in tests/fuzz/NAME/.
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(patsubst tests/fuzz/%.c,build-fuzz/%,$(FUZZ_SRC))
FUZZ_SECONDS ?= 60
fuzz: fuzz-build
	$(Q)FUZZ_SECONDS=$(FUZZ_SECONDS) bash tests/fuzz/run.sh

fuzz-build:
	$(Q)$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang FUZZ=1 build-fuzz/libpinetboot.a $(FUZZ_BIN)

build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c build-fuzz/libpinetboot.a
	$(Q)clang $(ALL_CFLAGS) -Wno-missing-prototypes -fsanitize=fuzzer,address,undefined $< -o $@ \
		build-fuzz/libpinetboot.a $(PKG_LIBS)

format:
	$(Q)clang-format -i $(LIB_SRC) cli/main.c $(wildcard */*.h core/*/*.h)

install: $(BIN) $(COMPLETIONS)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR) \
		$(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(DATADIR)/pinetboot/templates
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/pinetboot
	install -m 644 man/pinetboot.1 $(DESTDIR)$(MANDIR)/man1/pinetboot.1
	install -m 644 $(BUILD)/completion/pinetboot $(DESTDIR)$(BASHCOMPDIR)/pinetboot
	install -m 644 $(BUILD)/completion/_pinetboot $(DESTDIR)$(ZSHCOMPDIR)/_pinetboot
	install -m 644 $(TEMPLATES) $(DESTDIR)$(DATADIR)/pinetboot/templates/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/pinetboot $(DESTDIR)$(MANDIR)/man1/pinetboot.1 \
		$(DESTDIR)$(BASHCOMPDIR)/pinetboot $(DESTDIR)$(ZSHCOMPDIR)/_pinetboot
	rm -rf $(DESTDIR)$(DATADIR)/pinetboot/templates

clean:
	rm -rf build build-asan build-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
