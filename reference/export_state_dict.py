"""Save a PyTorch HAN/FLAN (reference/torch_models.py) for `attnlab import`: its state dict as safetensors and
the sizes attnlab needs to rebuild it.

    /usr/bin/python3 reference/export_state_dict.py --arch flan-rnn --vocab 7224 --classes 5 --out my-model
    node bin/attnlab.js import my-model/state_dict.safetensors my-model/sizes.json --data brown-genre5 --out runs/imported/flan-rnn

writes my-model/state_dict.safetensors (every parameter under its PyTorch name, F32) and my-model/sizes.json
{"arch", "vocab", "classes", "emb", "encoderSize"}. Your own model works the same way when its parameter
names are these (`model.state_dict().keys()` of torch_models.build(arch, ...)); its word ids must be the
data set's (attnlab's vocab.tsv order: 0 = padding, 1 = unknown) and its classes the data set's labels.

--fixture also writes expected.json: a fixed padded batch (documents as sentences of token ids) and the
logits this model gives on it in eval mode, for test/cli/commands/import.test.ts. The weights here are a
fresh random initialisation (torch_models.init_weights, random biases); in real use, train first.
"""
import argparse
import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import torch_models as tm  # noqa: E402
from safetensors_io import save_safetensors  # noqa: E402


def build(arch, vocab, classes, emb, size):
    family, encoder = arch.split("-")
    enc = {"rnn": lambda d: tm.RnnEncoder(d, size), "conv": lambda d: tm.ConvEncoder(d, size), "noenc": tm.NoEncoder}[encoder]
    original = tm.make_encoder
    tm.make_encoder = lambda kind, d_in: enc(d_in)  # the reference's encoders take their size as an argument
    try:
        return tm.build(arch, vocab, classes, emb=emb)
    finally:
        tm.make_encoder = original


def fixture_docs(gen, vocab):
    # Ragged sentence counts and lengths, so both HAN levels and FLAN's sequence are padded.
    shape = [[4, 2, 5], [1], [6, 3], [2, 1, 4, 3]]
    return [[torch.randint(2, vocab, (n,), generator=gen).tolist() for n in doc] for doc in shape]


def inputs(family, docs):
    if family == "flan":
        flat = [sum(d, []) for d in docs]
        L = max(map(len, flat))
        tokens = torch.zeros(len(flat), L, dtype=torch.long)
        for b, t in enumerate(flat):
            tokens[b, :len(t)] = torch.tensor(t)
        return tokens, torch.tensor([len(t) for t in flat])
    S, T = max(map(len, docs)), max(len(s) for d in docs for s in d)
    tokens = torch.zeros(len(docs), S, T, dtype=torch.long)
    lengths = torch.zeros(len(docs), S, dtype=torch.long)
    for b, d in enumerate(docs):
        for j, s in enumerate(d):
            tokens[b, j, :len(s)] = torch.tensor(s)
            lengths[b, j] = len(s)
    return tokens, lengths, torch.tensor([len(d) for d in docs])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--arch", required=True, choices=["han-rnn", "han-conv", "han-noenc", "flan-rnn", "flan-conv", "flan-noenc"])
    ap.add_argument("--vocab", type=int, required=True, help="vocabulary size, padding id 0 included")
    ap.add_argument("--classes", type=int, required=True)
    ap.add_argument("--emb", type=int, default=200)
    ap.add_argument("--size", type=int, default=50, help="GRU units per direction / filters per width")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    ap.add_argument("--fixture", action="store_true", help="also write expected.json (test fixture)")
    a = ap.parse_args()

    gen = torch.Generator().manual_seed(a.seed)
    torch.manual_seed(a.seed)
    model = build(a.arch, a.vocab, a.classes, a.emb, a.size)
    tm.init_weights(model, gen)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "bias" in name:
                p.uniform_(-0.1, 0.1, generator=gen)  # non-zero, so a dropped bias shows
    model.eval()
    os.makedirs(a.out, exist_ok=True)
    save_safetensors(os.path.join(a.out, "state_dict.safetensors"), model.state_dict(), {"format": "pt"})
    sizes = {"arch": a.arch, "vocab": a.vocab, "classes": a.classes, "emb": a.emb, "encoderSize": a.size}
    with open(os.path.join(a.out, "sizes.json"), "w") as f:
        json.dump(sizes, f, indent=2)
        f.write("\n")
    if a.fixture:
        docs = fixture_docs(gen, a.vocab)
        with torch.no_grad():
            logits = model(*inputs(a.arch.split("-")[0], docs))[0]
        with open(os.path.join(a.out, "expected.json"), "w") as f:
            json.dump({"generator": "reference/export_state_dict.py --fixture", "torch": torch.__version__,
                       "docs": docs, "logits": logits.tolist()}, f)
            f.write("\n")
    print("wrote", a.out)


if __name__ == "__main__":
    main()
