//! The seven intents of `LABELS.md`.

use serde::{Deserialize, Serialize};

/// Which business workflow a message should start or move forward.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Intent {
    /// Sales: a prospective or returning customer who may buy.
    Lead,
    /// Service: a problem or question about something already bought or in progress.
    Support,
    /// Accounts receivable: money moving between the customer and the business.
    Payment,
    /// Scheduling: a time or slot to arrange.
    Booking,
    /// Recruitment: a person seeking work or already in the hiring process.
    Hiring,
    /// Procurement: a supplier, transporter, agency or partner selling to the business.
    Vendor,
    /// Nothing to route: greetings, thanks, forwards, spam, chit-chat.
    Other,
}

impl Intent {
    /// All intents in their canonical order (the order of model outputs).
    pub const ALL: [Intent; 7] = [
        Intent::Lead,
        Intent::Support,
        Intent::Payment,
        Intent::Booking,
        Intent::Hiring,
        Intent::Vendor,
        Intent::Other,
    ];

    /// The label as written in data files and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Intent::Lead => "lead",
            Intent::Support => "support",
            Intent::Payment => "payment",
            Intent::Booking => "booking",
            Intent::Hiring => "hiring",
            Intent::Vendor => "vendor",
            Intent::Other => "other",
        }
    }

    /// Position of this intent in [`Intent::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

label_text!(Intent, "intent");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_round_trip_and_index_matches_order() {
        for (i, intent) in Intent::ALL.into_iter().enumerate() {
            assert_eq!(intent.index(), i);
            assert_eq!(intent.as_str().parse::<Intent>().unwrap(), intent);
        }
        assert!("Lead".parse::<Intent>().is_err());
        assert!("".parse::<Intent>().is_err());
    }
}
