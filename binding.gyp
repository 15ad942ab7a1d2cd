{
  "targets": [
    {
      "target_name": "anymmap",
      "sources": ["native/anymmap_native.c", "native/guard.c", "native/addon.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"]
    }
  ]
}
