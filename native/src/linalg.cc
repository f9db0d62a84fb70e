// qmri native addon: float64 linear algebra on typed arrays (no tensors kept): BLAS product, Kernel
// SHAP's constrained normal-equation solver (LAPACK Cholesky), vectorised tanh/exp in place.
#include "common.h"
#include "bindings.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace qmri {

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

}  // namespace qmri
