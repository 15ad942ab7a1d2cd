/* A standalone WebAssembly program cannot load shared libraries: dlopen
 * and dlsym fail (NULL) instead of importing Emscripten's JavaScript
 * loader, which no WASI host has. Programs that only offer plug-ins (LMDB's
 * tools' -m module option) link and run. */
struct dso;

void *_dlopen_js(struct dso *handle) {
  (void)handle;
  return 0;
}

void *_dlsym_js(struct dso *handle, const char *symbol) {
  (void)handle;
  (void)symbol;
  return 0;
}
