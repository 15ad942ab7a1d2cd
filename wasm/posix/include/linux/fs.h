/*
 * What Linux's <linux/fs.h> gives programs that include it for ioctl
 * numbers (GNU dbm's gdbmsync.c includes it unconditionally for FICLONE);
 * Emscripten has no <linux/fs.h>. The numbers are Linux's. anymmap
 * provides none of these ioctls: ioctl answers ENOSYS, and programs take
 * their fallback as on a file system without reflinks.
 */
#ifndef ANYMMAP_LINUX_FS_H
#define ANYMMAP_LINUX_FS_H

#include <sys/ioctl.h>

#define BLKGETSIZE64    _IOR(0x12, 114, unsigned long)
#define BLKSSZGET       _IO(0x12, 104)
#define FICLONE         _IOW(0x94, 9, int)
#define FICLONERANGE    _IOW(0x94, 13, struct file_clone_range)
#define FS_IOC_GETFLAGS _IOR('f', 1, long)
#define FS_IOC_SETFLAGS _IOW('f', 2, long)

struct file_clone_range {
  long long src_fd;
  unsigned long long src_offset;
  unsigned long long src_length;
  unsigned long long dest_offset;
};

#endif
