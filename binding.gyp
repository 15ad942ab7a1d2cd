{
  "targets": [
    {
      "target_name": "anymmap",
      "sources": ["native/anymmap_native.c", "native/addon.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"]
    }
  ]
}
