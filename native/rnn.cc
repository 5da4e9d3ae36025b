// GRU over a padded batch with per-sequence lengths, the way torch.nn.GRU runs on a PackedSequence:
// sort by length, pack, run the fused at::gru on the packed data, unpack, restore the order. Packing is
// what keeps padding out of the backward direction (it starts at each sequence's own last token).
#include "common.h"

namespace attn {
namespace {

// gru(x (B, T, D), lengths (B,) int64 on the CPU, params [w_ih, w_hh, b_ih, b_hh] per direction
// (forward, then reverse), bidirectional, train) -> [output (B, T, dirs*H) zero at padding, h_n (dirs, B, H)].
// Every length must be in 1..T.
Napi::Value Gru(const Napi::CallbackInfo& info) {
  const at::Tensor& x = Ten(info, 0);
  at::Tensor lengths = Ten(info, 1).to(at::kCPU, at::kLong).contiguous();
  std::vector<at::Tensor> params = Tens(info, 2);
  bool bidirectional = Bool(info, 3);
  bool train = Bool(info, 4);

  TORCH_CHECK(x.dim() == 3, "gru: input must be (batch, time, features), got ", x.sizes());
  int64_t B = x.size(0), T = x.size(1);
  int64_t dirs = bidirectional ? 2 : 1;
  TORCH_CHECK(static_cast<int64_t>(params.size()) == 4 * dirs, "gru: expected ", 4 * dirs, " parameter tensors, got ",
              params.size());
  TORCH_CHECK(lengths.dim() == 1 && lengths.size(0) == B, "gru: lengths must have one entry per sequence (", B, "), got ",
              lengths.sizes());
  if (B > 0) {
    int64_t lo = lengths.min().item<int64_t>(), hi = lengths.max().item<int64_t>();
    TORCH_CHECK(lo >= 1 && hi <= T, "gru: every length must be between 1 and ", T, ", got lengths in [", lo, ", ", hi, "]");
  }
  int64_t H = params[1].size(1);  // w_hh is (3H, H)

  auto sorted = lengths.sort(0, /*descending=*/true);
  at::Tensor sortedLengths = std::get<0>(sorted);
  at::Tensor order = std::get<1>(sorted);
  at::Tensor orderDev = order.to(x.device());
  at::Tensor xs = x.index_select(0, orderDev);                                         // (B, T, D), longest first
  auto packed = at::_pack_padded_sequence(xs, sortedLengths, /*batch_first=*/true);  // (sum(len), D), batch_sizes
  at::Tensor hx = at::zeros({dirs, B, H}, x.options());
  auto out = at::gru(std::get<0>(packed), std::get<1>(packed), hx, params, /*has_biases=*/true, /*num_layers=*/1,
                     /*dropout=*/0.0, train, bidirectional);
  auto padded = at::_pad_packed_sequence(std::get<0>(out), std::get<1>(packed), /*batch_first=*/true,
                                         /*padding_value=*/0.0, /*total_length=*/T);  // (B, T, dirs*H)
  at::Tensor inverse = order.argsort().to(x.device());
  at::Tensor output = std::get<0>(padded).index_select(0, inverse);
  at::Tensor hn = std::get<1>(out).index_select(1, inverse);
  return WrapList(info.Env(), {output, hn});
}

// JS name, C++ function, TypeScript signature (read by scripts/gen-native-api.ts).
#define RNN_FUNCTIONS(X) \
  X(gru, Gru, "(x: Handle, lengths: Handle, params: Handle[], bidirectional: boolean, train: boolean): [Handle, Handle]")

}  // namespace

#define EXPORT_RNN(name, fn, signature) Export<fn>(env, exports, #name);
void RegisterRnn(Napi::Env env, Napi::Object exports) { RNN_FUNCTIONS(EXPORT_RNN) }

}  // namespace attn
