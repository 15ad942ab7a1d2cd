/* setjmp/longjmp (anymmap cc builds with -sSUPPORT_LONGJMP=wasm) return
 * the high half of a 64-bit value through these, which Emscripten's
 * JavaScript glue would provide; a standalone program has none. */
static int temp_ret0;

int getTempRet0(void) {
  return temp_ret0;
}

void setTempRet0(int value) {
  temp_ret0 = value;
}
