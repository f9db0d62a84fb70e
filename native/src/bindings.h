// qmri native addon: declarations of every function the binding table (binding.cc) exports.
#pragma once
#include <napi.h>

namespace qmri {

void InitOptimizer(Napi::Env env, Napi::Object exports);
Napi::Value FromFloat32(const Napi::CallbackInfo& info);
Napi::Value FromInt64(const Napi::CallbackInfo& info);
Napi::Value Create(const Napi::CallbackInfo& info);
Napi::Value ToFloat32(const Napi::CallbackInfo& info);
Napi::Value ToInt64(const Napi::CallbackInfo& info);
Napi::Value Info(const Napi::CallbackInfo& info);
Napi::Value SetRequiresGrad(const Napi::CallbackInfo& info);
Napi::Value Grad(const Napi::CallbackInfo& info);
Napi::Value SetGrad(const Napi::CallbackInfo& info);
Napi::Value ZeroGrad(const Napi::CallbackInfo& info);
Napi::Value RetainGrad(const Napi::CallbackInfo& info);
Napi::Value Backward(const Napi::CallbackInfo& info);
Napi::Value SetGradEnabled(const Napi::CallbackInfo& info);
Napi::Value Unary(const Napi::CallbackInfo& info);
Napi::Value Binary(const Napi::CallbackInfo& info);
Napi::Value Reduce(const Napi::CallbackInfo& info);
Napi::Value Softmax(const Napi::CallbackInfo& info);
Napi::Value Reshape(const Napi::CallbackInfo& info);
Napi::Value Permute(const Napi::CallbackInfo& info);
Napi::Value Transpose(const Napi::CallbackInfo& info);
Napi::Value Narrow(const Napi::CallbackInfo& info);
Napi::Value IndexSelect(const Napi::CallbackInfo& info);
Napi::Value Clamp(const Napi::CallbackInfo& info);
Napi::Value Cat(const Napi::CallbackInfo& info);
Napi::Value Linear(const Napi::CallbackInfo& info);
Napi::Value Conv2d(const Napi::CallbackInfo& info);
Napi::Value BatchNorm(const Napi::CallbackInfo& info);
Napi::Value Pool(const Napi::CallbackInfo& info);
Napi::Value Dropout(const Napi::CallbackInfo& info);
Napi::Value InterpolateBilinear(const Napi::CallbackInfo& info);
Napi::Value CrossEntropy(const Napi::CallbackInfo& info);
Napi::Value SetNumThreads(const Napi::CallbackInfo& info);
Napi::Value GetNumThreads(const Napi::CallbackInfo& info);
Napi::Value ManualSeed(const Napi::CallbackInfo& info);
Napi::Value GetRngState(const Napi::CallbackInfo& info);
Napi::Value SetRngState(const Napi::CallbackInfo& info);
Napi::Value Memory(const Napi::CallbackInfo& info);
Napi::Value TrimMemory(const Napi::CallbackInfo& info);
Napi::Value RuntimeInfo(const Napi::CallbackInfo& info);
Napi::Value ToDevice(const Napi::CallbackInfo& info);
Napi::Value AutocastEnter(const Napi::CallbackInfo& info);
Napi::Value AutocastExit(const Napi::CallbackInfo& info);
Napi::Value AutocastEnabled(const Napi::CallbackInfo& info);
Napi::Value MatmulF64(const Napi::CallbackInfo& info);
Napi::Value UnaryF64InPlace(const Napi::CallbackInfo& info);
Napi::Value CentredGramSolveF64(const Napi::CallbackInfo& info);
Napi::Value ExternalApply(const Napi::CallbackInfo& info);

}  // namespace qmri
