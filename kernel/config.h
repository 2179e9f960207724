/* SPDX-License-Identifier: MIT */
/*
 * config.h - force-included into every kernel and app object.
 *
 * Brings in the generated CONFIG_ macros and IS_ENABLED(), which lets code
 * test an option in a plain `if`, so both branches are always compiled.
 */
#ifndef TORO_CONFIG_H
#define TORO_CONFIG_H

#include <autoconf.h>

/*
 * IS_ENABLED(CONFIG_X) is 1 when CONFIG_X is defined to 1, else 0. A defined
 * option expands to "1", which pastes into __toro_is_one_1, a macro that
 * inserts an extra argument; the second argument picked is then 1.
 */
#define __toro_is_one_1 ignored,
#define __toro_second(a, b, ...) b
#define __toro_pick(list) __toro_second(list 1, 0, 0)
#define __toro_paste(x) __toro_pick(__toro_is_one_##x)
#define IS_ENABLED(option) __toro_paste(option)

#endif
