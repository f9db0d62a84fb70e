// qmri native addon: the binding table, the one place that names what JavaScript sees. The
// functions live by concern: tensor_ops.cc, autograd.cc, external.cc (JS functions as autograd
// nodes), runtime.cc, linalg.cc, optim.cc, distributed.cc (c10d).
#include "bindings.h"
#include "common.h"
#include "distributed.h"

namespace qmri {
namespace {

Napi::Object InitAll(Napi::Env env, Napi::Object exports) {
  env.SetInstanceData(new AddonData());
  TensorWrap::Init(env, exports);
  InitOptimizer(env, exports);
  InitDistributed(env, exports);
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
  exports.Set("trimMemory", Napi::Function::New(env, TrimMemory));
  exports.Set("runtimeInfo", Napi::Function::New(env, RuntimeInfo));
  exports.Set("toDevice", Napi::Function::New(env, ToDevice));
  exports.Set("autocastEnter", Napi::Function::New(env, AutocastEnter));
  exports.Set("autocastExit", Napi::Function::New(env, AutocastExit));
  exports.Set("autocastEnabled", Napi::Function::New(env, AutocastEnabled));
  exports.Set("matmulF64", Napi::Function::New(env, MatmulF64));
  exports.Set("unaryF64InPlace", Napi::Function::New(env, UnaryF64InPlace));
  exports.Set("centredGramSolveF64", Napi::Function::New(env, CentredGramSolveF64));
  exports.Set("externalApply", Napi::Function::New(env, ExternalApply));
  return exports;
}

}  // namespace
}  // namespace qmri

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return qmri::InitAll(env, exports); }

NODE_API_MODULE(qmri_native, InitModule)
