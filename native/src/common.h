// qmri native addon, shared core: the tensor handle (TensorWrap), per-environment state, the
// exception guard and the argument helpers every binding file uses. Every function converts C++
// exceptions into JavaScript Errors carrying libtorch's message, so no input can abort the process.
// Tensor bytes are reported to V8 (AdjustExternalMemory) and tensors are released deterministically by
// dispose(); the finalizer is only a safety net.
#pragma once
#include <napi.h>
#include <torch/torch.h>

#include <atomic>
#include <string>
#include <vector>

namespace qmri {

extern std::atomic<int64_t> g_live_tensors;
extern std::atomic<int64_t> g_live_bytes;

inline int64_t tensor_bytes(const at::Tensor& t) {
  if (!t.defined()) return 0;
  return static_cast<int64_t>(t.numel()) * static_cast<int64_t>(t.element_size());
}

inline std::string clean_message(const c10::Error& e) { return e.what_without_backtrace(); }

// Wraps a function body: c10::Error and std::exception become JS Errors.
template <typename F>
Napi::Value guard(const Napi::CallbackInfo& info, F&& body) {
  try {
    return body();
  } catch (const Napi::Error&) {
    throw;
  } catch (const c10::Error& e) {
    throw Napi::Error::New(info.Env(), clean_message(e));
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), e.what());
  }
}


// Per-environment state: the addon may be loaded by the main thread and by worker threads at once,
// and a class constructor belongs to one V8 isolate, so constructors live in the environment's
// instance data (freed with the environment), never in statics.
struct AddonData {
  Napi::FunctionReference tensorCtor;
  Napi::FunctionReference optimCtor;
};

inline AddonData* Data(Napi::Env env) { return env.GetInstanceData<AddonData>(); }

class TensorWrap : public Napi::ObjectWrap<TensorWrap> {
 public:
  static Napi::Function Ctor(Napi::Env env) { return Data(env)->tensorCtor.Value(); }

  static void Init(Napi::Env env, Napi::Object exports) {
    Napi::Function f = DefineClass(env, "NativeTensor",
                                   {
                                       InstanceMethod("dispose", &TensorWrap::Dispose),
                                       InstanceMethod("isDisposed", &TensorWrap::IsDisposed),
                                   });
    Data(env)->tensorCtor = Napi::Persistent(f);
    exports.Set("NativeTensor", f);
  }

  static Napi::Object Wrap(Napi::Env env, at::Tensor t) {
    Napi::Object obj = Ctor(env).New({});
    TensorWrap* w = Unwrap(obj);
    w->set(env, std::move(t));
    return obj;
  }

  explicit TensorWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<TensorWrap>(info) {}

  void Finalize(Napi::Env env) override { release(env); }
  ~TensorWrap() override { release(nullptr); }

  at::Tensor& tensor(Napi::Env env) {
    if (!alive_) throw Napi::Error::New(env, "tensor used after dispose()");
    return t_;
  }

  void set(Napi::Env env, at::Tensor t) {
    t_ = std::move(t);
    alive_ = true;
    bytes_ = tensor_bytes(t_);
    g_live_tensors++;
    g_live_bytes += bytes_;
    if (bytes_ > 0) Napi::MemoryManagement::AdjustExternalMemory(env, bytes_);
  }

  void release(napi_env env) {
    if (!alive_) return;
    alive_ = false;
    t_ = at::Tensor();
    g_live_tensors--;
    g_live_bytes -= bytes_;
    if (env != nullptr && bytes_ > 0) Napi::MemoryManagement::AdjustExternalMemory(env, -bytes_);
    bytes_ = 0;
  }

 private:
  Napi::Value Dispose(const Napi::CallbackInfo& info) {
    release(info.Env());
    return info.Env().Undefined();
  }
  Napi::Value IsDisposed(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), !alive_); }

  at::Tensor t_;
  bool alive_ = false;
  int64_t bytes_ = 0;
};

// ---------- argument helpers (common.cc) ----------

bool IsTypedArrayOf(const Napi::Value& v, napi_typedarray_type type);
bool IsF64(const Napi::Value& v);
bool IsTensor(Napi::Env env, const Napi::Value& v);
at::Tensor& T(const Napi::CallbackInfo& info, size_t i);
c10::optional<at::Tensor> OptT(const Napi::CallbackInfo& info, size_t i);
std::vector<int64_t> Ints(const Napi::CallbackInfo& info, size_t i);
std::vector<int64_t> Shape(const Napi::CallbackInfo& info, size_t i);
double Num(const Napi::CallbackInfo& info, size_t i);
int64_t Int(const Napi::CallbackInfo& info, size_t i);
bool Bool(const Napi::CallbackInfo& info, size_t i);
std::string Str(const Napi::CallbackInfo& info, size_t i);
c10::Device DeviceArg(const Napi::CallbackInfo& info, size_t i);
Napi::Value W(const Napi::CallbackInfo& info, at::Tensor t);

}  // namespace qmri
