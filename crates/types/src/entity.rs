//! Entities: typed spans of the original text with a normalised value.

use serde::{Deserialize, Serialize};

/// The kinds of entity of `LABELS.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    /// A person's name, without titles or honorifics.
    Person,
    /// A sum of money.
    Amount,
    /// An identifier of an order, invoice, booking, ticket, shipment or transaction.
    OrderId,
    /// A phone number.
    Phone,
    /// An e-mail address.
    Email,
    /// A UPI virtual payment address.
    UpiId,
    /// A day-level calendar reference.
    Date,
    /// A clock time or part of the day.
    Time,
    /// An Indian postal PIN code.
    Pin,
    /// A GST identification number.
    Gstin,
    /// A count or measure with a unit (`5 kg`, `2 pcs`).
    Quantity,
}

impl EntityKind {
    /// All kinds in canonical order.
    pub const ALL: [EntityKind; 11] = [
        EntityKind::Person,
        EntityKind::Amount,
        EntityKind::OrderId,
        EntityKind::Phone,
        EntityKind::Email,
        EntityKind::UpiId,
        EntityKind::Date,
        EntityKind::Time,
        EntityKind::Pin,
        EntityKind::Gstin,
        EntityKind::Quantity,
    ];

    /// The kind as written in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Person => "person",
            EntityKind::Amount => "amount",
            EntityKind::OrderId => "order_id",
            EntityKind::Phone => "phone",
            EntityKind::Email => "email",
            EntityKind::UpiId => "upi_id",
            EntityKind::Date => "date",
            EntityKind::Time => "time",
            EntityKind::Pin => "pin",
            EntityKind::Gstin => "gstin",
            EntityKind::Quantity => "quantity",
        }
    }
}

label_text!(EntityKind, "entity type");

/// A half-open range of `char` offsets (Unicode scalar values) into the original text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Span {
    /// First character, inclusive.
    pub start: usize,
    /// One past the last character.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` (exclusive).
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// Number of characters covered.
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// Whether the span covers no character.
    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }

    /// The covered characters of `text`, or `None` when the span does not fit `text`.
    pub fn slice<'a>(&self, text: &'a str) -> Option<&'a str> {
        if self.start > self.end {
            return None;
        }
        let mut indices = text.char_indices().map(|(i, _)| i).chain([text.len()]);
        let start = indices.nth(self.start)?;
        let end = if self.end == self.start {
            start
        } else {
            indices.nth(self.end - self.start - 1)?
        };
        text.get(start..end)
    }
}

/// The normalised value of an entity (`LABELS.md`, "Entities").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum EntityValue {
    /// A sum of money with its ISO 4217 currency.
    Money {
        /// The amount in units of the currency (rupees, not paise).
        amount: f64,
        /// ISO 4217 code, `INR` unless written otherwise.
        currency: String,
        /// The lower end of a range ("5-6k"); `amount` equals it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        /// The upper end of a range.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
    },
    /// A count or measure with its canonical unit (`docs/ENTITIES.md`).
    Quantity {
        /// How many units.
        quantity: f64,
        /// The canonical unit: `kg`, `l`, `piece`, `dozen`, ….
        unit: String,
    },
    /// A textual value: an upper-cased ID, an E.164 phone, a lower-cased e-mail, a name.
    Text(String),
}

/// One entity found in a message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    /// What kind of entity this is.
    #[serde(rename = "type")]
    pub kind: EntityKind,
    /// Where it is in the original text.
    #[serde(flatten)]
    pub span: Span,
    /// The covered characters, exactly `text[start..end]`.
    pub text: String,
    /// The normalised value, when one is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<EntityValue>,
    /// For dates and times: the ISO date (`2026-11-23`) or `HH:MM` it resolves to, when it
    /// resolves to one against the reference time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved: Option<String>,
    /// For dates that stay ambiguous ("kal" with no tense): every reading, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<String>,
}

impl EntityValue {
    /// A sum of money in `currency`.
    pub fn money(amount: f64, currency: impl Into<String>) -> Self {
        EntityValue::Money {
            amount,
            currency: currency.into(),
            min: None,
            max: None,
        }
    }
}

impl Entity {
    /// An entity with no resolution.
    pub fn new(
        kind: EntityKind,
        span: Span,
        text: impl Into<String>,
        value: Option<EntityValue>,
    ) -> Self {
        Entity {
            kind,
            span,
            text: text.into(),
            value,
            resolved: None,
            candidates: Vec::new(),
        }
    }

    /// Whether `self.text` is exactly the characters its span covers in `original`.
    pub fn matches(&self, original: &str) -> bool {
        self.span.slice(original) == Some(self.text.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_slices_by_chars_not_bytes() {
        let text = "₹4,500 भेजे 🙏";
        assert_eq!(Span::new(0, 6).slice(text), Some("₹4,500"));
        assert_eq!(Span::new(7, 11).slice(text), Some("भेजे"));
        assert_eq!(Span::new(12, 13).slice(text), Some("🙏"));
        assert_eq!(Span::new(13, 13).slice(text), Some(""));
        assert_eq!(Span::new(12, 14).slice(text), None);
        assert_eq!(Span::new(5, 2).slice(text), None);
    }

    #[test]
    fn entity_kind_names_round_trip() {
        for k in EntityKind::ALL {
            assert_eq!(k.as_str().parse::<EntityKind>().unwrap(), k);
            assert_eq!(serde_json::to_string(&k).unwrap(), format!("\"{k}\""));
        }
    }

    #[test]
    fn entity_matches_checks_the_original_text() {
        let e = Entity::new(
            EntityKind::OrderId,
            Span::new(6, 12),
            "#45821",
            Some(EntityValue::Text("45821".into())),
        );
        assert!(e.matches("order #45821 kab"));
        assert!(!e.matches("order  #45821 kab"));
    }
}
