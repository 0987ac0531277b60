#!/usr/bin/env python3
"""fastText on Sandesh's splits: train on datasets/train.jsonl, score datasets/test.jsonl.

Run by scripts/bench-peers.sh inside a throwaway virtual environment (fastText is a benchmark
peer, not a dependency). Two fastText models are reported:
  - "same settings": the hyper-parameters of Sandesh's fast model (dim, epochs, lr, word
    bigrams, char 3-5-grams, buckets), so the comparison is of implementations;
  - "autotuned": fastText's own autotune against datasets/dev.jsonl for --autotune seconds,
    fastText's best shot.
Both see the same text preparation: lower-cased, line breaks as spaces (fastText reads one
example per line). Prints one JSON object.
"""
import argparse
import json
import os
import statistics
import tempfile
import time

import fasttext

INTENTS = ["lead", "support", "payment", "booking", "hiring", "vendor", "other"]


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def prep(text):
    return " ".join(text.lower().split())


def write_ft(rows, path):
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(f"__label__{r['intent']} {prep(r['text'])}\n")


def score(model, rows):
    gold = [r["intent"] for r in rows]
    texts = [prep(r["text"]) for r in rows]
    pred = [model.predict(t)[0][0].replace("__label__", "") for t in texts]
    for t in texts[:200]:  # warm-up
        model.predict(t)
    times = []
    passes = max(1, min(50, 20000 // max(1, len(texts))))
    for _ in range(passes):
        for t in texts:
            s = time.perf_counter()
            model.predict(t)
            times.append((time.perf_counter() - s) * 1e6)
    times.sort()
    f1s = []
    for c in INTENTS:
        tp = sum(1 for g, p in zip(gold, pred) if g == c and p == c)
        fp = sum(1 for g, p in zip(gold, pred) if g != c and p == c)
        fn = sum(1 for g, p in zip(gold, pred) if g == c and p != c)
        if tp + fn == 0:
            continue
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn)
        f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    return {
        "accuracy": sum(g == p for g, p in zip(gold, pred)) / len(gold),
        "macro_f1": sum(f1s) / len(f1s),
        "median_us": statistics.median(times),
        "p99_us": times[int(round((len(times) - 1) * 0.99))],
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="datasets")
    ap.add_argument("--manifest", default="models/fast/manifest.json")
    ap.add_argument("--autotune", type=int, default=60, help="seconds of fastText autotune (0: skip)")
    args = ap.parse_args()
    train, dev, test = (load(os.path.join(args.data, f"{s}.jsonl")) for s in ("train", "dev", "test"))
    fast = json.load(open(args.manifest))["fast"]
    tmp = tempfile.mkdtemp()
    train_ft, dev_ft = os.path.join(tmp, "train.txt"), os.path.join(tmp, "dev.txt")
    write_ft(train, train_ft)
    write_ft(dev, dev_ft)
    out = {}
    same = fasttext.train_supervised(
        input=train_ft, dim=fast["dim"], epoch=fast["epochs"], lr=fast["lr"],
        wordNgrams=fast["features"]["word_ngrams"], minn=fast["features"]["char_min"],
        maxn=fast["features"]["char_max"], bucket=fast["features"]["buckets"], thread=1,
        seed=fast["seed"], verbose=0)
    out["fasttext_same_settings"] = score(same, test)
    path = os.path.join(tmp, "same.bin")
    same.save_model(path)
    out["fasttext_same_settings"]["model_bytes"] = os.path.getsize(path)
    if args.autotune > 0:
        tuned = fasttext.train_supervised(input=train_ft, autotuneValidationFile=dev_ft,
                                          autotuneDuration=args.autotune, thread=2, verbose=0)
        out["fasttext_autotuned"] = score(tuned, test)
        path = os.path.join(tmp, "tuned.bin")
        tuned.save_model(path)
        out["fasttext_autotuned"]["model_bytes"] = os.path.getsize(path)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
