//! Counts and measures with a unit: `5 kg`, `5kg`, `2 pcs`, `3 dozen`, `do kilo`, `500 ग्राम`.

use crate::lexicon::{currency_before, unit_word};
use crate::numbers::number_at;
use crate::scan::{Gap, TokKind};
use crate::{Candidate, Extractor, Input};
use sandesh_types::{EntityKind, EntityValue};

/// `5 kg` → 5 kg; `aadha kilo` → 0.5 kg.
#[derive(Debug, Default, Clone, Copy)]
pub struct QuantityExtractor;

impl Extractor for QuantityExtractor {
    fn kind(&self) -> EntityKind {
        EntityKind::Quantity
    }

    fn extract(&self, input: &Input<'_>, out: &mut Vec<Candidate>) {
        let scan = &input.scan;
        let mut i = 0;
        while i < scan.len() {
            let Some(n) = number_at(scan, i) else {
                i += 1;
                continue;
            };
            let mut u = n.end;
            let mut unit = (scan.kind(u) == Some(TokKind::Word)
                && scan.toks.get(u).is_some_and(|t| t.gap != Gap::Newline))
            .then(|| unit_word(scan.tok(u)))
            .flatten();
            // Two-word units: `sq ft`, `square feet`, `sq. ft.`
            if matches!(scan.tok(u), "sq" | "square") {
                let k = if scan.is(u + 1, ".") { u + 2 } else { u + 1 };
                if matches!(scan.tok(k), "ft" | "feet" | "foot") {
                    unit = Some("sqft");
                    u = k;
                }
            }
            let Some(unit) = unit else {
                i = n.end.max(i + 1);
                continue;
            };
            // `₹450/kg` and `Rs 2.5l` are money; `x2 kg` and `4x6 ft` dimensions are sizes.
            let money_before = i > 0 && currency_before(scan.tok(i - 1)).is_some();
            let per_unit = i > 0 && scan.is(i - 1, "/");
            let dimension = i > 0 && scan.glued(i) && matches!(scan.tok(i - 1), "x" | "*" | "×");
            let glued_letters =
                !n.words && scan.glued(i) && scan.kind(i - 1) == Some(TokKind::Word);
            if money_before || per_unit || dimension || glued_letters || n.value <= 0.0 {
                i = u + 1;
                continue;
            }
            // A word number needs the unit right after it (`do kilo`), and a glued `l` after
            // digits only reads as litres when no money word is around (handled by amounts).
            let value = if n.multiplied && n.scale >= 1e5 {
                n.value / n.scale
            } else {
                n.value
            };
            if n.multiplied && n.scale >= 1e5 {
                i = u + 1;
                continue;
            }
            out.push(
                Candidate::tokens(scan, EntityKind::Quantity, i, u, super::priority::QUANTITY)
                    .with_value(EntityValue::Quantity {
                        quantity: value,
                        unit: unit.to_string(),
                    }),
            );
            i = u + 1;
        }
    }
}
