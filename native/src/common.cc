// qmri native addon: the argument helpers declared in common.h (JS values to tensors, shapes, numbers).
#include "common.h"

namespace qmri {

std::atomic<int64_t> g_live_tensors{0};
std::atomic<int64_t> g_live_bytes{0};

bool IsTypedArrayOf(const Napi::Value& v, napi_typedarray_type type) {
  return v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == type;
}
bool IsF64(const Napi::Value& v) { return IsTypedArrayOf(v, napi_float64_array); }

bool IsTensor(Napi::Env env, const Napi::Value& v) {
  return v.IsObject() && v.As<Napi::Object>().InstanceOf(TensorWrap::Ctor(env));
}

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

}  // namespace qmri
