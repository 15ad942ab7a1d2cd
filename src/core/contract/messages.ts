/**
 * What to tell the user for each (call, errno) the engine reports: what
 * went wrong and what to do about it, in one place.
 */
/** Why anymmap's open refuses a FIFO, socket, character device or /proc or /sys file, and what to do. */
export const NOT_MAPPABLE =
  "only regular files can be mapped: this is a FIFO, a socket, a character device or a /proc or /sys file, which Linux's mmap refuses (ENODEV) too; read it with the runtime's file API, or map anonymous memory (source null) for zero-filled pages";

/** A file that is no longer the one opened: a URL's, or a read-only file the WASM engine had to reopen by path. */
const STALE =
  "the remote file changed since it was opened (its ETag or Last-Modified differ), or a read-only file the WASM engine had to close (too many open files) was renamed or deleted before it was read again; open and map it again (ulimit -n raises the open-file limit)";

const HINTS: Record<string, string> = {
  "mmap:EINVAL":
    "check that length > 0, offset (and a fixed address) is a multiple of the page size (4096) and flags name exactly one of shared/private",
  "mmap:EBADF": "the file handle is closed or not open; open the file again",
  "mmap:EACCES":
    "the file is not open for what the mapping asks: every mapping needs a file opened for reading ('w', 'wx', 'a' and 'ax' are write-only: open it 'r', 'r+', 'w+' or 'a+'), and a writable shared mapping one opened read-write ('r+', 'w+') and not for appending; otherwise map it 'r', or 'private' to keep writes in memory",
  "mmap:ENODEV": "only regular files can be mapped (is it a directory?)",
  "open:ENODEV": NOT_MAPPABLE,
  "open:ENOENT":
    "no such file or directory; check the path (opening with 'w', 'w+', 'a' or 'a+' creates the file, not its directory)",
  "open:EACCES": "permission denied; check the file mode",
  "open:EPERM": "operation not permitted; check the file's permissions and attributes",
  "open:EISDIR": "is a directory; open it read-only ('r') or pass a file",
  "open:ENOTDIR": "a component of the path is not a directory",
  "open:EEXIST": "file already exists; drop the 'x' flag to open it anyway",
  "open:EMFILE": "too many open files in this process; close some descriptors or raise the limit (ulimit -n)",
  "open:ENFILE": "too many open files in the system; close some files, or raise the system's limit (fs.file-max)",
  "open:ENAMETOOLONG": "the path (or one of its names) is too long; use a shorter path",
  "open:ELOOP": "too many symbolic links in the path (a loop?); check the links",
  "open:EROFS": "read-only file system; open read-only ('r')",
  "open:ETXTBSY": "the file is a program being run and cannot be opened for writing now; open it read-only ('r')",
  "open:EBUSY": "the file or device is busy; try again later",
  "open:EINVAL": "invalid path or flags; check both",
  "mmap:ENOMEM":
    "the 4 GiB WebAssembly address space has no room for this mapping; unmap something or map a smaller window (offset + length)",
  "mmap:EEXIST": "MAP_FIXED_NOREPLACE: the range is already mapped; unmap it first or choose another address",
  "mmap:EOVERFLOW": "offset + length is beyond the largest file offset",
  "mmap:EOPNOTSUPP": "MAP_SHARED_VALIDATE rejects a flag it does not know",
  "mmap:ENFILE": "no memory is left for the WASM engine's table of mapped files; unmap some files",
  "munmap:EINVAL": "the address must be page-aligned and the length greater than 0",
  "munmap:EIO": "dirty pages could not be written back; nothing was unmapped, fix the file system and retry",
  "munmap:EFAULT":
    "the file was truncated by someone else while it was mapped, and writes to pages past its new end were lost (the cause says where); nothing was unmapped, and munmap again unmaps",
  "msync:EINVAL": "the address must be page-aligned and flags one of sync/async, optionally with invalidate",
  "msync:ENOMEM": "part of the range is not mapped",
  "mprotect:EINVAL": "the address must be page-aligned and prot a combination of read/write/exec",
  "mprotect:ENOMEM": "part of the range is not mapped",
  "mprotect:EACCES":
    "the file was opened read-only: a shared mapping of it cannot become writable; reopen it 'r+' and map again",
  "mremap:EINVAL":
    "the address must be page-aligned, the new length greater than 0 and flags a combination of maymove/fixed",
  "mremap:EFAULT": "the old range is not one mapping",
  "mremap:ENOMEM":
    "the mapping cannot grow in place; pass 'maymove' to let it move (views of the old address then go stale)",
  "madvise:EINVAL":
    "the address must be page-aligned and the advice one anymmap knows, and one the mapping takes (MADV_FREE: private anonymous memory only; MADV_REMOVE: shared mappings only)",
  "madvise:EACCES": "MADV_REMOVE needs a shared mapping of a file open for writing",
  "madvise:ENOMEM": "part of the range is not mapped",
  "madvise:EOPNOTSUPP": "MADV_REMOVE needs hole punching, which WASI hosts do not offer",
  "mincore:EINVAL": "the address must be page-aligned",
  "mincore:ENOMEM": "part of the range is not mapped",
  "access:EFAULT": "that range is not mapped (was it unmapped?); map it again",
  "access:EACCES": "the mapping's protection forbids this access; mprotect it or map it with the protection you need",
  "access:ESTALE": STALE,
  "pread:ESTALE": STALE,
  "mmap:ESTALE": STALE,
  "mremap:ESTALE": STALE,
  "msync:ESTALE": STALE,
  "access:ETIMEDOUT":
    "the remote file's server did not answer within the timeout (retries included); map it again with a larger timeout option, or check the server",
  "access:ECANCELED":
    "the AbortSignal given when this URL was mapped was aborted: reads make no more requests; map it again to read on",
  "access:EIO":
    "the file could not be read (for a URL: the server failed or answered without the range asked for); retry, or check the server",
  "access:ENOTSUP":
    "the remote file's server stopped honouring Range requests (it answered 200 with the whole file); anymmap will not download it whole: serve it with Range support",
  "access:SIGBUS":
    "those bytes are past the end of the file (Linux raises SIGBUS); grow the file with truncate() first",
  "ftruncate:EFBIG": "the length is past the largest file this file system (or ulimit -f) allows",
  "pwrite:EFBIG": "the write would pass the largest file this file system (or ulimit -f) allows",
  "ftruncate:EINVAL": "the length must be >= 0 and the file open for writing",
  "close:EBADF": "the file handle is already closed",
  "pread:EBADF": "the file handle is closed",
  "pwrite:EBADF": "the file handle is closed or not open for writing",
  "attach:EBADF":
    "the sharing thread unmapped (or remapped) this memory before it was attached; keep the mapping until every worker has attached it, and share() again after an mremap",
};

/** Why memory cannot be shared with workers where SharedArrayBuffer is missing, and what to do. */
export function noSharedArrayBuffer(runtime: string): string {
  return `${runtime} has no SharedArrayBuffer here, which memory shared with workers needs: in a browser, serve the page with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp (crossOriginIsolated)`;
}

/** The hint for a failed call, or a generic one. */
export function hint(syscall: string, code: string, fallback = `${syscall} failed`): string {
  // Linux's ENOTSUP and EOPNOTSUPP are one errno (95), named ENOTSUP.
  const alias = code === "ENOTSUP" ? HINTS[`${syscall}:EOPNOTSUPP`] : undefined;
  return HINTS[`${syscall}:${code}`] ?? alias ?? fallback;
}
