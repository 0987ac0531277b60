#!/usr/bin/env python3
"""Validate hand-written raw dataset files (datasets/src/*.jsonl) and print counts.

Raw line format (one JSON object per line):
  {"text": str, "intent": str, "lang": str, "hard": bool,
   "entities": [{"type": str, "text": str, "value": <amount and quantity: number>, "nth": <optional int>}]}
`nth` (0-based) picks which occurrence of the entity text is meant when it appears more than once.
An amount may add "currency" (ISO 4217 code, INR when absent) and, for a range ("5-6k"), "max"
(then "value" is the lower end). A quantity adds "unit", one of UNITS.
Spans, ids and normalised values are filled in by scripts/build_dataset.py.
"""
import json
import re
import sys
import unicodedata
from collections import Counter

INTENTS = ["lead", "support", "payment", "booking", "hiring", "vendor", "other"]
LANGS = ["en", "hi", "hinglish", "ta", "te", "mr", "bn", "gu", "kn", "ml", "pa",
         "ta-Latn", "te-Latn", "mr-Latn", "bn-Latn", "gu-Latn", "kn-Latn", "ml-Latn", "pa-Latn"]
KINDS = ["person", "amount", "order_id", "phone", "email", "upi_id", "date", "time",
         "pin", "gstin", "quantity"]
UNITS = ["kg", "g", "mg", "quintal", "tonne", "l", "ml", "piece", "dozen", "pair", "packet", "box",
         "bag", "bottle", "carton", "roll", "bundle", "set", "plate", "metre", "cm", "ft", "inch",
         "sqft", "acre"]
GSTIN = re.compile(r"^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$")


def digits_of(s):
    return "".join(str(unicodedata.digit(ch)) for ch in s if unicodedata.digit(ch, None) is not None)


def check_line(obj):
    errs = []
    if not isinstance(obj, dict):
        return ["not an object"]
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        errs.append("text missing or empty")
        return errs
    if obj.get("intent") not in INTENTS:
        errs.append(f"bad intent {obj.get('intent')!r}")
    if obj.get("lang") not in LANGS:
        errs.append(f"bad lang {obj.get('lang')!r}")
    if not isinstance(obj.get("hard", False), bool):
        errs.append("hard must be true/false")
    ents = obj.get("entities", [])
    if not isinstance(ents, list):
        return errs + ["entities must be a list"]
    for e in ents:
        t = e.get("type")
        if t not in KINDS:
            errs.append(f"bad entity type {t!r}")
            continue
        et = e.get("text")
        if not isinstance(et, str) or not et:
            errs.append("entity text missing")
            continue
        if et != et.strip():
            errs.append(f"entity text {et!r} has surrounding spaces")
        n = e.get("nth", 0)
        occ = []
        i = text.find(et)
        while i >= 0:
            occ.append(i)
            i = text.find(et, i + 1)
        if len(occ) <= n:
            errs.append(f"entity text {et!r} (nth={n}) not found in text")
        if t == "amount":
            if not isinstance(e.get("value"), (int, float)):
                errs.append(f"amount {et!r} needs a numeric value in rupees")
            cur = e.get("currency", "INR")
            if not (isinstance(cur, str) and re.fullmatch(r"[A-Z]{3}", cur)):
                errs.append(f"amount {et!r}: currency must be an ISO code like USD")
            mx = e.get("max")
            if mx is not None and not (isinstance(mx, (int, float)) and isinstance(e.get("value"), (int, float))
                                       and mx > e["value"]):
                errs.append(f"amount {et!r}: max must be a number above value")
        if t == "quantity":
            if not isinstance(e.get("value"), (int, float)):
                errs.append(f"quantity {et!r} needs a numeric value")
            if e.get("unit") not in UNITS:
                errs.append(f"quantity {et!r} needs a unit from {UNITS}")
        if t == "pin" and len(digits_of(et)) != 6:
            errs.append(f"pin {et!r} must hold exactly 6 digits")
        if t == "gstin" and not GSTIN.match(et.upper()):
            errs.append(f"gstin {et!r} does not have the GSTIN shape 22AAAAA0000A1Z5")
    return errs


def main(paths):
    bad = 0
    seen = {}
    by = Counter()
    hard = 0
    total = 0
    for p in paths:
        with open(p, encoding="utf-8") as f:
            for no, line in enumerate(f, 1):
                line = line.strip()
                if not line:
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as e:
                    print(f"{p}:{no}: invalid JSON: {e}")
                    bad += 1
                    continue
                errs = check_line(obj)
                key = obj.get("text", "").strip().lower() if isinstance(obj, dict) else ""
                if key in seen:
                    errs.append(f"duplicate text (also {seen[key]})")
                seen[key] = f"{p}:{no}"
                for e in errs:
                    print(f"{p}:{no}: {e}")
                bad += bool(errs)
                if not errs:
                    total += 1
                    by[(obj["intent"], obj["lang"])] += 1
                    hard += obj.get("hard", False)
    langs = sorted({l for _, l in by})
    print("lang".ljust(10) + "".join(i[:7].rjust(8) for i in INTENTS) + "   total")
    for l in langs:
        row = [by[(i, l)] for i in INTENTS]
        print(l.ljust(10) + "".join(str(c).rjust(8) for c in row) + str(sum(row)).rjust(8))
    print(f"valid lines: {total}, hard: {hard} ({100*hard/max(total,1):.0f}%), lines with errors: {bad}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
