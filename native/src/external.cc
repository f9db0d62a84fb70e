// qmri native addon: functions computed outside libtorch (the quantum circuit, simulated in TypeScript)
// as real autograd nodes. externalApply(z, params, output, outputShape, vjp) wraps the values JS
// computed from z as a tensor whose grad_fn is an ExternalBackward node with z and the params as its
// inputs, so loss.backward() alone reaches the circuit and everything before it. The node's backward
// calls the JS vjp(gradOutput) synchronously: libtorch runs CPU nodes of a backward pass on the thread
// that called backward(), which is the JS thread that called native.backward(). The output is made on
// the CPU and then moved to z's device, so on a GPU the node still receives a CPU gradient (and runs on
// the calling thread); its results go back to each input's device. A node reached from any other
// thread fails with a clear error instead of touching V8.
#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/functions/utils.h>

#include <cstring>
#include <memory>
#include <stdexcept>
#include <thread>

#include "bindings.h"
#include "common.h"

namespace qmri {
namespace {

using torch::autograd::variable_list;

at::Tensor FromFloats(const Napi::Value& v, const at::Tensor& like, const char* what) {
  if (!IsTypedArrayOf(v, napi_float32_array))
    throw std::runtime_error(std::string("external vjp: ") + what + " must be a Float32Array");
  auto arr = v.As<Napi::Float32Array>();
  if (static_cast<int64_t>(arr.ElementLength()) != like.numel())
    throw std::runtime_error(std::string("external vjp: ") + what + " has " + std::to_string(arr.ElementLength()) +
                             " values, expected " + std::to_string(like.numel()));
  at::Tensor t = torch::from_blob(arr.Data(), like.sizes(), torch::kFloat32).clone();
  return t.to(like.device(), like.scalar_type());
}

struct ExternalBackward : public torch::autograd::Node {
  ExternalBackward(Napi::Env env, Napi::Function vjp, std::vector<at::Tensor> likes)
      : env_(env), vjp_(Napi::Persistent(vjp)), likes_(std::move(likes)), thread_(std::this_thread::get_id()) {}

  ~ExternalBackward() override {
    // a reference may only be released on its own JS thread; elsewhere it is left to the environment
    if (std::this_thread::get_id() != thread_) vjp_.SuppressDestruct();
  }

  std::string name() const override { return "ExternalBackward"; }

  variable_list apply(variable_list&& grads) override {
    if (std::this_thread::get_id() != thread_)
      throw std::runtime_error("external function: backward reached from a thread other than its JS thread");
    variable_list out(likes_.size());
    if (grads.empty() || !grads[0].defined()) return out;
    at::Tensor g = grads[0].detach().to(torch::kCPU).to(torch::kFloat32).contiguous();
    Napi::HandleScope scope(env_);
    auto ga = Napi::Float32Array::New(env_, g.numel());
    if (g.numel() > 0) std::memcpy(ga.Data(), g.data_ptr<float>(), g.numel() * sizeof(float));
    Napi::Value r;
    try {
      r = vjp_.Call({ga});
    } catch (const Napi::Error& e) {
      throw std::runtime_error(std::string("external vjp failed: ") + e.Message());
    }
    if (!r.IsObject()) throw std::runtime_error("external vjp must return { gradInput, gradParams }");
    Napi::Object o = r.As<Napi::Object>();
    if (should_compute_output(0)) out[0] = FromFloats(o.Get("gradInput"), likes_[0], "gradInput");
    Napi::Value gp = o.Get("gradParams");
    const uint32_t np = static_cast<uint32_t>(likes_.size() - 1);
    if (np > 0 && (!gp.IsArray() || gp.As<Napi::Array>().Length() != np))
      throw std::runtime_error("external vjp: gradParams must hold one Float32Array per parameter");
    for (uint32_t k = 0; k < np; k++)
      if (should_compute_output(k + 1)) out[k + 1] = FromFloats(gp.As<Napi::Array>().Get(k), likes_[k + 1], "gradParams");
    return out;
  }

  void release_variables() override {}

 private:
  Napi::Env env_;
  Napi::FunctionReference vjp_;
  std::vector<at::Tensor> likes_;  // empty tensors with each input's shape, dtype and device
  std::thread::id thread_;
};

}  // namespace

// externalApply(z, params[], output: Float32Array, outputShape, vjp) → tensor on z's device
Napi::Value ExternalApply(const Napi::CallbackInfo& info) {
  return guard(info, [&]() -> Napi::Value {
    at::Tensor& z = T(info, 0);
    if (!info[1].IsArray()) throw Napi::TypeError::New(info.Env(), "externalApply: params must be an array of tensors");
    std::vector<at::Tensor> inputs{z};
    Napi::Array pa = info[1].As<Napi::Array>();
    for (uint32_t k = 0; k < pa.Length(); k++) {
      if (!IsTensor(info.Env(), pa.Get(k))) throw Napi::TypeError::New(info.Env(), "externalApply: every parameter must be a tensor");
      inputs.push_back(TensorWrap::Unwrap(pa.Get(k).As<Napi::Object>())->tensor(info.Env()));
    }
    if (!IsTypedArrayOf(info[2], napi_float32_array))
      throw Napi::TypeError::New(info.Env(), "externalApply: output must be a Float32Array");
    auto data = info[2].As<Napi::Float32Array>();
    auto shape = Shape(info, 3);
    int64_t n = 1;
    for (auto d : shape) n *= d;
    if (n != static_cast<int64_t>(data.ElementLength()))
      throw Napi::RangeError::New(info.Env(), "externalApply: output has " + std::to_string(data.ElementLength()) +
                                                  " values but its shape needs " + std::to_string(n));
    if (!info[4].IsFunction()) throw Napi::TypeError::New(info.Env(), "externalApply: vjp must be a function");
    at::Tensor out = torch::from_blob(data.Data(), shape, torch::kFloat32).clone();
    if (at::GradMode::is_enabled() && torch::autograd::any_variable_requires_grad(inputs)) {
      std::vector<at::Tensor> likes;
      for (auto& t : inputs) likes.push_back(at::empty(t.sizes(), t.options()));
      auto node = std::shared_ptr<ExternalBackward>(
          new ExternalBackward(info.Env(), info[4].As<Napi::Function>(), std::move(likes)), torch::autograd::deleteNode);
      node->set_next_edges(torch::autograd::collect_next_edges(inputs));
      torch::autograd::set_history(out, node);
    }
    if (!z.device().is_cpu()) out = out.to(z.device());
    return W(info, out);
  });
}

}  // namespace qmri
