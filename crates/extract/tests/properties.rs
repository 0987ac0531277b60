//! Properties every extraction keeps, on random text and on every message of `datasets/`: no
//! panic; every span lies on character boundaries of the original and `text[span] ==
//! entity.text`; entities are sorted and never overlap; values have the documented shape.

use sandesh_extract::{Date, Entity, EntityKind, EntityValue, Extractors, Unit};

fn check(text: &str, found: &[Entity]) {
    let mut last_end = 0;
    for e in found {
        assert!(e.span.start < e.span.end, "{text:?}: empty span {e:?}");
        assert_eq!(
            e.span.slice(text),
            Some(e.text.as_str()),
            "{text:?}: span {:?} does not cover {:?}",
            e.span,
            e.text
        );
        assert!(
            e.span.start >= last_end,
            "{text:?}: overlap or disorder at {e:?}"
        );
        last_end = e.span.end;
        match (&e.kind, &e.value) {
            (
                EntityKind::Amount,
                Some(EntityValue::Money {
                    amount,
                    currency,
                    min,
                    max,
                }),
            ) => {
                assert!(amount.is_finite() && *amount >= 0.0, "{e:?}");
                assert_eq!(currency.len(), 3, "{e:?}");
                if let Some(max) = max {
                    assert_eq!(*min, Some(*amount));
                    assert!(max > amount, "{e:?}");
                }
            }
            (EntityKind::Quantity, Some(EntityValue::Quantity { quantity, unit })) => {
                assert!(quantity.is_finite() && *quantity > 0.0, "{e:?}");
                assert!(Unit::from_canonical(unit).is_some(), "{e:?}");
            }
            (EntityKind::Phone, Some(EntityValue::Text(v))) => {
                assert!(v.starts_with("+91") && v.len() == 13, "{e:?}");
                assert!(v[1..].bytes().all(|b| b.is_ascii_digit()), "{e:?}");
            }
            (EntityKind::Pin, Some(EntityValue::Text(v))) => {
                assert!(
                    v.len() == 6 && v.bytes().all(|b| b.is_ascii_digit()),
                    "{e:?}"
                )
            }
            (EntityKind::Email | EntityKind::UpiId, Some(EntityValue::Text(v))) => {
                assert!(v.contains('@') && *v == v.to_lowercase(), "{e:?}")
            }
            (EntityKind::Amount | EntityKind::Quantity, v) => {
                panic!("{text:?}: value {v:?} for {e:?}")
            }
            (_, Some(EntityValue::Text(_))) => {}
            (_, v) => panic!("{text:?}: value {v:?} for {e:?}"),
        }
    }
}

/// SplitMix64, so the random texts are the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

#[test]
fn random_text_never_breaks_the_span_invariant() {
    // Pieces chosen to hit every extractor's edges: digits of several scripts, separators,
    // currency signs, unit and date words, combining marks alone, joiners, case-changing
    // letters (`İ` lower-cases to two characters), emoji, line breaks.
    let pieces = [
        "₹",
        "Rs.",
        "rs",
        "/-",
        "1,50,000",
        "2.5",
        "lakh",
        "k",
        "5",
        "98765",
        "43210",
        "+91",
        "-",
        " ",
        "\n",
        "०",
        "५००",
        "৫",
        "೫",
        "@",
        "okhdfcbank",
        "gmail.com",
        ".",
        "#",
        "ORD-",
        "2024",
        "/",
        "kal",
        "aaj",
        "baje",
        "shaam",
        "10:30",
        "am",
        "kg",
        "dozen",
        "pin",
        "560001",
        "GSTIN",
        "27AAPFU0939F1ZV",
        "mera naam",
        "Rahul",
        "ji",
        "- ",
        "Regards,",
        "İ",
        "ß",
        "\u{301}",
        "\u{94d}",
        "\u{200d}",
        "\u{200c}",
        "\u{feff}",
        "🙏",
        "👍🏽",
        "टाका",
        "টাকা",
        "ரூ",
        "ನಾಳೆ",
        "दुपारी",
        "৫টায়",
        "x",
        "%",
        "tarikh",
        "15",
        "/08",
        "Dr.",
        "Sharma",
        "Traders",
        "I am",
        "interested",
        "\t",
        "ǅ",
        "ﬃ",
        "K",
        "Ω",
        "ゔ",
        "\u{1f1ee}\u{1f1f3}",
    ];
    let ex = Extractors::default();
    let mut rng = Rng(0x5A4D_E5E1);
    for _ in 0..4000 {
        let n = 1 + rng.next() % 24;
        let text: String = (0..n).map(|_| rng.pick(&pieces)).collect();
        let found = ex.extract(&text, Date::new(2026, 11, 22));
        check(&text, &found);
    }
}

#[test]
fn every_dataset_message_keeps_the_span_invariant() {
    let ex = Extractors::default();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../datasets");
    let mut n = 0;
    let mut found_any = 0;
    for split in ["train", "dev", "test"] {
        let text = std::fs::read_to_string(format!("{dir}/{split}.jsonl"))
            .expect("datasets are in the repository");
        for line in text.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let t = v["text"].as_str().unwrap();
            let found = ex.extract(t, Date::new(2026, 11, 22));
            check(t, &found);
            found_any += usize::from(!found.is_empty());
            n += 1;
        }
    }
    assert!(n > 10_000, "{n} messages");
    assert!(
        found_any > n / 3,
        "entities found in only {found_any} of {n} messages"
    );
}

#[test]
fn a_long_message_is_read_whole() {
    // 100,000+ characters: the same line 1,000 times. Speed is measured by the criterion bench
    // (`extract/long`); here every repetition must yield its entities, none lost or merged.
    let line = "order #45821 ka ₹4,500 bhej diye, call 98765 43210 kal shaam 6 baje, 5 kg atta. ";
    let text = line.repeat(1300);
    assert!(text.chars().count() > 100_000);
    let found = Extractors::default().extract(&text, None);
    check(&text, &found);
    for kind in [
        EntityKind::OrderId,
        EntityKind::Amount,
        EntityKind::Phone,
        EntityKind::Quantity,
        EntityKind::Time,
    ] {
        assert_eq!(
            found.iter().filter(|e| e.kind == kind).count(),
            1300,
            "{kind}"
        );
    }
}

#[test]
fn adversarial_long_messages_keep_the_invariant() {
    // One endless clause of relative days, hundreds of UPI ids and GSTINs, digits and dashes
    // only: each 100,000 characters. Their speed is measured by the criterion bench
    // (`extract/adversarial_*`); here each must come back whole and correct.
    let ex = Extractors::default();
    for (unit, kind) in [
        ("kal ", Some(EntityKind::Date)),
        ("pay abc@xyzbank ", Some(EntityKind::UpiId)),
        ("gst 27AAPFU0939F1ZX ", Some(EntityKind::Gstin)),
        ("5 ", None),
        ("-", None),
        ("9", None),
        ("நாளைக்கு ", Some(EntityKind::Date)),
    ] {
        let reps = 100_000 / unit.chars().count();
        let text = unit.repeat(reps);
        let found = ex.extract(&text, Date::new(2026, 11, 22));
        check(&text, &found);
        if let Some(kind) = kind {
            assert_eq!(
                found.iter().filter(|e| e.kind == kind).count(),
                reps,
                "{unit:?}"
            );
        }
    }
}

#[test]
fn empty_and_blank_text_yield_nothing() {
    let ex = Extractors::default();
    for t in ["", " ", "\n\n", "\u{200b}", "🙏🙏"] {
        assert!(ex.extract(t, None).is_empty(), "{t:?}");
    }
}

#[test]
fn the_gazetteer_covers_every_region_and_script() {
    let (given, surnames, native) = sandesh_extract::gazetteer_sizes();
    assert!(
        given + surnames + native >= 3000,
        "{given} + {surnames} + {native}"
    );
    assert!(
        given >= 2000 && surnames >= 800 && native >= 800,
        "{given} {surnames} {native}"
    );
    // Native-script names of all eight scripts are there and found as names.
    let ex = Extractors::default();
    for text in [
        "मेरा नाम राहुल है",
        "আমার নাম রাহুল",
        "ਮੇਰਾ ਨਾਮ ਗੁਰਪ੍ਰੀਤ ਹੈ",
        "મારું નામ રાહુલ છે",
        "என் பெயர் ராஜேஷ்",
        "నా పేరు రాజేష్",
        "ನನ್ನ ಹೆಸರು ರಾಜೇಶ್",
        "എന്റെ പേര് രാജേഷ്",
    ] {
        let found = ex.extract(text, None);
        assert!(
            found.iter().any(|e| e.kind == EntityKind::Person),
            "{text}: {found:?}"
        );
    }
}
