// qmri native addon: a thin N-API layer over libtorch (at::Tensor, autograd, torch::optim).
// Every function converts C++ exceptions into JavaScript Errors carrying libtorch's message, so no
// input can abort the process. Tensor bytes are reported to V8 (AdjustExternalMemory) and tensors
// are released deterministically by dispose(); the finalizer is only a safety net.
#include <napi.h>
#include <torch/torch.h>

#include <dlfcn.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::atomic<int64_t> g_live_tensors{0};
std::atomic<int64_t> g_live_bytes{0};

int64_t tensor_bytes(const at::Tensor& t) {
  if (!t.defined()) return 0;
  return static_cast<int64_t>(t.numel()) * static_cast<int64_t>(t.element_size());
}

std::string clean_message(const c10::Error& e) { return e.what_without_backtrace(); }

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

AddonData* Data(Napi::Env env) { return env.GetInstanceData<AddonData>(); }

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


// ---------- argument helpers ----------

static bool IsTypedArrayOf(const Napi::Value& v, napi_typedarray_type type) {
  return v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == type;
}
static bool IsF64(const Napi::Value& v) { return IsTypedArrayOf(v, napi_float64_array); }

at::Tensor& T(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || !info[i].IsObject())
    throw Napi::TypeError::New(info.Env(), "argument " + std::to_string(i) + " must be a tensor");
  Napi::Object o = info[i].As<Napi::Object>();
  if (!o.InstanceOf(TensorWrap::Ctor(info.Env())))
    throw Napi::TypeError::New(info.Env(), "argument " + std::to_string(i) + " must be a tensor");
  return TensorWrap::Unwrap(o)->tensor(info.Env());
}

c10::optional<at::Tensor> OptT(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || info[i].IsNull() || info[i].IsUndefined()) return c10::nullopt;
  return T(info, i);
}

std::vector<int64_t> Ints(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || !info[i].IsArray())
    throw Napi::TypeError::New(info.Env(), "argument " + std::to_string(i) + " must be an array of integers");
  Napi::Array a = info[i].As<Napi::Array>();
  std::vector<int64_t> out(a.Length());
  for (uint32_t k = 0; k < a.Length(); k++) {
    Napi::Value v = a.Get(k);
    if (!v.IsNumber()) throw Napi::TypeError::New(info.Env(), "shape/size entries must be numbers");
    double d = v.As<Napi::Number>().DoubleValue();
    if (d != static_cast<double>(static_cast<int64_t>(d)))
      throw Napi::TypeError::New(info.Env(), "shape/size entries must be integers");
    out[k] = static_cast<int64_t>(d);
  }
  return out;
}

std::vector<int64_t> Shape(const Napi::CallbackInfo& info, size_t i) {
  auto s = Ints(info, i);
  for (auto d : s)
    if (d < 0) throw Napi::RangeError::New(info.Env(), "shape entries must be >= 0");
  return s;
}

double Num(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || !info[i].IsNumber())
    throw Napi::TypeError::New(info.Env(), "argument " + std::to_string(i) + " must be a number");
  return info[i].As<Napi::Number>().DoubleValue();
}

int64_t Int(const Napi::CallbackInfo& info, size_t i) { return static_cast<int64_t>(Num(info, i)); }

bool Bool(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || info[i].IsUndefined()) return false;
  return info[i].ToBoolean().Value();
}

std::string Str(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || !info[i].IsString())
    throw Napi::TypeError::New(info.Env(), "argument " + std::to_string(i) + " must be a string");
  return info[i].As<Napi::String>().Utf8Value();
}

c10::Device DeviceArg(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || info[i].IsUndefined() || info[i].IsNull()) return c10::Device("cpu");
  return c10::Device(Str(info, i));
}

Napi::Value W(const Napi::CallbackInfo& info, at::Tensor t) { return TensorWrap::Wrap(info.Env(), std::move(t)); }

// ---------- creation and conversion ----------

Napi::Value FromFloat32(const Napi::CallbackInfo& info) {
  return guard(info, [&]() -> Napi::Value {
    if (!IsTypedArrayOf(info[0], napi_float32_array))
      throw Napi::TypeError::New(info.Env(), "data must be a Float32Array");
    auto arr = info[0].As<Napi::Float32Array>();
    auto shape = Shape(info, 1);
    int64_t n = 1;
    for (auto d : shape) n *= d;
    if (n != static_cast<int64_t>(arr.ElementLength()))
      throw Napi::RangeError::New(info.Env(), "data has " + std::to_string(arr.ElementLength()) +
                                                  " elements but shape needs " + std::to_string(n));
    at::Tensor t = torch::from_blob(arr.Data(), shape, torch::kFloat32).clone();
    auto dev = DeviceArg(info, 2);
    if (!dev.is_cpu()) t = t.to(dev);
    return W(info, t);
  });
}

Napi::Value FromInt64(const Napi::CallbackInfo& info) {
  return guard(info, [&]() -> Napi::Value {
    if (!info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_bigint64_array)
      throw Napi::TypeError::New(info.Env(), "data must be a BigInt64Array");
    auto arr = info[0].As<Napi::TypedArrayOf<int64_t>>();
    auto shape = Shape(info, 1);
    int64_t n = 1;
    for (auto d : shape) n *= d;
    if (n != static_cast<int64_t>(arr.ElementLength()))
      throw Napi::RangeError::New(info.Env(), "data has " + std::to_string(arr.ElementLength()) +
                                                  " elements but shape needs " + std::to_string(n));
    at::Tensor t = torch::from_blob(arr.Data(), shape, torch::kInt64).clone();
    auto dev = DeviceArg(info, 2);
    if (!dev.is_cpu()) t = t.to(dev);
    return W(info, t);
  });
}

Napi::Value Create(const Napi::CallbackInfo& info) {
  return guard(info, [&]() -> Napi::Value {
    std::string kind = Str(info, 0);
    auto shape = Shape(info, 1);
    auto opts = torch::TensorOptions().dtype(torch::kFloat32).device(DeviceArg(info, 3));
    if (kind == "zeros") return W(info, torch::zeros(shape, opts));
    if (kind == "ones") return W(info, torch::ones(shape, opts));
    if (kind == "randn") return W(info, torch::randn(shape, opts));
    if (kind == "rand") return W(info, torch::rand(shape, opts));
    if (kind == "full") return W(info, torch::full(shape, Num(info, 2), opts));
    if (kind == "arange") return W(info, torch::arange(shape.at(0), opts.dtype(torch::kInt64)));
    throw Napi::Error::New(info.Env(), "unknown creation op " + kind);
  });
}

Napi::Value ToFloat32(const Napi::CallbackInfo& info) {
  return guard(info, [&]() -> Napi::Value {
    at::Tensor t = T(info, 0).detach().to(torch::kCPU).to(torch::kFloat32).contiguous();
    auto out = Napi::Float32Array::New(info.Env(), t.numel());
    if (t.numel() > 0) std::memcpy(out.Data(), t.data_ptr<float>(), t.numel() * sizeof(float));
    return out;
  });
}

Napi::Value ToInt64(const Napi::CallbackInfo& info) {
  return guard(info, [&]() -> Napi::Value {
    at::Tensor t = T(info, 0).detach().to(torch::kCPU).to(torch::kInt64).contiguous();
    auto buf = Napi::ArrayBuffer::New(info.Env(), t.numel() * sizeof(int64_t));
    if (t.numel() > 0) std::memcpy(buf.Data(), t.data_ptr<int64_t>(), t.numel() * sizeof(int64_t));
    return Napi::TypedArrayOf<int64_t>::New(info.Env(), t.numel(), buf, 0, napi_bigint64_array);
  });
}

Napi::Value Info(const Napi::CallbackInfo& info) {
  return guard(info, [&]() -> Napi::Value {
    at::Tensor& t = T(info, 0);
    Napi::Object o = Napi::Object::New(info.Env());
    Napi::Array shape = Napi::Array::New(info.Env(), t.dim());
    for (int64_t k = 0; k < t.dim(); k++) shape.Set(static_cast<uint32_t>(k), Napi::Number::New(info.Env(), t.size(k)));
    o.Set("shape", shape);
    std::string dt = t.scalar_type() == torch::kFloat32 ? "float32"
                     : t.scalar_type() == torch::kInt64 ? "int64"
                                                        : std::string(c10::toString(t.scalar_type()));
    o.Set("dtype", dt);
    o.Set("requiresGrad", t.requires_grad());
    o.Set("device", t.device().str());
    return o;
  });
}

// ---------- autograd ----------

Napi::Value SetRequiresGrad(const Napi::CallbackInfo& info) {
  return guard(info, [&]() -> Napi::Value {
    T(info, 0).requires_grad_(Bool(info, 1));
    return info.Env().Undefined();
  });
}

Napi::Value Grad(const Napi::CallbackInfo& info) {
  return guard(info, [&]() -> Napi::Value {
    at::Tensor g = T(info, 0).grad();
    if (!g.defined()) return info.Env().Null();
    return W(info, g.detach().clone());
  });
}

Napi::Value SetGrad(const Napi::CallbackInfo& info) {
  return guard(info, [&]() -> Napi::Value {
    at::Tensor& t = T(info, 0);
    auto g = OptT(info, 1);
    if (!g) {
      t.mutable_grad() = at::Tensor();
    } else {
      if (g->sizes() != t.sizes()) throw Napi::Error::New(info.Env(), "setGrad: gradient shape does not match the tensor");
      t.mutable_grad() = g->detach().clone();
    }
    return info.Env().Undefined();
  });
}

Napi::Value ZeroGrad(const Napi::CallbackInfo& info) {
  return guard(info, [&]() -> Napi::Value {
    T(info, 0).mutable_grad() = at::Tensor();
    return info.Env().Undefined();
  });
}

Napi::Value RetainGrad(const Napi::CallbackInfo& info) {
  return guard(info, [&]() -> Napi::Value {
    T(info, 0).retain_grad();
    return info.Env().Undefined();
  });
}

Napi::Value Backward(const Napi::CallbackInfo& info) {
  return guard(info, [&]() -> Napi::Value {
    at::Tensor& t = T(info, 0);
    auto g = OptT(info, 1);
    bool retain = Bool(info, 2);
    if (!t.requires_grad()) throw Napi::Error::New(info.Env(), "backward: tensor does not require grad (no graph)");
    if (g) {
      if (g->sizes() != t.sizes()) throw Napi::Error::New(info.Env(), "backward: gradient shape does not match the tensor");
      t.backward(*g, retain);
    } else {
      if (t.numel() != 1) throw Napi::Error::New(info.Env(), "backward: a non-scalar tensor needs an explicit gradient");
      t.backward({}, retain);
    }
    return info.Env().Undefined();
  });
}

Napi::Value SetGradEnabled(const Napi::CallbackInfo& info) {
  bool prev = at::GradMode::is_enabled();
  at::GradMode::set_enabled(Bool(info, 0));
  return Napi::Boolean::New(info.Env(), prev);
}

// ---------- elementwise and shape ops ----------

Napi::Value Unary(const Napi::CallbackInfo& info) {
  return guard(info, [&]() -> Napi::Value {
    std::string op = Str(info, 0);
    at::Tensor& x = T(info, 1);
    if (op == "relu") return W(info, torch::relu(x));
    if (op == "relu_") return W(info, torch::relu_(x));
    if (op == "tanh") return W(info, torch::tanh(x));
    if (op == "sigmoid") return W(info, torch::sigmoid(x));
    if (op == "exp") return W(info, torch::exp(x));
    if (op == "log") return W(info, torch::log(x));
    if (op == "neg") return W(info, torch::neg(x));
    if (op == "sqrt") return W(info, torch::sqrt(x));
    if (op == "abs") return W(info, torch::abs(x));
    if (op == "sin") return W(info, torch::sin(x));
    if (op == "cos") return W(info, torch::cos(x));
    if (op == "detach") return W(info, x.detach());
    if (op == "clone") return W(info, x.clone());
    if (op == "contiguous") return W(info, x.contiguous());
    if (op == "float") return W(info, x.to(torch::kFloat32));
    if (op == "long") return W(info, x.to(torch::kInt64));
    if (op == "isfinite") return W(info, torch::isfinite(x).all().to(torch::kInt64));
    throw Napi::Error::New(info.Env(), "unknown unary op " + op);
  });
}

Napi::Value Binary(const Napi::CallbackInfo& info) {
  return guard(info, [&]() -> Napi::Value {
    std::string op = Str(info, 0);
    at::Tensor& a = T(info, 1);
    if (info[2].IsNumber()) {
      double s = Num(info, 2);
      if (op == "add") return W(info, a + s);
      if (op == "sub") return W(info, a - s);
      if (op == "mul") return W(info, a * s);
      if (op == "div") return W(info, a / s);
      if (op == "pow") return W(info, torch::pow(a, s));
      if (op == "eq") return W(info, a.eq(s).to(torch::kFloat32));
      throw Napi::Error::New(info.Env(), "unknown scalar binary op " + op);
    }
    at::Tensor& b = T(info, 2);
    if (op == "add") return W(info, a + b);
    if (op == "sub") return W(info, a - b);
    if (op == "mul") return W(info, a * b);
    if (op == "div") return W(info, a / b);
    if (op == "pow") return W(info, torch::pow(a, b));
    if (op == "eq") return W(info, a.eq(b).to(torch::kFloat32));
    if (op == "matmul") return W(info, torch::matmul(a, b));
    if (op == "copy_") {
      at::NoGradGuard ng;
      if (a.sizes() != b.sizes()) throw Napi::Error::New(info.Env(), "copy: shape mismatch");
      a.copy_(b);
      return W(info, a);
    }
    throw Napi::Error::New(info.Env(), "unknown binary op " + op);
  });
}

Napi::Value Reduce(const Napi::CallbackInfo& info) {
  return guard(info, [&]() -> Napi::Value {
    std::string op = Str(info, 0);
    at::Tensor& x = T(info, 1);
    bool all = info.Length() <= 2 || info[2].IsUndefined() || info[2].IsNull();
    bool keep = Bool(info, 3);
    if (op == "sum") return W(info, all ? x.sum() : x.sum(Ints(info, 2), keep));
    if (op == "mean") return W(info, all ? x.mean() : x.mean(Ints(info, 2), keep));
    if (op == "max") return W(info, all ? x.max() : std::get<0>(x.max(Ints(info, 2).at(0), keep)));
    if (op == "argmax") return W(info, all ? x.argmax() : x.argmax(Ints(info, 2).at(0), keep));
    throw Napi::Error::New(info.Env(), "unknown reduction " + op);
  });
}

Napi::Value Softmax(const Napi::CallbackInfo& info) {
  return guard(info, [&]() -> Napi::Value {
    bool log = Bool(info, 2);
    return W(info, log ? torch::log_softmax(T(info, 0), Int(info, 1)) : torch::softmax(T(info, 0), Int(info, 1)));
  });
}

Napi::Value Reshape(const Napi::CallbackInfo& info) {
  return guard(info, [&]() -> Napi::Value { return W(info, T(info, 0).reshape(Ints(info, 1))); });
}

Napi::Value Permute(const Napi::CallbackInfo& info) {
  return guard(info, [&]() -> Napi::Value { return W(info, T(info, 0).permute(Ints(info, 1))); });
}

Napi::Value Transpose(const Napi::CallbackInfo& info) {
  return guard(info, [&]() -> Napi::Value { return W(info, T(info, 0).transpose(Int(info, 1), Int(info, 2))); });
}

Napi::Value Narrow(const Napi::CallbackInfo& info) {
  return guard(info, [&]() -> Napi::Value { return W(info, T(info, 0).narrow(Int(info, 1), Int(info, 2), Int(info, 3))); });
}

Napi::Value IndexSelect(const Napi::CallbackInfo& info) {
  return guard(info, [&]() -> Napi::Value { return W(info, T(info, 0).index_select(Int(info, 1), T(info, 2))); });
}

Napi::Value Clamp(const Napi::CallbackInfo& info) {
  return guard(info, [&]() -> Napi::Value { return W(info, T(info, 0).clamp(Num(info, 1), Num(info, 2))); });
}

Napi::Value Cat(const Napi::CallbackInfo& info) {
  return guard(info, [&]() -> Napi::Value {
    if (!info[0].IsArray()) throw Napi::TypeError::New(info.Env(), "cat: first argument must be an array of tensors");
    Napi::Array a = info[0].As<Napi::Array>();
    std::vector<at::Tensor> ts;
    for (uint32_t k = 0; k < a.Length(); k++) {
      Napi::Value v = a.Get(k);
      if (!v.IsObject() || !v.As<Napi::Object>().InstanceOf(TensorWrap::Ctor(info.Env())))
        throw Napi::TypeError::New(info.Env(), "cat: every element must be a tensor");
      ts.push_back(TensorWrap::Unwrap(v.As<Napi::Object>())->tensor(info.Env()));
    }
    if (ts.empty()) throw Napi::Error::New(info.Env(), "cat: empty tensor list");
    return W(info, torch::cat(ts, Int(info, 1)));
  });
}

// ---------- neural network ops ----------

Napi::Value Linear(const Napi::CallbackInfo& info) {
  return guard(info, [&]() -> Napi::Value { return W(info, torch::linear(T(info, 0), T(info, 1), OptT(info, 2))); });
}

Napi::Value Conv2d(const Napi::CallbackInfo& info) {
  return guard(info, [&]() -> Napi::Value {
    return W(info, torch::conv2d(T(info, 0), T(info, 1), OptT(info, 2), Ints(info, 3), Ints(info, 4), Ints(info, 5),
                                 Int(info, 6)));
  });
}

Napi::Value BatchNorm(const Napi::CallbackInfo& info) {
  return guard(info, [&]() -> Napi::Value {
    // x, weight, bias, runningMean, runningVar, training, momentum, eps
    return W(info, torch::batch_norm(T(info, 0), OptT(info, 1), OptT(info, 2), OptT(info, 3), OptT(info, 4),
                                     Bool(info, 5), Num(info, 6), Num(info, 7), at::globalContext().userEnabledCuDNN()));
  });
}

Napi::Value Pool(const Napi::CallbackInfo& info) {
  return guard(info, [&]() -> Napi::Value {
    std::string op = Str(info, 0);
    at::Tensor& x = T(info, 1);
    if (op == "max") return W(info, torch::max_pool2d(x, Ints(info, 2), Ints(info, 3), Ints(info, 4)));
    if (op == "avg") return W(info, torch::avg_pool2d(x, Ints(info, 2), Ints(info, 3), Ints(info, 4)));
    if (op == "adaptive_avg") return W(info, torch::adaptive_avg_pool2d(x, Ints(info, 2)));
    throw Napi::Error::New(info.Env(), "unknown pool " + op);
  });
}

Napi::Value Dropout(const Napi::CallbackInfo& info) {
  return guard(info, [&]() -> Napi::Value { return W(info, torch::dropout(T(info, 0), Num(info, 1), Bool(info, 2))); });
}

Napi::Value InterpolateBilinear(const Napi::CallbackInfo& info) {
  return guard(info, [&]() -> Napi::Value {
    auto size = Ints(info, 1);
    return W(info, at::upsample_bilinear2d(T(info, 0), size, Bool(info, 2)));
  });
}

Napi::Value CrossEntropy(const Napi::CallbackInfo& info) {
  return guard(info, [&]() -> Napi::Value {
    // logits, target (int64), weight?, labelSmoothing
    at::Tensor& logits = T(info, 0);
    at::Tensor& target = T(info, 1);
    if (target.scalar_type() != torch::kInt64) throw Napi::TypeError::New(info.Env(), "crossEntropy: target must be int64");
    double ls = info.Length() > 3 && info[3].IsNumber() ? Num(info, 3) : 0.0;
    return W(info, at::cross_entropy_loss(logits, target, OptT(info, 2), at::Reduction::Mean, -100, ls));
  });
}

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

Napi::Value RuntimeInfo(const Napi::CallbackInfo& info) {
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("torchVersion", TORCH_VERSION);
  o.Set("cudaAvailable", torch::cuda::is_available());
  o.Set("threads", at::get_num_threads());
  o.Set("parallelInfo", at::get_parallel_info());
  return o;
}

Napi::Value ToDevice(const Napi::CallbackInfo& info) {
  return guard(info, [&]() -> Napi::Value { return W(info, T(info, 0).to(c10::Device(Str(info, 1)))); });
}

// ---------- float64 linear algebra on typed arrays (no tensors kept) ----------

// Dense float64 matrix product through libtorch's BLAS: A (m×k) · B (k×n), both row-major typed
// arrays, returns m×n row-major. Used where an exact float64 product of plain arrays is the hot loop
// (Kernel SHAP's masked pre-activations: coalition indicator rows times per-feature deltas).
Napi::Value MatmulF64(const Napi::CallbackInfo& info) {
  return guard(info, [&]() -> Napi::Value {
    if (info.Length() < 5 || !IsF64(info[0]) || !IsF64(info[3]))
      throw Napi::TypeError::New(info.Env(), "matmulF64(a: Float64Array, m, k, b: Float64Array, n)");
    auto a = info[0].As<Napi::Float64Array>();
    auto b = info[3].As<Napi::Float64Array>();
    int64_t m = info[1].As<Napi::Number>().Int64Value();
    int64_t k = info[2].As<Napi::Number>().Int64Value();
    int64_t n = info[4].As<Napi::Number>().Int64Value();
    if (m < 1 || k < 1 || n < 1 || static_cast<int64_t>(a.ElementLength()) != m * k ||
        static_cast<int64_t>(b.ElementLength()) != k * n)
      throw Napi::RangeError::New(info.Env(), "matmulF64: a must hold m×k and b k×n values");
    torch::NoGradGuard ng;
    auto out = Napi::Float64Array::New(info.Env(), static_cast<size_t>(m * n));
    at::Tensor C = torch::from_blob(out.Data(), {m, n}, torch::kFloat64);
    at::mm_out(C, torch::from_blob(a.Data(), {m, k}, torch::kFloat64),
               torch::from_blob(b.Data(), {k, n}, torch::kFloat64));
    return out;
  });
}

// LAPACK (OpenBLAS's, the one libtorch itself links): the Cholesky factor and solve in place.
extern "C" {
void dpotrf_(const char* uplo, const int* n, double* a, const int* lda, int* info);
void dpotrs_(const char* uplo, const int* n, const int* nrhs, const double* a, const int* lda, double* b,
             const int* ldb, int* info);
}

// A += w·Σ_r 1[S_r]·1[S_r]ᵀ over a run of index sets sharing the weight w (A n×n float64, full
// symmetric). Sets with few members are scattered pair by pair (|S|² adds); when enough large ones
// remain they are counted by a float32 GEMM of their 0/1 indicators, exact (every count is an integer
// below 2^24), of which only the blocks on and below the diagonal are computed for large n (about 5/8
// of the work at n = 1,024), then scaled by w in float64. Kernel SHAP's coalition sizes fall off like
// 1/|S|, so about three quarters of its sets are scattered and the GEMM gets the rest.
static void AddWeightedGram(at::Tensor& A, const int32_t* offsets, const int32_t* indices, int64_t r0, int64_t r1,
                            double w) {
  const int64_t n = A.size(0);
  const int64_t sparseBelow = std::max<int64_t>(8, n / 8);
  constexpr int64_t kMinGemmRows = 16;
  double* a = A.data_ptr<double>();
  std::vector<int64_t> dense;
  for (int64_t r = r0; r < r1; r++)
    if (offsets[r + 1] - offsets[r] >= sparseBelow) dense.push_back(r);
  const bool gemm = static_cast<int64_t>(dense.size()) >= kMinGemmRows;
  for (int64_t r = r0; r < r1; r++) {
    const int32_t* idx = indices + offsets[r];
    const int64_t s = offsets[r + 1] - offsets[r];
    if (gemm && s >= sparseBelow) continue;
    for (int64_t p = 0; p < s; p++) {
      double* ap = a + static_cast<int64_t>(idx[p]) * n;
      for (int64_t q = 0; q < s; q++) ap[idx[q]] += w;
    }
  }
  if (!gemm) return;
  // the large sets' indicators, transposed: Zt is n×m, one contiguous row per feature
  const int64_t m = static_cast<int64_t>(dense.size());
  at::Tensor Zt = at::zeros({n, m}, torch::kFloat32);
  float* zt = Zt.data_ptr<float>();
  for (int64_t k = 0; k < m; k++)
    for (int32_t p = offsets[dense[k]]; p < offsets[dense[k] + 1]; p++) zt[static_cast<int64_t>(indices[p]) * m + k] = 1.0f;
  constexpr int64_t kBlock = 256;
  const int64_t block = n < 2 * kBlock ? n : kBlock;
  for (int64_t i0 = 0; i0 < n; i0 += block) {
    const int64_t bi = std::min(block, n - i0);
    at::Tensor Zi = Zt.narrow(0, i0, bi);
    for (int64_t j0 = 0; j0 <= i0; j0 += block) {
      const int64_t bj = std::min(block, n - j0);
      at::Tensor counts = at::mm(Zi, Zt.narrow(0, j0, bj).t()).to(torch::kFloat64);
      A.narrow(0, i0, bi).narrow(1, j0, bj).add_(counts, w);
      if (j0 != i0) A.narrow(0, j0, bj).narrow(1, i0, bi).add_(counts.t(), w);
    }
  }
}

// Kernel SHAP's constrained regression, solved in float64. With Z the 0/1 indicator rows of R index
// sets over n features (CSR: offsets R+1, sorted distinct indices), w their weights, P = I − 11ᵀ/n and
// M = P·ZᵀWZ·P, solves
//   (M + (α/n)·11ᵀ + ridge·α·I) · X = B,  α = tr(M)/n (1 when that is 0),
// for C right-hand sides given as the rows of B (C×n); returns X as C×n. Runs of consecutive rows
// sharing a weight are counted together (AddWeightedGram); the centring, the rank-one term and the
// ridge are whole-matrix libtorch ops; then LAPACK's potrf and potrs in place (row-major C×n is
// column-major n×C, so no transposes).
Napi::Value CentredGramSolveF64(const Napi::CallbackInfo& info) {
  return guard(info, [&]() -> Napi::Value {
    const char* sig =
        "centredGramSolveF64(offsets: Int32Array, indices: Int32Array, n, w: Float64Array, b: Float64Array, c, ridge)";
    if (info.Length() < 7 || !IsTypedArrayOf(info[0], napi_int32_array) ||
        !IsTypedArrayOf(info[1], napi_int32_array) || !info[2].IsNumber() || !IsF64(info[3]) ||
        !IsF64(info[4]) || !info[5].IsNumber() || !info[6].IsNumber())
      throw Napi::TypeError::New(info.Env(), sig);
    auto off = info[0].As<Napi::Int32Array>();
    auto ind = info[1].As<Napi::Int32Array>();
    auto w = info[3].As<Napi::Float64Array>();
    auto b = info[4].As<Napi::Float64Array>();
    const int64_t n = info[2].As<Napi::Number>().Int64Value();
    const int64_t c = info[5].As<Napi::Number>().Int64Value();
    const double ridge = info[6].As<Napi::Number>().DoubleValue();
    const int64_t R = static_cast<int64_t>(off.ElementLength()) - 1;
    auto bad = [&](const std::string& m) { return Napi::RangeError::New(info.Env(), "centredGramSolveF64: " + m); };
    if (R < 1 || n < 1 || c < 1 || n > (int64_t(1) << 20)) throw bad("need at least one set, n in 1..2^20 and c ≥ 1");
    if (static_cast<int64_t>(w.ElementLength()) != R) throw bad("w must hold one weight per set");
    if (static_cast<int64_t>(b.ElementLength()) != c * n) throw bad("b must hold c×n values");
    if (!(ridge >= 0) || !std::isfinite(ridge)) throw bad("ridge must be finite and ≥ 0");
    const int32_t* offsets = off.Data();
    const int32_t* indices = ind.Data();
    const double* wd = w.Data();
    if (offsets[0] != 0 || offsets[R] != static_cast<int64_t>(ind.ElementLength()))
      throw bad("offsets must start at 0 and end at the number of indices");
    // every offset first (a set's indices are read only once all offsets are known to be in range)
    for (int64_t r = 0; r < R; r++)
      if (offsets[r + 1] < offsets[r]) throw bad("offsets must not decrease (set " + std::to_string(r) + ")");
    for (int64_t r = 0; r < R; r++) {
      if (!(wd[r] >= 0) || !std::isfinite(wd[r])) throw bad("weight " + std::to_string(r) + " is negative or not finite");
      for (int32_t p = offsets[r]; p < offsets[r + 1]; p++)
        if (indices[p] < 0 || indices[p] >= n || (p > offsets[r] && indices[p] <= indices[p - 1]))
          throw bad("set " + std::to_string(r) + " must hold increasing indices in 0.." + std::to_string(n - 1));
    }
    torch::NoGradGuard ng;
    at::Tensor A = at::zeros({n, n}, torch::kFloat64);
    for (int64_t r0 = 0; r0 < R;) {
      int64_t r1 = r0 + 1;
      while (r1 < R && wd[r1] == wd[r0] && r1 - r0 < (int64_t(1) << 24) - 1) r1++;
      if (wd[r0] != 0) AddWeightedGram(A, offsets, indices, r0, r1, wd[r0]);
      r0 = r1;
    }
    at::Tensor mean = A.mean(1);
    const double all = mean.mean().item<double>();
    A.sub_(mean.unsqueeze(0)).sub_(mean.unsqueeze(1)).add_(all);
    double alpha = A.trace().item<double>() / static_cast<double>(n);
    if (!(alpha > 0)) alpha = 1;
    A.add_(alpha / static_cast<double>(n));
    A.diagonal().add_(ridge * alpha);
    const int ni = static_cast<int>(n), ci = static_cast<int>(c);
    int status = 0;
    dpotrf_("L", &ni, A.data_ptr<double>(), &ni, &status);
    if (status != 0)
      throw Napi::Error::New(info.Env(), "matrix is not positive definite (leading minor " + std::to_string(status) + ")");
    auto out = Napi::Float64Array::New(info.Env(), static_cast<size_t>(c * n));
    std::memcpy(out.Data(), b.Data(), sizeof(double) * c * n);
    dpotrs_("L", &ni, &ci, A.data_ptr<double>(), &ni, out.Data(), &ni, &status);
    if (status != 0) throw Napi::Error::New(info.Env(), "potrs failed (" + std::to_string(status) + ")");
    return out;
  });
}

// Elementwise tanh or exp of a float64 typed array, in place, through libtorch's vectorised kernels
// (SHAP's value functions push ~10^6 scalars per image through a head's nonlinearities).
Napi::Value UnaryF64InPlace(const Napi::CallbackInfo& info) {
  return guard(info, [&]() -> Napi::Value {
    if (info.Length() < 2 || !info[0].IsString() || !IsF64(info[1]))
      throw Napi::TypeError::New(info.Env(), "unaryF64InPlace(op: 'tanh' | 'exp', a: Float64Array)");
    std::string op = info[0].As<Napi::String>().Utf8Value();
    auto a = info[1].As<Napi::Float64Array>();
    int64_t n = static_cast<int64_t>(a.ElementLength());
    if (n == 0) return info.Env().Undefined();
    torch::NoGradGuard ng;
    at::Tensor t = torch::from_blob(a.Data(), {n}, torch::kFloat64);
    if (op == "tanh")
      t.tanh_();
    else if (op == "exp")
      t.exp_();
    else
      throw Napi::RangeError::New(info.Env(), "unaryF64InPlace: unknown op '" + op + "' (tanh, exp)");
    return info.Env().Undefined();
  });
}

// ---------- optimizers ----------

class OptimWrap : public Napi::ObjectWrap<OptimWrap> {
 public:
  static void Init(Napi::Env env, Napi::Object exports) {
    Napi::Function f = DefineClass(env, "NativeOptimizer",
                                   {
                                       InstanceMethod("step", &OptimWrap::Step),
                                       InstanceMethod("zeroGrad", &OptimWrap::ZeroGradAll),
                                       InstanceMethod("setLr", &OptimWrap::SetLr),
                                       InstanceMethod("saveState", &OptimWrap::SaveState),
                                       InstanceMethod("loadState", &OptimWrap::LoadState),
                                   });
    Data(env)->optimCtor = Napi::Persistent(f);
    exports.Set("NativeOptimizer", f);
  }

  // new NativeOptimizer(kind, params[], options{lr, momentum, nesterov, weightDecay, beta1, beta2, eps})
  explicit OptimWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<OptimWrap>(info) {
    guard(info, [&]() -> Napi::Value {
      std::string kind = Str(info, 0);
      if (!info[1].IsArray()) throw Napi::TypeError::New(info.Env(), "optimizer: params must be an array of tensors");
      Napi::Array a = info[1].As<Napi::Array>();
      std::vector<at::Tensor> params;
      for (uint32_t k = 0; k < a.Length(); k++) {
        Napi::Value v = a.Get(k);
        if (!v.IsObject() || !v.As<Napi::Object>().InstanceOf(TensorWrap::Ctor(info.Env())))
          throw Napi::TypeError::New(info.Env(), "optimizer: every parameter must be a tensor");
        params.push_back(TensorWrap::Unwrap(v.As<Napi::Object>())->tensor(info.Env()));
      }
      Napi::Object o = info[2].IsObject() ? info[2].As<Napi::Object>() : Napi::Object::New(info.Env());
      auto num = [&](const char* key, double def) {
        return o.Has(key) && o.Get(key).IsNumber() ? o.Get(key).As<Napi::Number>().DoubleValue() : def;
      };
      double lr = num("lr", 1e-3);
      if (kind == "sgd") {
        auto opt = torch::optim::SGDOptions(lr)
                       .momentum(num("momentum", 0))
                       .weight_decay(num("weightDecay", 0))
                       .nesterov(o.Has("nesterov") && o.Get("nesterov").ToBoolean().Value())
                       .dampening(num("dampening", 0));
        opt_ = std::make_unique<torch::optim::SGD>(params, opt);
      } else if (kind == "adam") {
        auto opt = torch::optim::AdamOptions(lr)
                       .betas({num("beta1", 0.9), num("beta2", 0.999)})
                       .eps(num("eps", 1e-8))
                       .weight_decay(num("weightDecay", 0));
        opt_ = std::make_unique<torch::optim::Adam>(params, opt);
      } else if (kind == "adamw") {
        auto opt = torch::optim::AdamWOptions(lr)
                       .betas({num("beta1", 0.9), num("beta2", 0.999)})
                       .eps(num("eps", 1e-8))
                       .weight_decay(num("weightDecay", 1e-2));
        opt_ = std::make_unique<torch::optim::AdamW>(params, opt);
      } else {
        throw Napi::Error::New(info.Env(), "unknown optimizer " + kind + " (sgd, adam, adamw)");
      }
      return info.Env().Undefined();
    });
  }

 private:
  Napi::Value Step(const Napi::CallbackInfo& info) {
    return guard(info, [&]() -> Napi::Value {
      at::NoGradGuard ng;
      opt_->step();
      return info.Env().Undefined();
    });
  }
  Napi::Value ZeroGradAll(const Napi::CallbackInfo& info) {
    return guard(info, [&]() -> Napi::Value {
      opt_->zero_grad();
      return info.Env().Undefined();
    });
  }
  Napi::Value SetLr(const Napi::CallbackInfo& info) {
    return guard(info, [&]() -> Napi::Value {
      double lr = Num(info, 0);
      for (auto& g : opt_->param_groups()) g.options().set_lr(lr);
      return info.Env().Undefined();
    });
  }
  Napi::Value SaveState(const Napi::CallbackInfo& info) {
    return guard(info, [&]() -> Napi::Value {
      torch::serialize::OutputArchive ar;
      opt_->save(ar);
      std::ostringstream os;
      ar.save_to(os);
      std::string s = os.str();
      return Napi::Buffer<char>::Copy(info.Env(), s.data(), s.size());
    });
  }
  Napi::Value LoadState(const Napi::CallbackInfo& info) {
    return guard(info, [&]() -> Napi::Value {
      if (!info[0].IsBuffer()) throw Napi::TypeError::New(info.Env(), "optimizer state must be a Buffer");
      auto b = info[0].As<Napi::Buffer<char>>();
      std::istringstream is(std::string(b.Data(), b.Length()));
      torch::serialize::InputArchive ar;
      ar.load_from(is);
      opt_->load(ar);
      return info.Env().Undefined();
    });
  }

  std::unique_ptr<torch::optim::Optimizer> opt_;
};


Napi::Object InitAll(Napi::Env env, Napi::Object exports) {
  env.SetInstanceData(new AddonData());
  TensorWrap::Init(env, exports);
  OptimWrap::Init(env, exports);
  exports.Set("fromFloat32", Napi::Function::New(env, FromFloat32));
  exports.Set("fromInt64", Napi::Function::New(env, FromInt64));
  exports.Set("create", Napi::Function::New(env, Create));
  exports.Set("toFloat32", Napi::Function::New(env, ToFloat32));
  exports.Set("toInt64", Napi::Function::New(env, ToInt64));
  exports.Set("info", Napi::Function::New(env, Info));
  exports.Set("setRequiresGrad", Napi::Function::New(env, SetRequiresGrad));
  exports.Set("grad", Napi::Function::New(env, Grad));
  exports.Set("setGrad", Napi::Function::New(env, SetGrad));
  exports.Set("zeroGrad", Napi::Function::New(env, ZeroGrad));
  exports.Set("retainGrad", Napi::Function::New(env, RetainGrad));
  exports.Set("backward", Napi::Function::New(env, Backward));
  exports.Set("setGradEnabled", Napi::Function::New(env, SetGradEnabled));
  exports.Set("unary", Napi::Function::New(env, Unary));
  exports.Set("binary", Napi::Function::New(env, Binary));
  exports.Set("reduce", Napi::Function::New(env, Reduce));
  exports.Set("softmax", Napi::Function::New(env, Softmax));
  exports.Set("reshape", Napi::Function::New(env, Reshape));
  exports.Set("permute", Napi::Function::New(env, Permute));
  exports.Set("transpose", Napi::Function::New(env, Transpose));
  exports.Set("narrow", Napi::Function::New(env, Narrow));
  exports.Set("indexSelect", Napi::Function::New(env, IndexSelect));
  exports.Set("clamp", Napi::Function::New(env, Clamp));
  exports.Set("cat", Napi::Function::New(env, Cat));
  exports.Set("linear", Napi::Function::New(env, Linear));
  exports.Set("conv2d", Napi::Function::New(env, Conv2d));
  exports.Set("batchNorm", Napi::Function::New(env, BatchNorm));
  exports.Set("pool", Napi::Function::New(env, Pool));
  exports.Set("dropout", Napi::Function::New(env, Dropout));
  exports.Set("interpolateBilinear", Napi::Function::New(env, InterpolateBilinear));
  exports.Set("crossEntropy", Napi::Function::New(env, CrossEntropy));
  exports.Set("setNumThreads", Napi::Function::New(env, SetNumThreads));
  exports.Set("getNumThreads", Napi::Function::New(env, GetNumThreads));
  exports.Set("manualSeed", Napi::Function::New(env, ManualSeed));
  exports.Set("getRngState", Napi::Function::New(env, GetRngState));
  exports.Set("setRngState", Napi::Function::New(env, SetRngState));
  exports.Set("memory", Napi::Function::New(env, Memory));
  exports.Set("runtimeInfo", Napi::Function::New(env, RuntimeInfo));
  exports.Set("toDevice", Napi::Function::New(env, ToDevice));
  exports.Set("matmulF64", Napi::Function::New(env, MatmulF64));
  exports.Set("unaryF64InPlace", Napi::Function::New(env, UnaryF64InPlace));
  exports.Set("centredGramSolveF64", Napi::Function::New(env, CentredGramSolveF64));
  return exports;
}

}  // namespace

NODE_API_MODULE(qmri_native, InitAll)
