# lethe: backup-aware erasure and retention job runner.
#
#   make            build build/lethe
#   make demo       install build packages if missing, build, run the demo store
#   make test       unit + end-to-end tests, normal and ASan+UBSan builds
#   make bench      benchmarks with generated data (see bench/README.md)

PKGS     = libarchive sqlite3 uuid inih libcrypto zlib
CC      ?= cc
OPT     ?= -O2 -g
BUILD   ?= build
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN     = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral
CFLAGS_ALL = -std=c11 $(OPT) $(WARN) -D_DEFAULT_SOURCE -D_GNU_SOURCE \
           -pthread -Iinclude $(PKG_CFLAGS) $(SANFLAGS) $(CFLAGS)
LDFLAGS_ALL = -pthread $(SANFLAGS) $(LDFLAGS)

ifeq ($(SAN),1)
SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all \
           -fno-omit-frame-pointer
OPT      = -O1 -g
endif

SRC      = $(wildcard src/*.c)
LIB_SRC  = $(filter-out src/main.c,$(SRC))
LIB_OBJ  = $(LIB_SRC:src/%.c=$(BUILD)/obj/%.o)
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/unit/%)
HDRS     = $(wildcard include/*.h) $(wildcard tests/unit/*.h)

.PHONY: all demo deps test check bench clean format

all: $(BUILD)/lethe

$(BUILD)/obj/%.o: src/%.c $(HDRS) | $(BUILD)/obj
	@echo "  CC      $@"
	@$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(BUILD)/liblethe.a: $(LIB_OBJ)
	@rm -f $@ && ar rcs $@ $^

$(BUILD)/lethe: $(BUILD)/obj/main.o $(BUILD)/liblethe.a
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PKG_LIBS)

$(BUILD)/unit/%: tests/unit/%.c $(BUILD)/liblethe.a $(HDRS) | $(BUILD)/unit
	@echo "  CC      $@"
	@$(CC) $(CFLAGS_ALL) -Itests/unit $(LDFLAGS_ALL) -o $@ $< \
		$(BUILD)/liblethe.a $(PKG_LIBS)

$(BUILD)/obj $(BUILD)/unit:
	@mkdir -p $@

# The quick start: packages, build, demo store, one run, the ledger.
demo:
	@./.ci/deps
	@$(MAKE) --no-print-directory all
	@./tests/demo.sh $(BUILD)/lethe

deps:
	@./.ci/deps

# One build's whole suite (T=PATTERN: only the tests whose name has it);
# results go to $(BUILD)/results.
check: $(BUILD)/lethe $(UNIT_BIN)
	@./tests/run.sh $(BUILD) $(T)

# Both builds, then one tally line.
test:
	@./.ci/deps
	@rm -f build/results build-asan/results
	@$(MAKE) --no-print-directory check || true
	@$(MAKE) --no-print-directory BUILD=build-asan SAN=1 check || true
	@./tests/tally.sh build/results build-asan/results

bench: $(BUILD)/lethe
	@case "$(BENCH)" in \
	'' | all) rc=0; ./bench/run.sh $(BUILD)/lethe || rc=1; \
		./bench/restore.sh $(BUILD)/lethe || rc=1; exit $$rc ;; \
	run | restore) ./bench/$(BENCH).sh $(BUILD)/lethe ;; \
	*) echo "make bench: BENCH must be run, restore or all," \
		"not '$(BENCH)'" >&2; exit 64 ;; \
	esac

format:
	clang-format -i src/*.c include/*.h tests/unit/*.c tests/unit/*.h

clean:
	rm -rf build build-asan
