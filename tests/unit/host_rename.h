/* SPDX-License-Identifier: MIT */
/*
 * host_rename.h - give the Toro C library toro_ names on the host.
 *
 * Host unit tests link lib/ sources into a program that also uses glibc, which is
 * often the oracle the tests compare against. unit.mk force-includes this file
 * (-include) into every source under test, so lib/string.c defines toro_memcpy()
 * rather than a second memcpy() that would silently replace glibc's. A test includes
 * it around the Toro headers and a second time with TORO_HOST_RENAME_UNDO defined, so
 * plain names mean glibc again:
 *
 *	#include <string.h>
 *	#include "host_rename.h"
 *	#include <toro/string.h>	// declares toro_memcpy() ...
 *	#define TORO_HOST_RENAME_UNDO
 *	#include "host_rename.h"	// memcpy is glibc's again
 *
 * Every public function of include/toro/ must be listed in both halves; unit.mk fails
 * the build if a host-built lib/ object defines a global symbol without the prefix.
 * Include harness.h before this file, so the harness itself keeps using glibc.
 * No include guard: it is included twice on purpose.
 */
#ifndef TORO_HOST_RENAME_UNDO

/* glibc defines some of these as macros (isalpha ...): drop them before renaming. */
#undef memcpy
#define memcpy toro_memcpy
#undef memmove
#define memmove toro_memmove
#undef memset
#define memset toro_memset
#undef memcmp
#define memcmp toro_memcmp
#undef memchr
#define memchr toro_memchr
#undef strlen
#define strlen toro_strlen
#undef strnlen
#define strnlen toro_strnlen
#undef strcmp
#define strcmp toro_strcmp
#undef strncmp
#define strncmp toro_strncmp
#undef strcpy
#define strcpy toro_strcpy
#undef strncpy
#define strncpy toro_strncpy
#undef strlcpy
#define strlcpy toro_strlcpy
#undef strcat
#define strcat toro_strcat
#undef strncat
#define strncat toro_strncat
#undef strchr
#define strchr toro_strchr
#undef strrchr
#define strrchr toro_strrchr
#undef strstr
#define strstr toro_strstr
#undef strspn
#define strspn toro_strspn
#undef strcspn
#define strcspn toro_strcspn
#undef strtok_r
#define strtok_r toro_strtok_r
#undef strcasecmp
#define strcasecmp toro_strcasecmp
#undef strncasecmp
#define strncasecmp toro_strncasecmp

#undef isalnum
#define isalnum toro_isalnum
#undef isalpha
#define isalpha toro_isalpha
#undef isdigit
#define isdigit toro_isdigit
#undef isxdigit
#define isxdigit toro_isxdigit
#undef isspace
#define isspace toro_isspace
#undef isupper
#define isupper toro_isupper
#undef islower
#define islower toro_islower
#undef isprint
#define isprint toro_isprint
#undef ispunct
#define ispunct toro_ispunct
#undef iscntrl
#define iscntrl toro_iscntrl
#undef isgraph
#define isgraph toro_isgraph
#undef toupper
#define toupper toro_toupper
#undef tolower
#define tolower toro_tolower

#undef strtol
#define strtol toro_strtol
#undef strtoll
#define strtoll toro_strtoll
#undef strtoul
#define strtoul toro_strtoul
#undef strtoull
#define strtoull toro_strtoull
#undef atoi
#define atoi toro_atoi
#undef atol
#define atol toro_atol
#undef atoll
#define atoll toro_atoll
#undef abs
#define abs toro_abs
#undef labs
#define labs toro_labs
#undef llabs
#define llabs toro_llabs

#undef vformat
#define vformat toro_vformat
#undef vsnprintf
#define vsnprintf toro_vsnprintf
#undef snprintf
#define snprintf toro_snprintf
#undef vprintf
#define vprintf toro_vprintf
#undef printf
#define printf toro_printf
#undef puts
#define puts toro_puts
#undef putchar
#define putchar toro_putchar

#undef malloc
#define malloc toro_malloc
#undef free
#define free toro_free
#undef calloc
#define calloc toro_calloc
#undef realloc
#define realloc toro_realloc
#undef aligned_alloc
#define aligned_alloc toro_aligned_alloc
#undef mem_stats
#define mem_stats toro_mem_stats

#undef strerror
#define strerror toro_strerror

#define sha256_init toro_sha256_init
#define sha256_update toro_sha256_update
#define sha256_final toro_sha256_final
#define sha256 toro_sha256

#else /* TORO_HOST_RENAME_UNDO */

#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef memchr
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strcpy
#undef strncpy
#undef strlcpy
#undef strcat
#undef strncat
#undef strchr
#undef strrchr
#undef strstr
#undef strspn
#undef strcspn
#undef strtok_r
#undef strcasecmp
#undef strncasecmp

#undef isalnum
#undef isalpha
#undef isdigit
#undef isxdigit
#undef isspace
#undef isupper
#undef islower
#undef isprint
#undef ispunct
#undef iscntrl
#undef isgraph
#undef toupper
#undef tolower

#undef strtol
#undef strtoll
#undef strtoul
#undef strtoull
#undef atoi
#undef atol
#undef atoll
#undef abs
#undef labs
#undef llabs

#undef vformat
#undef vsnprintf
#undef snprintf
#undef vprintf
#undef printf
#undef puts
#undef putchar

#undef malloc
#undef free
#undef calloc
#undef realloc
#undef aligned_alloc
#undef mem_stats

#undef strerror

#undef sha256_init
#undef sha256_update
#undef sha256_final
#undef sha256

#undef TORO_HOST_RENAME_UNDO

#endif /* TORO_HOST_RENAME_UNDO */
