// qmri native addon: tensor creation and conversion, elementwise/shape ops and neural-network ops
// (convolution, batch norm, pooling, losses), each a direct call into libtorch.
#include "common.h"
#include "bindings.h"

#include <cstring>

namespace qmri {

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
                     : t.scalar_type() == torch::kBFloat16 ? "bfloat16"
                                                        : std::string(c10::toString(t.scalar_type()));
    o.Set("dtype", dt);
    o.Set("requiresGrad", t.requires_grad());
    o.Set("device", t.device().str());
    o.Set("channelsLast", t.dim() == 4 && !t.is_contiguous() && t.is_contiguous(at::MemoryFormat::ChannelsLast));
    return o;
  });
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
    if (op == "bfloat16") return W(info, x.to(torch::kBFloat16));
    if (op == "channels_last") return W(info, x.contiguous(at::MemoryFormat::ChannelsLast));
    if (op == "channels_last_") {
      // in place, for parameters: the same tensor (optimizer and module keep their reference), its
      // storage re-laid out NHWC; values, autograd leaf status and requires_grad unchanged
      at::NoGradGuard ng;
      x.set_data(x.contiguous(at::MemoryFormat::ChannelsLast));
      return W(info, x);
    }
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
      if (!IsTensor(info.Env(), v))
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

}  // namespace qmri
