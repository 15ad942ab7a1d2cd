/** The in-memory directory now lives in src/wasi/ (runtime-free), where `anymmap run`'s /dev/shm also uses it. */
export * from "../../wasi/memory-dir.js";
