// The op table: every tensor op the TypeScript side calls, one line each. Each row becomes a guarded N-API
// function `name(args...) -> tensor handle` (TENSOR_OPS), `-> [handle, handle]` (PAIR_OPS) or `-> [handles]`
// (LIST_OPS). scripts/gen-native-api.ts reads these tables (the argument readers give each parameter's
// type) and writes the addon's TypeScript declaration, src/torch/native-api.ts.
// Argument readers: T(i) tensor, OT(i) optional tensor (null/undefined), TS(i) tensor[], N(i) number,
// I(i) integer, IS(i) integer[], OptInts(info, i) optional integer[], B(i) boolean, S(i) string.
#include "common.h"

namespace attn {
namespace {

#define T(i) Ten(info, i)
#define OT(i) OptTen(info, i)
#define TS(i) Tens(info, i)
#define N(i) Num(info, i)
#define I(i) Int(info, i)
#define IS(i) Ints(info, i)
#define B(i) Bool(info, i)
#define S(i) Str(info, i)

inline at::OptionalIntArrayRef OptDims(const std::optional<std::vector<int64_t>>& d) {
  return d ? at::OptionalIntArrayRef(*d) : at::OptionalIntArrayRef(c10::nullopt);
}

at::Reduction::Reduction ReductionOf(const std::string& r) {
  if (r == "mean") return at::Reduction::Mean;
  if (r == "sum") return at::Reduction::Sum;
  if (r == "none") return at::Reduction::None;
  throw std::invalid_argument("unknown reduction '" + r + "' (expected mean, sum or none)");
}

// clang-format off
#define TENSOR_OPS(X)                                                                   \
  /* arithmetic, broadcasting */                                                        \
  X(add, at::add(T(0), T(1)))                                                           \
  X(sub, at::sub(T(0), T(1)))                                                           \
  X(mul, at::mul(T(0), T(1)))                                                           \
  X(div, at::div(T(0), T(1)))                                                           \
  X(addScalar, at::add(T(0), N(1)))                                                     \
  X(mulScalar, at::mul(T(0), N(1)))                                                     \
  X(rsubScalar, at::rsub(T(0), N(1)))                                                   \
  X(divScalar, at::div(T(0), N(1)))                                                     \
  X(powScalar, at::pow(T(0), N(1)))                                                     \
  X(neg, at::neg(T(0)))                                                                 \
  X(matmul, at::matmul(T(0), T(1)))                                                     \
  X(linear, at::linear(T(0), T(1), OT(2)))                                              \
  /* elementwise */                                                                     \
  X(tanh, at::tanh(T(0)))                                                               \
  X(sigmoid, at::sigmoid(T(0)))                                                         \
  X(relu, at::relu(T(0)))                                                               \
  X(exp, at::exp(T(0)))                                                                 \
  X(log, at::log(T(0)))                                                                 \
  X(sqrt, at::sqrt(T(0)))                                                               \
  X(abs, at::abs(T(0)))                                                                 \
  X(sign, at::sign(T(0)))                                                               \
  X(clamp, at::clamp(T(0), N(1), N(2)))                                                 \
  X(gelu, at::gelu(T(0), "none"))                                                       \
  /* reductions: dims null = all */                                                     \
  X(sum, at::sum(T(0), OptDims(OptInts(info, 1)), B(2)))                                \
  X(mean, at::mean(T(0), OptDims(OptInts(info, 1)), B(2)))                              \
  X(amax, at::amax(T(0), IS(1), B(2)))                                                  \
  X(argmax, at::argmax(T(0), I(1), B(2)))                                               \
  X(cumsum, at::cumsum(T(0), I(1)))                                                     \
  X(norm, at::norm(T(0)))                                                               \
  X(softmax, at::softmax(T(0), I(1)))                                                   \
  X(logSoftmax, at::log_softmax(T(0), I(1)))                                            \
  /* comparison and masking */                                                          \
  X(eq, at::eq(T(0), T(1)))                                                             \
  X(eqScalar, at::eq(T(0), N(1)))                                                       \
  X(neScalar, at::ne(T(0), N(1)))                                                       \
  X(gtScalar, at::gt(T(0), N(1)))                                                       \
  X(ltScalar, at::lt(T(0), N(1)))                                                       \
  X(logicalNot, at::logical_not(T(0)))                                                  \
  X(where, at::where(T(0), T(1), T(2)))                                                 \
  X(maskedFill, at::masked_fill(T(0), T(1), N(2)))                                      \
  /* layers */                                                                          \
  X(embedding, at::embedding(T(0), T(1), I(2), false, false))                           \
  X(conv1d, at::conv1d(T(0), T(1), OT(2), IS(3), IS(4)))                                \
  X(dropout, at::dropout(T(0), N(1), B(2)))                                             \
  X(layerNorm, at::layer_norm(T(0), IS(1), OT(2), OT(3), N(4), false))                  \
  X(crossEntropy, at::cross_entropy_loss(T(0), T(1), {}, ReductionOf(S(2)), -100, 0.0)) \
  /* shape and indexing */                                                              \
  X(reshape, at::reshape(T(0), IS(1)))                                                  \
  X(transpose, at::transpose(T(0), I(1), I(2)))                                         \
  X(permute, T(0).permute(IS(1)))                                                       \
  X(unsqueeze, at::unsqueeze(T(0), I(1)))                                               \
  X(squeeze, at::squeeze(T(0), I(1)))                                                   \
  X(expand, T(0).expand(IS(1)))                                                         \
  X(contiguous, T(0).contiguous())                                                      \
  X(clone, T(0).clone())                                                                \
  X(narrow, at::narrow(T(0), I(1), I(2), I(3)))                                         \
  X(select, at::select(T(0), I(1), I(2)))                                               \
  X(indexSelect, at::index_select(T(0), I(1), T(2)))                                    \
  X(indexCopy, at::index_copy(T(0), I(1), T(2), T(3)))                                  \
  X(gather, at::gather(T(0), I(1), T(2)))                                               \
  X(cat, at::cat(TS(0), I(1)))                                                          \
  X(stack, at::stack(TS(0), I(1)))                                                      \
  X(toDType, T(0).to(DType(S(1))))                                                      \
  X(toDevice, T(0).to(Dev(S(1))))

// Ops returning two tensors (values, indices), as std::tuple.
#define PAIR_OPS(X)                                                                     \
  X(max, at::max(T(0), I(1), B(2)))                                                     \
  X(sort, at::sort(T(0), I(1), B(2)))

#define LIST_OPS(X)                                                                     \
  X(split, at::split_with_sizes(T(0), IS(1), I(2)))
// clang-format on

#define DEFINE_TENSOR_OP(name, expr) \
  Napi::Value op_##name(const Napi::CallbackInfo& info) { return Wrap(info.Env(), expr); }
#define DEFINE_PAIR_OP(name, expr)                                   \
  Napi::Value op_##name(const Napi::CallbackInfo& info) {            \
    auto r = expr;                                                   \
    return WrapList(info.Env(), {std::get<0>(r), std::get<1>(r)}); \
  }
#define DEFINE_LIST_OP(name, expr) \
  Napi::Value op_##name(const Napi::CallbackInfo& info) { return WrapList(info.Env(), expr); }
TENSOR_OPS(DEFINE_TENSOR_OP)
PAIR_OPS(DEFINE_PAIR_OP)
LIST_OPS(DEFINE_LIST_OP)

}  // namespace

#define REGISTER_OP(name, expr) Export<op_##name>(env, exports, #name);
void RegisterOps(Napi::Env env, Napi::Object exports) {
  TENSOR_OPS(REGISTER_OP)
  PAIR_OPS(REGISTER_OP)
  LIST_OPS(REGISTER_OP)
}

}  // namespace attn
