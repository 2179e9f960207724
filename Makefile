# SPDX-License-Identifier: MIT
#
# Toro's build: one non-recursive make, configured by Kconfig (kconfiglib).
#
#   make menuconfig | make <name>_defconfig [frag.config ...] | make defconfig
#   make [all]      build $(O)/toro.elf and the boot artefact of the chosen path
#   make run        boot it in QEMU (scripts/qemu-run)
#   make help       every target and every defconfig
#
# Each folder has a Makefile fragment with only `obj-$(CONFIG_X) += x.o` and
# `obj-$(CONFIG_Y) += dir/` lines; `walk` below collects them. Objects depend
# on their headers (-MMD) and, through scripts/fixdep, on exactly the config
# options their sources mention, so changing one option rebuilds only its users.

O ?= build
override O := $(patsubst %/,%,$(O))
DEFAULT_DEFCONFIG := microvm_defconfig
PYTHON := /usr/bin/python3
srctree := $(CURDIR)
export srctree

# Make output quiet unless V=1, as kbuild does.
ifeq ($(V),1)
Q :=
quiet = @:
else ifneq ($(findstring s,$(firstword -$(MAKEFLAGS))),)
Q := @
quiet = @:
MAKEFLAGS += --no-print-directory
else
Q := @
quiet = @printf '  %-8s %s\n'
MAKEFLAGS += --no-print-directory
endif

# make run/test/bench install missing Debian packages before anything needs
# them (kconfiglib is needed to configure); install-deps.sh is quick when
# everything is there.
ifneq ($(filter run debug test bench check-boot check-config deps,$(MAKECMDGOALS)),)
ifneq ($(shell scripts/install-deps.sh >&2; echo $$?),0)
$(error scripts/install-deps.sh failed: see its message above)
endif
endif

KCONFIG_CONFIG := $(O)/.config
export KCONFIG_CONFIG
kconfig := $(PYTHON) scripts/kconfig/toro-kconfig.py

# --- goals that only touch the configuration ---------------------------------
config-goals := menuconfig defconfig olddefconfig savedefconfig randconfig \
	alldefconfig listnewconfig %_defconfig %.config
no-config-goals := help clean distclean check-unit deps
config-targets := $(filter $(config-goals),$(MAKECMDGOALS))
build-targets := $(filter-out $(config-goals) $(no-config-goals),$(MAKECMDGOALS))
# Non-empty when this make compiles something (no goal means `all`).
building := $(if $(MAKECMDGOALS),$(build-targets),all)

# Mixed goals (`make foo_defconfig all`) run one after the other, so -j never
# builds against a half-written .config.
ifneq ($(config-targets),)
ifneq ($(build-targets),)
mixed := 1
endif
endif

ifdef mixed
$(sort $(MAKECMDGOALS)): __mixed ; @:
__mixed:
	$(Q)$(MAKE) -f $(firstword $(MAKEFILE_LIST)) $(config-targets)
	$(Q)$(MAKE) -f $(firstword $(MAKEFILE_LIST)) $(build-targets)
.PHONY: __mixed
else

.DEFAULT_GOAL := all

# --- configuration --------------------------------------------------------------
frags := $(filter %.config,$(MAKECMDGOALS))
defconfig-goal := $(filter %_defconfig defconfig,$(MAKECMDGOALS))

%_defconfig: FORCE
	$(Q)mkdir -p $(O)
	$(Q)$(kconfig) defconfig $(call frag-path,$@) $(call frag-path,$(frags))

defconfig: $(DEFAULT_DEFCONFIG)
	@:

# `make foo.config` alone merges the fragment into the current .config; after a
# defconfig goal the defconfig rule has merged it already.
# A fragment (or defconfig) named with a / is a path; otherwise it lives in configs/.
frag-path = $(foreach f,$(1),$(if $(findstring /,$(f)),$(f),configs/$(f)))
ifneq ($(frags),)
$(frags): FORCE
	$(Q)$(if $(defconfig-goal),:,$(kconfig) merge $(call frag-path,$@))
endif

menuconfig: FORCE
	$(Q)mkdir -p $(O)
	$(Q)test -f $(KCONFIG_CONFIG) || $(MAKE) -f $(firstword $(MAKEFILE_LIST)) defconfig
	$(Q)MENUCONFIG_STYLE=aquatic $(PYTHON) -m menuconfig Kconfig

olddefconfig alldefconfig listnewconfig: FORCE
	$(Q)mkdir -p $(O)
	$(Q)$(kconfig) $@

savedefconfig: FORCE
	$(Q)$(kconfig) savedefconfig $(O)/defconfig
	@echo "  wrote $(O)/defconfig"

# `make randconfig SEED=n` (KCONFIG_SEED as in Linux also works)
randconfig: FORCE
	$(Q)mkdir -p $(O)
	$(Q)$(kconfig) randconfig $(or $(SEED),$(KCONFIG_SEED))

# --- build ---------------------------------------------------------------------
# Everything below needs a configuration.
ifneq ($(building),)
ifeq ($(wildcard $(KCONFIG_CONFIG)),)
ifeq ($(filter $(config-goals),$(MAKECMDGOALS)),)
$(info no configuration in $(O)/.config: using $(DEFAULT_DEFCONFIG) (see `make help`))
$(shell mkdir -p $(O) && KCONFIG_CONFIG=$(KCONFIG_CONFIG) \
	$(kconfig) defconfig configs/$(DEFAULT_DEFCONFIG) >&2)
endif
endif
endif

ifneq ($(building),)
-include $(O)/include/config/auto.conf
endif

CROSS_COMPILE ?=
CC := $(CROSS_COMPILE)gcc
LD := $(CROSS_COMPILE)ld
OBJCOPY := $(CROSS_COMPILE)objcopy
NM := $(CROSS_COMPILE)nm
STRIP := $(CROSS_COMPILE)strip
NASM := nasm

# A missing tool stops the build with the Debian package that provides it.
need-tool = $(if $(shell command -v $(1) 2>/dev/null),,$(error $(1) not found: install \
	the Debian package '$(2)' (or run scripts/install-deps.sh)))
# Debian names cross tools' packages after the triplet: gcc-x86-64-linux-gnu.
tool-pkg = $(1)$(if $(CROSS_COMPILE),-$(subst _,-,$(patsubst %-,%,$(notdir $(CROSS_COMPILE)))))
# Checked before anything runs the compiler; configuring needs neither.
ifneq ($(building),)
$(call need-tool,$(CC),$(call tool-pkg,gcc))
$(call need-tool,$(LD),$(call tool-pkg,binutils))
$(if $(CONFIG_BOOT_BIOS),$(call need-tool,$(NASM),nasm))
$(if $(CONFIG_BOOT_UEFI),$(call need-tool,mkfs.fat,dosfstools)$(call need-tool,mcopy,mtools))
endif

# Reproducible: paths in debug info are relative to the tree and to $(O); the
# compilation directory (the tree itself, no trailing /) becomes ".". gcc tries
# the last map first, so $(O) inside the tree still becomes O/.
abs-o := $(abspath $(O))
repro-flags := -ffile-prefix-map=$(srctree)=. -ffile-prefix-map=$(srctree)/= \
	-ffile-prefix-map=$(abs-o)/=O/

base-cflags := -std=gnu11 $(if $(CONFIG_CC_OPTIMIZE_FOR_SIZE),-Os,-O2) -g -ffreestanding -nostdinc \
	-isystem $(shell $(CC) -print-file-name=include 2>/dev/null) \
	-m64 -mno-red-zone -mgeneral-regs-only -mcmodel=small -fno-pie -fno-pic \
	-fno-stack-protector -fno-asynchronous-unwind-tables -fno-unwind-tables \
	-fno-omit-frame-pointer -fno-optimize-sibling-calls \
	-ffunction-sections -fdata-sections -fno-common --param=min-pagesize=0 \
	-Wall -Wextra -Wno-unused-parameter -Wstrict-prototypes -Wmissing-prototypes \
	-I$(abs-o)/include/generated -include kernel/config.h $(repro-flags) \
	$(if $(CONFIG_WERROR),-Werror)
KBUILD_CFLAGS := $(base-cflags) -Iinclude -Iarch/x86_64/include
# Applications see only the public API: include/toro/ through $(O)/include/app.
APP_CFLAGS := $(base-cflags) -I$(abs-o)/include/app -DTORO_APP
KBUILD_AFLAGS := -D__ASSEMBLY__ -m64 -g -Iinclude -Iarch/x86_64/include \
	-I$(abs-o)/include/generated -include kernel/config.h $(repro-flags)

LDFLAGS := -nostdlib -static -no-pie --gc-sections --build-id=none -z noexecstack \
	-n -z max-page-size=0x1000 -z norelro --no-warn-rwx-segments

# --- collect objects from the per-folder fragments ------------------------------
objs :=
define walk
obj-y :=
include $(1)Makefile
objs += $$(addprefix $(1),$$(filter %.o,$$(obj-y)))
$(1)sub := $$(addprefix $(1),$$(filter %/,$$(obj-y)))
$$(foreach d,$$($(1)sub),$$(eval $$(call walk,$$(d))))
endef

core-dirs := arch/x86_64/ kernel/ lib/ drivers/ fs/
ifneq ($(APP_DIR),)
APP_DIR := $(patsubst %/,%,$(APP_DIR))
app-name := $(notdir $(abspath $(APP_DIR)))
else
core-dirs += apps/
app-name := $(patsubst "%",%,$(CONFIG_APP_NAME))
endif
$(foreach d,$(core-dirs),$(eval $(call walk,$(d))))

kernel-objs := $(addprefix $(O)/,$(objs))

# An application outside the tree: its Makefile lists `obj-y += x.o`, or, with
# no Makefile, every *.c in the folder is the application.
ifneq ($(APP_DIR),)
obj-y :=
ifneq ($(wildcard $(APP_DIR)/Makefile),)
include $(APP_DIR)/Makefile
ext-app-objs := $(filter %.o,$(obj-y))
else
ext-app-objs := $(patsubst $(APP_DIR)/%.c,%.o,$(sort $(wildcard $(APP_DIR)/*.c)))
endif
ifeq ($(ext-app-objs),)
$(error APP_DIR=$(APP_DIR) has no application sources (*.c or a Makefile with obj-y))
endif
kernel-objs += $(addprefix $(O)/extapp/,$(ext-app-objs))
endif

# --- rules ---------------------------------------------------------------------
autoconf := $(O)/include/generated/autoconf.h
fixdep := $(O)/scripts/fixdep

# genconfig rewrites autoconf.h and auto.conf only when their contents change;
# touching auto.conf afterwards tells make it is up to date.
$(O)/include/config/auto.conf: $(KCONFIG_CONFIG) $(shell find . -name 'Kconfig*' \
		-not -path './build*' -not -path './$(O)/*' 2>/dev/null)
	$(quiet) GEN $(O)/include/generated/autoconf.h
	$(Q)$(kconfig) genconfig
	$(Q)touch $@
$(autoconf): $(O)/include/config/auto.conf
	$(Q)test -f $@ || $(kconfig) genconfig

$(O)/include/app/toro: | $(O)/include/app/kernel/errno.h
	$(Q)mkdir -p $(dir $@)
	$(Q)ln -sfn $(srctree)/include/toro $@

# <toro/errno.h> includes it (the error numbers), so apps see this one kernel header too.
$(O)/include/app/kernel/errno.h:
	$(Q)mkdir -p $(dir $@)
	$(Q)ln -sfn $(srctree)/include/kernel/errno.h $@

$(fixdep): scripts/fixdep.c
	$(Q)mkdir -p $(dir $@)
	$(Q)gcc -O2 -Wall -o $@ $<

# cmd-cc: compile with the flags given, then let fixdep replace the
# dependency on autoconf.h by one on each option the sources use. Objects
# depend on autoconf.h only for ordering (|): its content reaches them
# through those per-option files.
define cmd-cc
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(1) -MMD -MP -MF $(@:.o=.d.tmp) -c $< -o $@
	$(Q)$(fixdep) $(@:.o=.d.tmp) $@ $(O)/include/config > $(@:.o=.d) && rm -f $(@:.o=.d.tmp)
endef

# The compiler flags, rewritten only when they change (an option such as
# CC_OPTIMIZE_FOR_SIZE that no source mentions changes them): every object
# depends on it, as Linux's .cmd files make a changed command line rebuild.
flags-file := $(O)/include/config/flags
ifneq ($(building),)
$(shell mkdir -p $(dir $(flags-file)); printf '%s\n' '$(base-cflags) $(LDFLAGS)' > $(flags-file).tmp; \
	cmp -s $(flags-file).tmp $(flags-file) && rm -f $(flags-file).tmp || mv $(flags-file).tmp $(flags-file))
endif

$(O)/apps/%.o: apps/%.c $(flags-file) | $(autoconf) $(fixdep) $(O)/include/app/toro
	$(quiet) CC $@
	$(call cmd-cc,$(APP_CFLAGS))

$(O)/extapp/%.o: $(APP_DIR)/%.c $(flags-file) | $(autoconf) $(fixdep) $(O)/include/app/toro
	$(quiet) CC $@
	$(call cmd-cc,$(APP_CFLAGS) -I$(APP_DIR))

$(O)/%.o: %.c $(flags-file) | $(autoconf) $(fixdep)
	$(quiet) CC $@
	$(call cmd-cc,$(KBUILD_CFLAGS))

$(O)/%.o: %.S $(flags-file) | $(autoconf) $(fixdep)
	$(quiet) AS $@
	$(call cmd-cc,$(KBUILD_AFLAGS))

# The app's name (argv[0]) is compiled into one small object.
$(O)/kernel/appname.c: FORCE
	$(Q)mkdir -p $(dir $@)
	$(Q)printf 'const char toro_app_name[] = "%s";\n' '$(app-name)' > $@.tmp
	$(Q)cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
$(O)/kernel/appname.o: $(O)/kernel/appname.c $(flags-file)
	$(quiet) CC $@
	$(Q)$(CC) $(KBUILD_CFLAGS) -c $(abspath $<) -o $@

# The linker script's headers and options are tracked like an object's.
lds := $(O)/arch/x86_64/toro.lds
$(lds): arch/x86_64/toro.lds.S | $(autoconf) $(fixdep)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -E -P -x c -D__ASSEMBLY__ -D__LINKER__ -Iinclude -Iarch/x86_64/include -I$(O)/include/generated \
		-include kernel/config.h -MMD -MP -MF $@.d.tmp -MT $@ $< -o $@
	$(Q)$(fixdep) $@.d.tmp $@ $(O)/include/config > $@.d && rm -f $@.d.tmp
-include $(lds).d

# The link depends on the list of objects too: an option that only adds or
# drops objects (no source mentions it) must still relink.
$(O)/.link-objs: FORCE
	$(Q)mkdir -p $(dir $@)
	$(Q)echo '$(link-objs)' > $@.tmp
	$(Q)cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

# Link twice: the second link carries the symbol table of the first. The table
# sits after every other loaded section, so adding it moves no function.
link-objs := $(kernel-objs) $(O)/kernel/appname.o
$(O)/.tmp_toro.elf: $(link-objs) $(lds) $(O)/kernel/kallsyms_empty.o $(O)/.link-objs
	$(quiet) LD $@
	$(Q)$(LD) $(LDFLAGS) -T $(lds) -o $@ $(link-objs) $(O)/kernel/kallsyms_empty.o

$(O)/kernel/kallsyms_empty.o: scripts/kallsyms_empty.S $(flags-file)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(KBUILD_AFLAGS) -c $< -o $@

$(O)/kernel/kallsyms.S: $(O)/.tmp_toro.elf scripts/kallsyms.py \
		$(wildcard $(O)/include/config/kallsyms.h)
	$(quiet) KSYM $@
	$(Q)$(NM) -n $< | $(PYTHON) scripts/kallsyms.py $(if $(CONFIG_KALLSYMS),,--empty) > $@

$(O)/kernel/kallsyms.o: $(O)/kernel/kallsyms.S $(flags-file)
	$(Q)$(CC) $(KBUILD_AFLAGS) -c $(abspath $<) -o $@

$(O)/toro.elf: $(link-objs) $(lds) $(O)/kernel/kallsyms.o
	$(quiet) LD $@
	$(Q)$(LD) $(LDFLAGS) -T $(lds) -Map=$(O)/toro.map -o $@ $(link-objs) $(O)/kernel/kallsyms.o
	$(Q)$(PYTHON) scripts/check-link.py $(O)/.tmp_toro.elf $@

$(O)/toro.stripped: $(O)/toro.elf
	$(Q)$(STRIP) -o $@ $<

# --- boot artefacts ------------------------------------------------------------
$(O)/toro.bin: $(O)/toro.elf
	$(Q)$(OBJCOPY) -O binary $< $@

bios-stage := $(O)/arch/x86_64/boot/bios
$(bios-stage)/%.bin: arch/x86_64/boot/bios/%.asm $(wildcard arch/x86_64/boot/bios/*.inc)
	$(call need-tool,$(NASM),nasm)
	$(quiet) NASM $@
	$(Q)mkdir -p $(dir $@)
	$(Q)$(NASM) -f bin -Iarch/x86_64/boot/bios/ -o $@ $<

# The app's initrd/ folder, packed below; on the BIOS path it follows the kernel on disk.
app-initrd := $(if $(APP_DIR),$(APP_DIR),apps/$(app-name))/initrd
initrd-cpio := $(if $(CONFIG_INITRD),$(if $(wildcard $(app-initrd)),$(O)/initrd.cpio))

$(O)/toro.img: $(bios-stage)/mbr.bin $(bios-stage)/stage2.bin $(O)/toro.bin scripts/mkbiosimg.py \
		$(initrd-cpio)
	$(quiet) IMG $@
	$(Q)$(PYTHON) scripts/mkbiosimg.py $(bios-stage)/mbr.bin $(bios-stage)/stage2.bin \
		$(O)/toro.bin $(O)/toro.elf $@ $(initrd-cpio)

# The ISO's grub.cfg carries `make iso CMDLINE=...` (empty: the kernel uses
# CONFIG_CMDLINE). The value is kept in a file, rewritten only when it changes,
# so a new CMDLINE rebuilds the ISO and quotes in it reach GRUB unharmed.
$(O)/toro.grub-cmdline: FORCE
	$(file >$@.tmp,$(CMDLINE))
	$(Q)cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

$(O)/toro-grub.iso: $(O)/toro.elf scripts/mkgrubiso.sh $(O)/toro.grub-cmdline
	$(if $(CONFIG_BOOT_MULTIBOOT),,$(error make iso: GRUB loads Multiboot images only; \
		configure with BOOT_MULTIBOOT, e.g. make multiboot_defconfig))
	$(quiet) ISO $@
	$(Q)scripts/mkgrubiso.sh $(O)/toro.elf $@ "$$(cat $(O)/toro.grub-cmdline)"

# UEFI: toro.efi is Toro's EFI stub (arch/x86_64/boot/efi/) with toro.bin
# embedded. The stub is built position-independent (no base relocations
# needed: stub.c says why) and linked straight to PE32+ by binutils' i386pep
# emulation, subsystem 10 = EFI application (UEFI 2.10 §2.1.1; PE format
# "Windows Subsystem"); no timestamp, so the image is reproducible.
efi-obj := $(O)/arch/x86_64/boot/efi
EFI_CFLAGS := -std=gnu11 -O2 -ffreestanding -nostdinc \
	-isystem $(shell $(CC) -print-file-name=include 2>/dev/null) \
	-m64 -mno-red-zone -mgeneral-regs-only -fpie -fno-stack-protector -fno-ident \
	-fno-asynchronous-unwind-tables -fno-unwind-tables \
	-Wall -Wextra -Wno-unused-parameter -Wstrict-prototypes -Wmissing-prototypes \
	-Iinclude -Iarch/x86_64/include $(repro-flags) $(if $(CONFIG_WERROR),-Werror)
EFI_SUBSYSTEM_APP := 10

$(efi-obj)/stub.o: arch/x86_64/boot/efi/stub.c $(wildcard arch/x86_64/boot/efi/*.h) \
		arch/x86_64/boot/uefi_handoff.h arch/x86_64/include/asm/layout.h
	$(quiet) CC $@
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(EFI_CFLAGS) -c $< -o $@

$(efi-obj)/blob.o: arch/x86_64/boot/efi/blob.S $(O)/toro.bin
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -D__ASSEMBLY__ -m64 '-DTORO_KERNEL_BIN="$(abspath $(O)/toro.bin)"' -c $< -o $@

$(O)/toro.efi: $(efi-obj)/stub.o $(efi-obj)/blob.o
	$(quiet) EFI $@
	$(Q)$(LD) -m i386pep --subsystem $(EFI_SUBSYSTEM_APP) -e efi_main --no-insert-timestamp \
		-nostdlib -s -o $@ $^

$(O)/esp.img: $(O)/toro.efi scripts/mkesp.sh
	$(quiet) ESP $@
	$(Q)scripts/mkesp.sh $(O)/toro.efi $@

artefacts-y := $(O)/toro.elf $(O)/toro.stripped
artefacts-$(CONFIG_BOOT_BIOS) += $(O)/toro.img
artefacts-$(CONFIG_BOOT_UEFI) += $(O)/toro.efi $(O)/esp.img

# The application's files/ packed into $(O)/disk.img (CONFIG_DISK_IMAGE_*,
# scripts/mkdisk.py, Documentation/disk-images.md). The stamp holds mkdisk's
# options and each file's name, size, mode and mtime, rewritten only when they
# change: the image is rebuilt exactly when files/ or the disk options change.
app-files := $(if $(APP_DIR),$(APP_DIR),apps/$(app-name))/files
disk-fs := $(if $(CONFIG_DISK_IMAGE_EXT2),ext2)$(if $(CONFIG_DISK_IMAGE_FAT16),fat16)
disk-args := --fs $(disk-fs) --size-mib $(CONFIG_DISK_IMAGE_SIZE_MIB) \
	--block-size $(or $(CONFIG_DISK_IMAGE_EXT2_BLOCK_SIZE),1024) $(if $(CONFIG_DISK_IMAGE_MBR),--mbr)
$(O)/disk.stamp: FORCE
	$(Q)mkdir -p $(dir $@)
	$(Q){ echo '$(disk-args) $(SOURCE_DATE_EPOCH) $(app-files)'; find '$(app-files)' \
		-printf '%P %s %m %T@ %y %l\n' 2>/dev/null | LC_ALL=C sort; } > $@.tmp
	$(Q)cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
$(O)/disk.img: $(O)/disk.stamp scripts/mkdisk.py
	$(quiet) DISK $@
	$(Q)PATH="$$PATH:/usr/sbin:/sbin" $(PYTHON) scripts/mkdisk.py $(disk-args) '$(app-files)' $@
artefacts-$(if $(disk-fs),y) += $(O)/disk.img

# The application's initrd/ packed into $(O)/initrd.cpio (CONFIG_INITRD,
# Documentation/initrd.md); `make run` passes it to QEMU with -initrd (the BIOS image
# carries it after the kernel, the UEFI run's ESP as `initrd`). It is made from
# a copy whose times are SOURCE_DATE_EPOCH, owned by root and numbered by cpio's
# --reproducible, so it depends only on names, contents and modes; rebuilt when the
# stamp (as disk.stamp) changes.
$(O)/initrd.stamp: FORCE
	$(Q)mkdir -p $(dir $@)
	$(Q){ echo '$(SOURCE_DATE_EPOCH) $(app-initrd)'; find '$(app-initrd)' \
		-printf '%P %s %m %T@ %y %l\n' 2>/dev/null | LC_ALL=C sort; } > $@.tmp
	$(Q)cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
$(O)/initrd.cpio: $(O)/initrd.stamp
	$(quiet) CPIO $@
	$(Q)rm -rf $@.d && cp -a '$(app-initrd)/.' $@.d && \
		find $@.d -exec touch -h -d @$(or $(SOURCE_DATE_EPOCH),0) {} + && \
		(cd $@.d && find . | LC_ALL=C sort | \
		 cpio -o -H newc --quiet --reproducible -R 0:0) > $@.tmp && \
		rm -rf $@.d && mv $@.tmp $@
artefacts-y += $(initrd-cpio)

disk: $(if $(disk-fs),$(O)/disk.img)
	$(if $(disk-fs),,$(error make disk: no disk image configured: pick ext2 or FAT16 under \
		"Build and debug" > "Disk image" (CONFIG_DISK_IMAGE_EXT2, CONFIG_DISK_IMAGE_FAT16)))

all: $(artefacts-y)

# The GRUB ISO is built on request (make iso), as it needs grub-mkrescue.
iso: $(O)/toro-grub.iso

-include $(kernel-objs:.o=.d)

# --- running, testing, measuring -------------------------------------------------
deps:
	@:

run: all
	$(Q)$(PYTHON) scripts/qemu-run --build $(O)

debug: all
	$(Q)$(PYTHON) scripts/gdb-debug --build $(O)

size: all
	$(Q)$(PYTHON) scripts/size.py $(O)

check-unit:
	$(Q)$(MAKE) -f tests/unit/unit.mk BUILD=$(abspath $(O))/unit

check-boot:
	$(Q)$(PYTHON) -m pytest -n 2 -q tests/boot

check-config:
	$(Q)$(PYTHON) -m pytest -n 2 -q tests/config

test:
	$(Q)scripts/run-tests.sh

# BENCH=storage runs only that part of the bench (bench/bench.py --only).
bench:
	$(Q)$(PYTHON) bench/bench.py $(if $(BENCH),--only $(BENCH))

clean:
	$(Q)rm -rf $(O)/arch $(O)/kernel $(O)/lib $(O)/drivers $(O)/apps $(O)/extapp \
		$(O)/toro.* $(O)/.tmp_toro.elf $(O)/toro-grub.iso $(O)/esp.img $(O)/unit \
		$(O)/disk.img $(O)/disk.stamp $(O)/initrd.cpio $(O)/initrd.stamp

distclean:
	$(Q)rm -rf $(O)

help:
	@echo 'Configuration:'
	@echo '  menuconfig        edit $$(O)/.config in a text UI'
	@echo '  defconfig         the default configuration ($(DEFAULT_DEFCONFIG))'
	@echo '  <name>_defconfig  a configuration from configs/; add <frag>.config to merge fragments'
	@echo '  olddefconfig      update .config to the current Kconfig, new options at their defaults'
	@echo '  savedefconfig     write a minimal $$(O)/defconfig to share'
	@echo '  randconfig        a random valid configuration (SEED=n)'
	@echo 'Build and run:'
	@echo '  all (default)     build $$(O)/toro.elf and the boot artefact of the chosen path'
	@echo '  iso               $$(O)/toro-grub.iso: GRUB boots the Multiboot image with CMDLINE='
	@echo '                    baked into its grub.cfg; boot it with `make iso run ISO=1`'
	@echo '  run               boot in QEMU (CMDLINE=, SMP=, MEM=, ACCEL=kvm|tcg, QEMU_ARGS=,'
	@echo '                    DISK=image to attach instead of $$(O)/disk.img, SHARE=host dir (vvfat),'
	@echo '                    INITRD=archive.cpio for -initrd: PVH and Multiboot builds)'
	@echo '  disk              $$(O)/disk.img: the app'"'"'s files/ as ext2 or FAT16 (CONFIG_DISK_IMAGE)'
	@echo '  debug             boot halted under gdb, breakpoint at kmain'
	@echo '  size              text/data/bss and artefact sizes'
	@echo 'Tests and benchmarks:'
	@echo '  test              the whole suite: unit, boot and config tests'
	@echo '  check-unit, check-boot, check-config   one layer of it'
	@echo '  bench             boot time, size, kbench (scheduler, heap) and disk MB/s against floor stubs'
	@echo '                    and Linux; BENCH=storage: only disk MB/s (build/bench/storage.md)'
	@echo 'Cleaning:'
	@echo '  clean             remove build products, keep .config'
	@echo '  distclean         remove $$(O) entirely'
	@echo 'Variables: O=dir (out-of-tree build, default build), APP_DIR=path, V=1'
	@echo
	@echo 'Defconfigs:'
	@for f in configs/*_defconfig; do \
		printf '  %-24s %s\n' "$$(basename $$f)" "$$(sed -n '1s/^# *//p' $$f)"; done

FORCE:
.PHONY: all iso disk run debug size test bench clean distclean help deps check-unit \
	check-boot check-config menuconfig defconfig olddefconfig savedefconfig randconfig \
	alldefconfig listnewconfig FORCE

endif # mixed
