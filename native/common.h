// Shared glue for every libtorch-facing translation unit: tensor handles, argument readers, and the
// guard that turns any C++ exception into a JS Error carrying libtorch's own message.
#pragma once
#include <ATen/ATen.h>
#include <napi.h>

#include <atomic>
#include <optional>
#include <string>
#include <vector>

namespace attn {

// A tensor handle is a JS External owning a heap at::Tensor. dispose() resets the tensor (freeing its
// storage now); the small holder itself goes when the GC finalizes the External (the safety net also
// frees the storage of a handle that was never disposed).
extern std::atomic<int64_t> g_live;  // handles whose tensor is still defined

Napi::Value Wrap(Napi::Env env, at::Tensor t);
at::Tensor& Ten(const Napi::CallbackInfo& info, size_t i);
c10::optional<at::Tensor> OptTen(const Napi::CallbackInfo& info, size_t i);
std::vector<at::Tensor> Tens(const Napi::CallbackInfo& info, size_t i);
std::vector<int64_t> Ints(const Napi::CallbackInfo& info, size_t i);
std::optional<std::vector<int64_t>> OptInts(const Napi::CallbackInfo& info, size_t i);
int64_t Int(const Napi::CallbackInfo& info, size_t i);
double Num(const Napi::CallbackInfo& info, size_t i);
bool Bool(const Napi::CallbackInfo& info, size_t i);
std::string Str(const Napi::CallbackInfo& info, size_t i);
at::ScalarType DType(const std::string& name);
const char* DTypeName(at::ScalarType t);
at::Device Dev(const std::string& name);
Napi::Value WrapList(Napi::Env env, const std::vector<at::Tensor>& ts);

[[noreturn]] void ThrowType(Napi::Env env, const std::string& msg);

// Every exported function goes through Guard: a c10::Error (shape mismatch, dtype error, ...) or any
// std::exception becomes a JS Error with the message; the process never aborts on bad input.
template <Napi::Value (*F)(const Napi::CallbackInfo&)>
Napi::Value Guard(const Napi::CallbackInfo& info) {
  try {
    return F(info);
  } catch (const Napi::Error&) {
    throw;
  } catch (const c10::Error& e) {
    throw Napi::Error::New(info.Env(), e.what_without_backtrace());
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), e.what());
  }
}

template <Napi::Value (*F)(const Napi::CallbackInfo&)>
void Export(Napi::Env env, Napi::Object exports, const char* name) {
  exports.Set(name, Napi::Function::New(env, Guard<F>, name));
}

}  // namespace attn
