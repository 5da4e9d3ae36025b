// word2vec with negative sampling (CBOW or skip-gram), multi-threaded Hogwild, following the original
// word2vec.c and gensim's word2vec_inner.pyx (the library the paper's authors used), so that settings mean
// the same in both: linear learning-rate decay from alpha to minAlpha over all epochs, frequent-word
// subsampling (gensim's formula), a unigram^0.75 negative-sampling distribution, a random reduced window
// per centre word, CBOW averaging its context (cbow_mean=1; the error goes unscaled to each context word,
// as in gensim). No libtorch here: this file compiles in a second and is called from src/data/word2vec.ts.
//
// JS: word2vecTrain(tokens: Int32Array, sentOffsets: Int32Array, vocabSize, out: Float32Array, opts)
//   -> Promise<{ words, seconds }>; trains in a worker thread pool (opts.onEpoch(done, epochs) is called
//   after each epoch) and writes the input vectors (syn0,
//   vocabSize x dim, row-major) into `out`. Token ids below opts.ignoreBelow (padding, UNK) are dropped
//   from the stream before windows are formed, as gensim drops out-of-vocabulary words.
#include <napi.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "registry.h"

namespace {

constexpr int kMaxExp = 6;
constexpr int kExpTableSize = 1000;
constexpr int64_t kJobWords = 10000;  // gensim's MAX_WORDS_IN_BATCH: one unit of work for a thread

// --- the hot loops ---------------------------------------------------------------------------------
// Vectors go through GCC vector types (8 floats), and the two sentence functions are compiled twice:
// for AVX2 machines and for any x86-64 (the addon's shared -O2 flags are not changed for this file);
// the loader picks the clone at run time.

struct Kernel {
  float* syn0;
  float* syn1neg;
  const uint32_t* cum;
  int vocab;
  const float* expTable;
  int dim, window, negative;
};

typedef float v8sf __attribute__((vector_size(32)));

static inline __attribute__((always_inline)) float Dot(const float* __restrict a, const float* __restrict b, int n) {
  v8sf acc = {0, 0, 0, 0, 0, 0, 0, 0};
  int k = 0;
  for (; k + 8 <= n; k += 8) {
    v8sf x, y;
    __builtin_memcpy(&x, a + k, sizeof x);
    __builtin_memcpy(&y, b + k, sizeof y);
    acc += x * y;
  }
  float t = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
  for (; k < n; k++) t += a[k] * b[k];
  return t;
}

static inline __attribute__((always_inline)) void Axpy(float g, const float* __restrict x, float* __restrict y, int n) {
  int k = 0;
  const v8sf gv = {g, g, g, g, g, g, g, g};
  for (; k + 8 <= n; k += 8) {
    v8sf a, b;
    __builtin_memcpy(&a, x + k, sizeof a);
    __builtin_memcpy(&b, y + k, sizeof b);
    b += gv * a;
    __builtin_memcpy(y + k, &b, sizeof b);
  }
  for (; k < n; k++) y[k] += g * x[k];
}

static inline __attribute__((always_inline)) uint64_t NextRandom(uint64_t& rnd) {
  rnd = rnd * 25214903917ULL + 11;
  return rnd;
}

// One positive and `negative` sampled targets for the input vector l1; accumulates l1's error in neu1e.
// Like gensim, a dot product outside (-6, 6) makes no update.
static inline __attribute__((always_inline)) void NegativeSteps(const Kernel& k, const float* l1, int32_t word, float alpha, uint64_t& rnd, float* neu1e) {
  const int dim = k.dim;
  for (int d = 0; d <= k.negative; d++) {
    int32_t target;
    float label;
    if (d == 0) {
      target = word;
      label = 1.0f;
    } else {
      const uint32_t x = static_cast<uint32_t>(NextRandom(rnd) >> 16) % k.cum[k.vocab - 1];
      target = static_cast<int32_t>(std::upper_bound(k.cum, k.cum + k.vocab, x) - k.cum);
      if (target == word) continue;
      label = 0.0f;
    }
    float* l2 = k.syn1neg + static_cast<size_t>(target) * dim;
    const float f = Dot(l1, l2, dim);
    if (f <= -kMaxExp || f >= kMaxExp) continue;
    const float g = (label - k.expTable[static_cast<int>((f + kMaxExp) * (kExpTableSize / kMaxExp / 2))]) * alpha;
    Axpy(g, l2, neu1e, dim);
    Axpy(g, l1, l2, dim);
  }
}

__attribute__((target_clones("avx2", "default")))
static void SentenceSg(const Kernel& k, const int32_t* sent, int n, float alpha, uint64_t& rnd, float* neu1e) {
  const int dim = k.dim;
  for (int pos = 0; pos < n; pos++) {
    const int b = static_cast<int>(static_cast<uint32_t>(NextRandom(rnd) >> 16) % static_cast<uint32_t>(k.window));
    const int hi = std::min(n, pos + k.window + 1 - b);
    for (int c = std::max(0, pos - k.window + b); c < hi; c++) {
      if (c == pos) continue;
      // gensim's skip-gram: the context word's input vector predicts the centre word.
      float* l1 = k.syn0 + static_cast<size_t>(sent[c]) * dim;
      std::fill(neu1e, neu1e + dim, 0.0f);
      NegativeSteps(k, l1, sent[pos], alpha, rnd, neu1e);
      Axpy(1.0f, neu1e, l1, dim);
    }
  }
}

__attribute__((target_clones("avx2", "default")))
static void SentenceCbow(const Kernel& k, const int32_t* sent, int n, float alpha, uint64_t& rnd, float* neu1, float* neu1e) {
  const int dim = k.dim;
  for (int pos = 0; pos < n; pos++) {
    const int b = static_cast<int>(static_cast<uint32_t>(NextRandom(rnd) >> 16) % static_cast<uint32_t>(k.window));
    const int lo = std::max(0, pos - k.window + b);
    const int hi = std::min(n, pos + k.window + 1 - b);
    std::fill(neu1, neu1 + dim, 0.0f);
    int count = 0;
    for (int c = lo; c < hi; c++) {
      if (c == pos) continue;
      Axpy(1.0f, k.syn0 + static_cast<size_t>(sent[c]) * dim, neu1, dim);
      count++;
    }
    if (count == 0) continue;
    const float inv = 1.0f / count;
    for (int d = 0; d < dim; d++) neu1[d] *= inv;  // cbow_mean=1: the mean of the context vectors
    std::fill(neu1e, neu1e + dim, 0.0f);
    NegativeSteps(k, neu1, sent[pos], alpha, rnd, neu1e);
    for (int c = lo; c < hi; c++) {
      if (c == pos) continue;
      Axpy(1.0f, neu1e, k.syn0 + static_cast<size_t>(sent[c]) * dim, dim);
    }
  }
}

struct Options {
  int dim = 200;
  int window = 5;
  int negative = 5;
  int epochs = 5;
  double alpha = 0.025;
  double minAlpha = 0.0001;
  double sample = 1e-3;
  bool sg = false;
  int threads = 1;
  uint64_t seed = 1;
  int ignoreBelow = 2;
};

struct Job {
  int64_t firstSentence;
  int64_t endSentence;
  int64_t wordsBefore;  // training words in the jobs before this one (before subsampling)
};

class Trainer {
 public:
  Trainer(const int32_t* tokens, const int32_t* sentOffsets, int64_t nSentences, int vocabSize, float* syn0,
          const Options& o)
      : tokens_(tokens), offsets_(sentOffsets), nSentences_(nSentences), V_(vocabSize), syn0_(syn0), o_(o) {}

  // Everything that reads the corpus once: counts, subsampling thresholds, negative table, jobs, init.
  void Prepare() {
    counts_.assign(V_, 0);
    int64_t jobWords = 0;
    int64_t jobStart = 0;
    for (int64_t s = 0; s < nSentences_; s++) {
      for (int32_t i = offsets_[s]; i < offsets_[s + 1]; i++) {
        int32_t w = tokens_[i];
        if (w >= o_.ignoreBelow) {
          counts_[w]++;
          jobWords++;
        }
      }
      if (jobWords >= kJobWords || s == nSentences_ - 1) {
        jobs_.push_back({jobStart, s + 1, totalWords_});
        totalWords_ += jobWords;
        jobWords = 0;
        jobStart = s + 1;
      }
    }
    // gensim: keep probability (sqrt(c / t) + 1) * t / c with t = sample * total, as a 32-bit threshold.
    keep_.assign(V_, UINT32_MAX);
    if (o_.sample > 0) {
      const double threshold = o_.sample * static_cast<double>(totalWords_);
      for (int v = 0; v < V_; v++) {
        if (counts_[v] == 0) continue;
        const double c = static_cast<double>(counts_[v]);
        const double p = std::min(1.0, (std::sqrt(c / threshold) + 1.0) * threshold / c);
        keep_[v] = static_cast<uint32_t>(std::min(p * 4294967296.0, 4294967295.0));
      }
    }
    // Cumulative unigram^0.75 table, sampled by binary search (gensim's cum_table). word2vec.c's flat
    // table of 1e8 slots is a cache miss per draw; this array stays in cache (tried: 2x slower flat).
    double z = 0;
    for (int v = 0; v < V_; v++) z += std::pow(static_cast<double>(counts_[v]), 0.75);
    cum_.assign(V_, 0);
    double acc = 0;
    constexpr double kDomain = 2147483647.0;
    for (int v = 0; v < V_; v++) {
      acc += std::pow(static_cast<double>(counts_[v]), 0.75);
      cum_[v] = static_cast<uint32_t>(std::llround(acc / z * kDomain));
    }
    expTable_.resize(kExpTableSize);
    for (int i = 0; i < kExpTableSize; i++) {
      const double e = std::exp((i / static_cast<double>(kExpTableSize) * 2 - 1) * kMaxExp);
      expTable_[i] = static_cast<float>(e / (e + 1));
    }
    // Input vectors: uniform(-0.5, 0.5) / dim, as in word2vec.c and gensim; output vectors start at zero.
    uint64_t r = o_.seed * 0x9E3779B97F4A7C15ULL + 1;
    for (int64_t i = 0; i < static_cast<int64_t>(V_) * o_.dim; i++) {
      r = r * 25214903917ULL + 11;
      syn0_[i] = (static_cast<float>((r >> 16) & 0xFFFF) / 65536.0f - 0.5f) / o_.dim;
    }
    syn1neg_.assign(static_cast<size_t>(V_) * o_.dim, 0.0f);
  }

  int64_t TotalWords() const { return totalWords_; }

  // All epochs in one pool of threads that update the shared vectors without locks (Hogwild). Threads
  // take (epoch, job) pairs from one counter, so a thread the OS pauses delays only its own job, not an
  // end-of-epoch barrier (this machine is shared). A job's learning rate follows from its position (the
  // words before it over all epochs), not from thread timing; with one thread a seed repeats exactly.
  // epochDone(n) is called, in order, when the first n epochs are complete.
  void Run(const std::function<void(int)>& epochDone) {
    const int epochs = o_.epochs;
    if (totalWords_ == 0) {
      for (int e = 1; e <= epochs; e++) epochDone(e);
      return;
    }
    next_.store(0);
    jobsDone_.reset(new std::atomic<size_t>[epochs]);
    for (int e = 0; e < epochs; e++) jobsDone_[e].store(0);
    finished_.assign(epochs, false);
    reported_ = 0;
    const int threads = std::max(1, o_.threads);
    std::vector<std::thread> pool;
    std::vector<std::string> errors(threads);
    for (int t = 0; t < threads; t++) {
      pool.emplace_back([this, t, &errors, &epochDone] {
        try {
          Worker(t, epochDone);
        } catch (const std::exception& e) {
          errors[t] = e.what();
          next_.store(SIZE_MAX / 2);  // the others stop at their next job
        }
      });
    }
    for (auto& th : pool) th.join();
    for (auto& e : errors)
      if (!e.empty()) throw std::runtime_error(e);
  }

 private:
  void Worker(int thread, const std::function<void(int)>& epochDone) {
    uint64_t rnd = o_.seed * 1000003ULL + static_cast<uint64_t>(thread) * 7919ULL;
    std::vector<int32_t> sentence;
    std::vector<float> neu1(o_.dim), neu1e(o_.dim);
    const double totalAll = static_cast<double>(totalWords_) * o_.epochs;
    const size_t nJobs = jobs_.size();
    for (;;) {
      const size_t g = next_.fetch_add(1);
      if (g >= nJobs * static_cast<size_t>(o_.epochs)) break;
      const int epoch = static_cast<int>(g / nJobs);
      const Job& job = jobs_[g % nJobs];
      const double progress = (static_cast<double>(epoch) * totalWords_ + job.wordsBefore) / totalAll;
      const float alpha = static_cast<float>(std::max(o_.minAlpha, o_.alpha - (o_.alpha - o_.minAlpha) * progress));
      for (int64_t s = job.firstSentence; s < job.endSentence; s++) {
        sentence.clear();
        for (int32_t i = offsets_[s]; i < offsets_[s + 1]; i++) {
          const int32_t w = tokens_[i];
          if (w < o_.ignoreBelow) continue;
          rnd = rnd * 25214903917ULL + 11;
          if (keep_[w] < static_cast<uint32_t>(rnd >> 16 & 0xFFFFFFFFULL)) continue;
          sentence.push_back(w);
        }
        Sentence(sentence, alpha, rnd, neu1.data(), neu1e.data());
      }
      if (jobsDone_[epoch].fetch_add(1) + 1 == nJobs) EpochFinished(epoch, epochDone);
    }
  }

  void EpochFinished(int epoch, const std::function<void(int)>& epochDone) {
    std::lock_guard<std::mutex> lock(reportMutex_);
    finished_[epoch] = true;
    while (reported_ < o_.epochs && finished_[reported_]) epochDone(++reported_);
  }

  void Sentence(const std::vector<int32_t>& sent, float alpha, uint64_t& rnd, float* neu1, float* neu1e) {
    const Kernel k{syn0_, syn1neg_.data(), cum_.data(), static_cast<int>(cum_.size()), expTable_.data(), o_.dim, o_.window, o_.negative};
    if (o_.sg)
      SentenceSg(k, sent.data(), static_cast<int>(sent.size()), alpha, rnd, neu1e);
    else
      SentenceCbow(k, sent.data(), static_cast<int>(sent.size()), alpha, rnd, neu1, neu1e);
  }

  const int32_t* tokens_;
  const int32_t* offsets_;
  int64_t nSentences_;
  int V_;
  float* syn0_;
  Options o_;
  std::vector<int64_t> counts_;
  std::vector<uint32_t> keep_;
  std::vector<uint32_t> cum_;
  std::vector<float> expTable_;
  std::vector<float> syn1neg_;
  std::vector<Job> jobs_;
  int64_t totalWords_ = 0;
  std::atomic<size_t> next_{0};
  std::unique_ptr<std::atomic<size_t>[]> jobsDone_;
  std::vector<bool> finished_;
  int reported_ = 0;
  std::mutex reportMutex_;

};

// Trains off the JS thread; after each epoch it reports the epoch number to opts.onEpoch (if given), so a
// long run (30 epochs over a Yahoo-sized corpus) shows progress.
class Word2VecWorker : public Napi::AsyncProgressQueueWorker<int> {
 public:
  Word2VecWorker(Napi::Env env, Napi::Int32Array tokens, Napi::Int32Array offsets, int vocabSize,
                 Napi::Float32Array out, const Options& o, Napi::Value onEpoch)
      : Napi::AsyncProgressQueueWorker<int>(env, "word2vecTrain"),
        deferred_(Napi::Promise::Deferred::New(env)),
        trainer_(tokens.Data(), offsets.Data(), static_cast<int64_t>(offsets.ElementLength()) - 1, vocabSize, out.Data(), o),
        epochs_(o.epochs) {
    // Keep the arrays alive (and their memory in place) while threads read and write them.
    tokensRef_ = Napi::Persistent(static_cast<Napi::Object>(tokens));
    offsetsRef_ = Napi::Persistent(static_cast<Napi::Object>(offsets));
    outRef_ = Napi::Persistent(static_cast<Napi::Object>(out));
    if (onEpoch.IsFunction()) onEpoch_ = Napi::Persistent(onEpoch.As<Napi::Function>());
  }

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute(const ExecutionProgress& progress) override {
    try {
      const auto t0 = std::chrono::steady_clock::now();
      trainer_.Prepare();
      const auto t1 = std::chrono::steady_clock::now();
      trainer_.Run([&progress](int done) { progress.Send(&done, 1); });
      const auto t2 = std::chrono::steady_clock::now();
      prepSeconds_ = std::chrono::duration<double>(t1 - t0).count();
      seconds_ = std::chrono::duration<double>(t2 - t1).count();
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::Object r = Napi::Object::New(env);
    r.Set("words", Napi::Number::New(env, static_cast<double>(trainer_.TotalWords()) * epochs_));
    r.Set("seconds", Napi::Number::New(env, seconds_));
    r.Set("prepareSeconds", Napi::Number::New(env, prepSeconds_));
    deferred_.Resolve(r);
  }

  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

  void OnProgress(const int* data, size_t count) override {
    if (onEpoch_.IsEmpty() || count == 0) return;
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    // An exception from the callback must not escape into the event loop: progress is best effort.
    try {
      onEpoch_.Call({Napi::Number::New(env, data[count - 1]), Napi::Number::New(env, epochs_)});
    } catch (const Napi::Error&) {
    }
  }

 private:
  Napi::Promise::Deferred deferred_;
  Trainer trainer_;
  int epochs_;
  double seconds_ = 0, prepSeconds_ = 0;
  Napi::ObjectReference tokensRef_, offsetsRef_, outRef_;
  Napi::FunctionReference onEpoch_;
};

int IntOpt(const Napi::Object& o, const char* key, int def, int lo, int hi) {
  if (!o.Has(key) || o.Get(key).IsUndefined()) return def;
  const Napi::Value v = o.Get(key);
  const double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : NAN;
  if (!(d >= lo && d <= hi) || d != std::floor(d))
    throw Napi::RangeError::New(o.Env(), std::string("word2vec: ") + key + " must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return static_cast<int>(d);
}

double NumOpt(const Napi::Object& o, const char* key, double def, double lo, double hi) {
  if (!o.Has(key) || o.Get(key).IsUndefined()) return def;
  const Napi::Value v = o.Get(key);
  const double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : NAN;
  if (!(d >= lo && d <= hi)) throw Napi::RangeError::New(o.Env(), std::string("word2vec: ") + key + " out of range");
  return d;
}

Napi::Value Word2VecTrain(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 5 || !info[0].IsTypedArray() || !info[1].IsTypedArray() || !info[2].IsNumber() ||
      !info[3].IsTypedArray() || !info[4].IsObject())
    throw Napi::TypeError::New(env, "word2vecTrain(tokens: Int32Array, sentOffsets: Int32Array, vocabSize: number, out: Float32Array, options: object)");
  auto tokens = info[0].As<Napi::TypedArray>();
  auto offsets = info[1].As<Napi::TypedArray>();
  auto out = info[3].As<Napi::TypedArray>();
  if (tokens.TypedArrayType() != napi_int32_array || offsets.TypedArrayType() != napi_int32_array)
    throw Napi::TypeError::New(env, "word2vecTrain: tokens and sentOffsets must be Int32Arrays");
  if (out.TypedArrayType() != napi_float32_array) throw Napi::TypeError::New(env, "word2vecTrain: out must be a Float32Array");
  const Napi::Object jo = info[4].As<Napi::Object>();
  Options o;
  o.dim = IntOpt(jo, "dim", 200, 1, 10000);
  o.window = IntOpt(jo, "window", 5, 1, 1000);
  o.negative = IntOpt(jo, "negative", 5, 1, 1000);
  o.epochs = IntOpt(jo, "epochs", 5, 1, 100000);
  o.threads = IntOpt(jo, "threads", static_cast<int>(std::max(1u, std::thread::hardware_concurrency())), 1, 1024);
  o.seed = static_cast<uint64_t>(IntOpt(jo, "seed", 1, 0, 2147483647));
  o.ignoreBelow = IntOpt(jo, "ignoreBelow", 2, 0, 2147483647);
  o.alpha = NumOpt(jo, "alpha", 0.025, 1e-9, 10);
  o.minAlpha = NumOpt(jo, "minAlpha", 0.0001, 0, 10);
  o.sample = NumOpt(jo, "sample", 1e-3, 0, 1);
  o.sg = jo.Has("sg") && jo.Get("sg").ToBoolean().Value();
  const double vs = info[2].As<Napi::Number>().DoubleValue();
  if (!(vs >= 1 && vs <= 2147483647) || vs != std::floor(vs)) throw Napi::RangeError::New(env, "word2vecTrain: vocabSize must be a positive integer");
  const int V = static_cast<int>(vs);
  auto tok = tokens.As<Napi::Int32Array>();
  auto off = offsets.As<Napi::Int32Array>();
  auto outF = out.As<Napi::Float32Array>();
  if (outF.ElementLength() != static_cast<size_t>(V) * o.dim)
    throw Napi::RangeError::New(env, "word2vecTrain: out must hold vocabSize * dim floats");
  const size_t nOff = off.ElementLength();
  if (nOff < 1 || off[0] != 0 || static_cast<size_t>(off[nOff - 1]) != tok.ElementLength())
    throw Napi::RangeError::New(env, "word2vecTrain: sentOffsets must start at 0 and end at tokens.length");
  for (size_t i = 1; i < nOff; i++)
    if (off[i] < off[i - 1]) throw Napi::RangeError::New(env, "word2vecTrain: sentOffsets must not decrease");
  const int32_t* t = tok.Data();
  for (size_t i = 0; i < tok.ElementLength(); i++)
    if (t[i] < 0 || t[i] >= V)
      throw Napi::RangeError::New(env, "word2vecTrain: token id " + std::to_string(t[i]) + " at " + std::to_string(i) + " is outside [0, vocabSize)");
  auto* worker = new Word2VecWorker(env, tok, off, V, outF, o, jo.Get("onEpoch"));
  Napi::Promise p = worker->Promise();
  worker->Queue();
  return p;
}

// JS name, C++ function, TypeScript signature (read by scripts/gen-native-api.ts). Not Guard-ed: the
// function validates its own arguments and reports training errors through the promise.
// clang-format off
#define WORD2VEC_FUNCTIONS(X) \
  X(word2vecTrain, Word2VecTrain, "(tokens: Int32Array, sentOffsets: Int32Array, vocabSize: number, out: Float32Array, options: Word2VecNativeOptions): Promise<Word2VecNativeStats>")
// clang-format on

}  // namespace

#define EXPORT_WORD2VEC(name, fn, signature) exports.Set(#name, Napi::Function::New(env, fn, #name));
void RegisterWord2Vec(Napi::Env env, Napi::Object exports) { WORD2VEC_FUNCTIONS(EXPORT_WORD2VEC) }
