/* SPDX-License-Identifier: MIT */
/*
 * stub.c - Toro's EFI application (toro.efi, EFI/BOOT/BOOTX64.EFI on the ESP).
 *
 * The kernel's flat image (toro.bin, linked at 1 MiB) is embedded in this
 * application (blob.S). efi_main():
 *   1. checks the embedded image's header (uefi_handoff.h),
 *   2. allocates [1 MiB, __kernel_end) with AllocatePages(AllocateAddress)
 *      and copies the image there (zeroing .bss and the page-table area),
 *   3. fills the hand-off block: RSDP, command line, and the ESP's \initrd file
 *      read into loader-data pages below 4 GiB (Documentation/initrd.md),
 *   4. builds identity page tables for the first EARLY_MAP_GIB GiB in the
 *      kernel's .pgtable area (the firmware's own tables live in boot-services
 *      memory, which the kernel will reuse),
 *   5. ExitBootServices (retrying on a stale map key), converts the final
 *      memory map to E820 types, and jumps to the image's first byte.
 * Until step 5 messages go through the firmware's ConOut (OVMF routes it to
 * the serial port); afterwards the kernel's 16550 console takes over. Any
 * failure before step 5 prints why and returns an error status to the
 * firmware, which goes on to its next boot option.
 *
 * Built position-independent with hidden visibility, so every address is
 * RIP-relative and the PE needs no base relocations: the firmware may load
 * it anywhere. Nothing here may hold a pointer in initialised data.
 */
#pragma GCC visibility push(hidden)

#include <stddef.h>
#include <stdint.h>
#include <kernel/boot_info.h>
#include <asm/boot.h>
#include <asm/layout.h>
#include "uefi_reg.h"
#include "../uefi_handoff.h"

#define PAGE_4K 4096ULL
#define PAGE_2M (2ULL << 20)
#define GIB (1ULL << 30)
#define PT_ENTRIES 512
/* Beyond this the header is not one our build wrote. */
#define KERNEL_MAX_SPAN (256ULL << 20)
/* Room for descriptors the map gains between sizing it and ExitBootServices. */
#define MEMMAP_SLACK 16
#define EXIT_TRIES 4
#define ASCII_FIRST 0x20
#define ASCII_LAST 0x7e
#define HEX_DIGITS 16
#define NIBBLE_MASK 0xf

extern const uint8_t toro_kernel_blob[], toro_kernel_blob_end[];

static struct efi_system_table *st;

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);

/* gcc may emit calls to these two for copies and clears: there is no libc. */
void *memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	while (n--) {
		*d++ = *s++;
	}
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	uint8_t *d = dst;

	while (n--) {
		*d++ = (uint8_t)c;
	}
	return dst;
}

/* ASCII to ConOut, "\n" as CRLF (UEFI 2.10 §12.4.3 OutputString takes UCS-2). */
static void con_puts(const char *s)
{
	efi_char16 buf[128];
	unsigned int n = 0;

	for (; *s; s++) {
		if (n + 3 >= sizeof(buf) / sizeof(buf[0])) {
			buf[n] = 0;
			st->con_out->output_string(st->con_out, buf);
			n = 0;
		}
		if (*s == '\n') {
			buf[n++] = '\r';
		}
		buf[n++] = (efi_char16)*s;
	}
	buf[n] = 0;
	st->con_out->output_string(st->con_out, buf);
}

static void con_puthex(uint64_t v)
{
	char buf[2 + HEX_DIGITS + 1] = "0x";
	int i;

	for (i = 0; i < HEX_DIGITS; i++) {
		buf[2 + i] = "0123456789abcdef"[(v >> (4 * (HEX_DIGITS - 1 - i))) & NIBBLE_MASK];
	}
	buf[2 + HEX_DIGITS] = '\0';
	con_puts(buf);
}

static efi_status fail(const char *what, efi_status status)
{
	con_puts("toro-efi: ");
	con_puts(what);
	con_puts(" (status ");
	con_puthex(status);
	con_puts(")\n");
	return EFI_ERROR(status) ? status : EFI_LOAD_ERROR;
}

static int guid_equal(const struct efi_guid *a, const struct efi_guid *b)
{
	const uint8_t *x = (const void *)a, *y = (const void *)b;

	for (size_t i = 0; i < sizeof(*a); i++) {
		if (x[i] != y[i]) {
			return 0;
		}
	}
	return 1;
}

/* UEFI 2.10 §4.6.1.1: the ACPI 2.0 RSDP if listed, else the 1.0 one, else 0. */
static uint64_t find_rsdp(void)
{
	static const struct efi_guid acpi20 = EFI_ACPI_20_TABLE_GUID;
	static const struct efi_guid acpi10 = EFI_ACPI_10_TABLE_GUID;
	uint64_t rsdp1 = 0;

	for (uint64_t i = 0; i < st->number_of_table_entries; i++) {
		const struct efi_configuration_table *t = &st->configuration_table[i];

		if (guid_equal(&t->vendor_guid, &acpi20)) {
			return (uint64_t)(uintptr_t)t->vendor_table;
		}
		if (guid_equal(&t->vendor_guid, &acpi10)) {
			rsdp1 = (uint64_t)(uintptr_t)t->vendor_table;
		}
	}
	return rsdp1;
}

static int is_text(unsigned int c)
{
	return c >= ASCII_FIRST && c <= ASCII_LAST;
}

/* The first @len characters of @s end in ".efi", in any case: a program's path. */
static int ends_in_efi(const efi_char16 *s, unsigned int len)
{
	static const char suffix[] = ".efi";
	unsigned int n = sizeof(suffix) - 1;

	if (len < n) {
		return 0;
	}
	for (unsigned int i = 0; i < n; i++) {
		unsigned int c = s[len - n + i];

		if (c >= 'A' && c <= 'Z') {
			c += 'a' - 'A';
		}
		if (c != (unsigned int)suffix[i]) {
			return 0;
		}
	}
	return 1;
}

/*
 * Load options as a command line: UCS-2 text (UEFI 2.10 §9.1.1). Boot
 * managers may pass binary data instead (OVMF's own boot options do): any
 * character outside printable ASCII means "no command line". The UEFI shell
 * passes the program's own path first: a first word ending in ".efi" is
 * dropped. Returns the length copied.
 */
static unsigned int cmdline_from_options(const struct efi_loaded_image *li, char *out)
{
	const efi_char16 *s = li->load_options;
	unsigned int n = li->load_options_size / sizeof(efi_char16), len = 0, i = 0;

	if (!s || (li->load_options_size % sizeof(efi_char16))) {
		return 0;
	}
	while (n > 0 && s[n - 1] == 0) {
		n--;
	}
	for (i = 0; i < n; i++) {
		if (!is_text(s[i])) {
			return 0;
		}
	}
	for (i = 0; i < n && s[i] != ' '; i++) {
		;
	}
	if (!ends_in_efi(s, i)) {
		i = 0;
	}
	while (i < n && s[i] == ' ') {
		i++;
	}
	for (; i < n && len + 1 < UEFI_CMDLINE_MAX; i++) {
		out[len++] = (char)s[i];
	}
	out[len] = '\0';
	return len;
}

/*
 * The ESP's \cmdline file (UEFI 2.10 §13.4, §13.5): ASCII, one line; a
 * trailing newline and anything after the first non-text byte are ignored.
 */
static void cmdline_from_esp(const struct efi_loaded_image *li, char *out)
{
	static const struct efi_guid sfs_guid = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;
	static const efi_char16 name[] = u"\\cmdline";
	struct efi_simple_file_system *sfs;
	struct efi_file *root, *file;
	uint64_t size = UEFI_CMDLINE_MAX - 1, i;

	out[0] = '\0';
	if (EFI_ERROR(st->boot_services->handle_protocol(li->device_handle, &sfs_guid,
							 (void **)&sfs))) {
		return;
	}
	if (EFI_ERROR(sfs->open_volume(sfs, &root))) {
		return;
	}
	if (!EFI_ERROR(root->open(root, &file, name, EFI_FILE_MODE_READ, 0))) {
		if (EFI_ERROR(file->read(file, &size, out))) {
			size = 0;
		}
		file->close(file);
		for (i = 0; i < size && is_text((uint8_t)out[i]); i++) {
			;
		}
		out[i] = '\0';
	}
	root->close(root);
}

/* An open file's size: seek to its end and ask where that is (UEFI 2.10 §13.5.10-11). */
static efi_status file_size(struct efi_file *file, uint64_t *size)
{
	efi_status s = file->set_position(file, EFI_FILE_POSITION_END);

	if (!EFI_ERROR(s)) {
		s = file->get_position(file, size);
	}
	if (!EFI_ERROR(s)) {
		s = file->set_position(file, 0);
	}
	return s;
}

/* The ESP's \initrd, if any, into pages below 4 GiB; a failure is said and skipped. */
static void initrd_from_esp(const struct efi_loaded_image *li, struct uefi_handoff *ho)
{
	static const struct efi_guid sfs_guid = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;
	static const efi_char16 name[] = u"\\initrd";
	struct efi_simple_file_system *sfs;
	struct efi_file *root, *file;
	uint64_t size = 0, read, addr = 4 * GIB - 1; /* AllocateMaxAddress: below 4 GiB */
	efi_status s;

	ho->initrd_base = 0;
	ho->initrd_size = 0;
	if (EFI_ERROR(st->boot_services->handle_protocol(li->device_handle, &sfs_guid,
							 (void **)&sfs)) ||
	    EFI_ERROR(sfs->open_volume(sfs, &root))) {
		return;
	}
	if (EFI_ERROR(root->open(root, &file, name, EFI_FILE_MODE_READ, 0))) {
		root->close(root); /* no initrd: nothing to say */
		return;
	}
	s = file_size(file, &size);
	if (!EFI_ERROR(s) && size) {
		s = st->boot_services->allocate_pages(EFI_ALLOCATE_MAX_ADDRESS, EFI_LOADER_DATA,
						      (size + PAGE_4K - 1) / PAGE_4K, &addr);
	}
	read = size;
	if (!EFI_ERROR(s) && size) {
		s = file->read(file, &read, (void *)(uintptr_t)addr);
	}
	if (EFI_ERROR(s) || read != size) {
		fail("cannot load \\initrd from the ESP; booting without it", s);
	} else if (size) {
		ho->initrd_base = addr;
		ho->initrd_size = size;
	}
	file->close(file);
	root->close(root);
}

static const struct uefi_kernel_header *check_kernel(void)
{
	const struct uefi_kernel_header *h = (const void *)toro_kernel_blob;
	uint64_t file_end = KERNEL_LOAD_ADDR + (uint64_t)(toro_kernel_blob_end - toro_kernel_blob);

	if (toro_kernel_blob_end - toro_kernel_blob < (long)sizeof(*h) ||
	    h->magic != UEFI_KERNEL_MAGIC) {
		return NULL;
	}
	if (h->kernel_end < file_end || h->kernel_end - KERNEL_LOAD_ADDR > KERNEL_MAX_SPAN) {
		return NULL;
	}
	/* Page tables, hand-off block and stack: past the file bytes, before the end. */
	if (h->pml4 < file_end || h->pml4 % PAGE_4K ||
	    h->pml4 + (2 + EARLY_MAP_GIB) * PAGE_4K > h->kernel_end || h->handoff < file_end ||
	    h->handoff + sizeof(struct uefi_handoff) > h->kernel_end || h->stack_top <= file_end ||
	    h->stack_top > h->kernel_end) {
		return NULL;
	}
	return h;
}

/* Intel SDM vol. 3 §4.5: PML4 -> PDPT -> one PD per GiB of 2 MiB pages. */
static void build_page_tables(uint64_t pml4_addr)
{
	uint64_t *pml4 = (uint64_t *)(uintptr_t)pml4_addr;
	uint64_t *pdpt = pml4 + PT_ENTRIES;
	uint64_t *pd = pdpt + PT_ENTRIES;
	uint64_t i;

	memset(pml4, 0, (2 + EARLY_MAP_GIB) * PAGE_4K);
	pml4[0] = (uint64_t)(uintptr_t)pdpt | PTE_PRESENT | PTE_WRITE;
	for (i = 0; i < EARLY_MAP_GIB; i++) {
		pdpt[i] = (uint64_t)(uintptr_t)(pd + i * PT_ENTRIES) | PTE_PRESENT | PTE_WRITE;
	}
	for (i = 0; i < EARLY_MAP_GIB * (GIB / PAGE_2M); i++) {
		pd[i] = i * PAGE_2M | PTE_PRESENT | PTE_WRITE | PTE_LARGE;
	}
}

/* UEFI 2.10 §7.2.3 types to E820's, as the kernel's map expects them. */
static uint32_t e820_type(uint32_t efi_type)
{
	switch (efi_type) {
	case EFI_LOADER_CODE:
	case EFI_LOADER_DATA:
	case EFI_BOOT_SERVICES_CODE:
	case EFI_BOOT_SERVICES_DATA:
	case EFI_CONVENTIONAL_MEMORY:
		/* Free once boot services are gone; the kernel excludes its own image. */
		return BOOT_MEM_USABLE;
	case EFI_ACPI_RECLAIM_MEMORY:
		return BOOT_MEM_ACPI_RECLAIM;
	case EFI_ACPI_MEMORY_NVS:
		return BOOT_MEM_ACPI_NVS;
	case EFI_UNUSABLE_MEMORY:
		return BOOT_MEM_BAD;
	default:
		/* Runtime services, MMIO, reserved, persistent, unaccepted: not ours. */
		return BOOT_MEM_RESERVED;
	}
}

/* Called after ExitBootServices: no firmware calls, and no output, from here on. */
static void convert_memory_map(struct uefi_handoff *ho, const uint8_t *map, uint64_t size,
			       uint64_t desc_size)
{
	unsigned int n = 0;

	for (uint64_t off = 0; off + desc_size <= size; off += desc_size) {
		const struct efi_memory_descriptor *d = (const void *)(map + off);
		uint64_t len = d->number_of_pages << EFI_PAGE_SHIFT;
		uint32_t type = e820_type(d->type);
		struct uefi_mem_entry *prev = n ? &ho->mem[n - 1] : NULL;

		if (prev && prev->type == type && prev->base + prev->size == d->physical_start) {
			prev->size += len;
			continue;
		}
		/* A full table drops the rest: the kernel boots with less memory. */
		if (n == UEFI_MEM_MAX) {
			break;
		}
		ho->mem[n].base = d->physical_start;
		ho->mem[n].size = len;
		ho->mem[n].type = type;
		ho->mem[n].pad = 0;
		n++;
	}
	ho->mem_count = n;
}

/*
 * UEFI 2.10 §7.4.6: ExitBootServices fails with EFI_INVALID_PARAMETER when
 * the map key is stale; then only GetMemoryMap and ExitBootServices may be
 * called again, so the buffer is allocated once, with room to spare.
 */
static efi_status exit_boot_services(efi_handle image, struct uefi_handoff *ho)
{
	struct efi_boot_services *bs = st->boot_services;
	uint64_t size = 0, key, desc_size, cap;
	uint32_t desc_version;
	void *map = NULL;
	efi_status s;

	s = bs->get_memory_map(&size, NULL, &key, &desc_size, &desc_version);
	if (s != EFI_BUFFER_TOO_SMALL) {
		return fail("GetMemoryMap failed", s);
	}
	cap = size + MEMMAP_SLACK * desc_size;
	s = bs->allocate_pool(EFI_LOADER_DATA, cap, &map);
	if (EFI_ERROR(s)) {
		return fail("cannot allocate the memory map buffer", s);
	}
	for (int tries = 0; tries < EXIT_TRIES; tries++) {
		size = cap;
		s = bs->get_memory_map(&size, map, &key, &desc_size, &desc_version);
		if (EFI_ERROR(s)) {
			break;
		}
		s = bs->exit_boot_services(image, key);
		if (!EFI_ERROR(s)) {
			convert_memory_map(ho, map, size, desc_size);
			return EFI_SUCCESS;
		}
		if (s != EFI_INVALID_PARAMETER) {
			break;
		}
	}
	/* Boot services may be half gone: ConOut is the only report left to try. */
	return fail("ExitBootServices failed", s);
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static efi_status load_kernel(const struct uefi_kernel_header *h)
{
	uint64_t addr = KERNEL_LOAD_ADDR;
	uint64_t file_size = (uint64_t)(toro_kernel_blob_end - toro_kernel_blob);
	uint64_t pages = (h->kernel_end - KERNEL_LOAD_ADDR + PAGE_4K - 1) / PAGE_4K;
	efi_status s;

	s = st->boot_services->allocate_pages(EFI_ALLOCATE_ADDRESS, EFI_LOADER_DATA, pages, &addr);
	if (EFI_ERROR(s)) {
		con_puts("toro-efi: the kernel's range ");
		con_puthex(KERNEL_LOAD_ADDR);
		con_puts("-");
		con_puthex(h->kernel_end);
		return fail("is not free memory", s);
	}
	memcpy((void *)(uintptr_t)KERNEL_LOAD_ADDR, toro_kernel_blob, file_size);
	memset((void *)(uintptr_t)(KERNEL_LOAD_ADDR + file_size), 0,
	       h->kernel_end - KERNEL_LOAD_ADDR - file_size);
	return EFI_SUCCESS;
}

static void enter_kernel(const struct uefi_kernel_header *h) __attribute__((noreturn));
static void enter_kernel(const struct uefi_kernel_header *h)
{
	/* uefi_entry.S loads %rdi into CR3: it runs at 1 MiB, mapped by both tables. */
	__asm__ volatile("cli\n\t"
			 "movq %0, %%rsp\n\t"
			 "jmp *%1"
			 :
			 : "r"(h->stack_top), "r"((uint64_t)KERNEL_LOAD_ADDR), "D"(h->pml4)
			 : "memory");
	__builtin_unreachable();
}

efi_status EFIAPI efi_main(efi_handle image, struct efi_system_table *system_table);
efi_status EFIAPI efi_main(efi_handle image, struct efi_system_table *system_table)
{
	static const struct efi_guid li_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;
	uint64_t tsc = rdtsc();
	const struct uefi_kernel_header *h;
	struct efi_loaded_image *li;
	struct uefi_handoff *ho;
	const char *source = "load options";
	efi_status s;

	st = system_table;
	h = check_kernel();
	if (!h) {
		return fail("the embedded kernel image is corrupt (bad header)", EFI_LOAD_ERROR);
	}
	s = st->boot_services->handle_protocol(image, &li_guid, (void **)&li);
	if (EFI_ERROR(s)) {
		return fail("no LoadedImage protocol", s);
	}
	s = load_kernel(h);
	if (EFI_ERROR(s)) {
		return s;
	}
	ho = (struct uefi_handoff *)(uintptr_t)h->handoff;
	ho->magic = UEFI_KERNEL_MAGIC;
	ho->version = UEFI_HANDOFF_VERSION;
	ho->tsc_entry = tsc;
	ho->rsdp = find_rsdp();
	if (!cmdline_from_options(li, ho->cmdline)) {
		source = "ESP \\cmdline";
		cmdline_from_esp(li, ho->cmdline);
	}
	initrd_from_esp(li, ho);
	con_puts("toro-efi: kernel at ");
	con_puthex(KERNEL_LOAD_ADDR);
	con_puts(", ACPI RSDP ");
	con_puthex(ho->rsdp);
	con_puts(", cmdline from ");
	con_puts(source);
	con_puts("\n");
	build_page_tables(h->pml4);

	s = exit_boot_services(image, ho);
	if (EFI_ERROR(s)) {
		return s;
	}
	enter_kernel(h);
}
