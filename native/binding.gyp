{
  "variables": {
    "libtorch%": "<!(node -p \"process.env.QMRI_LIBTORCH || ''\")"
  },
  "targets": [
    {
      "target_name": "qmri_native",
      "sources": [
        "src/binding.cc",
        "src/common.cc",
        "src/tensor_ops.cc",
        "src/autograd.cc",
        "src/external.cc",
        "src/runtime.cc",
        "src/linalg.cc",
        "src/optim.cc",
        "src/distributed.cc"
      ],
      "include_dirs": ["<!@(node -p \"require('node-addon-api').include\")"],
      "defines": [
        "NAPI_VERSION=8",
        "NODE_ADDON_API_CPP_EXCEPTIONS",
        "NODE_ADDON_API_CPP_EXCEPTIONS_ALL",
        "_GLIBCXX_USE_CXX11_ABI=1"
      ],
      "cflags!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-std=gnu++14"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-frtti", "-O2", "-Wno-unused-parameter", "-Wno-deprecated-declarations"],
      "conditions": [
        [
          "libtorch==''",
          {
            "include_dirs": ["/usr/include/torch/csrc/api/include"],
            "libraries": [
              "-Wl,--no-as-needed",
              "-L/usr/lib/x86_64-linux-gnu",
              "-ltorch",
              "-ltorch_cpu",
              "-lc10",
              "-lgloo",
              "-l:liblapack.so.3",
              "-Wl,-rpath,/usr/lib/x86_64-linux-gnu"
            ]
          },
          {
            "include_dirs": ["<(libtorch)/include", "<(libtorch)/include/torch/csrc/api/include"],
            "libraries": [
              "-Wl,--no-as-needed",
              "-L<(libtorch)/lib",
              "-ltorch",
              "-ltorch_cpu",
              "-lc10",
              "<!@(node -e \"const f=require('fs');const l=process.env.QMRI_LIBTORCH+'/lib/';console.log(f.existsSync(l+'libtorch_cuda.so')?'-ltorch_cuda -lc10_cuda':'')\")",
              "-l:liblapack.so.3",
              "-Wl,-rpath,<(libtorch)/lib"
            ]
          }
        ]
      ]
    }
  ]
}
