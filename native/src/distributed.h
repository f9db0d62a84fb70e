// qmri native addon: c10d process groups (distributed.cc), registered by the binding table.
#pragma once
#include <napi.h>

namespace qmri {

void InitDistributed(Napi::Env env, Napi::Object exports);

}  // namespace qmri
