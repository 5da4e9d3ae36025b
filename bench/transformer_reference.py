"""PyTorch side of `npm run bench:transformer`: the forward pass of reference/hf_models.py on the same
Hugging Face folder and the same padded batch as attnlab.

Usage: transformer_reference.py FOLDER BATCH_JSON REPS WARMUP THREADS -> one JSON line
  {"seconds_per_forward": best of REPS timed forwards, "logits": [[...]] (for the agreement check)}
BATCH_JSON: {"input_ids": [[...]], "attention_mask": [[...]]} (right-padded).
"""
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference"))
import hf_models  # noqa: E402

folder, batch_path, reps, warmup, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
torch.set_num_threads(threads)
model = hf_models.load_folder(folder)
with open(batch_path) as f:
    batch = json.load(f)
ids = torch.tensor(batch["input_ids"])
mask = torch.tensor(batch["attention_mask"])
with torch.no_grad():
    for _ in range(warmup):
        out = hf_models.forward(model, ids, mask)
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        out = hf_models.forward(model, ids, mask)
        best = min(best, time.perf_counter() - t0)
print(json.dumps({"seconds_per_forward": best, "logits": out["logits"].tolist()}))
