/*
 * A native stand-in for <wasi/api.h>: the types, constants and functions of
 * WASI preview1 that the anymmap core uses, with the layouts and values of
 * Emscripten's header, so that the core (wasm/src/) compiles unchanged for the host
 * (wasm/native/anymmap_hosted.h says how). memfs.c implements the functions
 * over an in-memory file system.
 */
#ifndef ANYMMAP_NATIVE_WASI_API_H
#define ANYMMAP_NATIVE_WASI_API_H

#include <stddef.h>
#include <stdint.h>

#ifdef __wasm__
#error "wasm/native/wasi/api.h is for native builds; WebAssembly builds use the real <wasi/api.h>"
#endif

typedef size_t __wasi_size_t;
typedef uint64_t __wasi_filesize_t;
typedef uint64_t __wasi_timestamp_t;
typedef uint16_t __wasi_errno_t;
typedef uint64_t __wasi_rights_t;
typedef uint32_t __wasi_fd_t;
typedef uint64_t __wasi_inode_t;
typedef uint8_t __wasi_filetype_t;
typedef uint16_t __wasi_fdflags_t;
typedef uint64_t __wasi_device_t;
typedef uint64_t __wasi_linkcount_t;

#define __WASI_ERRNO_SUCCESS        (UINT16_C(0))
#define __WASI_ERRNO_2BIG           (UINT16_C(1))
#define __WASI_ERRNO_ACCES          (UINT16_C(2))
#define __WASI_ERRNO_ADDRINUSE      (UINT16_C(3))
#define __WASI_ERRNO_ADDRNOTAVAIL   (UINT16_C(4))
#define __WASI_ERRNO_AFNOSUPPORT    (UINT16_C(5))
#define __WASI_ERRNO_AGAIN          (UINT16_C(6))
#define __WASI_ERRNO_ALREADY        (UINT16_C(7))
#define __WASI_ERRNO_BADF           (UINT16_C(8))
#define __WASI_ERRNO_BADMSG         (UINT16_C(9))
#define __WASI_ERRNO_BUSY           (UINT16_C(10))
#define __WASI_ERRNO_CANCELED       (UINT16_C(11))
#define __WASI_ERRNO_CHILD          (UINT16_C(12))
#define __WASI_ERRNO_CONNABORTED    (UINT16_C(13))
#define __WASI_ERRNO_CONNREFUSED    (UINT16_C(14))
#define __WASI_ERRNO_CONNRESET      (UINT16_C(15))
#define __WASI_ERRNO_DEADLK         (UINT16_C(16))
#define __WASI_ERRNO_DESTADDRREQ    (UINT16_C(17))
#define __WASI_ERRNO_DOM            (UINT16_C(18))
#define __WASI_ERRNO_DQUOT          (UINT16_C(19))
#define __WASI_ERRNO_EXIST          (UINT16_C(20))
#define __WASI_ERRNO_FAULT          (UINT16_C(21))
#define __WASI_ERRNO_FBIG           (UINT16_C(22))
#define __WASI_ERRNO_HOSTUNREACH    (UINT16_C(23))
#define __WASI_ERRNO_IDRM           (UINT16_C(24))
#define __WASI_ERRNO_ILSEQ          (UINT16_C(25))
#define __WASI_ERRNO_INPROGRESS     (UINT16_C(26))
#define __WASI_ERRNO_INTR           (UINT16_C(27))
#define __WASI_ERRNO_INVAL          (UINT16_C(28))
#define __WASI_ERRNO_IO             (UINT16_C(29))
#define __WASI_ERRNO_ISCONN         (UINT16_C(30))
#define __WASI_ERRNO_ISDIR          (UINT16_C(31))
#define __WASI_ERRNO_LOOP           (UINT16_C(32))
#define __WASI_ERRNO_MFILE          (UINT16_C(33))
#define __WASI_ERRNO_MLINK          (UINT16_C(34))
#define __WASI_ERRNO_MSGSIZE        (UINT16_C(35))
#define __WASI_ERRNO_MULTIHOP       (UINT16_C(36))
#define __WASI_ERRNO_NAMETOOLONG    (UINT16_C(37))
#define __WASI_ERRNO_NETDOWN        (UINT16_C(38))
#define __WASI_ERRNO_NETRESET       (UINT16_C(39))
#define __WASI_ERRNO_NETUNREACH     (UINT16_C(40))
#define __WASI_ERRNO_NFILE          (UINT16_C(41))
#define __WASI_ERRNO_NOBUFS         (UINT16_C(42))
#define __WASI_ERRNO_NODEV          (UINT16_C(43))
#define __WASI_ERRNO_NOENT          (UINT16_C(44))
#define __WASI_ERRNO_NOEXEC         (UINT16_C(45))
#define __WASI_ERRNO_NOLCK          (UINT16_C(46))
#define __WASI_ERRNO_NOLINK         (UINT16_C(47))
#define __WASI_ERRNO_NOMEM          (UINT16_C(48))
#define __WASI_ERRNO_NOMSG          (UINT16_C(49))
#define __WASI_ERRNO_NOPROTOOPT     (UINT16_C(50))
#define __WASI_ERRNO_NOSPC          (UINT16_C(51))
#define __WASI_ERRNO_NOSYS          (UINT16_C(52))
#define __WASI_ERRNO_NOTCONN        (UINT16_C(53))
#define __WASI_ERRNO_NOTDIR         (UINT16_C(54))
#define __WASI_ERRNO_NOTEMPTY       (UINT16_C(55))
#define __WASI_ERRNO_NOTRECOVERABLE (UINT16_C(56))
#define __WASI_ERRNO_NOTSOCK        (UINT16_C(57))
#define __WASI_ERRNO_NOTSUP         (UINT16_C(58))
#define __WASI_ERRNO_NOTTY          (UINT16_C(59))
#define __WASI_ERRNO_NXIO           (UINT16_C(60))
#define __WASI_ERRNO_OVERFLOW       (UINT16_C(61))
#define __WASI_ERRNO_OWNERDEAD      (UINT16_C(62))
#define __WASI_ERRNO_PERM           (UINT16_C(63))
#define __WASI_ERRNO_PIPE           (UINT16_C(64))
#define __WASI_ERRNO_PROTO          (UINT16_C(65))
#define __WASI_ERRNO_PROTONOSUPPORT (UINT16_C(66))
#define __WASI_ERRNO_PROTOTYPE      (UINT16_C(67))
#define __WASI_ERRNO_RANGE          (UINT16_C(68))
#define __WASI_ERRNO_ROFS           (UINT16_C(69))
#define __WASI_ERRNO_SPIPE          (UINT16_C(70))
#define __WASI_ERRNO_SRCH           (UINT16_C(71))
#define __WASI_ERRNO_STALE          (UINT16_C(72))
#define __WASI_ERRNO_TIMEDOUT       (UINT16_C(73))
#define __WASI_ERRNO_TXTBSY         (UINT16_C(74))
#define __WASI_ERRNO_XDEV           (UINT16_C(75))
#define __WASI_ERRNO_NOTCAPABLE     (UINT16_C(76))

#define __WASI_RIGHTS_FD_DATASYNC          (UINT64_C(1))
#define __WASI_RIGHTS_FD_READ              (UINT64_C(2))
#define __WASI_RIGHTS_FD_SEEK              (UINT64_C(4))
#define __WASI_RIGHTS_FD_SYNC              (UINT64_C(16))
#define __WASI_RIGHTS_FD_WRITE             (UINT64_C(64))
#define __WASI_RIGHTS_FD_FILESTAT_GET      (UINT64_C(2097152))
#define __WASI_RIGHTS_FD_FILESTAT_SET_SIZE (UINT64_C(4194304))

#define __WASI_FILETYPE_UNKNOWN          (UINT8_C(0))
#define __WASI_FILETYPE_BLOCK_DEVICE     (UINT8_C(1))
#define __WASI_FILETYPE_CHARACTER_DEVICE (UINT8_C(2))
#define __WASI_FILETYPE_DIRECTORY        (UINT8_C(3))
#define __WASI_FILETYPE_REGULAR_FILE     (UINT8_C(4))

#define __WASI_FDFLAGS_APPEND (UINT16_C(1))

typedef struct __wasi_iovec_t {
  uint8_t *buf;
  __wasi_size_t buf_len;
} __wasi_iovec_t;

typedef struct __wasi_ciovec_t {
  const uint8_t *buf;
  __wasi_size_t buf_len;
} __wasi_ciovec_t;

typedef struct __wasi_fdstat_t {
  __wasi_filetype_t fs_filetype;
  __wasi_fdflags_t fs_flags;
  __wasi_rights_t fs_rights_base;
  __wasi_rights_t fs_rights_inheriting;
} __wasi_fdstat_t;

typedef struct __wasi_filestat_t {
  __wasi_device_t dev;
  __wasi_inode_t ino;
  __wasi_filetype_t filetype;
  __wasi_linkcount_t nlink;
  __wasi_filesize_t size;
  __wasi_timestamp_t atim;
  __wasi_timestamp_t mtim;
  __wasi_timestamp_t ctim;
} __wasi_filestat_t;

__wasi_errno_t __wasi_fd_pread(__wasi_fd_t fd, const __wasi_iovec_t *iovs, size_t iovs_len,
                               __wasi_filesize_t offset, __wasi_size_t *nread);
__wasi_errno_t __wasi_fd_pwrite(__wasi_fd_t fd, const __wasi_ciovec_t *iovs, size_t iovs_len,
                                __wasi_filesize_t offset, __wasi_size_t *nwritten);
__wasi_errno_t __wasi_fd_filestat_get(__wasi_fd_t fd, __wasi_filestat_t *buf);
__wasi_errno_t __wasi_fd_fdstat_get(__wasi_fd_t fd, __wasi_fdstat_t *stat);
__wasi_errno_t __wasi_fd_filestat_set_size(__wasi_fd_t fd, __wasi_filesize_t size);
__wasi_errno_t __wasi_fd_datasync(__wasi_fd_t fd);
__wasi_errno_t __wasi_fd_close(__wasi_fd_t fd);
__wasi_errno_t __wasi_fd_renumber(__wasi_fd_t fd, __wasi_fd_t to);

#endif
