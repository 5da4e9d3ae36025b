#!/usr/bin/env python3
"""The erasure battery as the authors' code ran it: the classifier is re-run through PyTorch for every
erasure (renormalised alpha -> s' = alpha' @ h -> linear), the gradient comes from autograd, and
leave-one-out re-runs the classifier once per item. Reads attnlab's states file (src/erasure/states-io.ts)
and head JSON, prints one JSON line: seconds, documents, and per document the erasures until the first flip
for the deterministic rankings (so bench/erasure.bench.ts can check both sides did the same work).

usage: erasure_reference.py STATES.bin HEAD.json SEED THREADS REPEATS   (prints the fastest of at least REPEATS passes)
"""
import json
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

MAGIC = b"ATTNSTATES1\n"


def read_states(path):
    buf = open(path, "rb").read()
    assert buf[: len(MAGIC)] == MAGIC, "not an attnlab states file"
    off = len(MAGIC)
    (hlen,) = struct.unpack_from("<I", buf, off)
    off += 4
    header = json.loads(buf[off : off + hlen])
    off += hlen
    d, C = header["d"], header["C"]
    docs = []
    for doc in header["docs"]:
        n = doc["n"]
        alpha = np.frombuffer(buf, "<f8", n, off); off += 8 * n
        logits = np.frombuffer(buf, "<f8", C, off); off += 8 * C
        h = np.frombuffer(buf, "<f4", n * d, off).reshape(n, d); off += 4 * n * d
        if header.get("z"):
            off += 8 * n * C  # z = W h, precomputed by attnlab's model pass; the reference does not use it
        docs.append((alpha, h, logits))
    return docs


@torch.no_grad()
def classify(alpha, keep, h, W, b):
    """Logits after erasing the items where keep == 0 (zero vector if all are erased)."""
    a = alpha * keep
    mass = a.sum()
    if mass > 0:
        a = a / mass
    return F.linear((a @ h).unsqueeze(0), W, b).squeeze(0)


def js(p, q):
    m = 0.5 * (p + q)
    def kl(x):
        nz = x > 0
        return (x[nz] * torch.log(x[nz] / m[nz])).sum()
    return float(0.5 * kl(p) + 0.5 * kl(q))


def first_flip(order, alpha, h, W, b, m):
    keep = torch.ones_like(alpha)
    for k, i in enumerate(order, start=1):
        keep[i] = 0
        if int(torch.argmax(classify(alpha, keep, h, W, b))) != m:
            return k
    return None


def battery(alpha_np, h_np, W, b, rng):
    alpha = torch.tensor(alpha_np, dtype=torch.float64)
    h = torch.tensor(h_np, dtype=torch.float64)
    n = alpha.shape[0]
    ones = torch.ones_like(alpha)
    x = classify(alpha, ones, h, W, b)
    p = torch.softmax(x, 0)
    m = int(torch.argmax(x))

    # gradient of p_m with respect to alpha, by autograd, at the unmodified alpha
    a = alpha.clone().requires_grad_(True)
    torch.softmax(F.linear((a @ h).unsqueeze(0), W, b).squeeze(0), 0)[m].backward()
    g = a.grad.numpy()

    # leave-one-out: one classifier run per item
    loo = np.array([js(p, torch.softmax(classify(alpha, ones.index_fill(0, torch.tensor([i]), 0), h, W, b), 0)) for i in range(n)])

    desc = lambda s: np.argsort(-s, kind="stable")
    orders = {
        "attention": desc(alpha_np),
        "gradient": desc(g),
        "gradient_x_attention": desc(g * alpha_np),
        "leave_one_out": desc(loo),
    }
    out = {}
    if n >= 2:
        # single-weight tests: top item vs a random other item, for three rankings
        for name in ("attention", "gradient", "gradient_x_attention"):
            top = int(orders[name][0])
            r = int(rng.integers(n - 1)); r = r + 1 if r >= top else r
            for i in (top, r):
                q = torch.softmax(classify(alpha, ones.index_fill(0, torch.tensor([i]), 0), h, W, b), 0)
                js(p, q)
        for name, order in orders.items():
            out[name] = first_flip(order, alpha, h, W, b, m)
        for _ in range(5):
            first_flip(rng.permutation(n), alpha, h, W, b, m)
    return out


def main():
    states_path, head_path, seed, threads, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    torch.set_num_threads(threads)
    head = json.load(open(head_path))
    W = torch.tensor(head["W"], dtype=torch.float64).reshape(head["C"], head["d"])
    b = torch.tensor(head["b"], dtype=torch.float64)
    docs = read_states(states_path)
    # like the TypeScript side: at least `repeats` passes and at least 2 s in all, the fastest pass counts
    seconds, spent, passes = float("inf"), 0.0, 0
    while passes < repeats or (spent < 2 and passes < 100):
        rng = np.random.default_rng(seed)
        t0 = time.perf_counter()
        results = [battery(alpha, h, W, b, rng) for alpha, h, _ in docs]
        took = time.perf_counter() - t0
        seconds, spent, passes = min(seconds, took), spent + took, passes + 1
    print(json.dumps({"seconds": seconds, "passes": passes, "documents": len(docs), "erased": results}))


if __name__ == "__main__":
    main()
