#!/usr/bin/env python3
"""Generate extra *training* messages from the project's own templates.

Hand-written data (datasets/src) carries the real variety; this generator adds breadth in the
shapes that matter for entities and for rare intent/language pairs: amounts in every notation,
order/invoice/AWB/UTR ids, phones, UPI ids, names, dates and times, slotted into short
templates per intent in en, hinglish, hi and a few romanized regional languages. Its output
only ever goes to train (scripts/build_dataset.py enforces that).

Deterministic: seeded; `python3 scripts/gen_train.py` rewrites datasets/generated.jsonl.
"""
import json
import os
import random

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "datasets", "generated.jsonl")
PER_INTENT = 110

AMOUNTS = [
    ("₹{n:,}", 1), ("Rs.{n}/-", 1), ("Rs {n}", 1), ("{n} rs", 1), ("INR {n}", 1), ("₹{n}", 1),
    ("{k}k", 1000), ("{l} lakh", 100000), ("{n} rupaye", 1), ("{n}/-", 1), ("rs.{n}", 1),
]
WORD_AMOUNTS = [("paanch sau", 500), ("do hazaar", 2000), ("dedh lakh", 150000), ("dhai hazaar", 2500),
                ("teen sau", 300), ("ek lakh", 100000), ("saade teen hazaar", 3500)]
NAMES = ["Rahul", "Priya", "Amit", "Neha", "Suresh", "Kavita", "Imran", "Fatima", "Arjun", "Lakshmi",
         "Venkat", "Anjali", "Harpreet", "Gurpreet", "Sneha", "Rohit", "Deepa", "Manoj", "Ayesha", "Karthik",
         "Meenakshi", "Sandeep", "Pooja", "Vikram", "Farhan", "Divya", "Ramesh", "Shalini", "Joseph", "Nikhil"]
PRODUCTS = ["5kg atta pack", "cotton kurti", "LED TV 43 inch", "sofa set", "AC service", "birthday cake",
            "school uniform", "wedding lehenga", "iPhone cover", "steel almirah", "tiles", "printer cartridge",
            "basmati rice 25kg", "gold chain", "spectacles", "dog food", "bike tyre", "paint 20L bucket",
            "office chairs", "saree", "water purifier", "laptop", "cement bags", "mattress"]
DATES_EN = ["tomorrow", "today", "Monday", "next Friday", "15th Dec", "3rd March", "Saturday", "25/12", "12-01-2025"]
DATES_HI = ["kal", "parso", "aaj", "15 tarikh", "somvaar", "shanivaar", "agle mangalvaar", "20 tarik"]
TIMES_EN = ["5 pm", "10:30am", "11 AM", "evening", "morning", "4:15 PM", "18:00", "lunch time"]
TIMES_HI = ["shaam 6 baje", "subah 10 baje", "dopahar", "5 baje", "raat 8 baje", "shaam", "11 baje"]

TEMPLATES = {
    "lead": [
        ("en", "hi, what is the price of {product}?"),
        ("en", "Do you have {product} in stock? need 10 pcs"),
        ("en", "pls share catalogue and rate list for {product}"),
        ("en", "I want to order {product}, budget around {amount}"),
        ("en", "is {product} available below {amount}? deliver to Pune?"),
        ("hinglish", "bhai {product} ka rate kya hai"),
        ("hinglish", "{product} chahiye, kitne ka padega? {amount} tak chalega"),
        ("hinglish", "sir {product} available hai kya? bulk me lena hai"),
        ("hinglish", "mera naam {name} hai, {product} ka quotation bhej do"),
        ("hi", "{product} का रेट क्या है भाई?"),
        ("hi", "मुझे {product} चाहिए, {amount} तक बजट है"),
        ("ta-Latn", "{product} evlo rate? stock irukka"),
        ("te-Latn", "{product} entha rate andi? stock unda"),
        ("kn-Latn", "{product} eshtu rate? stock ideya"),
        ("bn-Latn", "{product} er dam koto? stock ache"),
    ],
    "support": [
        ("en", "my order {order} has not arrived yet, it was promised {date}"),
        ("en", "received damaged {product}, order {order}. please replace"),
        ("en", "{product} stopped working after 2 days, warranty claim pls"),
        ("en", "still waiting for reply on complaint {order} 😡"),
        ("hinglish", "order {order} abhi tak nahi aaya, kab tak aayega?"),
        ("hinglish", "bhai {product} kharab nikla, exchange karna hai"),
        ("hinglish", "sir galat size aaya hai {product} me, return kaise karu"),
        ("hinglish", "{name} bol raha hu, mera {product} {date} se kaam nahi kar raha"),
        ("hi", "मेरा ऑर्डर {order} अभी तक नहीं आया"),
        ("hi", "{product} टूटा हुआ आया है, बदल दीजिए"),
        ("ta-Latn", "order {order} innum varala, eppo varum"),
        ("te-Latn", "{product} pani cheyyatledu, replace cheyyandi"),
        ("ml-Latn", "order {order} ithuvare vannilla"),
        ("gu-Latn", "{product} kharab aavyu che, badli aapo"),
    ],
    "payment": [
        ("en", "payment of {amount} done via UPI, UTR {utr}"),
        ("en", "please share your UPI id or bank details to pay {amount}"),
        ("en", "amount {amount} debited but order not confirmed"),
        ("en", "send GST invoice for payment of {amount}"),
        ("en", "will pay the balance {amount} on {date}"),
        ("hinglish", "{amount} bhej diye hai {upi} pe, check karlo"),
        ("hinglish", "refund kab aayega? {amount} abhi tak credit nahi hua"),
        ("hinglish", "bhai QR code bhejo payment karna hai"),
        ("hinglish", "paisa kat gaya {amount} par order confirm nahi hua, txn id {utr}"),
        ("hi", "{amount} का पेमेंट कर दिया है, रसीद भेज दीजिए"),
        ("hi", "UPI आईडी भेजो, पेमेंट करना है"),
        ("ta-Latn", "{amount} payment panniten, check pannunga"),
        ("te-Latn", "{amount} pampinchanu, confirm cheyyandi"),
        ("pa-Latn", "{amount} payment kar ditti hai ji"),
    ],
    "booking": [
        ("en", "can I book an appointment {date} at {time}?"),
        ("en", "please reschedule my slot to {date} {time}"),
        ("en", "table for 4 {date} {time} please, name {name}"),
        ("en", "cancel my appointment for {date}"),
        ("hinglish", "{date} {time} ka appointment mil jayega kya?"),
        ("hinglish", "demo {date} {time} rakh lo sir"),
        ("hinglish", "mera slot {date} ko shift kar do, {time} free hu"),
        ("hinglish", "site visit {date} karni hai {time}"),
        ("hi", "{date} {time} का अपॉइंटमेंट चाहिए"),
        ("ta-Latn", "{date} {time} ku appointment kidaikuma"),
        ("kn-Latn", "{date} {time} ge appointment sigutta"),
        ("mr-Latn", "{date} {time} la appointment milel ka"),
    ],
    "hiring": [
        ("en", "sir, I saw your vacancy for delivery boy. I am {name}, 2 years experience"),
        ("en", "Please find my resume attached for the accountant post. Contact {phone}"),
        ("en", "can I come for the interview {date} at {time} instead?"),
        ("en", "what is the salary for the sales executive job?"),
        ("hinglish", "sir koi job hai kya? mera naam {name} hai, 12th pass"),
        ("hinglish", "driver ki naukri chahiye, number {phone}"),
        ("hinglish", "interview {date} {time} hai na sir? confirm kar do"),
        ("hinglish", "joining date kab hai sir, offer letter mil gaya"),
        ("hi", "नमस्ते सर, नौकरी के लिए आवेदन करना है, मेरा नाम {name} है"),
        ("te-Latn", "job vacancy unda sir, naa peru {name}"),
        ("bn-Latn", "chakri ache? amar naam {name}"),
        ("pa-Latn", "koi naukri hai ji? mera naam {name} hai"),
    ],
    "vendor": [
        ("en", "Dear sir, fresh stock of {product} arrived, rate {amount} per box. Order soon"),
        ("en", "our invoice {invoice} for {amount} is pending for 45 days, kindly clear"),
        ("en", "Your consignment dispatched, LR no {lr}, will reach {date}"),
        ("en", "We are a digital marketing agency, boost your sales with SEO. Call {phone}"),
        ("hinglish", "sir naya maal aaya hai {product}, rate {amount}, kitna bhejun?"),
        ("hinglish", "humara {amount} ka payment pending hai, bill {invoice} dekh lo sir"),
        ("hinglish", "gaadi nikal gayi hai, {date} {time} tak maal pahunch jayega"),
        ("hinglish", "wholesale rate list bhej raha hu, {name} bhai, Agarwal traders se"),
        ("hi", "सर नया स्टॉक आया है, {product} रेट {amount}"),
        ("ta-Latn", "sir pudhu stock vandhuruku, rate {amount}"),
        ("gu-Latn", "navo maal aavyo che, rate {amount}"),
    ],
    "other": [
        ("en", "good morning 🌸🙏"),
        ("en", "thanks {name} 👍"),
        ("en", "ok noted"),
        ("en", "Congratulations! You won a lottery of {amount}, click link"),
        ("en", "sorry wrong number"),
        ("hinglish", "shubh prabhat ji 🙏🌞"),
        ("hinglish", "theek hai bhai"),
        ("hinglish", "happy diwali aap sabko 🪔"),
        ("hinglish", "kaise ho {name} bhai, bahut din ho gaye"),
        ("hi", "धन्यवाद जी 🙏"),
        ("ta-Latn", "sari anna, nandri"),
        ("te-Latn", "ok andi, thanks"),
        ("ml-Latn", "shari chetta"),
    ],
}


def amount(rng):
    if rng.random() < 0.2:
        text, value = rng.choice(WORD_AMOUNTS)
        return text, value
    fmt, mult = rng.choice(AMOUNTS)
    if mult == 1000:
        k = rng.choice([2, 5, 10, 15, 25, 40])
        return fmt.format(k=k), k * 1000
    if mult == 100000:
        l = rng.choice([1, 1.5, 2, 2.5, 3, 5])
        return fmt.format(l=l), l * 100000
    n = rng.choice([150, 450, 499, 1200, 1500, 2500, 3999, 12000, 45000, 150000])
    if "{n:,}" in fmt:
        s = f"{n:,}"
        if n >= 100000:  # Indian grouping
            s = f"{n // 100000},{(n % 100000) // 1000:02d},{n % 1000:03d}"
        return "₹" + s, n
    return fmt.format(n=n), n


def phone(rng):
    d = str(rng.choice([6, 7, 8, 9])) + "".join(str(rng.randrange(10)) for _ in range(9))
    shape = rng.randrange(4)
    text = [d, f"{d[:5]} {d[5:]}", f"+91-{d}", f"0{d}"][shape]
    return text, "+91" + d


def order(rng):
    kind = rng.randrange(5)
    if kind == 0:
        t = "#" + str(rng.randrange(10000, 99999))
    elif kind == 1:
        t = "OD" + "".join(str(rng.randrange(10)) for _ in range(12))
    elif kind == 2:
        t = f"ORD-2024-{rng.randrange(1, 9999):04d}"
    elif kind == 3:
        t = "AWB" + "".join(str(rng.randrange(10)) for _ in range(10))
    else:
        t = f"TKT{rng.randrange(1000, 99999)}"
    return t, t.lstrip("#").upper()


def fill(template, lang, rng):
    text = ""
    ents = []
    i = 0
    while i < len(template):
        if template[i] == "{":
            j = template.index("}", i)
            slot = template[i + 1:j]
            if slot == "amount":
                s, v = amount(rng)
                ents.append({"type": "amount", "text": s, "value": v})
            elif slot == "product":
                s = rng.choice(PRODUCTS)
            elif slot == "name":
                s = rng.choice(NAMES)
                ents.append({"type": "person", "text": s})
            elif slot == "date":
                s = rng.choice(DATES_EN if lang == "en" else DATES_HI)
                ents.append({"type": "date", "text": s})
            elif slot == "time":
                s = rng.choice(TIMES_EN if lang == "en" else TIMES_HI)
                ents.append({"type": "time", "text": s})
            elif slot == "phone":
                s, _ = phone(rng)
                ents.append({"type": "phone", "text": s})
            elif slot == "upi":
                s = rng.choice(["", "9"]) + rng.choice(["ramesh", "shop", "kirana", "anita", "store"]) + \
                    str(rng.randrange(10, 99)) + "@" + rng.choice(["okhdfcbank", "ybl", "paytm", "oksbi", "ibl"])
                ents.append({"type": "upi_id", "text": s})
            elif slot in ("order", "invoice", "lr", "utr"):
                if slot == "order":
                    s, _ = order(rng)
                elif slot == "invoice":
                    s = f"INV/{rng.choice(['23-24', '24-25'])}/{rng.randrange(10, 999)}"
                elif slot == "lr":
                    s = str(rng.randrange(100000, 999999))
                else:
                    s = "".join(str(rng.randrange(10)) for _ in range(12))
                ents.append({"type": "order_id", "text": s})
            else:
                raise KeyError(slot)
            if ents and ents[-1]["text"] == s and text.count(s):
                ents[-1]["nth"] = text.count(s)
            text += s
            i = j + 1
        else:
            text += template[i]
            i += 1
    # Casual variation of case and punctuation, as in chat.
    r = rng.random()
    if r < 0.15:
        text = text.lower()
        for e in ents:
            e["text"] = e["text"].lower()
    elif r < 0.2 and lang != "hi":
        text = text.upper()
        for e in ents:
            e["text"] = e["text"].upper()
    if rng.random() < 0.2:
        text += rng.choice([" pls", " 🙏", "??", " sir", " ji", " plzzz"])
    return text, ents


def main():
    rng = random.Random(20261122)
    seen = set()
    rows = []
    for intent, templates in TEMPLATES.items():
        made = 0
        tries = 0
        while made < PER_INTENT and tries < PER_INTENT * 50:
            tries += 1
            lang, tpl = rng.choice(templates)
            text, ents = fill(tpl, lang, rng)
            if text.lower() in seen:
                continue
            seen.add(text.lower())
            rows.append({"text": text, "intent": intent, "lang": lang, "hard": False, "entities": ents})
            made += 1
    with open(OUT, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} messages to {os.path.relpath(OUT, ROOT)}")


if __name__ == "__main__":
    main()
