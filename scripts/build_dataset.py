#!/usr/bin/env python3
"""Build datasets/{train,dev,test}.jsonl from the project's own sources.

Sources:
  datasets/src/*.jsonl        hand-written messages (raw format: see scripts/check_raw.py)
  datasets/generated.jsonl    output of scripts/gen_train.py (train only)

For every message this fills in a stable id (sha256 of the text), character spans of the
entities (Python str indices = Unicode scalar values, as CONTRACT.md counts them) and the
normalised values of LABELS.md. Exact and near duplicates (same text after case folding,
digit folding and dropping punctuation) are kept once. Hand-written messages are split by a
hash of their id: 12% dev, 12% test, 76% train. Entity-focused batches (src/entities-*.jsonl,
source "entity", ids "e-…") are hand-written too but split 30% dev, 40% test, 30% train, because
they exist to measure extraction. Generated messages only ever go to train, so dev and test are
hand-written only. Deterministic: the same sources give the same files.

Usage: python3 scripts/build_dataset.py   (from the repository root)
"""
import glob
import hashlib
import json
import os
import sys
import unicodedata

sys.path.insert(0, os.path.dirname(__file__))
from check_raw import INTENTS, KINDS, LANGS, check_line  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DS = os.path.join(ROOT, "datasets")
DEV_PCT, TEST_PCT = 12, 12
# Entity-focused batches (src/entities-*.jsonl, source "entity") exist to measure extraction, which
# is rule-based and learns nothing from train; most of them go to dev and test.
ENTITY_DEV_PCT, ENTITY_TEST_PCT = 30, 40


def fold_digits(s):
    out = []
    for ch in s:
        d = unicodedata.digit(ch, None)
        out.append(str(d) if d is not None and not ch.isascii() else ch)
    return "".join(out)


def dedupe_key(text):
    t = unicodedata.normalize("NFC", fold_digits(text)).casefold()
    t = "".join(ch for ch in t if ch.isalnum() or unicodedata.category(ch).startswith("M"))
    out = []
    for ch in t:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


def phone_value(text):
    digits = "".join(ch for ch in fold_digits(text) if ch.isdigit())
    if len(digits) == 12 and digits.startswith("91"):
        digits = digits[2:]
    elif len(digits) == 11 and digits.startswith("0"):
        digits = digits[1:]
    elif len(digits) == 13 and digits.startswith("091"):
        digits = digits[3:]
    if len(digits) == 10:
        return "+91" + digits
    return "+" + digits if text.strip().startswith("+") else digits


def value_of(kind, text, raw):
    if kind == "amount":
        v = {"amount": float(raw["value"]), "currency": raw.get("currency", "INR")}
        if "max" in raw:
            v["min"] = float(raw["value"])
            v["max"] = float(raw["max"])
        return v
    if kind == "quantity":
        return {"quantity": float(raw["value"]), "unit": raw["unit"]}
    if kind == "pin":
        return "".join(ch for ch in fold_digits(text) if ch.isdigit())
    if kind == "gstin":
        return text.upper()
    if kind == "order_id":
        return text.lstrip("#").upper()
    if kind == "phone":
        return phone_value(text)
    if kind in ("email", "upi_id"):
        return text.lower()
    return text.strip()


def is_word_char(ch):
    return ch.isalnum() or unicodedata.category(ch).startswith("M")


def find_nth(text, sub, n):
    """The nth occurrence of sub, counting first those that do not cut a word in two
    ("1" in "11 ರಿಂದ 1 ರ" is the lone one), then any."""
    occ = []
    i = text.find(sub)
    while i >= 0:
        occ.append(i)
        i = text.find(sub, i + 1)

    def whole(i):
        j = i + len(sub)
        before = i == 0 or not (is_word_char(text[i - 1]) and is_word_char(sub[0]))
        after = j == len(text) or not (is_word_char(text[j]) and is_word_char(sub[-1]))
        return before and after

    bounded = [i for i in occ if whole(i)]
    pool = bounded if len(bounded) > n else occ
    return pool[n] if len(pool) > n else -1


def convert(obj, source):
    text = obj["text"]
    ents = []
    for e in obj.get("entities", []):
        start = find_nth(text, e["text"], e.get("nth", 0))
        end = start + len(e["text"])
        ents.append({"type": e["type"], "start": start, "end": end, "text": e["text"],
                     "value": value_of(e["type"], e["text"], e)})
    ents.sort(key=lambda e: (e["start"], e["end"]))
    for a, b in zip(ents, ents[1:]):
        if b["start"] < a["end"]:
            raise ValueError(f"overlapping entities {a['text']!r} and {b['text']!r} in {text!r}")
    prefix = {"hand": "h-", "entity": "e-", "gen": "g-"}[source]
    return {
        "id": prefix + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12],
        "text": text,
        "intent": obj["intent"],
        "lang": obj["lang"],
        "entities": ents,
        "hard": bool(obj.get("hard", False)),
        "source": source,
    }


def read(path, source):
    out = []
    with open(path, encoding="utf-8") as f:
        for no, line in enumerate(f, 1):
            if not line.strip():
                continue
            obj = json.loads(line)
            errs = check_line(obj)
            if errs:
                raise SystemExit(f"{path}:{no}: {'; '.join(errs)}")
            try:
                out.append((convert(obj, source), f"{os.path.relpath(path, ROOT)}:{no}"))
            except ValueError as e:
                raise SystemExit(f"{path}:{no}: {e}")
    return out


def split_of(msg):
    if msg["source"] == "gen":
        return "train"
    dev, test = (ENTITY_DEV_PCT, ENTITY_TEST_PCT) if msg["source"] == "entity" else (DEV_PCT, TEST_PCT)
    bucket = int(hashlib.sha256(msg["id"].encode()).hexdigest()[:8], 16) % 100
    if bucket < dev:
        return "dev"
    if bucket < dev + test:
        return "test"
    return "train"


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def write_counts(splits, dropped):
    """Rewrites the counts section of datasets/README.md from the files just written."""
    from collections import Counter
    allm = [m for ms in splits.values() for m in ms]
    by = Counter((m["lang"], m["intent"]) for m in allm)
    rows = [[l] + [by[(l, i)] for i in INTENTS] + [sum(by[(l, i)] for i in INTENTS)] for l in LANGS]
    rows.append(["**all**"] + [sum(by[(l, i)] for l in LANGS) for i in INTENTS] + [len(allm)])
    parts = [table(["tag"] + INTENTS + ["total"], rows)]
    src = Counter((name, m["source"]) for name, ms in splits.items() for m in ms)
    hard = Counter(name for name, ms in splits.items() for m in ms if m["hard"])
    kinds = ["hand", "entity", "gen"]
    parts.append(table(["split", "messages", "hand-written", "hand-written, entity-focused", "generated",
                        "hard cases"],
                       [[n, len(ms)] + [src[(n, k)] for k in kinds] + [hard[n]] for n, ms in splits.items()]
                       + [["all", len(allm)] + [sum(v for (n, s), v in src.items() if s == k) for k in kinds]
                          + [sum(hard.values())]]))
    ents = Counter((name, e["type"]) for name, ms in splits.items() for m in ms for e in m["entities"])
    parts.append(table(["entity"] + list(splits), [[k] + [ents[(n, k)] for n in splits] for k in KINDS]))
    text = ("<!-- counts:begin (written by scripts/build_dataset.py) -->\n"
            + f"Messages per language tag and intent (all splits):\n\n{parts[0]}\n\n"
            + f"Per split ({dropped} duplicates dropped while building):\n\n{parts[1]}\n\n"
            + f"Annotated entities per split:\n\n{parts[2]}\n"
            + "<!-- counts:end -->")
    path = os.path.join(DS, "README.md")
    doc = open(path, encoding="utf-8").read() if os.path.exists(path) else "<!-- counts:begin -->\n<!-- counts:end -->\n"
    begin, end = doc.index("<!-- counts:begin"), doc.index("<!-- counts:end -->") + len("<!-- counts:end -->")
    with open(path, "w", encoding="utf-8") as f:
        f.write(doc[:begin] + text + doc[end:])


def main():
    rows = []
    for path in sorted(glob.glob(os.path.join(DS, "src", "*.jsonl"))):
        entity = os.path.basename(path).startswith("entities-")
        rows += read(path, "entity" if entity else "hand")
    gen = os.path.join(DS, "generated.jsonl")
    if os.path.exists(gen):
        rows += read(gen, "gen")
    seen = {}
    kept = []
    dropped = 0
    for msg, where in rows:
        key = dedupe_key(msg["text"])
        if key in seen:
            first, first_where = seen[key]
            if (first["intent"], first["lang"]) != (msg["intent"], msg["lang"]):
                print(f"note: {where} repeats {first_where} with another label; the first is kept",
                      file=sys.stderr)
            dropped += 1
            continue
        seen[key] = (msg, where)
        kept.append(msg)
    splits = {"train": [], "dev": [], "test": []}
    for msg in kept:
        splits[split_of(msg)].append(msg)
    for name, msgs in splits.items():
        msgs.sort(key=lambda m: m["id"])
        with open(os.path.join(DS, f"{name}.jsonl"), "w", encoding="utf-8") as f:
            for m in msgs:
                f.write(json.dumps(m, ensure_ascii=False) + "\n")
    write_counts(splits, dropped)
    print(f"kept {len(kept)} messages, dropped {dropped} duplicates; "
          + ", ".join(f"{k} {len(v)}" for k, v in splits.items()))


if __name__ == "__main__":
    main()
