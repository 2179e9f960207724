/* SPDX-License-Identifier: MIT */
/*
 * vfs_rename.h - give the POSIX calls of <toro/fs.h> a vfs_host_ prefix on the host.
 *
 * fs/vfs/posix.c defines open(), read(), write(), stat() ...: linked as they are into a
 * host program they would replace glibc's. unit.mk force-includes this file into every
 * source of the VFS tests; it renames in sources under test (TORO_HOST_TEST) and in a
 * test that defines VFS_HOST_RENAME before including it again. Object-like macros, so
 * struct stat and struct statfs are renamed alike in every file that sees them.
 * No include guard: a test includes it a second time on purpose.
 */
#if defined(TORO_HOST_TEST) || defined(VFS_HOST_RENAME)
#define open vfs_host_open
#define close vfs_host_close
#define read vfs_host_read
#define write vfs_host_write
#define lseek vfs_host_lseek
#define stat vfs_host_stat
#define fstat vfs_host_fstat
#define truncate vfs_host_truncate
#define ftruncate vfs_host_ftruncate
#define fsync vfs_host_fsync
#define sync vfs_host_sync
#define mkdir vfs_host_mkdir
#define rmdir vfs_host_rmdir
#define unlink vfs_host_unlink
#define rename vfs_host_rename
#define chdir vfs_host_chdir
#define getcwd vfs_host_getcwd
#define opendir vfs_host_opendir
#define readdir vfs_host_readdir
#define closedir vfs_host_closedir
#define mount vfs_host_mount
#define umount vfs_host_umount
#define statfs vfs_host_statfs
#define mount_get vfs_host_mount_get
#define DIR VFS_HOST_DIR
#define dirent vfs_host_dirent
#endif
