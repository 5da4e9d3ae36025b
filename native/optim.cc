// Optimizer steps done in C++ so that a step over all parameters is one call from JS. The arithmetic is
// PyTorch 1.13's own (torch/optim/adam.py `_single_tensor_adam`, torch/nn/utils/clip_grad.py), op for op,
// so that trajectories match PyTorch's.
#include <cmath>

#include "common.h"

namespace attn {
namespace {

// adamStep(params[], expAvg[], expAvgSq[], steps (P,) float64 CPU, lr, beta1, beta2, eps, weightDecay)
// Parameters without a gradient are skipped, their state and step count untouched (as in PyTorch).
Napi::Value AdamStep(const Napi::CallbackInfo& info) {
  at::NoGradGuard guard;
  auto params = Tens(info, 0);
  auto expAvg = Tens(info, 1);
  auto expAvgSq = Tens(info, 2);
  at::Tensor& steps = Ten(info, 3);
  double lr = Num(info, 4), beta1 = Num(info, 5), beta2 = Num(info, 6), eps = Num(info, 7), wd = Num(info, 8);
  TORCH_CHECK(expAvg.size() == params.size() && expAvgSq.size() == params.size() &&
                  steps.numel() == static_cast<int64_t>(params.size()) && steps.scalar_type() == at::kDouble &&
                  steps.device().is_cpu(),
              "adamStep: state does not match the parameter list");
  double* step = steps.data_ptr<double>();
  for (size_t i = 0; i < params.size(); i++) {
    at::Tensor& p = params[i];
    at::Tensor grad = p.grad();
    if (!grad.defined()) continue;
    step[i] += 1;
    if (wd != 0) grad = grad.add(p, wd);
    expAvg[i].mul_(beta1).add_(grad, 1 - beta1);
    expAvgSq[i].mul_(beta2).addcmul_(grad, grad, 1 - beta2);
    double bc1 = 1 - std::pow(beta1, step[i]);
    double bc2 = 1 - std::pow(beta2, step[i]);
    double stepSize = lr / bc1;
    at::Tensor denom = (expAvgSq[i].sqrt() / std::sqrt(bc2)).add_(eps);
    p.addcdiv_(expAvg[i], denom, -stepSize);
  }
  return info.Env().Undefined();
}

// clipGradNorm(params[], maxNorm) -> total 2-norm of all gradients before clipping.
Napi::Value ClipGradNorm(const Napi::CallbackInfo& info) {
  at::NoGradGuard guard;
  auto params = Tens(info, 0);
  double maxNorm = Num(info, 1);
  std::vector<at::Tensor> grads, norms;
  for (auto& p : params)
    if (p.grad().defined()) grads.push_back(p.grad());
  if (grads.empty()) return Napi::Number::New(info.Env(), 0.0);
  for (auto& g : grads) norms.push_back(at::norm(g.detach(), 2));
  at::Tensor total = at::norm(at::stack(norms), 2);
  at::Tensor coef = at::clamp_max(maxNorm / (total + 1e-6), 1.0);
  for (auto& g : grads) g.detach().mul_(coef.to(g.device()));
  return Napi::Number::New(info.Env(), total.item<double>());
}

// JS name, C++ function, TypeScript signature (read by scripts/gen-native-api.ts).
// clang-format off
#define OPTIM_FUNCTIONS(X)                                                                                        \
  X(adamStep, AdamStep, "(params: Handle[], expAvg: Handle[], expAvgSq: Handle[], steps: Handle, lr: number, beta1: number, beta2: number, eps: number, weightDecay: number): void") \
  X(clipGradNorm, ClipGradNorm, "(params: Handle[], maxNorm: number): number")
// clang-format on

}  // namespace

#define EXPORT_OPTIM(name, fn, signature) Export<fn>(env, exports, #name);
void RegisterOptim(Napi::Env env, Napi::Object exports) { OPTIM_FUNCTIONS(EXPORT_OPTIM) }

}  // namespace attn
