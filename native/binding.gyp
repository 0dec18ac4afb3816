{
  "variables": {
    "cblas_include%": "",
    "blas_libs%": "-lopenblas",
    "openblas%": "1"
  },
  "targets": [
    {
      "target_name": "saddle_native",
      "sources": ["saddle_native.c"],
      "include_dirs": ["<(cblas_include)"],
      "libraries": ["<(blas_libs)"],
      "cflags": ["-O3", "-std=c11", "-pthread", "-Wall", "-Wextra", "-fno-math-errno"],
      "ldflags": ["-pthread"],
      "conditions": [
        ["openblas==1", { "defines": ["SADDLE_OPENBLAS"] }]
      ]
    }
  ]
}
