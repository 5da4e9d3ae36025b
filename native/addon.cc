// Core of the addon: tensor handles, creation and read-back, autograd, and runtime settings
// (seed, threads, devices). The op table lives in ops.cc, the GRU in rnn.cc, Adam in optim.cc.
#include <ATen/Parallel.h>
#include <dlfcn.h>
#include <malloc.h>
#include <torch/version.h>

#include <cstdlib>
#include <cstring>

#include "common.h"
#include "registry.h"

namespace attn {

std::atomic<int64_t> g_live{0};

namespace {

void FinalizeTensor(Napi::Env, at::Tensor* t) {
  if (t->defined()) g_live--;
  delete t;
}

}  // namespace

Napi::Value Wrap(Napi::Env env, at::Tensor t) {
  if (t.defined()) g_live++;
  return Napi::External<at::Tensor>::New(env, new at::Tensor(std::move(t)), FinalizeTensor);
}

Napi::Value WrapList(Napi::Env env, const std::vector<at::Tensor>& ts) {
  auto arr = Napi::Array::New(env, ts.size());
  for (size_t i = 0; i < ts.size(); i++) arr.Set(i, Wrap(env, ts[i]));
  return arr;
}

void ThrowType(Napi::Env env, const std::string& msg) { throw Napi::TypeError::New(env, msg); }

at::Tensor& Ten(const Napi::CallbackInfo& info, size_t i) {
  if (!info[i].IsExternal()) ThrowType(info.Env(), "argument " + std::to_string(i) + " must be a tensor handle");
  at::Tensor* t = info[i].As<Napi::External<at::Tensor>>().Data();
  if (!t->defined()) throw Napi::Error::New(info.Env(), "tensor was already disposed");
  return *t;
}

c10::optional<at::Tensor> OptTen(const Napi::CallbackInfo& info, size_t i) {
  if (info[i].IsNull() || info[i].IsUndefined()) return c10::nullopt;
  return Ten(info, i);
}

std::vector<at::Tensor> Tens(const Napi::CallbackInfo& info, size_t i) {
  if (!info[i].IsArray()) ThrowType(info.Env(), "argument " + std::to_string(i) + " must be an array of tensors");
  auto arr = info[i].As<Napi::Array>();
  std::vector<at::Tensor> out;
  out.reserve(arr.Length());
  for (uint32_t k = 0; k < arr.Length(); k++) {
    Napi::Value v = arr[k];
    if (!v.IsExternal()) ThrowType(info.Env(), "argument " + std::to_string(i) + " must be an array of tensors");
    at::Tensor* t = v.As<Napi::External<at::Tensor>>().Data();
    if (!t->defined()) throw Napi::Error::New(info.Env(), "tensor was already disposed");
    out.push_back(*t);
  }
  return out;
}

std::vector<int64_t> Ints(const Napi::CallbackInfo& info, size_t i) {
  if (!info[i].IsArray()) ThrowType(info.Env(), "argument " + std::to_string(i) + " must be an array of integers");
  auto arr = info[i].As<Napi::Array>();
  std::vector<int64_t> out(arr.Length());
  for (uint32_t k = 0; k < arr.Length(); k++) {
    Napi::Value v = arr[k];
    if (!v.IsNumber()) ThrowType(info.Env(), "argument " + std::to_string(i) + " must be an array of integers");
    out[k] = v.As<Napi::Number>().Int64Value();
  }
  return out;
}

std::optional<std::vector<int64_t>> OptInts(const Napi::CallbackInfo& info, size_t i) {
  if (info[i].IsNull() || info[i].IsUndefined()) return std::nullopt;
  return Ints(info, i);
}

int64_t Int(const Napi::CallbackInfo& info, size_t i) {
  if (!info[i].IsNumber()) ThrowType(info.Env(), "argument " + std::to_string(i) + " must be a number");
  return info[i].As<Napi::Number>().Int64Value();
}

double Num(const Napi::CallbackInfo& info, size_t i) {
  if (!info[i].IsNumber()) ThrowType(info.Env(), "argument " + std::to_string(i) + " must be a number");
  return info[i].As<Napi::Number>().DoubleValue();
}

bool Bool(const Napi::CallbackInfo& info, size_t i) {
  if (!info[i].IsBoolean()) ThrowType(info.Env(), "argument " + std::to_string(i) + " must be a boolean");
  return info[i].As<Napi::Boolean>().Value();
}

std::string Str(const Napi::CallbackInfo& info, size_t i) {
  if (!info[i].IsString()) ThrowType(info.Env(), "argument " + std::to_string(i) + " must be a string");
  return info[i].As<Napi::String>().Utf8Value();
}

at::ScalarType DType(const std::string& name) {
  if (name == "float32") return at::kFloat;
  if (name == "float64") return at::kDouble;
  if (name == "int64") return at::kLong;
  if (name == "int32") return at::kInt;
  if (name == "bool") return at::kBool;
  if (name == "uint8") return at::kByte;
  throw std::invalid_argument("unknown dtype '" + name + "' (expected float32, float64, int64, int32, bool or uint8)");
}

const char* DTypeName(at::ScalarType t) {
  switch (t) {
    case at::kFloat: return "float32";
    case at::kDouble: return "float64";
    case at::kLong: return "int64";
    case at::kInt: return "int32";
    case at::kBool: return "bool";
    case at::kByte: return "uint8";
    default: return c10::toString(t);
  }
}

at::Device Dev(const std::string& name) { return at::Device(name); }

namespace {

// ---- creation and read-back ----

// fromTypedArray(data: TypedArray, shape: number[], dtype: string, device: string): copies the data.
Napi::Value FromTypedArray(const Napi::CallbackInfo& info) {
  if (!info[0].IsTypedArray()) ThrowType(info.Env(), "fromTypedArray: data must be a typed array");
  auto ta = info[0].As<Napi::TypedArray>();
  auto shape = Ints(info, 1);
  at::ScalarType target = DType(Str(info, 2));
  at::Device device = Dev(Str(info, 3));
  at::ScalarType src;
  switch (ta.TypedArrayType()) {
    case napi_float32_array: src = at::kFloat; break;
    case napi_float64_array: src = at::kDouble; break;
    case napi_int32_array: src = at::kInt; break;
    case napi_bigint64_array: src = at::kLong; break;
    case napi_uint8_array: src = target == at::kBool ? at::kBool : at::kByte; break;
    default: ThrowType(info.Env(), "fromTypedArray: unsupported typed array (use Float32Array, Float64Array, Int32Array, BigInt64Array or Uint8Array)");
  }
  int64_t numel = 1;
  for (auto s : shape) numel *= s;
  if (numel != static_cast<int64_t>(ta.ElementLength()))
    throw std::invalid_argument("fromTypedArray: shape holds " + std::to_string(numel) + " elements but the data has " +
                                std::to_string(ta.ElementLength()));
  auto ab = ta.ArrayBuffer();
  void* ptr = static_cast<uint8_t*>(ab.Data()) + ta.ByteOffset();
  // from_blob views JS memory; clone() copies it out before the buffer can move or be collected.
  at::Tensor t = at::from_blob(ptr, shape, at::TensorOptions().dtype(src)).clone();
  if (src != target) t = t.to(target);
  if (device != t.device()) t = t.to(device);
  return Wrap(info.Env(), t);
}

// toTypedArray(t): a copy of the (CPU, contiguous) data as the typed array matching its dtype.
Napi::Value ToTypedArray(const Napi::CallbackInfo& info) {
  at::Tensor t = Ten(info, 0).detach().to(at::kCPU).contiguous();
  Napi::Env env = info.Env();
  size_t n = t.numel();
  size_t bytes = n * t.element_size();
  auto ab = Napi::ArrayBuffer::New(env, bytes);
  if (bytes) std::memcpy(ab.Data(), t.data_ptr(), bytes);
  switch (t.scalar_type()) {
    case at::kFloat: return Napi::Float32Array::New(env, n, ab, 0);
    case at::kDouble: return Napi::Float64Array::New(env, n, ab, 0);
    case at::kInt: return Napi::Int32Array::New(env, n, ab, 0);
    case at::kLong: return Napi::TypedArrayOf<int64_t>::New(env, n, ab, 0, napi_bigint64_array);
    case at::kBool:
    case at::kByte: return Napi::Uint8Array::New(env, n, ab, 0);
    default: throw std::invalid_argument(std::string("toTypedArray: unsupported dtype ") + DTypeName(t.scalar_type()));
  }
}

Napi::Value Item(const Napi::CallbackInfo& info) {
  at::Tensor& t = Ten(info, 0);
  if (t.numel() != 1) throw std::invalid_argument("item: tensor has " + std::to_string(t.numel()) + " elements, expected 1");
  return Napi::Number::New(info.Env(), t.item().toDouble());
}

at::TensorOptions Opts(const Napi::CallbackInfo& info, size_t dtypeArg) {
  return at::TensorOptions().dtype(DType(Str(info, dtypeArg))).device(Dev(Str(info, dtypeArg + 1)));
}

// zeros/ones/empty(shape, dtype, device); full(shape, value, dtype, device); rand/randn likewise.
Napi::Value Zeros(const Napi::CallbackInfo& info) { return Wrap(info.Env(), at::zeros(Ints(info, 0), Opts(info, 1))); }
Napi::Value Ones(const Napi::CallbackInfo& info) { return Wrap(info.Env(), at::ones(Ints(info, 0), Opts(info, 1))); }
Napi::Value Full(const Napi::CallbackInfo& info) {
  return Wrap(info.Env(), at::full(Ints(info, 0), Num(info, 1), Opts(info, 2)));
}
Napi::Value Rand(const Napi::CallbackInfo& info) { return Wrap(info.Env(), at::rand(Ints(info, 0), Opts(info, 1))); }
Napi::Value Randn(const Napi::CallbackInfo& info) { return Wrap(info.Env(), at::randn(Ints(info, 0), Opts(info, 1))); }
Napi::Value Arange(const Napi::CallbackInfo& info) {
  return Wrap(info.Env(), at::arange(Num(info, 0), Num(info, 1), Num(info, 2), Opts(info, 3)));
}
Napi::Value Randperm(const Napi::CallbackInfo& info) { return Wrap(info.Env(), at::randperm(Int(info, 0), Opts(info, 1))); }

// ---- metadata ----

Napi::Value Shape(const Napi::CallbackInfo& info) {
  at::Tensor& t = Ten(info, 0);
  auto arr = Napi::Array::New(info.Env(), t.dim());
  for (int64_t d = 0; d < t.dim(); d++) arr.Set(d, Napi::Number::New(info.Env(), static_cast<double>(t.size(d))));
  return arr;
}
Napi::Value DTypeOf(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), DTypeName(Ten(info, 0).scalar_type())); }
Napi::Value DeviceOf(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), Ten(info, 0).device().str()); }

// ---- lifetime ----

Napi::Value Dispose(const Napi::CallbackInfo& info) {
  if (!info[0].IsExternal()) ThrowType(info.Env(), "dispose: argument must be a tensor handle");
  at::Tensor* t = info[0].As<Napi::External<at::Tensor>>().Data();
  if (t->defined()) {
    g_live--;
    t->reset();
  }
  return info.Env().Undefined();
}
Napi::Value IsDisposed(const Napi::CallbackInfo& info) {
  if (!info[0].IsExternal()) ThrowType(info.Env(), "isDisposed: argument must be a tensor handle");
  return Napi::Boolean::New(info.Env(), !info[0].As<Napi::External<at::Tensor>>().Data()->defined());
}
Napi::Value LiveCount(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), static_cast<double>(g_live.load())); }

// ---- autograd ----

Napi::Value SetRequiresGrad(const Napi::CallbackInfo& info) {
  Ten(info, 0).requires_grad_(Bool(info, 1));
  return info.Env().Undefined();
}
Napi::Value RequiresGrad(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), Ten(info, 0).requires_grad()); }
Napi::Value Grad(const Napi::CallbackInfo& info) {
  const at::Tensor& g = Ten(info, 0).grad();
  if (!g.defined()) return info.Env().Null();
  return Wrap(info.Env(), g);
}
Napi::Value ZeroGrad(const Napi::CallbackInfo& info) {
  for (auto& t : Tens(info, 0)) t.mutable_grad().reset();  // set_to_none, as PyTorch's zero_grad() default now is
  return info.Env().Undefined();
}
Napi::Value Backward(const Napi::CallbackInfo& info) {
  at::Tensor& t = Ten(info, 0);
  auto g = OptTen(info, 1);
  t.backward(g.value_or(at::Tensor()));
  return info.Env().Undefined();
}
Napi::Value SetGradEnabled(const Napi::CallbackInfo& info) {
  bool prev = at::GradMode::is_enabled();
  at::GradMode::set_enabled(Bool(info, 0));
  return Napi::Boolean::New(info.Env(), prev);
}
Napi::Value IsGradEnabled(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), at::GradMode::is_enabled()); }
Napi::Value Detach(const Napi::CallbackInfo& info) { return Wrap(info.Env(), Ten(info, 0).detach()); }

// copy_(dst, src): in place and outside autograd (loading weights, optimizer state).
Napi::Value CopyInto(const Napi::CallbackInfo& info) {
  at::NoGradGuard guard;
  Ten(info, 0).copy_(Ten(info, 1));
  return info.Env().Undefined();
}

// moveTo_(t, device): moves a tensor's data to another device in place, keeping its identity (and so a
// parameter's place in the model and the optimizer), like `param.data = param.data.to(device)`.
Napi::Value MoveTo(const Napi::CallbackInfo& info) {
  at::Tensor& t = Ten(info, 0);
  at::Device d = Dev(Str(info, 1));
  if (t.device() != d) {
    at::NoGradGuard guard;
    t.set_data(t.to(d));
  }
  return info.Env().Undefined();
}

// ---- in-place initialisers (no autograd), matching torch.nn.init ----

Napi::Value Uniform(const Napi::CallbackInfo& info) {
  at::NoGradGuard guard;
  Ten(info, 0).uniform_(Num(info, 1), Num(info, 2));
  return info.Env().Undefined();
}
Napi::Value Normal(const Napi::CallbackInfo& info) {
  at::NoGradGuard guard;
  Ten(info, 0).normal_(Num(info, 1), Num(info, 2));
  return info.Env().Undefined();
}
Napi::Value Fill(const Napi::CallbackInfo& info) {
  at::NoGradGuard guard;
  Ten(info, 0).fill_(Num(info, 1));
  return info.Env().Undefined();
}
// orthogonal_(t, gain): torch.nn.init.orthogonal_ (QR of a normal matrix, sign-corrected by diag(R)).
Napi::Value Orthogonal(const Napi::CallbackInfo& info) {
  at::NoGradGuard guard;
  at::Tensor& t = Ten(info, 0);
  double gain = Num(info, 1);
  if (t.dim() < 2) throw std::invalid_argument("orthogonal_: only tensors with 2 or more dimensions are supported");
  int64_t rows = t.size(0);
  int64_t cols = t.numel() / rows;
  at::Tensor flat = at::empty({rows, cols}, t.options()).normal_(0, 1);
  if (rows < cols) flat = flat.t();
  auto qr = at::linalg_qr(flat);
  at::Tensor q = std::get<0>(qr);
  at::Tensor d = at::diag(std::get<1>(qr), 0);
  q = q * d.sign();
  if (rows < cols) q = q.t();
  t.view_as(q).copy_(q);
  t.mul_(gain);
  return info.Env().Undefined();
}

// ---- runtime ----

Napi::Value ManualSeed(const Napi::CallbackInfo& info) {
  at::manual_seed(static_cast<uint64_t>(Int(info, 0)));
  return info.Env().Undefined();
}
Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  at::set_num_threads(static_cast<int>(Int(info, 0)));
  return info.Env().Undefined();
}
Napi::Value GetNumThreads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), at::get_num_threads()); }

// OpenBLAS keeps its own thread pool; it and torch's intra-op threads oversubscribe the cores when both are
// on (2-8x slower here). The symbol is looked up at run time so that other BLAS builds still load.
Napi::Value SetBlasThreads(const Napi::CallbackInfo& info) {
  using SetFn = void (*)(int);
  auto fn = reinterpret_cast<SetFn>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
  if (fn) fn(static_cast<int>(Int(info, 0)));
  return Napi::Boolean::New(info.Env(), fn != nullptr);
}
Napi::Value CudaDeviceCount(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), at::hasCUDA() ? static_cast<double>(at::detail::getCUDAHooks().getNumGPUs()) : 0.0);
}
// setDeterministic(on): deterministic kernels where libtorch has them (cuDNN deterministic, no cuDNN
// autotuning, deterministic algorithms with a warning for ops that have none), so a CUDA run repeats.
Napi::Value SetDeterministic(const Napi::CallbackInfo& info) {
  bool on = info[0].As<Napi::Boolean>().Value();
  auto& ctx = at::globalContext();
  ctx.setDeterministicCuDNN(on);
  if (on) ctx.setBenchmarkCuDNN(false);
  ctx.setDeterministicAlgorithms(on, /*warn_only=*/true);
  return info.Env().Undefined();
}
// releaseFreeMemory(): hands the free pages of every malloc arena back to the system (glibc malloc_trim).
// TuneMalloc keeps freed memory so training steps do not page-fault their tensors in again; a long
// no-grad pass over batches of growing size (evaluation in length order, the erasure model pass) would
// otherwise leave the process holding the fragments of every batch it freed: 3.6 GB instead of 0.8 GB
// evaluating 20,000 Yahoo-shaped documents (docs/scale.md). Returns whether anything was released.
Napi::Value ReleaseFreeMemory(const Napi::CallbackInfo& info) {
#ifdef __GLIBC__
  return Napi::Boolean::New(info.Env(), malloc_trim(0) == 1);
#else
  return Napi::Boolean::New(info.Env(), false);
#endif
}
Napi::Value BuildInfo(const Napi::CallbackInfo& info) {
  auto o = Napi::Object::New(info.Env());
  o.Set("torchVersion", TORCH_VERSION);
  o.Set("cuda", at::hasCUDA());
  o.Set("parallel", at::get_parallel_info());
  return o;
}

// The core functions: JS name, C++ function, TypeScript signature. scripts/gen-native-api.ts reads this
// table (and the ones in ops.cc, rnn.cc, optim.cc, word2vec.cc) to write src/torch/native-api.ts.
// Types named here: Handle, TypedData, DType, NativeBuildInfo (src/torch/native-types.ts, tensor.ts).
// clang-format off
#define CORE_FUNCTIONS(X)                                                                                    \
  X(fromTypedArray, FromTypedArray, "(data: TypedData, shape: number[], dtype: DType, device: string): Handle") \
  X(toTypedArray, ToTypedArray, "(t: Handle): TypedData")                                                    \
  X(item, Item, "(t: Handle): number")                                                                       \
  X(zeros, Zeros, "(shape: number[], dtype: DType, device: string): Handle")                                 \
  X(ones, Ones, "(shape: number[], dtype: DType, device: string): Handle")                                   \
  X(full, Full, "(shape: number[], value: number, dtype: DType, device: string): Handle")                    \
  X(rand, Rand, "(shape: number[], dtype: DType, device: string): Handle")                                   \
  X(randn, Randn, "(shape: number[], dtype: DType, device: string): Handle")                                 \
  X(arange, Arange, "(start: number, end: number, step: number, dtype: DType, device: string): Handle")      \
  X(randperm, Randperm, "(n: number, dtype: DType, device: string): Handle")                                 \
  X(shape, Shape, "(t: Handle): number[]")                                                                   \
  X(dtype, DTypeOf, "(t: Handle): DType")                                                                    \
  X(device, DeviceOf, "(t: Handle): string")                                                                 \
  X(dispose, Dispose, "(t: Handle): void")                                                                   \
  X(isDisposed, IsDisposed, "(t: Handle): boolean")                                                          \
  X(liveCount, LiveCount, "(): number")                                                                      \
  X(setRequiresGrad, SetRequiresGrad, "(t: Handle, requiresGrad: boolean): void")                            \
  X(requiresGrad, RequiresGrad, "(t: Handle): boolean")                                                      \
  X(grad, Grad, "(t: Handle): Handle | null")                                                                \
  X(zeroGrad, ZeroGrad, "(params: Handle[]): void")                                                          \
  X(backward, Backward, "(t: Handle, gradient: Handle | null): void")                                        \
  X(setGradEnabled, SetGradEnabled, "(enabled: boolean): boolean")                                           \
  X(isGradEnabled, IsGradEnabled, "(): boolean")                                                             \
  X(detach, Detach, "(t: Handle): Handle")                                                                   \
  X(copyInto, CopyInto, "(dst: Handle, src: Handle): void")                                                  \
  X(moveTo_, MoveTo, "(t: Handle, device: string): void")                                                    \
  X(uniform_, Uniform, "(t: Handle, low: number, high: number): void")                                       \
  X(normal_, Normal, "(t: Handle, mean: number, std: number): void")                                         \
  X(fill_, Fill, "(t: Handle, value: number): void")                                                         \
  X(orthogonal_, Orthogonal, "(t: Handle, gain: number): void")                                              \
  X(manualSeed, ManualSeed, "(seed: number): void")                                                          \
  X(setNumThreads, SetNumThreads, "(n: number): void")                                                       \
  X(getNumThreads, GetNumThreads, "(): number")                                                              \
  X(setBlasThreads, SetBlasThreads, "(n: number): boolean")                                                  \
  X(cudaDeviceCount, CudaDeviceCount, "(): number")                                                          \
  X(buildInfo, BuildInfo, "(): NativeBuildInfo")                                                            \
  X(setDeterministic, SetDeterministic, "(on: boolean): void")                                               \
  X(releaseFreeMemory, ReleaseFreeMemory, "(): boolean")
// clang-format on

}  // namespace

#define EXPORT_CORE(name, fn, signature) Export<fn>(env, exports, #name);
void RegisterCore(Napi::Env env, Napi::Object exports) { CORE_FUNCTIONS(EXPORT_CORE) }

}  // namespace attn

namespace {
// glibc returns freed memory at the top of the heap to the system once it exceeds 128 KB (its trim
// threshold); a training step frees and reallocates tens of MB of tensors, so every step page-faults
// them in again (2x the faults of the same step in Python, ~40% slower backward on FLAN-rnn). Keep up to
// 512 MB of freed memory and pad heap growth. Any MALLOC_*_ setting in the environment wins.
void TuneMalloc() {
#ifdef __GLIBC__
  if (std::getenv("MALLOC_TRIM_THRESHOLD_") || std::getenv("MALLOC_TOP_PAD_") || std::getenv("MALLOC_MMAP_THRESHOLD_")) return;
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
  mallopt(M_TOP_PAD, 64 << 20);
#endif
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  TuneMalloc();
  attn::RegisterCore(env, exports);
  attn::RegisterOps(env, exports);
  attn::RegisterRnn(env, exports);
  attn::RegisterOptim(env, exports);
  if (RegisterWord2Vec) RegisterWord2Vec(env, exports);
  return exports;
}
}  // namespace

NODE_API_MODULE(attnlab, Init)
