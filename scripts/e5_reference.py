#!/usr/bin/env python3
"""Reference embeddings of multilingual-e5-small, computed independently of candle.

numpy only: the safetensors file is parsed by hand (an 8-byte little-endian header length, a JSON
header, raw little-endian f32 data) and the BERT forward pass is written out here (embeddings +
LayerNorm, self-attention with a padding mask, GELU with erf, mean pooling under the mask, L2).
Tokenization is not compared: token ids come from the input file (made by our tokenizer), so a
difference in the vectors points at the model, not at the tokenizer.

Usage: e5_reference.py MODEL_DIR IN.json OUT.json
IN.json: {"messages": [{"text": ..., "ids": [...]}, ...]}; OUT.json is the same with "vector"
(rounded to 6 decimals) added to every message.
"""
import json
import math
import struct
import sys

import numpy as np


def load_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n])
    base = 8 + n
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            raise SystemExit(f"{name}: dtype {info['dtype']}, expected F32")
        start, end = info["data_offsets"]
        arr = np.frombuffer(data, dtype="<f4", count=(end - start) // 4, offset=base + start)
        tensors[name] = arr.reshape(info["shape"]).astype(np.float64)
    return tensors


_erf = np.vectorize(math.erf)


def gelu(x):
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))


def layer_norm(x, w, b, eps):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


def embed(t, cfg, ids):
    """Embedding of one message (a list of token ids), in float64."""
    eps = cfg["layer_norm_eps"]
    heads = cfg["num_attention_heads"]
    ids = np.asarray(ids, dtype=np.int64)
    n = len(ids)
    x = (
        t["embeddings.word_embeddings.weight"][ids]
        + t["embeddings.position_embeddings.weight"][np.arange(n)]
        + t["embeddings.token_type_embeddings.weight"][np.zeros(n, dtype=np.int64)]
    )
    x = layer_norm(x, t["embeddings.LayerNorm.weight"], t["embeddings.LayerNorm.bias"], eps)
    hidden = x.shape[1]
    d = hidden // heads
    for i in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{i}."

        def lin(name, v):
            return v @ t[p + name + ".weight"].T + t[p + name + ".bias"]

        q = lin("attention.self.query", x).reshape(n, heads, d).transpose(1, 0, 2)
        k = lin("attention.self.key", x).reshape(n, heads, d).transpose(1, 0, 2)
        v = lin("attention.self.value", x).reshape(n, heads, d).transpose(1, 0, 2)
        # One unpadded message: every position is attended to, so the mask is all ones.
        s = q @ k.transpose(0, 2, 1) / math.sqrt(d)
        s = np.exp(s - s.max(-1, keepdims=True))
        s /= s.sum(-1, keepdims=True)
        a = (s @ v).transpose(1, 0, 2).reshape(n, hidden)
        x = layer_norm(
            lin("attention.output.dense", a) + x,
            t[p + "attention.output.LayerNorm.weight"],
            t[p + "attention.output.LayerNorm.bias"],
            eps,
        )
        h = gelu(lin("intermediate.dense", x))
        x = layer_norm(
            lin("output.dense", h) + x,
            t[p + "output.LayerNorm.weight"],
            t[p + "output.LayerNorm.bias"],
            eps,
        )
    pooled = x.mean(0)
    return pooled / np.linalg.norm(pooled)


def main():
    model_dir, inp, out = sys.argv[1:4]
    with open(f"{model_dir}/config.json") as f:
        cfg = json.load(f)
    if cfg.get("hidden_act") != "gelu" or cfg.get("position_embedding_type", "absolute") != "absolute":
        raise SystemExit("unexpected config: this reference implements GELU (erf), absolute positions")
    t = load_safetensors(f"{model_dir}/model.safetensors")
    with open(inp) as f:
        doc = json.load(f)
    for m in doc["messages"]:
        m["vector"] = [round(float(v), 6) for v in embed(t, cfg, m["ids"])]
        print(f"{len(m['ids']):4} tokens  {m['text'][:40]}", file=sys.stderr)
    with open(out, "w") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
