# pinetboot — plain Makefile. `make help` lists the targets.
# Every library comes through pkg-config; objects carry -MMD dependencies; V=1 shows commands.

PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
DESTDIR  ?=
BUILD    ?= build
CC       ?= cc
SAN      ?=
WERROR   ?= 1

PKGS      := ncursesw libpcap libudev libiscsi inih liblzma zlib libzstd libarchive libcrypto \
             libxxhash ext2fs com_err
TEST_PKGS := cmocka

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
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE -DPNB_VERSION=\"$(VERSION)\" -I. -I$(BUILD)/gen \
              $(WFLAGS) $(PKG_CFLAGS) $(CFLAGS)

# Sources: every .c in the four code folders; cli/main.c is the only entry point.
LIB_SRC  := $(sort $(wildcard core/*.c capture/*.c tui/*.c cli/*.c))
LIB_SRC  := $(filter-out cli/main.c,$(LIB_SRC))
GEN_SRC  := $(BUILD)/gen/templates_data.c
LIB_OBJ  := $(patsubst %.c,$(BUILD)/%.o,$(LIB_SRC)) $(BUILD)/gen/templates_data.o
MAIN_OBJ := $(BUILD)/cli/main.o
BIN      := $(BUILD)/pinetboot
LIBA     := $(BUILD)/libpinetboot.a

UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
TOOL_SRC := $(sort $(wildcard tests/tools/*.c))
TOOL_BIN := $(patsubst tests/tools/%.c,$(BUILD)/tools/%,$(TOOL_SRC))
TEMPLATES := $(sort $(wildcard templates/*))

.PHONY: all deps run check check-asan unit bench fuzz fuzz-build install uninstall clean help format

all: $(BIN) $(TOOL_BIN)

help:
	@echo "make            build $(BIN)"
	@echo "make run        install missing Debian packages, build, open the wizard on a demo site"
	@echo "make check      install missing packages, build, run every test (unit, CLI, daemons, tmux, ASan)"
	@echo "make check-asan the tests again under AddressSanitizer + UndefinedBehaviorSanitizer"
	@echo "make bench      benchmarks against tshark/tcpdump/dd/bmaptool (prints ratios)"
	@echo "make fuzz       libFuzzer harnesses, FUZZ_SECONDS each (default 60)"
	@echo "make install    PREFIX=$(PREFIX) DESTDIR=…"

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

unit: $(UNIT_BIN)

run: deps all
	$(Q)bash scripts/run-demo.sh $(BIN)

# One runner for everything: unit binaries and shell tests; it prints "N passed, N failed".
check: deps all unit
	$(Q)BUILD=$(BUILD) bash tests/run.sh
	$(Q)$(MAKE) --no-print-directory check-asan

check-asan:
	$(Q)$(MAKE) --no-print-directory BUILD=build-asan SAN=1 all unit
	$(Q)BUILD=build-asan PNB_ASAN=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 bash tests/run.sh

bench: all
	$(Q)for b in bench/*.sh; do echo "== $$b"; BUILD=$(BUILD) bash $$b || exit 1; done

# libFuzzer harnesses: tests/fuzz/fuzz_NAME.c, seed corpus in tests/fuzz/NAME/.
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(patsubst tests/fuzz/%.c,build-fuzz/%,$(FUZZ_SRC))
FUZZ_SECONDS ?= 60
fuzz: fuzz-build
	$(Q)FUZZ_SECONDS=$(FUZZ_SECONDS) bash tests/fuzz/run.sh

# WERROR=0: the gcc build enforces warnings; clang's extra ones must not stop a fuzz run.
fuzz-build:
	$(Q)$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang FUZZ=1 WERROR=0 build-fuzz/libpinetboot.a $(FUZZ_BIN)

build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c build-fuzz/libpinetboot.a
	$(Q)clang $(ALL_CFLAGS) -Wno-missing-prototypes -fsanitize=fuzzer,address,undefined $< -o $@ \
		build-fuzz/libpinetboot.a $(PKG_LIBS)

format:
	$(Q)clang-format -i $(LIB_SRC) cli/main.c $(wildcard */*.h)

install: $(BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/pinetboot
	install -m 644 man/pinetboot.1 $(DESTDIR)$(MANDIR)/man1/pinetboot.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/pinetboot $(DESTDIR)$(MANDIR)/man1/pinetboot.1

clean:
	rm -rf build build-asan build-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
