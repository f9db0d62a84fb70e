// qmri native addon: data-parallel collectives through PyTorch's own c10d (TCPStore rendezvous,
// ProcessGroupGloo on CPU; a CUDA libtorch would take ProcessGroupNCCL on this same path).
//   new NativeProcessGroup({ rank, worldSize, masterAddr, masterPort, timeoutMs })
//   .allreduceGrads(params[], bucketBytes)  every parameter's .grad averaged over ranks, in buckets of
//                                           about bucketBytes (flattened, one collective per bucket)
//   .allreduce(tensors[], bucketBytes)      the same, in place on the tensors themselves (summed)
//   .broadcast(tensors[], root)             root's values copied into every rank's tensors, in place
//   .barrier()
// Every call blocks until its collective is done (training steps are synchronous).
#define USE_C10D_GLOO 1
#include "distributed.h"

#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <chrono>

#include "common.h"

namespace qmri {
namespace {

std::vector<at::Tensor> TensorList(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (i >= info.Length() || !info[i].IsArray())
    throw Napi::TypeError::New(info.Env(), std::string(what) + ": expected an array of tensors");
  Napi::Array a = info[i].As<Napi::Array>();
  std::vector<at::Tensor> out;
  for (uint32_t k = 0; k < a.Length(); k++) {
    if (!IsTensor(info.Env(), a.Get(k))) throw Napi::TypeError::New(info.Env(), std::string(what) + ": every element must be a tensor");
    out.push_back(TensorWrap::Unwrap(a.Get(k).As<Napi::Object>())->tensor(info.Env()));
  }
  return out;
}

bool IsLoopback(const std::string& host) { return host == "localhost" || host.rfind("127.", 0) == 0; }

class ProcessGroupWrap : public Napi::ObjectWrap<ProcessGroupWrap> {
 public:
  static void Init(Napi::Env env, Napi::Object exports) {
    Napi::Function f = DefineClass(env, "NativeProcessGroup",
                                   {
                                       InstanceMethod("allreduceGrads", &ProcessGroupWrap::AllreduceGrads),
                                       InstanceMethod("allreduce", &ProcessGroupWrap::Allreduce),
                                       InstanceMethod("broadcast", &ProcessGroupWrap::Broadcast),
                                       InstanceMethod("barrier", &ProcessGroupWrap::Barrier),
                                       InstanceMethod("destroy", &ProcessGroupWrap::Destroy),
                                   });
    exports.Set("NativeProcessGroup", f);
  }

  explicit ProcessGroupWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ProcessGroupWrap>(info) {
    guard(info, [&]() -> Napi::Value {
      if (!info[0].IsObject()) throw Napi::TypeError::New(info.Env(), "NativeProcessGroup: options object expected");
      Napi::Object o = info[0].As<Napi::Object>();
      auto num = [&](const char* key) {
        if (!o.Get(key).IsNumber()) throw Napi::TypeError::New(info.Env(), std::string("NativeProcessGroup: ") + key + " must be a number");
        return o.Get(key).As<Napi::Number>().Int64Value();
      };
      const int64_t rank = num("rank"), size = num("worldSize"), port = num("masterPort"), timeoutMs = num("timeoutMs");
      if (!o.Get("masterAddr").IsString()) throw Napi::TypeError::New(info.Env(), "NativeProcessGroup: masterAddr must be a string");
      const std::string host = o.Get("masterAddr").As<Napi::String>().Utf8Value();
      if (size < 1 || rank < 0 || rank >= size || port < 1 || port > 65535 || timeoutMs < 1)
        throw Napi::RangeError::New(info.Env(), "NativeProcessGroup: need 0 ≤ rank < worldSize, port in 1..65535, timeoutMs ≥ 1");
      c10d::TCPStoreOptions so;
      so.port = static_cast<uint16_t>(port);
      so.isServer = rank == 0;
      so.numWorkers = static_cast<size_t>(size);
      so.waitWorkers = true;
      so.timeout = std::chrono::milliseconds(timeoutMs);
      auto store = c10::make_intrusive<c10d::TCPStore>(host, so);
      auto opts = c10d::ProcessGroupGloo::Options::create(std::chrono::milliseconds(timeoutMs));
      opts->devices.push_back(IsLoopback(host) ? c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1")
                                               : c10d::ProcessGroupGloo::createDefaultDevice());
      opts->threads = 2;
      pg_ = c10::make_intrusive<c10d::ProcessGroupGloo>(store, static_cast<int>(rank), static_cast<int>(size), opts);
      size_ = size;
      return info.Env().Undefined();
    });
  }

 private:
  c10d::ProcessGroup& pg(Napi::Env env) {
    if (!pg_) throw Napi::Error::New(env, "process group used after destroy()");
    return *pg_;
  }

  // Sums the tensors over ranks in place, one flattened collective per bucket of about `cap` bytes.
  void BucketedSum(Napi::Env env, std::vector<at::Tensor>& ts, int64_t cap) {
    torch::NoGradGuard ng;
    size_t k = 0;
    while (k < ts.size()) {
      size_t e = k;
      int64_t bytes = 0;
      while (e < ts.size() && (e == k || bytes + tensor_bytes(ts[e]) <= cap)) bytes += tensor_bytes(ts[e++]);
      std::vector<at::Tensor> flat;
      for (size_t j = k; j < e; j++) flat.push_back(ts[j].reshape({-1}));
      std::vector<at::Tensor> bucket{at::cat(flat)};
      pg(env).allreduce(bucket)->wait();
      int64_t off = 0;
      for (size_t j = k; j < e; j++) {
        const int64_t n = ts[j].numel();
        ts[j].copy_(bucket[0].narrow(0, off, n).view(ts[j].sizes()));
        off += n;
      }
      k = e;
    }
  }

  int64_t Cap(const Napi::CallbackInfo& info, size_t i) {
    int64_t cap = i < info.Length() && info[i].IsNumber() ? Int(info, i) : (int64_t(25) << 20);
    if (cap < 1) throw Napi::RangeError::New(info.Env(), "bucketBytes must be ≥ 1");
    return cap;
  }

  Napi::Value AllreduceGrads(const Napi::CallbackInfo& info) {
    return guard(info, [&]() -> Napi::Value {
      auto params = TensorList(info, 0, "allreduceGrads");
      std::vector<at::Tensor> grads;
      for (auto& p : params) {
        // a parameter without a gradient on this rank takes part as zeros, so every rank sends the same buckets
        if (!p.grad().defined()) p.mutable_grad() = at::zeros_like(p);
        grads.push_back(p.mutable_grad());
      }
      BucketedSum(info.Env(), grads, Cap(info, 1));
      torch::NoGradGuard ng;
      for (auto& g : grads) g.div_(static_cast<double>(size_));
      return info.Env().Undefined();
    });
  }

  Napi::Value Allreduce(const Napi::CallbackInfo& info) {
    return guard(info, [&]() -> Napi::Value {
      auto ts = TensorList(info, 0, "allreduce");
      BucketedSum(info.Env(), ts, Cap(info, 1));
      return info.Env().Undefined();
    });
  }

  Napi::Value Broadcast(const Napi::CallbackInfo& info) {
    return guard(info, [&]() -> Napi::Value {
      auto ts = TensorList(info, 0, "broadcast");
      c10d::BroadcastOptions bo;
      bo.rootRank = Int(info, 1);
      torch::NoGradGuard ng;
      for (auto& t : ts) {
        std::vector<at::Tensor> one{t.is_contiguous() ? t : t.contiguous()};
        pg(info.Env()).broadcast(one, bo)->wait();
        if (!one[0].is_same(t)) t.copy_(one[0]);
      }
      return info.Env().Undefined();
    });
  }

  Napi::Value Barrier(const Napi::CallbackInfo& info) {
    return guard(info, [&]() -> Napi::Value {
      pg(info.Env()).barrier()->wait();
      return info.Env().Undefined();
    });
  }

  Napi::Value Destroy(const Napi::CallbackInfo& info) {
    pg_.reset();
    return info.Env().Undefined();
  }

  c10::intrusive_ptr<c10d::ProcessGroup> pg_;
  int64_t size_ = 1;
};

}  // namespace

void InitDistributed(Napi::Env env, Napi::Object exports) { ProcessGroupWrap::Init(env, exports); }

}  // namespace qmri
