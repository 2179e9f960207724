/*
 * autoconf.h - the host unit tests' stand-in for $(O)/include/generated/autoconf.h.
 *
 * Kernel sources use IS_ENABLED(CONFIG_X) from kernel/config.h, which includes
 * <autoconf.h>. A test that builds such a source force-includes kernel/config.h
 * with -Itests/unit/include (its unit-cflags- line in unit.mk), and gets no
 * option at all from here: it turns on what it tests with -DCONFIG_X=1.
 */
