"""PyTorch side of `npm run bench:engine`: trains reference/torch_models.py's FLAN on random batches.

Usage: engine_reference.py ARCH STEPS WARMUP THREADS [DEVICE]  -> prints one JSON line {"steps_per_s": ...}
Same sizes, optimizer, clipping and threads as bench/engine.bench.ts.
"""
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference"))
import torch_models  # noqa: E402

arch, steps, warmup, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
device = torch.device(sys.argv[5] if len(sys.argv) > 5 else "cpu")
torch.set_num_threads(threads)
torch.manual_seed(0)
B, L, V, C = 64, 100, 20000, 10
model = torch_models.build(arch, V, C, emb=200, dropout_encoder=0.2, dropout_classifier=0.3)
torch_models.init_weights(model)
model.train()
model.to(device)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
tokens = torch.randint(1, V, (B, L)).to(device)
lengths = torch.full((B,), L, dtype=torch.long)  # pack_padded_sequence wants the lengths on the CPU
target = torch.randint(0, C, (B,)).to(device)


def step():
    opt.zero_grad()
    logits, _, _ = model(tokens, lengths)
    loss = torch.nn.functional.cross_entropy(logits, target)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 10.0)
    opt.step()


def sync():
    if device.type == "cuda":
        torch.cuda.synchronize()


for _ in range(warmup):
    step()
sync()
t0 = time.perf_counter()
for _ in range(steps):
    step()
sync()
dt = time.perf_counter() - t0
print(json.dumps({"steps_per_s": steps / dt, "torch": torch.__version__, "threads": torch.get_num_threads()}))
