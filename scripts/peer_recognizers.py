#!/usr/bin/env python3
"""Microsoft Recognizers-Text (PyPI recognizers-text-suite) on datasets/test.jsonl.

Run by scripts/bench-extract-peers.sh inside a throwaway virtual environment (Recognizers-Text
is a benchmark peer, not a dependency). For every message it runs the English ("en-us") number,
currency (NumberWithUnit), date-time, phone-number and e-mail models. The models are built once
up front (the one-shot recognize_* helpers build a recognizer per call, which would time set-up,
not recognition); dates resolve against 2026-11-22, the reference day Sandesh's timing uses.

Timing: each message's full pass (all five models) with time.perf_counter_ns on one thread,
after a warm-up over the first --warmup messages; median and p99 in µs over all messages.

Amounts, loosely: a gold "amount" entity with currency INR counts as found when some currency
result in the same message has a numeric value equal to the gold amount (each result used at
most once; position and unit not checked). Recall only, and only indicative. With --ours, the
same rule scores Sandesh's amount entities from its `classify --jsonl` output on the same file
(matched to the messages by id), so both recalls come from one piece of code.

Prints one JSON object.
"""
import argparse
import datetime
import json
import statistics
import sys
import time
from importlib.metadata import version

from recognizers_text import Culture
from recognizers_number import NumberRecognizer
from recognizers_number_with_unit import NumberWithUnitRecognizer
from recognizers_date_time import DateTimeRecognizer
from recognizers_sequence import SequenceRecognizer

REFERENCE = datetime.datetime(2026, 11, 22)


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def build_models(culture):
    number = NumberRecognizer(culture).get_number_model()
    currency = NumberWithUnitRecognizer(culture).get_currency_model()
    datetime_model = DateTimeRecognizer(culture).get_datetime_model()
    sequence = SequenceRecognizer(culture)
    phone = sequence.get_phone_number_model()
    email = sequence.get_email_model()
    return [
        ("number", number.parse),
        ("currency", currency.parse),
        ("datetime", lambda text: datetime_model.parse(text, REFERENCE)),
        ("phone", phone.parse),
        ("email", email.parse),
    ]


def run_all(models, text, errors, by_model=None):
    """One full pass: every model on the text. A model that raises counts as an error and finds
    nothing; the pass goes on. With by_model, each model's own time (µs) is appended there."""
    out = {}
    for name, parse in models:
        start = time.perf_counter_ns()
        try:
            out[name] = parse(text)
        except Exception:  # noqa: BLE001 - a peer's crash on one message is a result, not a stop
            errors[name] = errors.get(name, 0) + 1
            out[name] = []
        if by_model is not None:
            by_model.setdefault(name, []).append((time.perf_counter_ns() - start) / 1e3)
    return out


def currency_values(results):
    vals = []
    for r in results:
        v = (r.resolution or {}).get("value")
        try:
            vals.append(float(v))
        except (TypeError, ValueError):
            pass
    return vals


def amount_hits(rows, found_values):
    """Gold INR amounts and how many a list of found values (per message) matches, each found
    value used at most once."""
    gold = hits = 0
    for row, values in zip(rows, found_values):
        left = list(values)
        for e in row.get("entities", []):
            v = e.get("value")
            if e.get("type") != "amount" or not isinstance(v, dict) or v.get("currency") != "INR":
                continue
            gold += 1
            amount = v.get("amount")
            if amount is None:
                continue
            k = next((i for i, x in enumerate(left) if abs(x - float(amount)) < 1e-6), None)
            if k is not None:
                left.pop(k)
                hits += 1
    return gold, hits


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="datasets/test.jsonl")
    ap.add_argument("--warmup", type=int, default=50, help="messages run untimed first")
    ap.add_argument("--ours", metavar="JSONL",
                    help="Sandesh's `classify --jsonl` output on the same file: also score its "
                         "amount entities by the same rule")
    args = ap.parse_args()
    rows = load(args.data)
    if not rows:
        sys.exit(f"{args.data}: no messages")
    texts = [r["text"] for r in rows]
    models = build_models(Culture.English)

    errors = {}
    for t in texts[: args.warmup]:
        run_all(models, t, errors)
    times, found, by_model = [], [], {}
    for t in texts:
        start = time.perf_counter_ns()
        out = run_all(models, t, errors, by_model)
        times.append((time.perf_counter_ns() - start) / 1e3)
        found.append(currency_values(out["currency"]))
    times.sort()

    gold, hits = amount_hits(rows, found)
    en = [(r, f) for r, f in zip(rows, found) if r.get("lang") == "en"]
    gold_en, hits_en = amount_hits([r for r, _ in en], [f for _, f in en])
    result = {
        "peer": f"recognizers-text-suite {version('recognizers-text-suite')}",
        "n": len(texts),
        "median_us": statistics.median(times),
        "p99_us": times[int(round((len(times) - 1) * 0.99))],
        "median_us_by_model": {k: statistics.median(v) for k, v in by_model.items()},
        "amount_recall": hits / gold if gold else None,
        "amount_gold_inr": gold,
        "amount_recall_en": hits_en / gold_en if gold_en else None,
        "amount_gold_inr_en": gold_en,
        "errors": errors,
        "notes": (
            "culture en-us; models: number, currency, datetime (reference 2026-11-22), phone, "
            "email, built once; one thread, warm-up of %d messages, then one timed pass. "
            "amount_recall is only indicative: a gold INR amount counts as found when any "
            "currency result in the message has the same numeric value (span and unit not "
            "checked), and Recognizers-Text English has no lakh/crore in currency and no Indian "
            "languages or scripts, while most of the test set is Indic or code-mixed."
            % args.warmup
        ),
    }
    if args.ours:
        by_id = {a.get("id"): a for a in load(args.ours)}
        missing = [r["id"] for r in rows if r["id"] not in by_id]
        if missing:
            sys.exit(f"{args.ours}: no analysis for {len(missing)} messages, e.g. {missing[0]}")
        ours = [by_id[r["id"]] for r in rows]
        ours_found = [
            [float(e["value"]["amount"]) for e in a.get("entities", [])
             if e.get("type") == "amount" and isinstance(e.get("value"), dict)
             and e["value"].get("amount") is not None]
            for a in ours
        ]
        g, h = amount_hits(rows, ours_found)
        en_idx = [i for i, r in enumerate(rows) if r.get("lang") == "en"]
        ge, he = amount_hits([rows[i] for i in en_idx], [ours_found[i] for i in en_idx])
        result["ours_amount_recall"] = h / g if g else None
        result["ours_amount_recall_en"] = he / ge if ge else None
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
