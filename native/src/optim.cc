// qmri native addon: torch::optim optimizers (SGD, Adam, AdamW) as a JS class, with state export
// (loaded onto the parameters' device).
#include "common.h"
#include "bindings.h"

#include <sstream>

namespace qmri {

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
                                       InstanceMethod("dispose", &OptimWrap::Dispose),
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
        if (!IsTensor(info.Env(), v))
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
  // the optimizer holds the parameters (and their gradients) and its moments: ~3x the model's size.
  // Released here, deterministically; a finalizer only runs when V8 collects the wrapper, which a
  // tight synchronous training loop with a small JS heap may not do for many models.
  Napi::Value Dispose(const Napi::CallbackInfo& info) {
    opt_.reset();
    return info.Env().Undefined();
  }
  torch::optim::Optimizer& live(const Napi::CallbackInfo& info) {
    if (!opt_) throw Napi::Error::New(info.Env(), "optimizer used after dispose()");
    return *opt_;
  }
  Napi::Value Step(const Napi::CallbackInfo& info) {
    return guard(info, [&]() -> Napi::Value {
      at::NoGradGuard ng;
      live(info).step();
      return info.Env().Undefined();
    });
  }
  Napi::Value ZeroGradAll(const Napi::CallbackInfo& info) {
    return guard(info, [&]() -> Napi::Value {
      live(info).zero_grad();
      return info.Env().Undefined();
    });
  }
  Napi::Value SetLr(const Napi::CallbackInfo& info) {
    return guard(info, [&]() -> Napi::Value {
      double lr = Num(info, 0);
      for (auto& g : live(info).param_groups()) g.options().set_lr(lr);
      return info.Env().Undefined();
    });
  }
  Napi::Value SaveState(const Napi::CallbackInfo& info) {
    return guard(info, [&]() -> Napi::Value {
      torch::serialize::OutputArchive ar;
      live(info).save(ar);
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
      // map_location: the state follows the parameters' device, wherever it was saved
      c10::optional<torch::Device> dev;
      for (auto& g : live(info).param_groups())
        if (!g.params().empty()) dev = g.params()[0].device();
      ar.load_from(is, dev);
      live(info).load(ar);
      return info.Env().Undefined();
    });
  }

  std::unique_ptr<torch::optim::Optimizer> opt_;
};

void InitOptimizer(Napi::Env env, Napi::Object exports) { OptimWrap::Init(env, exports); }

}  // namespace qmri
