// qmri native addon: autograd controls (requires_grad, grad, backward, grad mode).
#include "common.h"
#include "bindings.h"

namespace qmri {

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

}  // namespace qmri
