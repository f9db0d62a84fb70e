// qmri native addon: runtime controls: threads (libtorch and OpenBLAS), seeds and RNG state, memory
// accounting, build information, device moves.
#include "common.h"
#include "bindings.h"

#include <ATen/autocast_mode.h>
#include <dlfcn.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <cstring>
#include <mutex>

namespace qmri {

// ---------- runtime ----------

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  return guard(info, [&]() -> Napi::Value {
    int64_t n = Int(info, 0);
    if (n < 1) throw Napi::RangeError::New(info.Env(), "thread count must be >= 1");
    at::set_num_threads(static_cast<int>(n));
    // libtorch sets OpenMP's (and MKL's) thread count but not OpenBLAS's, whose pthread pool
    // defaults to every core and thrashes when those cores are busy: keep it at the same count
    // (OpenBLAS is found among the libraries already loaded; without it nothing happens).
    static auto blasSet = []() -> void (*)(int) {
      for (const char* lib : {"libopenblas.so.0", "libopenblas.so"}) {
        if (void* h = dlopen(lib, RTLD_LAZY | RTLD_NOLOAD))
          if (void* f = dlsym(h, "openblas_set_num_threads")) return reinterpret_cast<void (*)(int)>(f);
      }
      return nullptr;
    }();
    if (blasSet) blasSet(static_cast<int>(n));
    return info.Env().Undefined();
  });
}

Napi::Value GetNumThreads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), at::get_num_threads()); }

Napi::Value ManualSeed(const Napi::CallbackInfo& info) {
  return guard(info, [&]() -> Napi::Value {
    torch::manual_seed(static_cast<uint64_t>(Num(info, 0)));
    return info.Env().Undefined();
  });
}

Napi::Value GetRngState(const Napi::CallbackInfo& info) {
  return guard(info, [&]() -> Napi::Value {
    auto gen = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    at::Tensor s = gen.get_state();
    return Napi::Buffer<uint8_t>::Copy(info.Env(), s.data_ptr<uint8_t>(), s.numel());
  });
}

Napi::Value SetRngState(const Napi::CallbackInfo& info) {
  return guard(info, [&]() -> Napi::Value {
    if (!info[0].IsBuffer()) throw Napi::TypeError::New(info.Env(), "rng state must be a Buffer");
    auto b = info[0].As<Napi::Buffer<uint8_t>>();
    at::Tensor s = torch::empty({static_cast<int64_t>(b.Length())}, torch::kUInt8);
    std::memcpy(s.data_ptr<uint8_t>(), b.Data(), b.Length());
    auto gen = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_state(s);
    return info.Env().Undefined();
  });
}

Napi::Value Memory(const Napi::CallbackInfo& info) {
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("tensors", Napi::Number::New(info.Env(), static_cast<double>(g_live_tensors.load())));
  o.Set("bytes", Napi::Number::New(info.Env(), static_cast<double>(g_live_bytes.load())));
  return o;
}

// Hands the allocator's free pages back to the system between whole trainings. bin/qmri preloads
// jemalloc with page purging off (scripts/env.sh: its default decay purging made DenseNet121's
// forward ~1.5x slower), so freed activations stay resident at their high-water mark, and a process that trains
// model after model (folds, fine-tuning, tuning trials) grew by hundreds of MB per model, to 24 GiB
// in the full demo. Under jemalloc this purges every arena (mallctl "arena.<ALL>.purge", found at
// run time, so the addon needs no jemalloc to build or load); under glibc malloc it is malloc_trim.
// Returns true when an allocator was asked to release memory.
Napi::Value TrimMemory(const Napi::CallbackInfo& info) {
  using Mallctl = int (*)(const char*, void*, size_t*, void*, size_t);
  static const Mallctl mallctl = reinterpret_cast<Mallctl>(dlsym(RTLD_DEFAULT, "mallctl"));
  if (mallctl) {
    // MALLCTL_ARENAS_ALL is 4096 in jemalloc 5
    return Napi::Boolean::New(info.Env(), mallctl("arena.4096.purge", nullptr, nullptr, nullptr, 0) == 0);
  }
#if defined(__GLIBC__)
  malloc_trim(0);
  return Napi::Boolean::New(info.Env(), true);
#else
  return Napi::Boolean::New(info.Env(), false);
#endif
}

Napi::Value RuntimeInfo(const Napi::CallbackInfo& info) {
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("torchVersion", TORCH_VERSION);
  o.Set("cudaAvailable", torch::cuda::is_available());
  o.Set("threads", at::get_num_threads());
  o.Set("parallelInfo", at::get_parallel_info());
  return o;
}

// CPU autocast (bf16): libtorch's own op lists decide which ops run in bf16 (convolutions, matmuls)
// and which stay in float32. State is per thread (this JS thread); enter returns the previous state,
// exit restores it and, at the outermost exit, clears the cache of bf16 weight copies (stale after an
// optimizer step).
Napi::Value AutocastEnter(const Napi::CallbackInfo& info) {
  return guard(info, [&]() -> Napi::Value {
    std::string dt = Str(info, 0);
    if (dt != "bfloat16") throw Napi::Error::New(info.Env(), "autocast: dtype must be 'bfloat16', got '" + dt + "'");
    bool prev = at::autocast::is_cpu_enabled();
    at::autocast::set_cpu_enabled(true);
    at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
    at::autocast::increment_nesting();
    return Napi::Boolean::New(info.Env(), prev);
  });
}

Napi::Value AutocastExit(const Napi::CallbackInfo& info) {
  return guard(info, [&]() -> Napi::Value {
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
    at::autocast::set_cpu_enabled(Bool(info, 0));
    return info.Env().Undefined();
  });
}

Napi::Value AutocastEnabled(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), at::autocast::is_cpu_enabled());
}

Napi::Value ToDevice(const Napi::CallbackInfo& info) {
  return guard(info, [&]() -> Napi::Value { return W(info, T(info, 0).to(c10::Device(Str(info, 1)))); });
}

}  // namespace qmri
