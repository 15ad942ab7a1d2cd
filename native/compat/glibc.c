/*
 * Linked into the Linux prebuilds only (native/build.mjs, with
 * -Wl,--wrap=fstat): glibc 2.33 turned fstat from a header wrapper into a
 * versioned symbol, so a binary built on a newer glibc would refuse to load
 * on an older one (Debian 11, Ubuntu 20.04, RHEL 8). The system call itself
 * is as old as Linux, and the kernel's struct stat is glibc's on x86-64 and
 * arm64: with this, the binaries need glibc 2.27 (memfd_create).
 */
#define _GNU_SOURCE
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int __wrap_fstat(int fd, struct stat *st);

int __wrap_fstat(int fd, struct stat *st) {
  return (int)syscall(SYS_fstat, fd, st);
}
