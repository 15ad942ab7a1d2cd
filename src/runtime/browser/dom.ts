/**
 * The few browser APIs the browser runtime uses, typed locally: the
 * project's tsconfig has no DOM lib (the core must not lean on it), and
 * structural types let users pass the real DOM objects unchanged.
 * Everything here is types plus one accessor; only src/runtime/browser/
 * may use it.
 */

/** `FileSystemSyncAccessHandle` (dedicated workers only). Browsers. */
export interface SyncAccessHandle {
  read(buffer: ArrayBufferView, options?: { at?: number }): number;
  write(buffer: ArrayBufferView, options?: { at?: number }): number;
  truncate(size: number): void;
  getSize(): number;
  flush(): void;
  close(): void;
}

/** What `FileSystemFileHandle.createWritable()` gives. Browsers. */
export interface WritableFileStream {
  write(
    data: { type: "write"; position: number; data: ArrayBufferView | Blob } | { type: "truncate"; size: number },
  ): Promise<void>;
  close(): Promise<void>;
  abort(reason?: unknown): Promise<void>;
}

/**
 * A file of the origin private file system (or any `FileSystemFileHandle`):
 * the real DOM object fits this shape. Browsers.
 */
export interface FileSystemFileHandle {
  readonly kind: "file";
  readonly name: string;
  getFile(): Promise<Blob & { readonly name: string; readonly lastModified: number }>;
  createSyncAccessHandle?(options?: {
    mode?: "readwrite" | "read-only" | "readwrite-unsafe";
  }): Promise<SyncAccessHandle>;
  createWritable?(options?: { keepExistingData?: boolean }): Promise<WritableFileStream>;
  isSameEntry(other: FileSystemFileHandle | FileSystemDirectoryHandle): Promise<boolean>;
}

/** `FileSystemDirectoryHandle`. Browsers. */
export interface FileSystemDirectoryHandle {
  readonly kind: "directory";
  readonly name: string;
  getFileHandle(name: string, options?: { create?: boolean }): Promise<FileSystemFileHandle>;
  getDirectoryHandle(name: string, options?: { create?: boolean }): Promise<FileSystemDirectoryHandle>;
  removeEntry(name: string, options?: { recursive?: boolean }): Promise<void>;
  resolve(handle: FileSystemFileHandle | FileSystemDirectoryHandle): Promise<string[] | null>;
}

/** The browser globals the runtime reads, all optional: each is feature-tested. Browsers. */
export interface BrowserGlobals {
  FileReaderSync?: new () => { readAsArrayBuffer(blob: Blob): ArrayBuffer };
  Worker?: new (url: string | URL, options?: { type?: "classic" | "module"; name?: string }) => WorkerLike;
  WorkerGlobalScope?: unknown;
  DedicatedWorkerGlobalScope?: unknown;
  crossOriginIsolated?: boolean;
  navigator?: { userAgent?: string; storage?: { getDirectory?(): Promise<FileSystemDirectoryHandle> } };
  fetch?: (input: string | URL) => Promise<Response>;
  postMessage?: (message: unknown) => void;
  addEventListener?: (type: string, listener: (event: { data: unknown }) => void) => void;
  close?: () => void;
}

/** A Worker as the runtime drives it. Browsers. */
export interface WorkerLike {
  postMessage(message: unknown): void;
  terminate(): void;
  addEventListener(type: "message" | "error", listener: (event: { data?: unknown; message?: string }) => void): void;
}

/** The global object, seen through the types above. Browsers. */
export function browser(): BrowserGlobals {
  return globalThis as unknown as BrowserGlobals;
}

/** True in a dedicated worker, where synchronous file access exists. Browsers. */
export function inDedicatedWorker(): boolean {
  return browser().DedicatedWorkerGlobalScope !== undefined;
}

/** True when SharedArrayBuffer and Atomics.wait can be used here (COOP/COEP served). Browsers. */
export function crossOriginIsolated(): boolean {
  return browser().crossOriginIsolated === true && typeof SharedArrayBuffer === "function";
}

/** Duck-typed `FileSystemFileHandle`: works across realms, where `instanceof` fails. Browsers. */
export function isFileSystemFileHandle(v: unknown): v is FileSystemFileHandle {
  return (
    typeof v === "object" &&
    v !== null &&
    (v as { kind?: unknown }).kind === "file" &&
    typeof (v as { getFile?: unknown }).getFile === "function"
  );
}

/** Duck-typed `Blob` (a `File` is one). Browsers. */
export function isBlob(v: unknown): v is Blob {
  return (
    typeof v === "object" &&
    v !== null &&
    typeof (v as Blob).size === "number" &&
    typeof (v as Blob).slice === "function" &&
    typeof (v as Blob).arrayBuffer === "function"
  );
}
