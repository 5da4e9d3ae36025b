"""The PyTorch side of `npm run bench:train`: one training epoch of a reference/torch_models.py model over
the exact batches attnlab trained on (exported by bench/train.bench.ts), timed the same way.

Usage: OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/train_reference.py BATCHES.json THREADS [--serve]
Prints one JSON line: {"docs", "seconds", "docsPerSecond", "meanLoss"}; with --serve it runs the batch
ranges it reads on stdin ("A B") and answers each with {"docs", "seconds"} (bench:train interleaves).
"""
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference"))
import torch_models as tm  # noqa: E402


def main():
    path, threads = sys.argv[1], int(sys.argv[2])
    torch.set_num_threads(threads)
    with open(path) as f:
        spec = json.load(f)
    torch.manual_seed(spec["seed"])
    d = spec["dropout"]
    if spec["arch"].startswith("han"):
        kw = dict(dropout_word=d["word"], dropout_sentence=d["sentence"], dropout_classifier=d["classifier"])
    else:
        kw = dict(dropout_encoder=d["encoder"], dropout_classifier=d["classifier"])
    model = tm.build(spec["arch"], spec["vocab"], spec["classes"], emb=spec["emb"], **kw)
    tm.init_weights(model)
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=spec["lr"])

    def tensor(t):
        return torch.tensor(t["data"], dtype=torch.long).reshape(t["shape"])

    # Batch tensors are built before the clock starts, as on the attnlab side.
    batches = [([tensor(x) for x in b["inputs"]], tensor(b["labels"])) for b in spec["batches"]]

    def step(inputs, labels):
        opt.zero_grad()
        logits = model(*inputs)[0]
        loss = torch.nn.functional.cross_entropy(logits, labels)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), spec["clip"])
        opt.step()
        return loss.item()

    step(*batches[0])  # warm-up, not timed (both sides do one)
    if len(sys.argv) > 3 and sys.argv[3] == "--serve":
        # Interleaved with attnlab: "A B" runs batches A..B-1 and answers their documents and seconds, so
        # that load from other processes hits both sides alike.
        print(json.dumps({"ready": True}), flush=True)
        for line in sys.stdin:
            if line.strip() == "quit":
                break
            a, b = map(int, line.split())
            docs, start = 0, time.perf_counter()
            for inputs, labels in batches[a:b]:
                step(inputs, labels)
                docs += labels.numel()
            print(json.dumps({"docs": docs, "seconds": time.perf_counter() - start}), flush=True)
        return
    docs, total = 0, 0.0
    start = time.perf_counter()
    for inputs, labels in batches:
        total += step(inputs, labels) * labels.numel()
        docs += labels.numel()
    seconds = time.perf_counter() - start
    print(json.dumps({"docs": docs, "seconds": seconds, "docsPerSecond": docs / seconds, "meanLoss": total / docs}))


if __name__ == "__main__":
    main()
