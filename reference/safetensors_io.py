"""The safetensors format by hand (the `safetensors` package is not installed here).

File layout: 8-byte little-endian header length N, N bytes of JSON
{name: {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, "__metadata__": {str: str}},
then the tensors' raw little-endian bytes, offsets relative to the end of the header.
"""
import json
import struct

import numpy as np
import torch

_DTYPES = {torch.float32: ("F32", np.float32), torch.float64: ("F64", np.float64),
           torch.int64: ("I64", np.int64), torch.int32: ("I32", np.int32)}
_CODES = {code: np_t for code, np_t in _DTYPES.values()}


def save_safetensors(path, tensors, metadata=None):
    """tensors: dict name -> torch tensor (written in the given order)."""
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    for name, t in tensors.items():
        code, np_t = _DTYPES[t.dtype]
        raw = t.detach().contiguous().cpu().numpy().astype(np_t).astype(np_t().dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": code, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    js = json.dumps(header, separators=(",", ":"))
    js += " " * ((8 - len(js.encode()) % 8) % 8)  # align the data to 8 bytes, as the reference writer does
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(js.encode())))
        f.write(js.encode())
        for b in blobs:
            f.write(b)


def load_safetensors(path):
    with open(path, "rb") as f:
        buf = f.read()
    (n,) = struct.unpack("<Q", buf[:8])
    header = json.loads(buf[8:8 + n].decode())
    base, out = 8 + n, {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        arr = np.frombuffer(buf[base + b:base + e], dtype=np.dtype(_CODES[info["dtype"]]).newbyteorder("<"))
        out[name] = torch.from_numpy(arr.astype(_CODES[info["dtype"]]).reshape(info["shape"]).copy())
    return out
