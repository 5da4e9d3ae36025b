"""Self-checks of reference/hf_models.py and the fixtures it made (run: /usr/bin/python3 reference/check_hf_reference.py).

1. grad_alpha in expected.json against central finite differences of the whole model (float64).
2. erase_one / erase_one_per_head in expected.json against an independent shortcut: the last layer recomputed
   by hand for query position 0 only, from hidden_last_input, with the modified row (everything after the
   attention row depends on position 0 alone, which is what makes the fast erasure legitimate).
3. RoBERTa's position ids: <s> w w </s> <pad> <pad> -> 2 3 4 5 1 1 (padding_idx 1).
Prints the largest deviation of each; exits 1 if one exceeds 1e-9 (finite differences: 1e-6).
"""
import json
import os
import sys

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import hf_models as hm  # noqa: E402

FIX = os.path.join(HERE, "..", "test", "models", "fixtures", "hf")


def last_layer_row0(model, x, mask, row):
    """x (1, T, d) entering the last layer, row (N, H, T) -> logits (N, C), position 0 only."""
    layer = model.body().layers()[-1]
    att = layer.self_attention()
    if isinstance(layer, hm.TransformerBlock):
        q, k, v, out = att.q_lin, att.k_lin, att.v_lin, att.out_lin
        ln1, ffn, ln2 = layer.sa_layer_norm, layer.ffn, layer.output_layer_norm
        ff = ffn
    else:
        q, k, v, out = att.query, att.key, att.value, layer.attention.output.dense
        ln1, ln2 = layer.attention.output.LayerNorm, layer.output.LayerNorm
        ff = lambda a: layer.output.dense(layer.intermediate(a))  # noqa: E731
    H = att.heads
    T, d = x.shape[1], x.shape[2]
    vh = v(x)[0].view(T, H, d // H).transpose(0, 1)  # (H, T, dh)
    ctx = torch.einsum("nht,htk->nhk", row, vh).reshape(row.shape[0], d)  # (N, d)
    a = ln1(out(ctx) + x[0, 0])  # (N, d)
    h = ln2(ff(a) + a)  # (N, d)
    return model.head(h.unsqueeze(1))


def check(family):
    model = hm.load_folder(os.path.join(FIX, family)).double()
    e = json.load(open(os.path.join(FIX, family, "expected.json")))
    d = e["document"]
    ids, mask, types = (torch.tensor(d[k]) for k in ("input_ids", "attention_mask", "token_type_ids"))
    worst = {}
    # 1. finite differences
    row = torch.tensor(d["attention_row0"], dtype=torch.float64)
    H, T = row.shape
    g = torch.tensor(d["grad_alpha"], dtype=torch.float64)
    eps, dev = 1e-6, 0.0
    for h in range(H):
        for i in range(0, T, 7):
            def p(delta):
                r = row.clone()
                r[h, i] += delta
                with torch.no_grad():
                    hm.set_last_row(model, lambda _: r.unsqueeze(0))
                    out = hm.forward(model, ids, mask, types)
                    hm.set_last_row(model, None)
                return torch.softmax(out["logits"][0], -1)[d["decided"]].item()
            dev = max(dev, abs((p(eps) - p(-eps)) / (2 * eps) - g[h, i].item()))
    worst["grad_alpha vs finite differences"] = dev
    # 2. one-row shortcut
    x = torch.tensor(d["hidden_last_input"], dtype=torch.float64)
    keep = torch.ones(T, H, T, dtype=torch.float64)
    for i in range(T):
        keep[i, :, i] = 0
    kept = row * keep
    with torch.no_grad():
        probs = torch.softmax(last_layer_row0(model, x, mask, kept / kept.sum(-1, keepdim=True)), -1)
        worst["erase_one vs one-row shortcut"] = (probs - torch.tensor(d["erase_one"], dtype=torch.float64)).abs().max().item()
        zero = torch.softmax(last_layer_row0(model, x, mask, torch.zeros(1, H, T, dtype=torch.float64)), -1)
        worst["erase everything vs zero row"] = (zero[0] - torch.tensor(d["erase_prefix"][-1], dtype=torch.float64)).abs().max().item()
        keep = torch.ones(H * T, H, T, dtype=torch.float64)
        for h in range(H):
            for i in range(T):
                keep[h * T + i, h, i] = 0
        kept = row * keep
        probs = torch.softmax(last_layer_row0(model, x, mask, kept / kept.sum(-1, keepdim=True)), -1)
        worst["erase_one_per_head vs shortcut"] = (probs.view(H, T, -1) - torch.tensor(d["erase_one_per_head"], dtype=torch.float64)).abs().max().item()
    return worst


def main():
    bad = False
    emb = hm.BertEmbeddings({"hidden_size": 4, "vocab_size": 9, "max_position_embeddings": 8, "type_vocab_size": 1,
                             "layer_norm_eps": 1e-5}, padding_idx=1)
    pos = emb.position_ids(torch.tensor([[0, 5, 6, 2, 1, 1]])).tolist()
    print("roberta position ids", pos)
    bad |= pos != [[2, 3, 4, 5, 1, 1]]
    for family in ["bert", "distilbert", "roberta"]:
        for what, dev in check(family).items():
            print(f"{family:10s} {what:40s} {dev:.2e}")
            bad |= dev > 1e-9 if "finite" not in what else dev > 1e-6
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
