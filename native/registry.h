// Every translation unit of the addon registers its functions on the module's exports here.
// addon.cc's module init calls each of them.
#pragma once
#include <napi.h>

namespace attn {
void RegisterCore(Napi::Env env, Napi::Object exports);   // addon.cc: tensors, autograd, runtime
void RegisterOps(Napi::Env env, Napi::Object exports);    // ops.cc: the op table
void RegisterRnn(Napi::Env env, Napi::Object exports);    // rnn.cc: GRU over padded batches
void RegisterOptim(Napi::Env env, Napi::Object exports);  // optim.cc: Adam, gradient clipping
}  // namespace attn

// word2vec.cc (no libtorch): skip-gram / CBOW with negative sampling, multi-threaded. Weak, so the addon
// links and loads whether or not that file is part of the build.
void RegisterWord2Vec(Napi::Env env, Napi::Object exports) __attribute__((weak));
