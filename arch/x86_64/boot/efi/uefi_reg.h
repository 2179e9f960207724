/* SPDX-License-Identifier: MIT */
/*
 * uefi_reg.h - the few UEFI 2.10 definitions Toro's EFI stub uses.
 *
 * Only the members the stub calls are typed; the others are kept as opaque
 * pointers so every offset matches the spec's table layout. All firmware
 * entry points use the Microsoft x64 calling convention (UEFI 2.10 §2.3.4.2),
 * hence EFIAPI on every function pointer.
 */
#ifndef UEFI_REG_H
#define UEFI_REG_H

#include <stdint.h>

#define EFIAPI __attribute__((ms_abi))

typedef uint64_t efi_status;
typedef void *efi_handle;
typedef uint16_t efi_char16;

/* UEFI 2.10 Appendix D: error codes have the high bit set. */
#define EFI_ERROR_BIT (1ULL << 63)
#define EFI_SUCCESS 0
#define EFI_LOAD_ERROR (EFI_ERROR_BIT | 1)
#define EFI_INVALID_PARAMETER (EFI_ERROR_BIT | 2)
#define EFI_UNSUPPORTED (EFI_ERROR_BIT | 3)
#define EFI_BUFFER_TOO_SMALL (EFI_ERROR_BIT | 5)
#define EFI_NOT_FOUND (EFI_ERROR_BIT | 14)
#define EFI_ERROR(s) (((s) & EFI_ERROR_BIT) != 0)

/* UEFI 2.10 §2.3.1: EFI_GUID, 128 bits, 64-bit aligned. */
struct efi_guid {
	uint32_t data1;
	uint16_t data2;
	uint16_t data3;
	uint8_t data4[8];
};

/* UEFI 2.10 §4.2: EFI_TABLE_HEADER. */
struct efi_table_header {
	uint64_t signature;
	uint32_t revision;
	uint32_t header_size;
	uint32_t crc32;
	uint32_t reserved;
};

/* UEFI 2.10 §12.4.1: EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL (OutputString only). */
struct efi_simple_text_output {
	void *reset;
	efi_status(EFIAPI *output_string)(struct efi_simple_text_output *self,
					  const efi_char16 *string);
	void *rest[8];
};

/* UEFI 2.10 §4.6: EFI_CONFIGURATION_TABLE. */
struct efi_configuration_table {
	struct efi_guid vendor_guid;
	void *vendor_table;
};

/* UEFI 2.10 §4.6.1.1: ACPI 2.0+ and ACPI 1.0 RSDP table GUIDs. */
#define EFI_ACPI_20_TABLE_GUID                                                                     \
	{ 0x8868e871, 0xe4f1, 0x11d3, { 0xbc, 0x22, 0x00, 0x80, 0xc7, 0x3c, 0x88, 0x81 } }
#define EFI_ACPI_10_TABLE_GUID                                                                     \
	{ 0xeb9d2d30, 0x2d88, 0x11d3, { 0x9a, 0x16, 0x00, 0x90, 0x27, 0x3f, 0xc1, 0x4d } }

/* UEFI 2.10 §4.3: EFI_SYSTEM_TABLE. */
struct efi_system_table {
	struct efi_table_header hdr;
	efi_char16 *firmware_vendor;
	uint32_t firmware_revision;
	efi_handle console_in_handle;
	void *con_in;
	efi_handle console_out_handle;
	struct efi_simple_text_output *con_out;
	efi_handle standard_error_handle;
	struct efi_simple_text_output *std_err;
	void *runtime_services;
	struct efi_boot_services *boot_services;
	uint64_t number_of_table_entries;
	struct efi_configuration_table *configuration_table;
};

/* UEFI 2.10 §7.2.1: EFI_ALLOCATE_TYPE. */
enum efi_allocate_type {
	EFI_ALLOCATE_ANY_PAGES,
	EFI_ALLOCATE_MAX_ADDRESS,
	EFI_ALLOCATE_ADDRESS,
};

/* UEFI 2.10 §7.2.1: EFI_MEMORY_TYPE. */
enum efi_memory_type {
	EFI_RESERVED_MEMORY_TYPE,
	EFI_LOADER_CODE,
	EFI_LOADER_DATA,
	EFI_BOOT_SERVICES_CODE,
	EFI_BOOT_SERVICES_DATA,
	EFI_RUNTIME_SERVICES_CODE,
	EFI_RUNTIME_SERVICES_DATA,
	EFI_CONVENTIONAL_MEMORY,
	EFI_UNUSABLE_MEMORY,
	EFI_ACPI_RECLAIM_MEMORY,
	EFI_ACPI_MEMORY_NVS,
	EFI_MEMORY_MAPPED_IO,
	EFI_MEMORY_MAPPED_IO_PORT_SPACE,
	EFI_PAL_CODE,
	EFI_PERSISTENT_MEMORY,
	EFI_UNACCEPTED_MEMORY_TYPE,
};

/*
 * UEFI 2.10 §7.2.3: EFI_MEMORY_DESCRIPTOR. The firmware's descriptor_size may
 * be larger than this struct: step through the map by that size, never by
 * sizeof.
 */
struct efi_memory_descriptor {
	uint32_t type;
	uint32_t pad;
	uint64_t physical_start;
	uint64_t virtual_start;
	uint64_t number_of_pages;
	uint64_t attribute;
};

/* UEFI 2.10 §7.2.1: pages are 4 KiB. */
#define EFI_PAGE_SHIFT 12
#define EFI_PAGE_SIZE (1ULL << EFI_PAGE_SHIFT)

/* UEFI 2.10 §4.4: EFI_BOOT_SERVICES, in table order. */
struct efi_boot_services {
	struct efi_table_header hdr;
	void *raise_tpl;
	void *restore_tpl;
	efi_status(EFIAPI *allocate_pages)(enum efi_allocate_type type,
					   enum efi_memory_type memory_type, uint64_t pages,
					   uint64_t *memory);
	efi_status(EFIAPI *free_pages)(uint64_t memory, uint64_t pages);
	efi_status(EFIAPI *get_memory_map)(uint64_t *map_size, struct efi_memory_descriptor *map,
					   uint64_t *map_key, uint64_t *descriptor_size,
					   uint32_t *descriptor_version);
	efi_status(EFIAPI *allocate_pool)(enum efi_memory_type pool_type, uint64_t size,
					  void **buffer);
	efi_status(EFIAPI *free_pool)(void *buffer);
	void *create_event;
	void *set_timer;
	void *wait_for_event;
	void *signal_event;
	void *close_event;
	void *check_event;
	void *install_protocol_interface;
	void *reinstall_protocol_interface;
	void *uninstall_protocol_interface;
	efi_status(EFIAPI *handle_protocol)(efi_handle handle, const struct efi_guid *protocol,
					    void **interface);
	void *reserved;
	void *register_protocol_notify;
	void *locate_handle;
	void *locate_device_path;
	void *install_configuration_table;
	void *load_image;
	void *start_image;
	void *exit;
	void *unload_image;
	efi_status(EFIAPI *exit_boot_services)(efi_handle image_handle, uint64_t map_key);
	void *rest[15];
};

/* UEFI 2.10 §9.1.1: EFI_LOADED_IMAGE_PROTOCOL. */
#define EFI_LOADED_IMAGE_PROTOCOL_GUID                                                             \
	{ 0x5b1b31a1, 0x9562, 0x11d2, { 0x8e, 0x3f, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b } }

struct efi_loaded_image {
	uint32_t revision;
	efi_handle parent_handle;
	struct efi_system_table *system_table;
	efi_handle device_handle;
	void *file_path;
	void *reserved;
	uint32_t load_options_size;	/* bytes */
	void *load_options;
	void *image_base;
	uint64_t image_size;
	uint32_t image_code_type;
	uint32_t image_data_type;
	void *unload;
};

/* UEFI 2.10 §13.4.1: EFI_SIMPLE_FILE_SYSTEM_PROTOCOL. */
#define EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID                                                       \
	{ 0x964e5b22, 0x6459, 0x11d2, { 0x8e, 0x39, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b } }

struct efi_file;

struct efi_simple_file_system {
	uint64_t revision;
	efi_status(EFIAPI *open_volume)(struct efi_simple_file_system *self,
					struct efi_file **root);
};

/* UEFI 2.10 §13.5.1: EFI_FILE_PROTOCOL (Open, Close, Read, GetPosition, SetPosition). */
#define EFI_FILE_MODE_READ 0x0000000000000001ULL

struct efi_file {
	uint64_t revision;
	efi_status(EFIAPI *open)(struct efi_file *self, struct efi_file **new_handle,
				 const efi_char16 *file_name, uint64_t open_mode,
				 uint64_t attributes);
	efi_status(EFIAPI *close)(struct efi_file *self);
	void *delete;
	efi_status(EFIAPI *read)(struct efi_file *self, uint64_t *buffer_size, void *buffer);
	void *write;
	efi_status(EFIAPI *get_position)(struct efi_file *self, uint64_t *position);
	/* §13.5.11: position 0xFFFFFFFFFFFFFFFF moves to the end of the file. */
	efi_status(EFIAPI *set_position)(struct efi_file *self, uint64_t position);
	void *rest[3];
};
#define EFI_FILE_POSITION_END 0xFFFFFFFFFFFFFFFFULL

#endif
