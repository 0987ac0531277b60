//! One extractor per entity kind. Each reads the tokens of the normalised text and proposes
//! candidates with a priority; [`crate::Extractors`] keeps the best non-overlapping ones.

mod amount;
mod date;
mod email;
mod gstin;
mod order_id;
mod person;
pub(crate) mod phone;
mod pin;
mod quantity;
mod time;
mod upi;

pub use amount::AmountExtractor;
pub use date::DateExtractor;
pub use email::EmailExtractor;
pub use gstin::GstinExtractor;
pub use order_id::OrderIdExtractor;
pub use person::PersonExtractor;
pub use phone::PhoneExtractor;
pub use pin::PinExtractor;
pub use quantity::QuantityExtractor;
pub use time::TimeExtractor;
pub use upi::UpiExtractor;

pub use gstin::gstin_check_char;
pub use person::gazetteer_sizes;

/// Priorities used to settle overlaps: higher wins, then longer, then earlier.
pub(crate) mod priority {
    pub const EMAIL: u8 = 100;
    pub const UPI: u8 = 98;
    pub const GSTIN: u8 = 95;
    pub const ORDER_ID_KEYWORD: u8 = 85;
    pub const PHONE: u8 = 80;
    pub const PIN_KEYWORD: u8 = 75;
    pub const ORDER_ID_SHAPE: u8 = 70;
    pub const DATE_NUMERIC: u8 = 66;
    pub const TIME_CLOCK: u8 = 64;
    pub const DATE_WORD: u8 = 62;
    pub const QUANTITY: u8 = 55;
    pub const AMOUNT_CURRENCY: u8 = 52;
    pub const AMOUNT_CONTEXT: u8 = 50;
    pub const TIME_PART: u8 = 48;
    pub const PIN_ADDRESS: u8 = 51;
    pub const PERSON: u8 = 40;
}
