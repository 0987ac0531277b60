#!/usr/bin/env python3
"""PyTorch (CPU) peer of our Rust e5 encoder, for the encoder tier's speed comparison.

Same converted multilingual-e5-small weights (models/e5-small/model.safetensors, Hugging Face
BertModel names), same token ids (the file `e5-bench --ids-out FILE` writes), timed the same way:
tokens -> mean-pooled, L2-normalised vector. The forward pass is written out with plain
torch.nn.functional ops, as a PyTorch user would (F.linear, F.layer_norm, F.gelu (erf),
F.scaled_dot_product_attention), run under torch.inference_mode() with torch.set_num_threads(N).

Usage: e5_torch_peer.py MODEL_DIR IDS_JSON [--runs 200] [--batch-runs 20] [--threads 1]
                        [--warmup 10] [--check FIXTURE]
IDS_JSON: {"single": [ids...], "batch": [[ids...], ...]}; ids already hold <s>=0 ... </s>=2.
FIXTURE: crates/model/tests/data/e5_reference.json ({"messages": [{"ids", "vector"}, ...]}).
With --check, every fixture message is embedded alone and all of them as one padded batch; the
minimum cosine against the fixture vectors must be >= 0.999, else exit 1.
Prints one JSON object on stdout (timings in ms: median and p99 over the timed runs; the warm-up
runs are excluded).
"""
import argparse
import json
import math
import sys
import time
import warnings

# The venv has no numpy (not needed here); torch warns about it at import.
warnings.filterwarnings("ignore", message="Failed to initialize NumPy")
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from safetensors.torch import load_file  # noqa: E402

PAD_ID = 1
MIN_COSINE = 0.999


class E5:
    def __init__(self, model_dir):
        with open(f"{model_dir}/config.json") as f:
            cfg = json.load(f)
        if cfg.get("hidden_act") != "gelu" or cfg.get("position_embedding_type", "absolute") != "absolute":
            raise SystemExit("unexpected config: this peer implements GELU (erf), absolute positions")
        self.eps = cfg["layer_norm_eps"]
        self.heads = cfg["num_attention_heads"]
        self.hidden = cfg["hidden_size"]
        self.layers_n = cfg["num_hidden_layers"]
        t = load_file(f"{model_dir}/model.safetensors", device="cpu")
        for name, v in t.items():
            if v.dtype != torch.float32:
                raise SystemExit(f"{name}: dtype {v.dtype}, expected float32")
        self.word = t["embeddings.word_embeddings.weight"]
        self.pos = t["embeddings.position_embeddings.weight"]
        self.typ = t["embeddings.token_type_embeddings.weight"]
        self.emb_ln = (t["embeddings.LayerNorm.weight"], t["embeddings.LayerNorm.bias"])
        self.layers = []
        for i in range(self.layers_n):
            p = f"encoder.layer.{i}."

            def g(n):
                return t[p + n]

            self.layers.append(
                dict(
                    q=(g("attention.self.query.weight"), g("attention.self.query.bias")),
                    k=(g("attention.self.key.weight"), g("attention.self.key.bias")),
                    v=(g("attention.self.value.weight"), g("attention.self.value.bias")),
                    o=(g("attention.output.dense.weight"), g("attention.output.dense.bias")),
                    ln1=(g("attention.output.LayerNorm.weight"), g("attention.output.LayerNorm.bias")),
                    up=(g("intermediate.dense.weight"), g("intermediate.dense.bias")),
                    down=(g("output.dense.weight"), g("output.dense.bias")),
                    ln2=(g("output.LayerNorm.weight"), g("output.LayerNorm.bias")),
                )
            )

    def forward(self, ids, mask=None):
        """ids: int64 [B, L]; mask: bool [B, L] (True = real token) or None (no padding).
        Returns the pooled, L2-normalised embeddings [B, hidden]."""
        b, n = ids.shape
        h, d = self.heads, self.hidden // self.heads
        x = self.word[ids] + self.pos[:n] + self.typ[0]
        x = F.layer_norm(x, (self.hidden,), *self.emb_ln, eps=self.eps)
        attn_mask = None if mask is None else mask[:, None, None, :]
        for w in self.layers:
            q = F.linear(x, *w["q"]).view(b, n, h, d).transpose(1, 2)
            k = F.linear(x, *w["k"]).view(b, n, h, d).transpose(1, 2)
            v = F.linear(x, *w["v"]).view(b, n, h, d).transpose(1, 2)
            a = F.scaled_dot_product_attention(q, k, v, attn_mask=attn_mask)
            a = a.transpose(1, 2).reshape(b, n, self.hidden)
            x = F.layer_norm(F.linear(a, *w["o"]) + x, (self.hidden,), *w["ln1"], eps=self.eps)
            u = F.gelu(F.linear(x, *w["up"]))
            x = F.layer_norm(F.linear(u, *w["down"]) + x, (self.hidden,), *w["ln2"], eps=self.eps)
        if mask is None:
            pooled = x.mean(1)
        else:
            m = mask.unsqueeze(-1).to(x.dtype)
            pooled = (x * m).sum(1) / m.sum(1)
        return F.normalize(pooled, p=2.0, dim=-1)

    def embed_one(self, ids):
        return self.forward(torch.tensor([ids], dtype=torch.int64))[0]

    def embed_batch(self, batch):
        longest = max(len(s) for s in batch)
        ids = torch.full((len(batch), longest), PAD_ID, dtype=torch.int64)
        mask = torch.zeros((len(batch), longest), dtype=torch.bool)
        for i, s in enumerate(batch):
            ids[i, : len(s)] = torch.tensor(s, dtype=torch.int64)
            mask[i, : len(s)] = True
        return self.forward(ids, mask)


def stats(samples_ns):
    s = sorted(samples_ns)
    ms = [v / 1e6 for v in s]
    n = len(ms)
    median = ms[n // 2] if n % 2 else (ms[n // 2 - 1] + ms[n // 2]) / 2
    p99 = ms[max(0, math.ceil(0.99 * n) - 1)]  # nearest rank
    return {"median": round(median, 3), "p99": round(p99, 3), "min": round(ms[0], 3), "n": n}


def timed(fn, runs, warmup):
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(runs):
        t0 = time.perf_counter_ns()
        fn()
        out.append(time.perf_counter_ns() - t0)
    return out


def check(model, fixture):
    with open(fixture) as f:
        msgs = json.load(f)["messages"]
    refs = torch.tensor([m["vector"] for m in msgs], dtype=torch.float64)
    refs = F.normalize(refs, dim=-1)
    single = torch.stack([model.embed_one(m["ids"]) for m in msgs]).double()
    batched = model.embed_batch([m["ids"] for m in msgs]).double()
    cos_single = (single * refs).sum(-1)
    cos_batch = (batched * refs).sum(-1)
    return {
        "messages": len(msgs),
        "min_cosine_single": round(cos_single.min().item(), 8),
        "min_cosine_batch": round(cos_batch.min().item(), 8),
        "min_cosine": round(min(cos_single.min().item(), cos_batch.min().item()), 8),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model_dir")
    ap.add_argument("ids_json")
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--batch-runs", type=int, default=20)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--check", metavar="FIXTURE")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    with open(args.ids_json) as f:
        doc = json.load(f)
    single, batch = doc["single"], doc["batch"]
    model = E5(args.model_dir)

    result = {"peer": "torch", "torch": torch.__version__, "threads": torch.get_num_threads()}
    with torch.inference_mode():
        if args.check:
            c = check(model, args.check)
            result["check"] = c
            if c["min_cosine"] < MIN_COSINE:
                print(json.dumps(result), flush=True)
                print(f"check failed: min cosine {c['min_cosine']} < {MIN_COSINE}", file=sys.stderr)
                sys.exit(1)
        if args.runs > 0:
            # tokens -> pooled vector: from the id list to a Python list of floats (as the Rust side
            # goes from ids to Vec<Vec<f32>>), so the tensor building and copy-out are timed too
            s = timed(lambda: model.embed_one(single).tolist(), args.runs, args.warmup)
            result["single"] = {"tokens": len(single), **stats(s)}
        if args.batch_runs > 0:
            b = timed(lambda: model.embed_batch(batch).tolist(), args.batch_runs, args.warmup)
            result["batch"] = {
                "size": len(batch),
                "longest": max(len(x) for x in batch),
                "tokens": sum(len(x) for x in batch),
                **stats(b),
            }
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
