/**
 * The one place where errno numbers meet names.
 *
 * Three numberings are in play: WASI preview1's (what host functions return
 * and, under Emscripten, what C's `errno` holds), Linux x86-64's (what users
 * of a POSIX API expect to see in `err.errno`), and the POSIX names that tie
 * them together. Keeping them in one table means a number can never be
 * renamed in one place and not the other.
 */

// name: [WASI preview1 errno, Linux x86-64 errno]. Generated from wasi/api.h
// and asm-generic/errno*.h; test/wasi-host.test.ts checks them against
// the running kernel.
const WASI_TABLE = {
  SUCCESS: [0, 0],
  E2BIG: [1, 7],
  EACCES: [2, 13],
  EADDRINUSE: [3, 98],
  EADDRNOTAVAIL: [4, 99],
  EAFNOSUPPORT: [5, 97],
  EAGAIN: [6, 11],
  EALREADY: [7, 114],
  EBADF: [8, 9],
  EBADMSG: [9, 74],
  EBUSY: [10, 16],
  ECANCELED: [11, 125],
  ECHILD: [12, 10],
  ECONNABORTED: [13, 103],
  ECONNREFUSED: [14, 111],
  ECONNRESET: [15, 104],
  EDEADLK: [16, 35],
  EDESTADDRREQ: [17, 89],
  EDOM: [18, 33],
  EDQUOT: [19, 122],
  EEXIST: [20, 17],
  EFAULT: [21, 14],
  EFBIG: [22, 27],
  EHOSTUNREACH: [23, 113],
  EIDRM: [24, 43],
  EILSEQ: [25, 84],
  EINPROGRESS: [26, 115],
  EINTR: [27, 4],
  EINVAL: [28, 22],
  EIO: [29, 5],
  EISCONN: [30, 106],
  EISDIR: [31, 21],
  ELOOP: [32, 40],
  EMFILE: [33, 24],
  EMLINK: [34, 31],
  EMSGSIZE: [35, 90],
  EMULTIHOP: [36, 72],
  ENAMETOOLONG: [37, 36],
  ENETDOWN: [38, 100],
  ENETRESET: [39, 102],
  ENETUNREACH: [40, 101],
  ENFILE: [41, 23],
  ENOBUFS: [42, 105],
  ENODEV: [43, 19],
  ENOENT: [44, 2],
  ENOEXEC: [45, 8],
  ENOLCK: [46, 37],
  ENOLINK: [47, 67],
  ENOMEM: [48, 12],
  ENOMSG: [49, 42],
  ENOPROTOOPT: [50, 92],
  ENOSPC: [51, 28],
  ENOSYS: [52, 38],
  ENOTCONN: [53, 107],
  ENOTDIR: [54, 20],
  ENOTEMPTY: [55, 39],
  ENOTRECOVERABLE: [56, 131],
  ENOTSOCK: [57, 88],
  // Linux's ENOTSUP and EOPNOTSUPP are the same number, so one name serves.
  ENOTSUP: [58, 95],
  ENOTTY: [59, 25],
  ENXIO: [60, 6],
  EOVERFLOW: [61, 75],
  EOWNERDEAD: [62, 130],
  EPERM: [63, 1],
  EPIPE: [64, 32],
  EPROTO: [65, 71],
  EPROTONOSUPPORT: [66, 93],
  EPROTOTYPE: [67, 91],
  ERANGE: [68, 34],
  EROFS: [69, 30],
  ESPIPE: [70, 29],
  ESRCH: [71, 3],
  ESTALE: [72, 116],
  ETIMEDOUT: [73, 110],
  ETXTBSY: [74, 26],
  EXDEV: [75, 18],
  // Capability-based WASI has no Linux counterpart; 76 keeps it recognisable
  // even though Linux uses 76 for ENOTUNIQ.
  ENOTCAPABLE: [76, 76],
} as const;

// Emscripten's errno.h gives the Linux errnos WASI lacks numbers from 100 up.
// Host functions never return these, but the C core's own errno can hold
// them, so naming them keeps an error from the core from becoming "E116".
// name: [Emscripten errno, Linux x86-64 errno].
const EMSCRIPTEN_EXTRA_TABLE = {
  ENOSTR: [100, 60],
  EBFONT: [101, 59],
  EBADSLT: [102, 57],
  EBADRQC: [103, 56],
  ENOANO: [104, 55],
  ENOTBLK: [105, 15],
  ECHRNG: [106, 44],
  EL3HLT: [107, 46],
  EL3RST: [108, 47],
  ELNRNG: [109, 48],
  EUNATCH: [110, 49],
  ENOCSI: [111, 50],
  EL2HLT: [112, 51],
  EBADE: [113, 52],
  EBADR: [114, 53],
  EXFULL: [115, 54],
  ENODATA: [116, 61],
  ETIME: [117, 62],
  ENOSR: [118, 63],
  ENONET: [119, 64],
  ENOPKG: [120, 65],
  EREMOTE: [121, 66],
  EADV: [122, 68],
  ESRMNT: [123, 69],
  ECOMM: [124, 70],
  EDOTDOT: [125, 73],
  ENOTUNIQ: [126, 76],
  EBADFD: [127, 77],
  EREMCHG: [128, 78],
  ELIBACC: [129, 79],
  ELIBBAD: [130, 80],
  ELIBSCN: [131, 81],
  ELIBMAX: [132, 82],
  ELIBEXEC: [133, 83],
  ERESTART: [134, 85],
  ESTRPIPE: [135, 86],
  EUSERS: [136, 87],
  ESOCKTNOSUPPORT: [137, 94],
  // Emscripten's C ENOTSUP/EOPNOTSUPP is 138, not WASI's 58; both name ENOTSUP.
  EOPNOTSUPP: [138, 95],
  EPFNOSUPPORT: [139, 96],
  ESHUTDOWN: [140, 108],
  ETOOMANYREFS: [141, 109],
  EHOSTDOWN: [142, 112],
  EUCLEAN: [143, 117],
  ENOTNAM: [144, 118],
  ENAVAIL: [145, 119],
  EISNAM: [146, 120],
  EREMOTEIO: [147, 121],
  ENOMEDIUM: [148, 123],
  EMEDIUMTYPE: [149, 124],
  ENOKEY: [150, 126],
  EKEYEXPIRED: [151, 127],
  EKEYREVOKED: [152, 128],
  EKEYREJECTED: [153, 129],
  ERFKILL: [154, 132],
  EHWPOISON: [155, 133],
  EL2NSYNC: [156, 45],
} as const;

// Second names that POSIX allows to share a number with a canonical one.
const ALIASES: Readonly<Record<string, ErrnoName>> = {
  EOPNOTSUPP: "ENOTSUP",
  EWOULDBLOCK: "EAGAIN",
  EDEADLOCK: "EDEADLK",
};

/** A POSIX errno name that WASI preview1 can carry (plus "SUCCESS" for 0). */
export type ErrnoName = keyof typeof WASI_TABLE;

/** WASI preview1 errno by POSIX name, e.g. `WASI_ERRNO.EBADF === 8`. */
export const WASI_ERRNO: { readonly [K in ErrnoName]: (typeof WASI_TABLE)[K][0] } = Object.freeze(
  Object.fromEntries(Object.entries(WASI_TABLE).map(([name, [wasi]]) => [name, wasi])),
) as { readonly [K in ErrnoName]: (typeof WASI_TABLE)[K][0] };

const NAME_BY_NUMBER = new Map<number, string>();
const LINUX_BY_NAME = new Map<string, number>();
for (const table of [WASI_TABLE, EMSCRIPTEN_EXTRA_TABLE]) {
  for (const [name, [num, linux]] of Object.entries(table)) {
    NAME_BY_NUMBER.set(num, ALIASES[name] ?? name);
    LINUX_BY_NAME.set(name, linux);
  }
}
for (const [alias, name] of Object.entries(ALIASES)) {
  LINUX_BY_NAME.set(alias, WASI_TABLE[name][1]);
}

/**
 * POSIX name of a WASI errno (also accepts the C core's Emscripten-only
 * errnos above 99, and a negated errno as HostFile methods return).
 * Unknown numbers give `"E?<n>"` rather than throwing, since this runs on
 * error paths.
 */
export function errnoName(wasiErrno: number): string {
  const n = Math.abs(wasiErrno);
  return NAME_BY_NUMBER.get(n) ?? `E?${n}`;
}

/**
 * The one name anymmap gives an errno that POSIX lets two names share
 * (`EOPNOTSUPP` is `ENOTSUP`, `EWOULDBLOCK` is `EAGAIN`, as Node's errors
 * name them); any other name unchanged.
 */
export function canonicalErrnoName(name: string): string {
  return ALIASES[name] ?? name;
}

/** Linux x86-64 errno number for a POSIX name (aliases such as EWOULDBLOCK included), or undefined. */
export function linuxErrno(name: string): number | undefined {
  return LINUX_BY_NAME.get(name);
}

/**
 * WASI preview1 errno for a POSIX name, or undefined when WASI has no number
 * for it (e.g. ENODATA). Aliases resolve: EOPNOTSUPP gives ENOTSUP's 58.
 */
export function wasiErrnoFromName(name: string): number | undefined {
  const canonical = ALIASES[name] ?? name;
  return Object.hasOwn(WASI_TABLE, canonical) ? WASI_TABLE[canonical as ErrnoName][0] : undefined;
}

const NAME_BY_LINUX = new Map<number, string>();
for (const [name, [, linux]] of Object.entries(WASI_TABLE)) NAME_BY_LINUX.set(linux, ALIASES[name] ?? name);

/** POSIX name of a Linux x86-64 errno (positive or negated), `"E?<n>"` when unknown. */
export function linuxErrnoName(errno: number): string {
  const n = Math.abs(errno);
  return NAME_BY_LINUX.get(n) ?? `E?${n}`;
}
