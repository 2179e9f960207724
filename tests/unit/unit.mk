# SPDX-License-Identifier: MIT
# tests/unit/unit.mk - build and run the host unit tests (layer 1 of TESTING.md).
#
#   make -f tests/unit/unit.mk BUILD=build/unit [-j2] [V=1]     (from the repository root)
#
# Every tests/unit/**/test_*.c becomes one program, built with the host gcc under
# AddressSanitizer and UBSan. Each test links:
#   - its own source;
#   - the source it tests, found by name: tests/unit/<dir>/test_<x>.c -> <dir>/<x>.c,
#     when that file exists;
#   - unit-srcs-<dir>/test_<x> (below), for anything else it must build with its flags;
#   - libtoro-host.a, every lib/*.c, so code under test can call memcpy(), snprintf() ...
#     of the Toro C library (only what is used gets linked). It is built once, or once
#     more for a test with its own unit-cflags- or unit-sanitize- (flags must match).
# Sources outside tests/unit/ are compiled with -include tests/unit/host_rename.h, which
# gives the Toro C library toro_ names so it never replaces glibc's functions.
#
# All tests run, whatever fails. Each prints "unit-result: N passed, N failed"; one that
# exits non-zero or dies without that line counts as one more failure. The last line on
# stdout is the sum over all tests, "N passed, N failed", and make fails if N failed > 0.
#
# A new test is a new tests/unit/<subsys>/test_<x>.c; it needs a line here only if it
# tests a file not named <subsys>/<x>.c, or needs other flags or another sanitizer.

BUILD ?= build/unit
HOSTCC ?= gcc
UNIT_TIMEOUT ?= 300
V ?= 0

UNIT_DIR := tests/unit

# --- per-test additions: unit-srcs-<test>, unit-cflags-<test>, unit-sanitize-<test> -------

# The kernel's x86_64 memcpy()/memset() ("rep movsb/stosb") instead of the portable loops.
unit-srcs-lib/test_string_x86 := lib/string.c
unit-cflags-lib/test_string_x86 := -UTORO_HOST_TEST

# The RTC's date decoding checks its result with the calendar code of kernel/time_math.c.
unit-srcs-arch/x86_64/kernel/test_rtc_decode := kernel/time_math.c

# The x86 firmware-table parsers: kernel headers with CONFIG_ options and the arch includes.
unit-fw-cflags := -include kernel/config.h -I$(UNIT_DIR)/include -Iarch/x86_64/include
unit-cflags-arch/x86_64/kernel/test_madt := $(unit-fw-cflags)
unit-cflags-arch/x86_64/kernel/test_mptable := $(unit-fw-cflags)
unit-cflags-arch/x86_64/kernel/test_cpus := $(unit-fw-cflags) -DCONFIG_NR_CPUS=4

# Host threads racing through the slots: ThreadSanitizer (it cannot be mixed with ASan).
unit-sanitize-kernel/test_xslot := -fsanitize=thread

# Kernel memory (kernel/mm): the heap runs over the real page allocator, and kernel sources
# need IS_ENABLED() from kernel/config.h, whose <autoconf.h> is the empty stub in
# tests/unit/include; each test turns on the options it tests.
unit-mm-cflags := -include kernel/config.h -I$(UNIT_DIR)/include
unit-srcs-kernel/mm/test_heap := kernel/mm/page_alloc.c
unit-cflags-kernel/mm/test_heap := $(unit-mm-cflags)
unit-srcs-kernel/mm/test_heap_debug := kernel/mm/heap.c kernel/mm/page_alloc.c
unit-cflags-kernel/mm/test_heap_debug := $(unit-mm-cflags) -DCONFIG_DEBUG_HEAP=1
unit-srcs-kernel/mm/test_heap_remote := kernel/mm/heap.c kernel/mm/page_alloc.c
unit-cflags-kernel/mm/test_heap_remote := $(unit-mm-cflags)
unit-sanitize-kernel/mm/test_heap_remote := -fsanitize=thread
unit-srcs-lib/test_malloc := kernel/mm/heap.c kernel/mm/page_alloc.c
unit-cflags-lib/test_malloc := $(unit-mm-cflags)

# ext2 (fs/ext2): the whole library, with the image helpers (mke2fs, e2fsck, debugfs).
unit-ext2-srcs := $(sort $(filter-out fs/ext2/vfs_%,$(wildcard fs/ext2/*.c))) \
	$(UNIT_DIR)/fs/ext2/ext2_image.c
unit-srcs-fs/ext2/test_ext2 := $(unit-ext2-srcs)
unit-srcs-fs/ext2/test_ext2_corrupt := $(unit-ext2-srcs)
unit-srcs-fs/ext2/test_ext2_runs := $(unit-ext2-srcs)
unit-srcs-fs/ext2/test_ext2_time := $(unit-ext2-srcs)

# The FAT16 library: every file of fs/fat/ (the test is named after fs/fat/fat.c).
unit-srcs-fs/fat/test_fat := $(filter-out fs/fat/vfs_%,$(wildcard fs/fat/*.c))

# The initrd library: the cpio walker with the tree (fs/initrd/initrd.c).
unit-srcs-fs/initrd/test_initrd := fs/initrd/cpio.c

# The block layer (drivers/block): bcache.c and partition.c over blkdev.c, with the kernel
# services they use emulated in blk_host.c; a 64 KiB cache (16 blocks) to evict often.
unit-blk-srcs := drivers/block/blkdev.c $(UNIT_DIR)/drivers/block/blk_host.c
unit-blk-cflags := -include kernel/config.h -I$(UNIT_DIR)/include -DCONFIG_NR_CPUS=4 \
	-DCONFIG_BCACHE_SIZE_KIB=64
unit-srcs-drivers/block/test_bcache := $(unit-blk-srcs)
unit-cflags-drivers/block/test_bcache := $(unit-blk-cflags)
unit-srcs-drivers/block/test_partition := $(unit-blk-srcs)
unit-cflags-drivers/block/test_partition := $(unit-blk-cflags)

# The VFS (fs/vfs): path.c alone, then the whole VFS with its POSIX calls over the ext2 and
# FAT16 libraries on image files; vfs_host.c stands in for xcall, kmutex, the block cache
# and the block registry, and vfs_rename.h gives the POSIX names a vfs_host_ prefix.
unit-vfs-cflags := -include kernel/config.h -I$(UNIT_DIR)/include -DCONFIG_NR_CPUS=4 \
	-DCONFIG_MAX_OPEN_FILES=16 -include $(UNIT_DIR)/fs/vfs/vfs_rename.h
unit-srcs-fs/vfs/test_path := $(UNIT_DIR)/fs/vfs/vfs_host.c fs/vfs/mount.c fs/vfs/file.c \
	fs/vfs/namei.c fs/vfs/dir.c $(UNIT_DIR)/fs/ext2/ext2_image.c
unit-cflags-fs/vfs/test_path := $(unit-vfs-cflags)
unit-srcs-fs/vfs/test_vfs := $(filter-out fs/vfs/root.c,$(wildcard fs/vfs/*.c)) \
	$(unit-ext2-srcs) $(filter-out fs/fat/vfs_%,$(wildcard fs/fat/*.c)) fs/ext2/vfs_ext2.c \
	fs/fat/vfs_fat.c kernel/time_math.c $(UNIT_DIR)/fs/vfs/vfs_host.c
unit-cflags-fs/vfs/test_vfs := $(unit-vfs-cflags)

# --- flags --------------------------------------------------------------------------------

UNIT_SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all
UNIT_CFLAGS := -std=gnu11 -g -O1 -fno-omit-frame-pointer \
	-Wall -Wextra -Werror -U_FORTIFY_SOURCE -Iinclude -I$(UNIT_DIR)
# For sources under test (not for the tests themselves, which include glibc first).
UNIT_SRC_CFLAGS := -DTORO_HOST_TEST -include $(UNIT_DIR)/host_rename.h
UNIT_RUN_ENV := ASAN_OPTIONS=halt_on_error=1:detect_stack_use_after_return=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 TSAN_OPTIONS=halt_on_error=1

Q := $(if $(filter 1,$(V)),,@)

# --- what to build ------------------------------------------------------------------------

UNIT_TESTS := $(sort $(shell find $(UNIT_DIR) -name 'test_*.c'))
# lib/test_string, net/test_tcp_in, ...
UNIT_NAMES := $(patsubst $(UNIT_DIR)/%.c,%,$(UNIT_TESTS))

# $(1) = lib/test_string -> lib/string.c (or nothing if there is no such file)
unit-default-src = $(wildcard $(patsubst ./%,%,$(dir $(1)))$(patsubst test_%,%,$(notdir $(1))).c)
unit-srcs = $(sort $(UNIT_DIR)/$(1).c $(unit-default-src) $(unit-srcs-$(1)))
unit-objs = $(patsubst %.c,$(BUILD)/obj/$(1)/%.o,$(unit-srcs))
unit-sanitize = $(or $(unit-sanitize-$(1)),$(UNIT_SANITIZE))
# A test with flags of its own gets a library built with the same flags, in its group.
unit-own-lib = $(if $(unit-cflags-$(1))$(unit-sanitize-$(1)),$(1))
unit-lib-group = $(or $(unit-own-lib),libtoro)
unit-lib = $(BUILD)/obj/$(unit-lib-group)/libtoro-host.a
unit-lib-objs = $(patsubst %.c,$(BUILD)/obj/$(1)/%.o,$(UNIT_LIB_SRCS))

UNIT_LIB_SRCS := $(sort $(wildcard lib/*.c))
UNIT_LIB_GROUPS := libtoro $(foreach t,$(UNIT_NAMES),$(call unit-own-lib,$(t)))
UNIT_RESULTS := $(patsubst %,$(BUILD)/run/%.result,$(UNIT_NAMES))
UNIT_ALL_OBJS := $(foreach g,$(UNIT_LIB_GROUPS),$(call unit-lib-objs,$(g))) \
	$(foreach t,$(UNIT_NAMES),$(call unit-objs,$(t)))

.PHONY: check clean FORCE
# A lib/ object that fails the toro_ prefix check must not survive as up to date.
.DELETE_ON_ERROR:
.DEFAULT_GOAL := check

# --- rules --------------------------------------------------------------------------------

# A host-built lib/ object may define only toro_ names (see host_rename.h); anything else
# would silently replace glibc's function of that name, and the oracle with it.
unit-check-prefix = nm -g --defined-only $@ | awk '$$3 !~ /^toro_/ { bad = 1; \
	print "$@: " $$3 " has no toro_ prefix: add it to tests/unit/host_rename.h" } \
	END { exit bad }'

# $(1) = group: "libtoro" or a test name. Objects of a group get that group's flags.
define unit-group-rules
$(BUILD)/obj/$(1)/%.o: %.c $(UNIT_DIR)/host_rename.h $(UNIT_DIR)/unit.mk
	@mkdir -p $$(@D)
	$$(if $(Q),@echo "  HOSTCC  $$@")
	$(Q)$(HOSTCC) $(UNIT_CFLAGS) $(call unit-sanitize,$(1)) \
		$$(if $$(filter $(UNIT_DIR)/%,$$<),,$(UNIT_SRC_CFLAGS)) \
		$$(unit-cflags-$(1)) -MMD -MP -c $$< -o $$@
	$(Q)$$(if $$(filter lib/%,$$<),$$(unit-check-prefix))
endef

# $(1) = a group that has its own libtoro-host.a
define unit-lib-rules
$(BUILD)/obj/$(1)/libtoro-host.a: $(call unit-lib-objs,$(1))
	@mkdir -p $$(@D)
	$$(if $(Q),@echo "  AR      $$@")
	$(Q)rm -f $$@ && ar rcs $$@ $$^
endef

define unit-test-rules
$(BUILD)/bin/$(1): $(call unit-objs,$(1)) $(call unit-lib,$(1))
	@mkdir -p $$(@D)
	$$(if $(Q),@echo "  HOSTLD  $$@")
	$(Q)$(HOSTCC) $(call unit-sanitize,$(1)) -o $$@ $$^
endef

$(foreach g,libtoro $(UNIT_NAMES),$(eval $(call unit-group-rules,$(g))))
$(foreach g,$(UNIT_LIB_GROUPS),$(eval $(call unit-lib-rules,$(g))))
$(foreach t,$(UNIT_NAMES),$(eval $(call unit-test-rules,$(t))))

# Runs one test and records "passed failed" in its .result; never fails itself, so make
# goes on to the other tests. Always reruns (FORCE); the log stays next to the result.
$(BUILD)/run/%.result: $(BUILD)/bin/% FORCE
	@mkdir -p $(@D)
	@log=$(@:.result=.log); \
	$(UNIT_RUN_ENV) timeout $(UNIT_TIMEOUT) $< >$$log 2>&1; rc=$$?; \
	set -- $$(sed -n 's/^unit-result: \([0-9]*\) passed, \([0-9]*\) failed$$/\1 \2/p' $$log | \
		tail -n 1) 0 0; \
	passed=$$1; failed=$$2; \
	if [ $$rc -ne 0 ] && [ $$failed -eq 0 ]; then \
		failed=1; echo "unit.mk: $* exited with status $$rc" >>$$log; \
	fi; \
	echo "$$passed $$failed" >$@; \
	if [ $$failed -eq 0 ]; then \
		echo "  PASS    $* ($$passed checks)"; \
	else \
		echo "  FAIL    $* ($$passed passed, $$failed failed; log: $$log)"; \
		head -n 200 $$log | sed 's/^/	/'; \
	fi

check: $(UNIT_RESULTS)
	@awk '{ passed += $$1; failed += $$2 } \
		END { printf "%d passed, %d failed\n", passed, failed; exit failed != 0 }' \
		/dev/null $^

clean:
	rm -rf $(BUILD)

FORCE:

-include $(wildcard $(UNIT_ALL_OBJS:.o=.d))
