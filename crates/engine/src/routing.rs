//! Routing rules: which queue, priority, answer time and person each analysed message goes to.
//!
//! A routes file is TOML: a `[default]` route and ordered `[[rule]]` tables. Each rule has
//! conditions on the [`Analysis`] and the route it gives; the first rule whose conditions all
//! hold wins, and a message no rule matches gets the default route. `docs/routes.example.toml`
//! is a commented file for a typical shop.
//!
//! ```toml
//! [default]                 # required: the route when no rule matches
//! queue = "inbox"           # required, not empty
//! priority = "normal"       # required, not empty (free text: low, normal, high, urgent, ...)
//! sla_minutes = 240         # optional, at least 1: minutes within which to answer
//! assignee = "Priya"        # optional: a person or team
//! forward = "https://n8n.example.in/webhook/inbox"  # optional: where the service POSTs it
//!
//! [[rule]]
//! name = "big-payments"     # required, unique: error messages name the rule by it
//! intent = ["payment"]      # any of these intents (a single string is fine too)
//! min_confidence = 0.6      # the primary intent's confidence is at least this, in [0, 1]
//! max_confidence = 1.0      # ... and at most this, in [0, 1], not below min_confidence
//! lang = ["hi", "hinglish"] # any of these language tags
//! has = ["order_id"]        # every one of these entity types is present
//! min_amount = 50000        # some amount in `currency` reaches this ...
//! max_amount = 500000       # ... and does not pass this (both bounds on the same amount)
//! currency = "INR"          # ISO 4217 code of the amount bounds (default INR)
//! queue = "accounts"        # the route, as in [default]
//! priority = "urgent"
//! sla_minutes = 30
//! assignee = "Ravi"
//! ```
//!
//! Every condition is optional and a rule matches when all of the ones it has hold. Bounds are
//! inclusive. An amount written as a range ("45-55k") satisfies the amount bounds when the range
//! overlaps them; an amount entity without a value, or in another currency, satisfies none.
//!
//! Everything is checked when the file is read, so a service refuses to start on a bad file
//! rather than misroute messages: unknown keys, intents, language tags and entity types (the
//! message lists the valid ones), confidences outside [0, 1], negative or inverted bounds, empty
//! queues, duplicate or missing names, a missing `[default]`, and rules that can never match
//! because an earlier rule takes every message they would (a rule without conditions anywhere
//! but last, say). Each error names the rule (by name, or `rule #3` without one) and the line.
//!
//! ```
//! use sandesh::routing::Routes;
//! use sandesh::{Analysis, Intent, Lang};
//!
//! let routes: Routes = r#"
//!     [default]
//!     queue = "inbox"
//!     priority = "normal"
//!
//!     [[rule]]
//!     name = "payments"
//!     intent = "payment"
//!     queue = "accounts"
//!     priority = "high"
//!     sla_minutes = 60
//! "#
//! .parse()?;
//! let mut analysis = Analysis {
//!     id: None,
//!     intent: Intent::Payment,
//!     confidence: 0.9,
//!     intents: vec![],
//!     lang: Lang::Hinglish,
//!     entities: vec![],
//!     route: None,
//! };
//! routes.apply(&mut analysis);
//! assert_eq!(analysis.route.unwrap().queue, "accounts");
//! # Ok::<(), sandesh::routing::RoutesError>(())
//! ```

use sandesh_types::{Analysis, Entity, EntityKind, EntityValue, Intent, Lang, Route};
use serde::de::{self, Deserialize, Deserializer, SeqAccess, Visitor};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use toml::de::{DeTable, DeValue, ValueDeserializer};
use toml::Spanned;

/// The currency amount bounds are in when a rule does not say.
pub const DEFAULT_CURRENCY: &str = "INR";

/// Ordered routing rules and the default route, checked when read.
#[derive(Debug, Clone, PartialEq)]
pub struct Routes {
    rules: Vec<Rule>,
    default: Route,
    default_forward: Option<String>,
}

/// One routing rule: conditions on an analysis and the route they give.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    name: String,
    position: usize,
    conditions: Conditions,
    route: Route,
    forward: Option<String>,
}

/// What a rule asks of an analysis; `None` and empty lists ask nothing.
#[derive(Debug, Clone, Default, PartialEq)]
struct Conditions {
    intents: Option<Vec<Intent>>,
    langs: Option<Vec<Lang>>,
    has: Vec<EntityKind>,
    min_confidence: Option<f32>,
    max_confidence: Option<f32>,
    amount: Option<AmountBounds>,
}

#[derive(Debug, Clone, PartialEq)]
struct AmountBounds {
    currency: String,
    min: Option<f64>,
    max: Option<f64>,
}

impl Routes {
    /// Reads and checks routes from TOML text.
    pub fn from_toml_str(src: &str) -> Result<Routes, RoutesError> {
        parse(src)
    }

    /// Reads and checks a routes file; errors carry the path.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Routes, RoutesError> {
        let path = path.as_ref();
        let src = std::fs::read_to_string(path).map_err(|source| RoutesError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        parse(&src).map_err(|e| RoutesError::InFile {
            path: path.to_path_buf(),
            source: Box::new(e),
        })
    }

    /// The first rule whose conditions all hold for `analysis`, if any.
    pub fn matching_rule(&self, analysis: &Analysis) -> Option<&Rule> {
        self.rules.iter().find(|r| r.matches(analysis))
    }

    /// Where `analysis` goes: the first matching rule's route, else the default route.
    pub fn route(&self, analysis: &Analysis) -> &Route {
        self.matching_rule(analysis)
            .map_or(&self.default, |r| &r.route)
    }

    /// Sets `analysis.route` to [`Routes::route`].
    pub fn apply(&self, analysis: &mut Analysis) {
        analysis.route = Some(self.route(analysis).clone());
    }

    /// The rules, in the order they are tried.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The route of messages no rule matches.
    pub fn default_route(&self) -> &Route {
        &self.default
    }

    /// The URL `analysis` is forwarded to: the `forward` of the first matching rule, else the
    /// default's. Forwarding is the service's job; the library only keeps the address, and
    /// keeps it out of the analysis (webhook URLs often carry a secret).
    pub fn forward(&self, analysis: &Analysis) -> Option<&str> {
        match self.matching_rule(analysis) {
            Some(rule) => rule.forward(),
            None => self.default_forward.as_deref(),
        }
    }

    /// Every forward URL in the file with where it is (`rule "name"` or `[default]`), for a
    /// service to check before it starts.
    pub fn forward_urls(&self) -> Vec<(String, &str)> {
        let rules = self
            .rules
            .iter()
            .filter_map(|r| Some((format!("rule {:?}", r.name), r.forward()?)));
        self.default_forward
            .as_deref()
            .map(|u| ("[default]".to_string(), u))
            .into_iter()
            .chain(rules)
            .collect()
    }
}

impl FromStr for Routes {
    type Err = RoutesError;

    fn from_str(src: &str) -> Result<Routes, RoutesError> {
        parse(src)
    }
}

impl Rule {
    /// The rule's name, unique in its file.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Where the rule is in its file: 1 for the first `[[rule]]`.
    pub fn position(&self) -> usize {
        self.position
    }

    /// The route the rule gives.
    pub fn route(&self) -> &Route {
        &self.route
    }

    /// The URL the rule's messages are forwarded to, if it has one.
    pub fn forward(&self) -> Option<&str> {
        self.forward.as_deref()
    }

    /// Whether every condition of the rule holds for `analysis`.
    pub fn matches(&self, analysis: &Analysis) -> bool {
        self.conditions.matches(analysis)
    }
}

impl Conditions {
    fn matches(&self, a: &Analysis) -> bool {
        self.intents.as_ref().is_none_or(|v| v.contains(&a.intent))
            && self.langs.as_ref().is_none_or(|v| v.contains(&a.lang))
            && self.min_confidence.is_none_or(|m| a.confidence >= m)
            && self.max_confidence.is_none_or(|m| a.confidence <= m)
            && self
                .has
                .iter()
                .all(|k| a.entities.iter().any(|e| e.kind == *k))
            && self
                .amount
                .as_ref()
                .is_none_or(|b| a.entities.iter().any(|e| b.admits(e)))
    }

    /// Whether every analysis `later` matches is matched by `self` too, judged one condition
    /// at a time. That is sufficient (conditions are a conjunction), not necessary, so a rule
    /// flagged with it really can never match; some never-matching rules go unflagged.
    fn covers(&self, later: &Conditions) -> bool {
        fn subset<T: PartialEq>(later: Option<&[T]>, earlier: Option<&[T]>, all: &[T]) -> bool {
            let earlier = earlier.unwrap_or(all);
            later.unwrap_or(all).iter().all(|x| earlier.contains(x))
        }
        subset(
            later.intents.as_deref(),
            self.intents.as_deref(),
            &Intent::ALL,
        ) && subset(later.langs.as_deref(), self.langs.as_deref(), &Lang::ALL)
            && self.has.iter().all(|&k| later.requires(k))
            // Confidences are probabilities, so a missing bound is the end of [0, 1].
            && self.min_confidence.unwrap_or(0.0) <= later.min_confidence.unwrap_or(0.0)
            && later.max_confidence.unwrap_or(1.0) <= self.max_confidence.unwrap_or(1.0)
            && match (&self.amount, &later.amount) {
                (None, _) => true,
                (Some(_), None) => false,
                (Some(a), Some(b)) => {
                    a.currency == b.currency
                        && a.min.is_none_or(|m| b.min.is_some_and(|n| n >= m))
                        && a.max.is_none_or(|m| b.max.is_some_and(|n| n <= m))
                }
            }
    }

    /// Whether every match has an entity of this kind (amount bounds need an amount).
    fn requires(&self, kind: EntityKind) -> bool {
        self.has.contains(&kind) || (kind == EntityKind::Amount && self.amount.is_some())
    }
}

impl AmountBounds {
    fn admits(&self, e: &Entity) -> bool {
        let Some(EntityValue::Money {
            amount,
            currency,
            min,
            max,
        }) = &e.value
        else {
            return false;
        };
        let low = min.unwrap_or(*amount);
        let high = max.unwrap_or(*amount);
        e.kind == EntityKind::Amount
            && currency.eq_ignore_ascii_case(&self.currency)
            && self.min.is_none_or(|m| high >= m)
            && self.max.is_none_or(|m| low <= m)
    }
}

/// Where in a routes file a problem is: 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    /// Line, from 1.
    pub line: usize,
    /// Column in characters, from 1.
    pub column: usize,
}

impl Location {
    fn at(src: &str, offset: usize) -> Location {
        let mut end = offset.min(src.len());
        while !src.is_char_boundary(end) {
            end -= 1;
        }
        let before = &src[..end];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Location {
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// The part of a routes file an error is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// The file as a whole (a key outside `[default]` and `[[rule]]`).
    File,
    /// The `[default]` table.
    Default,
    /// A `[[rule]]` table.
    Rule {
        /// 1 for the first rule of the file.
        position: usize,
        /// The rule's name, when it has one.
        name: Option<String>,
    },
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::File => f.write_str("routes file"),
            Place::Default => f.write_str("[default]"),
            Place::Rule {
                name: Some(name), ..
            } => write!(f, "rule {name:?}"),
            Place::Rule { position, .. } => write!(f, "rule #{position}"),
        }
    }
}

/// Why a routes file was refused.
#[derive(Debug, thiserror::Error)]
pub enum RoutesError {
    /// The file could not be read.
    #[error("cannot read routes file {}: {source}", .path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What reading it gave.
        source: std::io::Error,
    },
    /// The file was read and its content is refused.
    #[error("{}: {source}", .path.display())]
    InFile {
        /// The file.
        path: PathBuf,
        /// What is wrong with its content.
        source: Box<RoutesError>,
    },
    /// The text is not TOML.
    #[error("{}{message}", at_prefix(.location))]
    Syntax {
        /// Where the TOML parser stopped.
        location: Option<Location>,
        /// The parser's message.
        message: String,
    },
    /// There is no `[default]` table.
    #[error(
        "no [default] route: add a [default] table with `queue` and `priority`, \
         the route of messages no rule matches"
    )]
    MissingDefault,
    /// A key or value is refused.
    #[error("{}", describe_invalid(.place, .field.as_deref(), .location.as_ref(), .message))]
    Invalid {
        /// The table it is in.
        place: Place,
        /// The key, when the problem is about one.
        field: Option<String>,
        /// Where it is written.
        location: Option<Location>,
        /// What is wrong, and what is allowed.
        message: String,
    },
    /// A rule can never match: an earlier rule takes every message it would.
    #[error(
        "{rule}{}: can never match, because {earlier}{} comes first and matches every message it \
         would{}",
        at_suffix(.location), in_parens(.earlier_location),
        if *.earlier_matches_everything {
            "; a rule that matches every message belongs last, or as the [default] route"
        } else {
            "; put the narrower rule first"
        }
    )]
    Unreachable {
        /// The rule that can never match.
        rule: Place,
        /// Where it starts.
        location: Option<Location>,
        /// The earlier rule that takes its messages.
        earlier: Place,
        /// Where that one starts.
        earlier_location: Option<Location>,
        /// Whether the earlier rule matches every message (it has no effective conditions).
        earlier_matches_everything: bool,
    },
}

fn at_prefix(location: &Option<Location>) -> String {
    location.map_or_else(String::new, |l| format!("{l}: "))
}

fn at_suffix(location: &Option<Location>) -> String {
    location.map_or_else(String::new, |l| format!(" at {l}"))
}

fn in_parens(location: &Option<Location>) -> String {
    location.map_or_else(String::new, |l| format!(" ({l})"))
}

fn describe_invalid(
    place: &Place,
    field: Option<&str>,
    location: Option<&Location>,
    message: &str,
) -> String {
    let mut out = format!("{place}{}: ", at_suffix(&location.copied()));
    // Serde's messages ("unknown field `prio`") already name the key.
    if let Some(f) = field.filter(|f| !message.contains(&format!("`{f}`"))) {
        out += &format!("`{f}`: ");
    }
    out + message
}

/// A string or a list of strings (`intent = "payment"` or `intent = ["payment", "lead"]`).
struct Labels(Vec<String>);

impl<'de> Deserialize<'de> for Labels {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Labels, D::Error> {
        struct LabelsVisitor;

        impl<'de> Visitor<'de> for LabelsVisitor {
            type Value = Labels;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a list of strings")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Labels, E> {
                Ok(Labels(vec![v.to_string()]))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Labels, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    out.push(s);
                }
                Ok(Labels(out))
            }
        }

        deserializer.deserialize_any(LabelsVisitor)
    }
}

/// A `[default]` table as written.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDefault {
    queue: Option<Spanned<String>>,
    priority: Option<Spanned<String>>,
    sla_minutes: Option<Spanned<u32>>,
    assignee: Option<Spanned<String>>,
    forward: Option<Spanned<String>>,
}

/// A `[[rule]]` table as written; the route keys repeat `RawDefault`'s because serde cannot
/// flatten a struct into one that denies unknown fields.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    name: Option<Spanned<String>>,
    intent: Option<Spanned<Labels>>,
    min_confidence: Option<Spanned<f64>>,
    max_confidence: Option<Spanned<f64>>,
    lang: Option<Spanned<Labels>>,
    has: Option<Spanned<Labels>>,
    min_amount: Option<Spanned<f64>>,
    max_amount: Option<Spanned<f64>>,
    currency: Option<Spanned<String>>,
    queue: Option<Spanned<String>>,
    priority: Option<Spanned<String>>,
    sla_minutes: Option<Spanned<u32>>,
    assignee: Option<Spanned<String>>,
    forward: Option<Spanned<String>>,
}

/// One part of the file (the top level, `[default]` or a `[[rule]]`): builds its errors,
/// pointing into the source.
struct Section<'a> {
    src: &'a str,
    place: Place,
    start: usize,
}

impl Section<'_> {
    fn location(&self) -> Location {
        Location::at(self.src, self.start)
    }

    fn invalid(&self, field: &str, offset: usize, message: impl Into<String>) -> RoutesError {
        RoutesError::Invalid {
            place: self.place.clone(),
            field: Some(field.to_string()),
            location: Some(Location::at(self.src, offset)),
            message: message.into(),
        }
    }

    fn at<T>(&self, field: &str, value: &Spanned<T>, message: impl Into<String>) -> RoutesError {
        self.invalid(field, value.span().start, message)
    }

    fn missing(&self, field: &str, what: &str) -> RoutesError {
        self.invalid(field, self.start, format!("missing `{field}`: {what}"))
    }

    /// A serde error inside this table, with the key it is about found from its span.
    fn serde_error(&self, table: &DeTable<'_>, e: toml::de::Error) -> RoutesError {
        let offset = e.span().map(|s| s.start);
        let field = offset.and_then(|at| {
            table
                .iter()
                .find(|(k, v)| k.span().contains(&at) || v.span().contains(&at))
                .map(|(k, _)| k.get_ref().to_string())
        });
        RoutesError::Invalid {
            place: self.place.clone(),
            field,
            location: Some(Location::at(self.src, offset.unwrap_or(self.start))),
            message: e.message().to_string(),
        }
    }

    /// The route and forward URL of a table.
    fn route(
        &self,
        queue: Option<Spanned<String>>,
        priority: Option<Spanned<String>>,
        sla_minutes: Option<Spanned<u32>>,
        assignee: Option<Spanned<String>>,
        forward: Option<Spanned<String>>,
    ) -> Result<(Route, Option<String>), RoutesError> {
        let queue = queue.ok_or_else(|| self.missing("queue", "the queue messages go to"))?;
        let priority = priority.ok_or_else(|| {
            self.missing("priority", "a label such as low, normal, high or urgent")
        })?;
        for (field, value) in [("queue", &queue), ("priority", &priority)] {
            if value.get_ref().trim().is_empty() {
                return Err(self.at(field, value, "must not be empty"));
            }
        }
        if let Some(sla) = &sla_minutes {
            if *sla.get_ref() == 0 {
                return Err(self.at("sla_minutes", sla, "must be at least 1 minute"));
            }
        }
        if let Some(who) = &assignee {
            if who.get_ref().trim().is_empty() {
                return Err(self.at(
                    "assignee",
                    who,
                    "must not be empty; leave it out for no assignee",
                ));
            }
        }
        if let Some(url) = &forward {
            if let Err(why) = check_url(url.get_ref()) {
                return Err(self.at("forward", url, why));
            }
        }
        let route = Route {
            queue: queue.into_inner(),
            priority: priority.into_inner(),
            sla_minutes: sla_minutes.map(Spanned::into_inner),
            assignee: assignee.map(Spanned::into_inner),
        };
        Ok((route, forward.map(Spanned::into_inner)))
    }

    /// The labels of a list key, each read with `FromStr`; an empty list is refused since it
    /// would match nothing.
    fn labels<T: FromStr + Copy + fmt::Display>(
        &self,
        field: &str,
        what: &str,
        all: &[T],
        value: Option<Spanned<Labels>>,
    ) -> Result<Option<Vec<T>>, RoutesError> {
        let Some(value) = value else { return Ok(None) };
        if value.get_ref().0.is_empty() {
            return Err(self.at(
                field,
                &value,
                format!("an empty list matches nothing; leave `{field}` out to match any {what}"),
            ));
        }
        let mut out = Vec::new();
        for label in &value.get_ref().0 {
            let parsed = label.parse::<T>().map_err(|_| {
                let valid: Vec<String> = all.iter().map(T::to_string).collect();
                self.at(
                    field,
                    &value,
                    format!(
                        "unknown {what} {label:?}; expected one of: {}",
                        valid.join(", ")
                    ),
                )
            })?;
            out.push(parsed);
        }
        Ok(Some(out))
    }

    fn confidence(&self, field: &str, value: &Option<Spanned<f64>>) -> Result<(), RoutesError> {
        match value {
            Some(v) if !(0.0..=1.0).contains(v.get_ref()) => Err(self.at(
                field,
                v,
                format!(
                    "{} is outside [0, 1]; confidences are probabilities",
                    v.get_ref()
                ),
            )),
            _ => Ok(()),
        }
    }

    /// A lower bound above its upper bound would make the rule match nothing: the error points
    /// at the upper bound.
    fn ordered(
        &self,
        (lo_field, lo): (&str, &Option<Spanned<f64>>),
        (hi_field, hi): (&str, &Option<Spanned<f64>>),
    ) -> Result<(), RoutesError> {
        match (lo, hi) {
            (Some(lo), Some(hi)) if lo.get_ref() > hi.get_ref() => Err(self.at(
                hi_field,
                hi,
                format!(
                    "{} is below {lo_field} {}, so the rule would match nothing",
                    hi.get_ref(),
                    lo.get_ref()
                ),
            )),
            _ => Ok(()),
        }
    }

    fn amount(&self, field: &str, value: &Option<Spanned<f64>>) -> Result<(), RoutesError> {
        match value {
            Some(v) if !v.get_ref().is_finite() || *v.get_ref() < 0.0 => Err(self.at(
                field,
                v,
                format!(
                    "{} is not an amount: use a number of at least 0",
                    v.get_ref()
                ),
            )),
            _ => Ok(()),
        }
    }
}

fn parse(src: &str) -> Result<Routes, RoutesError> {
    let root = DeTable::parse(src).map_err(|e| RoutesError::Syntax {
        location: e.span().map(|s| Location::at(src, s.start)),
        message: e.message().to_string(),
    })?;
    let file = Section {
        src,
        place: Place::File,
        start: 0,
    };
    let root = root.get_ref();
    if let Some((key, _)) = root
        .iter()
        .filter(|(k, _)| !matches!(k.get_ref().as_ref(), "default" | "rule"))
        .min_by_key(|(k, _)| k.span().start)
    {
        return Err(file.invalid(
            key.get_ref(),
            key.span().start,
            format!(
                "unknown key `{}`; a routes file has a [default] table and [[rule]] tables",
                key.get_ref()
            ),
        ));
    }

    let default = root.get("default").ok_or(RoutesError::MissingDefault)?;
    let default_section = Section {
        src,
        place: Place::Default,
        start: default.span().start,
    };
    let DeValue::Table(table) = default.get_ref() else {
        return Err(default_section.invalid(
            "default",
            default.span().start,
            "must be a table: [default] with `queue` and `priority`",
        ));
    };
    let raw = RawDefault::deserialize(ValueDeserializer::from(default.clone()))
        .map_err(|e| default_section.serde_error(table, e))?;
    let (default, default_forward) = default_section.route(
        raw.queue,
        raw.priority,
        raw.sla_minutes,
        raw.assignee,
        raw.forward,
    )?;

    let items: &[Spanned<DeValue<'_>>] = match root.get("rule") {
        None => &[],
        Some(v) => match v.get_ref() {
            DeValue::Array(items) => items,
            _ => {
                return Err(file.invalid(
                    "rule",
                    v.span().start,
                    "rules are written as [[rule]] tables",
                ))
            }
        },
    };
    let mut rules: Vec<Rule> = Vec::with_capacity(items.len());
    let mut starts = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let position = i + 1;
        let DeValue::Table(table) = item.get_ref() else {
            return Err(file.invalid(
                "rule",
                item.span().start,
                format!("rule #{position} is not a table; rules are written as [[rule]] tables"),
            ));
        };
        // The name is read before the rest so that every error about the rule can use it.
        let name = table.get("name").and_then(|v| match v.get_ref() {
            DeValue::String(s) if !s.trim().is_empty() => Some(s.to_string()),
            _ => None,
        });
        let t = Section {
            src,
            place: Place::Rule {
                position,
                name: name.clone(),
            },
            start: item.span().start,
        };
        let raw = RawRule::deserialize(ValueDeserializer::from(item.clone()))
            .map_err(|e| t.serde_error(table, e))?;
        let rule = build_rule(&t, position, raw)?;
        if let Some(first) = rules.iter().find(|r| r.name == rule.name) {
            return Err(t.invalid(
                "name",
                t.start,
                format!(
                    "the name {:?} is already used by rule #{}; names must be unique",
                    rule.name, first.position
                ),
            ));
        }
        rules.push(rule);
        starts.push(t.location());
    }

    for (j, later) in rules.iter().enumerate() {
        if let Some(i) = (0..j).find(|&i| rules[i].conditions.covers(&later.conditions)) {
            let place = |r: &Rule| Place::Rule {
                position: r.position,
                name: Some(r.name.clone()),
            };
            return Err(RoutesError::Unreachable {
                rule: place(later),
                location: Some(starts[j]),
                earlier: place(&rules[i]),
                earlier_location: Some(starts[i]),
                earlier_matches_everything: rules[i].conditions.covers(&Conditions::default()),
            });
        }
    }
    Ok(Routes {
        rules,
        default,
        default_forward,
    })
}

fn build_rule(t: &Section<'_>, position: usize, raw: RawRule) -> Result<Rule, RoutesError> {
    let name = match raw.name {
        None => {
            return Err(t.missing(
                "name",
                "every rule needs a unique name, used in messages like this one",
            ))
        }
        Some(n) if n.get_ref().trim().is_empty() => {
            return Err(t.at("name", &n, "must not be empty"))
        }
        Some(n) => n.into_inner(),
    };
    let intents = t.labels("intent", "intent", &Intent::ALL, raw.intent)?;
    let langs = t.labels("lang", "language tag", &Lang::ALL, raw.lang)?;
    let has = t
        .labels("has", "entity type", &EntityKind::ALL, raw.has)?
        .unwrap_or_default();

    t.confidence("min_confidence", &raw.min_confidence)?;
    t.confidence("max_confidence", &raw.max_confidence)?;
    t.ordered(
        ("min_confidence", &raw.min_confidence),
        ("max_confidence", &raw.max_confidence),
    )?;

    t.amount("min_amount", &raw.min_amount)?;
    t.amount("max_amount", &raw.max_amount)?;
    t.ordered(
        ("min_amount", &raw.min_amount),
        ("max_amount", &raw.max_amount),
    )?;
    let currency = match &raw.currency {
        None => DEFAULT_CURRENCY.to_string(),
        Some(c)
            if c.get_ref().len() == 3 && c.get_ref().chars().all(|ch| ch.is_ascii_alphabetic()) =>
        {
            c.get_ref().to_ascii_uppercase()
        }
        Some(c) => {
            return Err(t.at(
                "currency",
                c,
                format!(
                    "{:?} is not an ISO 4217 code such as INR or USD",
                    c.get_ref()
                ),
            ))
        }
    };
    let bounded = raw.min_amount.is_some() || raw.max_amount.is_some();
    if let (Some(c), false) = (&raw.currency, bounded) {
        return Err(t.at(
            "currency",
            c,
            "applies only to min_amount and max_amount, and the rule has neither",
        ));
    }
    let amount = bounded.then(|| AmountBounds {
        currency,
        min: raw.min_amount.map(Spanned::into_inner),
        max: raw.max_amount.map(Spanned::into_inner),
    });

    let (route, forward) = t.route(
        raw.queue,
        raw.priority,
        raw.sla_minutes,
        raw.assignee,
        raw.forward,
    )?;
    Ok(Rule {
        name,
        position,
        conditions: Conditions {
            intents,
            langs,
            has,
            min_confidence: raw.min_confidence.map(|c| *c.get_ref() as f32),
            max_confidence: raw.max_confidence.map(|c| *c.get_ref() as f32),
            amount,
        },
        route,
        forward,
    })
}

/// Whether `url` can be forwarded to: `http://` or `https://`, a host, no spaces. The service
/// parses it fully before it starts; this catches typos where the file is read.
fn check_url(url: &str) -> Result<(), String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("{url:?} is not an http:// or https:// URL"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || host.starts_with(':') {
        return Err(format!("{url:?} has no host"));
    }
    if url.chars().any(char::is_whitespace) {
        return Err(format!("{url:?} contains a space"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sandesh_types::Span;

    const EXAMPLE: &str = include_str!("../../../docs/routes.example.toml");

    const HEAD: &str = "[default]\nqueue = \"inbox\"\npriority = \"normal\"\n";

    fn routes(rules: &str) -> Routes {
        Routes::from_toml_str(&format!("{HEAD}{rules}")).unwrap_or_else(|e| panic!("{e}"))
    }

    /// The error for `rules` after a valid `[default]` (4 lines, so rules start on line 4).
    fn error(rules: &str) -> String {
        match Routes::from_toml_str(&format!("{HEAD}{rules}")) {
            Ok(r) => panic!("accepted: {r:?}"),
            Err(e) => e.to_string(),
        }
    }

    fn assert_mentions(message: &str, parts: &[&str]) {
        for p in parts {
            assert!(message.contains(p), "{p:?} not in: {message}");
        }
    }

    fn analysis(intent: Intent, confidence: f32, lang: Lang, entities: Vec<Entity>) -> Analysis {
        Analysis {
            id: None,
            intent,
            confidence,
            intents: vec![],
            lang,
            entities,
            route: None,
        }
    }

    fn entity(kind: EntityKind) -> Entity {
        Entity::new(kind, Span::new(0, 1), "x", None)
    }

    fn money(amount: f64, currency: &str) -> Entity {
        Entity::new(
            EntityKind::Amount,
            Span::new(0, 1),
            "x",
            Some(EntityValue::money(amount, currency)),
        )
    }

    fn money_range(min: f64, max: f64) -> Entity {
        Entity::new(
            EntityKind::Amount,
            Span::new(0, 1),
            "x",
            Some(EntityValue::Money {
                amount: min,
                currency: "INR".into(),
                min: Some(min),
                max: Some(max),
            }),
        )
    }

    fn payment(entities: Vec<Entity>) -> Analysis {
        analysis(Intent::Payment, 0.9, Lang::Hinglish, entities)
    }

    fn queue<'a>(routes: &'a Routes, a: &Analysis) -> &'a str {
        &routes.route(a).queue
    }

    // ---- matching ----

    #[test]
    fn the_first_matching_rule_wins_not_the_most_specific() {
        let by_amount = "[[rule]]\nname = \"amount\"\nintent = \"payment\"\nhas = [\"amount\"]\nqueue = \"a\"\npriority = \"p\"\n";
        let by_lang = "[[rule]]\nname = \"hindi\"\nintent = \"payment\"\nlang = \"hi\"\nqueue = \"b\"\npriority = \"p\"\n";
        let both = analysis(Intent::Payment, 0.9, Lang::Hi, vec![money(500.0, "INR")]);
        let amount_first = routes(&format!("{by_amount}{by_lang}"));
        let lang_first = routes(&format!("{by_lang}{by_amount}"));
        assert_eq!(queue(&amount_first, &both), "a");
        assert_eq!(queue(&lang_first, &both), "b");
        assert_eq!(amount_first.matching_rule(&both).unwrap().name(), "amount");
        assert_eq!(lang_first.matching_rule(&both).unwrap().position(), 1);
        // Each still takes the messages only it matches.
        let hindi_only = analysis(Intent::Payment, 0.9, Lang::Hi, vec![]);
        assert_eq!(queue(&amount_first, &hindi_only), "b");
    }

    #[test]
    fn a_message_no_rule_matches_gets_the_default_route_whole() {
        let r = Routes::from_toml_str(
            "[default]\nqueue = \"inbox\"\npriority = \"low\"\nsla_minutes = 1440\nassignee = \"Asha\"\n\
             [[rule]]\nname = \"jobs\"\nintent = \"hiring\"\nqueue = \"hr\"\npriority = \"low\"\n",
        )
        .unwrap();
        let mut a = analysis(Intent::Other, 0.99, Lang::En, vec![]);
        assert!(r.matching_rule(&a).is_none());
        r.apply(&mut a);
        assert_eq!(
            a.route,
            Some(Route {
                queue: "inbox".into(),
                priority: "low".into(),
                sla_minutes: Some(1440),
                assignee: Some("Asha".into()),
            })
        );
        assert_eq!(r.default_route(), a.route.as_ref().unwrap());
    }

    #[test]
    fn a_file_with_only_a_default_routes_everything_there() {
        let r = Routes::from_toml_str(HEAD).unwrap();
        assert!(r.rules().is_empty());
        assert_eq!(queue(&r, &payment(vec![money(1e6, "INR")])), "inbox");
    }

    #[test]
    fn apply_replaces_a_route_already_set_and_gives_the_rule_route_whole() {
        let r = routes(
            "[[rule]]\nname = \"pay\"\nintent = \"payment\"\nqueue = \"accounts\"\npriority = \"high\"\nsla_minutes = 30\nassignee = \"Ravi\"\n",
        );
        let mut a = payment(vec![]);
        a.route = Some(Route {
            queue: "stale".into(),
            priority: "stale".into(),
            sla_minutes: None,
            assignee: None,
        });
        r.apply(&mut a);
        let route = a.route.unwrap();
        assert_eq!(route.queue, "accounts");
        assert_eq!(route.priority, "high");
        assert_eq!(route.sla_minutes, Some(30));
        assert_eq!(route.assignee.as_deref(), Some("Ravi"));
    }

    #[test]
    fn intent_matches_any_listed_intent() {
        let r = routes(
            "[[rule]]\nname = \"money-or-jobs\"\nintent = [\"payment\", \"hiring\"]\nqueue = \"x\"\npriority = \"p\"\n",
        );
        assert_eq!(queue(&r, &payment(vec![])), "x");
        assert_eq!(
            queue(&r, &analysis(Intent::Hiring, 0.9, Lang::En, vec![])),
            "x"
        );
        assert_eq!(
            queue(&r, &analysis(Intent::Lead, 0.9, Lang::En, vec![])),
            "inbox"
        );
    }

    #[test]
    fn lang_matches_any_listed_tag_exactly() {
        let r = routes(
            "[[rule]]\nname = \"tamil\"\nlang = [\"ta\", \"ta-Latn\"]\nqueue = \"x\"\npriority = \"p\"\n",
        );
        for (lang, expected) in [
            (Lang::Ta, "x"),
            (Lang::TaLatn, "x"),
            (Lang::Te, "inbox"),
            (Lang::En, "inbox"),
        ] {
            let a = analysis(Intent::Lead, 0.9, lang, vec![]);
            assert_eq!(queue(&r, &a), expected, "{lang}");
        }
    }

    #[test]
    fn has_needs_every_listed_entity_type() {
        let r = routes(
            "[[rule]]\nname = \"traceable\"\nhas = [\"order_id\", \"phone\"]\nqueue = \"x\"\npriority = \"p\"\n",
        );
        let both = payment(vec![entity(EntityKind::Phone), entity(EntityKind::OrderId)]);
        let one = payment(vec![entity(EntityKind::OrderId), entity(EntityKind::Email)]);
        assert_eq!(queue(&r, &both), "x");
        assert_eq!(queue(&r, &one), "inbox");
        assert_eq!(queue(&r, &payment(vec![])), "inbox");
    }

    #[test]
    fn confidence_bounds_are_inclusive_at_the_written_value() {
        let r = routes(
            "[[rule]]\nname = \"middling\"\nmin_confidence = 0.3\nmax_confidence = 0.7\nqueue = \"x\"\npriority = \"p\"\n",
        );
        // 0.3 and 0.7 as f32 sit either side of the f64 values; the bounds still hold.
        for (confidence, expected) in [
            (0.3, "x"),
            (0.7, "x"),
            (0.5, "x"),
            (0.29, "inbox"),
            (0.71, "inbox"),
            (1.0, "inbox"),
        ] {
            let a = analysis(Intent::Lead, confidence, Lang::En, vec![]);
            assert_eq!(queue(&r, &a), expected, "{confidence}");
        }
    }

    #[test]
    fn min_amount_needs_an_amount_in_the_currency_at_or_over_it() {
        let r = routes(
            "[[rule]]\nname = \"big\"\nmin_amount = 50000\nqueue = \"x\"\npriority = \"p\"\n",
        );
        for (entities, expected, why) in [
            (vec![money(50_000.0, "INR")], "x", "at the bound"),
            (vec![money(49_999.0, "INR")], "inbox", "under it"),
            (
                vec![money(100.0, "INR"), money(75_000.0, "INR")],
                "x",
                "any amount",
            ),
            (vec![money(75_000.0, "USD")], "inbox", "another currency"),
            (vec![entity(EntityKind::Amount)], "inbox", "no value"),
            (
                vec![money_range(45_000.0, 55_000.0)],
                "x",
                "a range reaching it",
            ),
            (
                vec![money_range(10_000.0, 20_000.0)],
                "inbox",
                "a range under it",
            ),
            (vec![], "inbox", "no amount"),
        ] {
            assert_eq!(queue(&r, &payment(entities)), expected, "{why}");
        }
    }

    #[test]
    fn amount_bounds_apply_to_one_amount_in_the_rule_currency() {
        let r = routes(
            "[[rule]]\nname = \"mid-dollars\"\nmin_amount = 100\nmax_amount = 1000\ncurrency = \"usd\"\nqueue = \"x\"\npriority = \"p\"\n",
        );
        for (entities, expected, why) in [
            (vec![money(500.0, "USD")], "x", "inside"),
            (vec![money(100.0, "USD")], "x", "lower bound"),
            (vec![money(1000.0, "USD")], "x", "upper bound"),
            (vec![money(500.0, "INR")], "inbox", "rupees"),
            (vec![money(1001.0, "USD")], "inbox", "over"),
            // One amount under and one over: neither alone is inside.
            (
                vec![money(50.0, "USD"), money(5000.0, "USD")],
                "inbox",
                "straddling",
            ),
            (vec![money_range(900.0, 1500.0)], "inbox", "a rupee range"),
        ] {
            assert_eq!(queue(&r, &payment(entities)), expected, "{why}");
        }
    }

    #[test]
    fn max_amount_alone_needs_some_amount_at_or_under_it() {
        let r = routes(
            "[[rule]]\nname = \"small\"\nmax_amount = 500\nqueue = \"x\"\npriority = \"p\"\n",
        );
        assert_eq!(queue(&r, &payment(vec![money(500.0, "INR")])), "x");
        assert_eq!(queue(&r, &payment(vec![money(501.0, "INR")])), "inbox");
        assert_eq!(queue(&r, &payment(vec![money_range(400.0, 600.0)])), "x");
        assert_eq!(queue(&r, &payment(vec![])), "inbox", "no amount at all");
    }

    #[test]
    fn every_condition_of_a_rule_must_hold() {
        let r = routes(
            "[[rule]]\nname = \"all\"\nintent = \"payment\"\nlang = \"hinglish\"\nmin_confidence = 0.5\nhas = [\"upi_id\"]\nmin_amount = 1000\nqueue = \"x\"\npriority = \"p\"\n",
        );
        let full = || {
            analysis(
                Intent::Payment,
                0.8,
                Lang::Hinglish,
                vec![entity(EntityKind::UpiId), money(2000.0, "INR")],
            )
        };
        assert_eq!(queue(&r, &full()), "x");
        let mut a = full();
        a.intent = Intent::Lead;
        assert_eq!(queue(&r, &a), "inbox", "intent");
        let mut a = full();
        a.lang = Lang::En;
        assert_eq!(queue(&r, &a), "inbox", "lang");
        let mut a = full();
        a.confidence = 0.4;
        assert_eq!(queue(&r, &a), "inbox", "confidence");
        let mut a = full();
        a.entities.remove(0);
        assert_eq!(queue(&r, &a), "inbox", "has");
        let mut a = full();
        a.entities[1] = money(999.0, "INR");
        assert_eq!(queue(&r, &a), "inbox", "amount");
    }

    #[test]
    fn a_rule_without_conditions_may_come_last() {
        let r = routes(
            "[[rule]]\nname = \"pay\"\nintent = \"payment\"\nqueue = \"a\"\npriority = \"p\"\n\
             [[rule]]\nname = \"rest\"\nqueue = \"b\"\npriority = \"p\"\n",
        );
        assert_eq!(queue(&r, &payment(vec![])), "a");
        assert_eq!(
            queue(&r, &analysis(Intent::Other, 0.9, Lang::En, vec![])),
            "b"
        );
    }

    // ---- validation ----

    #[test]
    fn toml_syntax_errors_give_the_line() {
        let e = error("[[rule]]\nname = \"x\nqueue = \"q\"\n");
        assert_mentions(&e, &["line 5"]);
        assert!(matches!(
            Routes::from_toml_str("[default\n"),
            Err(RoutesError::Syntax {
                location: Some(Location { line: 1, .. }),
                ..
            })
        ));
    }

    #[test]
    fn a_missing_default_is_refused() {
        let e = Routes::from_toml_str("[[rule]]\nname = \"x\"\nqueue = \"q\"\npriority = \"p\"\n")
            .unwrap_err();
        assert!(matches!(e, RoutesError::MissingDefault), "{e:?}");
        assert_mentions(&e.to_string(), &["[default]", "queue", "priority"]);
        assert!(matches!(
            Routes::from_toml_str(""),
            Err(RoutesError::MissingDefault)
        ));
    }

    #[test]
    fn unknown_keys_are_refused_where_they_are() {
        let e = error("[[rule]]\nname = \"pay\"\nintent = \"payment\"\nprio = \"high\"\nqueue = \"q\"\npriority = \"p\"\n");
        assert_mentions(
            &e,
            &["rule \"pay\"", "line 7", "unknown field `prio`", "priority"],
        );
        let e = Routes::from_toml_str(
            "[default]\nqueue = \"q\"\npriority = \"p\"\nintent = \"lead\"\n",
        )
        .unwrap_err()
        .to_string();
        assert_mentions(&e, &["[default]", "line 4", "`intent`"]);
        let e = Routes::from_toml_str(&format!("[[rules]]\nname = \"x\"\n{HEAD}"))
            .unwrap_err()
            .to_string();
        assert_mentions(
            &e,
            &["routes file", "line 1", "unknown key `rules`", "[[rule]]"],
        );
    }

    #[test]
    fn unknown_intents_langs_and_entity_types_list_the_valid_ones() {
        let e = error("[[rule]]\nname = \"pay\"\nintent = [\"payment\", \"paymnt\"]\nqueue = \"q\"\npriority = \"p\"\n");
        assert_mentions(
            &e,
            &[
                "rule \"pay\"",
                "line 6",
                "`intent`",
                "\"paymnt\"",
                "lead, support, payment, booking, hiring, vendor, other",
            ],
        );
        let e = error(
            "[[rule]]\nname = \"tamil\"\nlang = \"ta-latn\"\nqueue = \"q\"\npriority = \"p\"\n",
        );
        assert_mentions(
            &e,
            &[
                "rule \"tamil\"",
                "`lang`",
                "\"ta-latn\"",
                "hinglish",
                "ta-Latn",
                "pa-Latn",
            ],
        );
        let e = error(
            "[[rule]]\nname = \"ids\"\nhas = [\"order-id\"]\nqueue = \"q\"\npriority = \"p\"\n",
        );
        assert_mentions(
            &e,
            &[
                "rule \"ids\"",
                "`has`",
                "\"order-id\"",
                "order_id",
                "gstin",
                "quantity",
            ],
        );
    }

    #[test]
    fn empty_lists_are_refused_because_they_match_nothing() {
        for key in ["intent", "lang", "has"] {
            let e = error(&format!(
                "[[rule]]\nname = \"empty\"\n{key} = []\nqueue = \"q\"\npriority = \"p\"\n"
            ));
            assert_mentions(&e, &["rule \"empty\"", &format!("`{key}`"), "empty list"]);
        }
    }

    #[test]
    fn confidences_must_be_probabilities_in_order() {
        for (line, bad) in [
            ("min_confidence = 1.5", "1.5"),
            ("max_confidence = -0.1", "-0.1"),
            ("min_confidence = nan", "NaN"),
        ] {
            let e = error(&format!(
                "[[rule]]\nname = \"conf\"\n{line}\nqueue = \"q\"\npriority = \"p\"\n"
            ));
            assert_mentions(&e, &["rule \"conf\"", "line 6", bad, "[0, 1]"]);
        }
        let e = error("[[rule]]\nname = \"conf\"\nmin_confidence = 0.8\nmax_confidence = 0.5\nqueue = \"q\"\npriority = \"p\"\n");
        assert_mentions(
            &e,
            &[
                "rule \"conf\"",
                "`max_confidence`",
                "line 7",
                "below min_confidence 0.8",
            ],
        );
        // Equal bounds are a valid (narrow) range.
        routes("[[rule]]\nname = \"conf\"\nmin_confidence = 0.5\nmax_confidence = 0.5\nqueue = \"q\"\npriority = \"p\"\n");
    }

    #[test]
    fn forward_urls_go_with_their_rule_and_stay_out_of_the_analysis() {
        let r = Routes::from_toml_str(
            "[default]\nqueue = \"inbox\"\npriority = \"low\"\nforward = \"http://127.0.0.1:9/inbox\"\n\
             [[rule]]\nname = \"pay\"\nintent = \"payment\"\nqueue = \"accounts\"\npriority = \"high\"\n\
             forward = \"https://hooks.example.in/pay?token=s3cret\"\n\
             [[rule]]\nname = \"jobs\"\nintent = \"hiring\"\nqueue = \"hr\"\npriority = \"low\"\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let mut pay = analysis(Intent::Payment, 0.9, Lang::Hinglish, vec![]);
        let hire = analysis(Intent::Hiring, 0.9, Lang::En, vec![]);
        let other = analysis(Intent::Other, 0.9, Lang::En, vec![]);
        assert_eq!(
            r.forward(&pay),
            Some("https://hooks.example.in/pay?token=s3cret")
        );
        // A matching rule without `forward` does not fall back to the default's URL.
        assert_eq!(r.forward(&hire), None);
        assert_eq!(r.forward(&other), Some("http://127.0.0.1:9/inbox"));
        assert_eq!(
            r.forward_urls(),
            vec![
                ("[default]".to_string(), "http://127.0.0.1:9/inbox"),
                (
                    "rule \"pay\"".to_string(),
                    "https://hooks.example.in/pay?token=s3cret"
                ),
            ]
        );
        r.apply(&mut pay);
        let json = serde_json::to_string(&pay).unwrap();
        assert!(!json.contains("s3cret"), "{json}");
    }

    #[test]
    fn forward_urls_are_checked_where_they_are_written() {
        for (url, why) in [
            ("ftp://example.in/x", "not an http:// or https:// URL"),
            ("hooks.example.in/x", "not an http:// or https:// URL"),
            ("https:///path", "has no host"),
            ("http://:8080/x", "has no host"),
            ("https://example.in/a b", "contains a space"),
        ] {
            let e = error(&format!(
                "[[rule]]\nname = \"fwd\"\nqueue = \"q\"\npriority = \"p\"\nforward = \"{url}\"\n"
            ));
            assert_mentions(&e, &["rule \"fwd\"", "`forward`", "line 8", why]);
        }
        let e =
            Routes::from_toml_str("[default]\nqueue = \"q\"\npriority = \"p\"\nforward = \"\"\n")
                .unwrap_err()
                .to_string();
        assert_mentions(&e, &["[default]", "`forward`"]);
    }

    #[test]
    fn amounts_must_be_non_negative_and_in_order() {
        let e =
            error("[[rule]]\nname = \"amt\"\nmin_amount = -5\nqueue = \"q\"\npriority = \"p\"\n");
        assert_mentions(&e, &["rule \"amt\"", "`min_amount`", "-5", "at least 0"]);
        let e =
            error("[[rule]]\nname = \"amt\"\nmax_amount = inf\nqueue = \"q\"\npriority = \"p\"\n");
        assert_mentions(&e, &["rule \"amt\"", "`max_amount`", "inf"]);
        let e = error("[[rule]]\nname = \"amt\"\nmin_amount = 5000\nmax_amount = 100\nqueue = \"q\"\npriority = \"p\"\n");
        assert_mentions(
            &e,
            &["rule \"amt\"", "`max_amount`", "below min_amount 5000"],
        );
    }

    #[test]
    fn currency_must_be_a_code_and_go_with_an_amount_bound() {
        let e = error("[[rule]]\nname = \"cur\"\nmin_amount = 10\ncurrency = \"rupees\"\nqueue = \"q\"\npriority = \"p\"\n");
        assert_mentions(
            &e,
            &["rule \"cur\"", "`currency`", "\"rupees\"", "ISO 4217"],
        );
        let e = error(
            "[[rule]]\nname = \"cur\"\ncurrency = \"USD\"\nqueue = \"q\"\npriority = \"p\"\n",
        );
        assert_mentions(
            &e,
            &["rule \"cur\"", "`currency`", "min_amount and max_amount"],
        );
    }

    #[test]
    fn routes_need_a_queue_and_a_priority_and_sensible_extras() {
        for (rule, parts) in [
            (
                "queue = \"\"\npriority = \"p\"",
                &["`queue`", "must not be empty"][..],
            ),
            (
                "queue = \"  \"\npriority = \"p\"",
                &["`queue`", "must not be empty"],
            ),
            ("priority = \"p\"", &["missing `queue`"]),
            ("queue = \"q\"", &["missing `priority`"]),
            (
                "queue = \"q\"\npriority = \"\"",
                &["`priority`", "must not be empty"],
            ),
            (
                "queue = \"q\"\npriority = \"p\"\nsla_minutes = 0",
                &["`sla_minutes`", "at least 1"],
            ),
            (
                "queue = \"q\"\npriority = \"p\"\nsla_minutes = -5",
                &["`sla_minutes`", "-5"],
            ),
            (
                "queue = \"q\"\npriority = \"p\"\nsla_minutes = 1.5",
                &["`sla_minutes`"],
            ),
            (
                "queue = \"q\"\npriority = \"p\"\nassignee = \"\"",
                &["`assignee`", "must not be empty"],
            ),
            (
                "queue = 7\npriority = \"p\"",
                &["`queue`", "expected a string"],
            ),
        ] {
            let e = error(&format!(
                "[[rule]]\nname = \"r\"\nintent = \"lead\"\n{rule}\n"
            ));
            assert_mentions(&e, &[&["rule \"r\""][..], parts].concat());
        }
        let e = Routes::from_toml_str("[default]\nqueue = \"inbox\"\n")
            .unwrap_err()
            .to_string();
        assert_mentions(&e, &["[default]", "missing `priority`"]);
        let e = Routes::from_toml_str("default = 3\n")
            .unwrap_err()
            .to_string();
        assert_mentions(&e, &["[default]", "must be a table"]);
    }

    #[test]
    fn rules_without_a_name_are_named_by_position() {
        let e = error(
            "[[rule]]\nname = \"one\"\nintent = \"lead\"\nqueue = \"q\"\npriority = \"p\"\n\
                       [[rule]]\nintent = \"payment\"\nqueue = \"q\"\npriority = \"p\"\n",
        );
        assert_mentions(&e, &["rule #2", "line 9", "missing `name`"]);
        // Errors found before the name is checked name the rule by position too.
        let e = error("[[rule]]\nintent = \"lead\"\nprio = \"q\"\n");
        assert_mentions(&e, &["rule #1", "line 6", "unknown field `prio`"]);
        let e = error("[[rule]]\nname = \"\"\nqueue = \"q\"\npriority = \"p\"\n");
        assert_mentions(&e, &["rule #1", "`name`", "must not be empty"]);
    }

    #[test]
    fn duplicate_names_are_refused_naming_the_first() {
        let e = error("[[rule]]\nname = \"pay\"\nintent = \"payment\"\nqueue = \"q\"\npriority = \"p\"\n\
                       [[rule]]\nname = \"jobs\"\nintent = \"hiring\"\nqueue = \"q\"\npriority = \"p\"\n\
                       [[rule]]\nname = \"pay\"\nintent = \"lead\"\nqueue = \"q\"\npriority = \"p\"\n");
        assert_mentions(&e, &["rule \"pay\"", "line 14", "already used by rule #1"]);
    }

    #[test]
    fn a_rule_without_conditions_before_others_is_refused() {
        let src = format!(
            "{HEAD}[[rule]]\nname = \"everything\"\nqueue = \"q\"\npriority = \"p\"\n\
             [[rule]]\nname = \"pay\"\nintent = \"payment\"\nqueue = \"a\"\npriority = \"p\"\n"
        );
        let e = Routes::from_toml_str(&src).unwrap_err();
        match &e {
            RoutesError::Unreachable {
                rule,
                earlier,
                earlier_matches_everything,
                ..
            } => {
                assert_eq!(rule.to_string(), "rule \"pay\"");
                assert_eq!(earlier.to_string(), "rule \"everything\"");
                assert!(earlier_matches_everything);
            }
            other => panic!("{other:?}"),
        }
        assert_mentions(
            &e.to_string(),
            &[
                "rule \"pay\" at line 8,",
                "can never match",
                "rule \"everything\" (line 4",
                "belongs last",
            ],
        );
    }

    #[test]
    fn a_rule_an_earlier_broader_rule_takes_every_message_of_is_refused() {
        const NARROWER: &str = "narrower rule first";
        const LAST: &str = "belongs last";
        let all_intents =
            "intent = [\"lead\", \"support\", \"payment\", \"booking\", \"hiring\", \"vendor\", \"other\"]";
        for (earlier, later, hint) in [
            (
                "intent = \"payment\"",
                "intent = \"payment\"\nmin_amount = 50000",
                NARROWER,
            ),
            (
                "intent = [\"payment\", \"lead\"]",
                "intent = \"lead\"\nlang = \"hi\"",
                NARROWER,
            ),
            ("has = [\"amount\"]", "min_amount = 10", NARROWER),
            (
                "min_amount = 1000",
                "min_amount = 5000\nmax_amount = 9000",
                NARROWER,
            ),
            (
                "min_confidence = 0.5",
                "min_confidence = 0.7\nmax_confidence = 0.9",
                NARROWER,
            ),
            (
                "lang = [\"hi\", \"mr\"]",
                "lang = \"mr\"\nhas = [\"phone\"]",
                NARROWER,
            ),
            // Listing all seven intents, or the whole confidence range, asks nothing.
            (all_intents, "has = [\"pin\"]", LAST),
            (
                "min_confidence = 0.0\nmax_confidence = 1.0",
                "intent = \"other\"",
                LAST,
            ),
        ] {
            let e = error(&format!(
                "[[rule]]\nname = \"broad\"\n{earlier}\nqueue = \"q\"\npriority = \"p\"\n\
                 [[rule]]\nname = \"narrow\"\n{later}\nqueue = \"q\"\npriority = \"p\"\n"
            ));
            assert_mentions(
                &e,
                &["rule \"narrow\"", "can never match", "rule \"broad\"", hint],
            );
        }
    }

    #[test]
    fn overlapping_rules_that_each_can_match_are_accepted() {
        for (earlier, later) in [
            (
                "intent = \"payment\"\nmin_amount = 50000",
                "intent = \"payment\"",
            ),
            ("intent = \"payment\"", "intent = [\"payment\", \"lead\"]"),
            ("min_amount = 1000", "has = [\"amount\"]"),
            ("min_amount = 1000", "min_amount = 5000\ncurrency = \"USD\""),
            ("min_amount = 1000\nmax_amount = 5000", "min_amount = 2000"),
            ("min_confidence = 0.5", "min_confidence = 0.3"),
            ("max_confidence = 0.4", "intent = \"lead\""),
            ("has = [\"phone\", \"email\"]", "has = [\"phone\"]"),
            ("min_amount = 0", "max_amount = 100"),
        ] {
            routes(&format!(
                "[[rule]]\nname = \"first\"\n{earlier}\nqueue = \"q\"\npriority = \"p\"\n\
                 [[rule]]\nname = \"second\"\n{later}\nqueue = \"q\"\npriority = \"p\"\n"
            ));
        }
    }

    #[test]
    fn rule_must_be_tables() {
        let e = Routes::from_toml_str(&format!("rule = 5\n{HEAD}"))
            .unwrap_err()
            .to_string();
        assert_mentions(&e, &["routes file", "`rule`", "[[rule]]"]);
        let e = Routes::from_toml_str(&format!("rule = [5]\n{HEAD}"))
            .unwrap_err()
            .to_string();
        assert_mentions(&e, &["rule #1", "not a table"]);
        // Inline tables are tables: the same rules written another way.
        let r = Routes::from_toml_str(&format!(
            "rule = [{{ name = \"pay\", intent = \"payment\", queue = \"a\", priority = \"p\" }}]\n{HEAD}"
        ))
        .unwrap();
        assert_eq!(queue(&r, &payment(vec![])), "a");
    }

    #[test]
    fn files_name_their_path_in_errors() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope.toml");
        let e = Routes::from_path(&missing).unwrap_err();
        assert!(matches!(e, RoutesError::Read { .. }), "{e:?}");
        assert_mentions(&e.to_string(), &["nope.toml"]);

        let bad = dir.path().join("routes.toml");
        std::fs::write(&bad, format!("{HEAD}[[rule]]\nname = \"x\"\nintent = \"sale\"\nqueue = \"q\"\npriority = \"p\"\n")).unwrap();
        let e = Routes::from_path(&bad).unwrap_err().to_string();
        assert_mentions(&e, &["routes.toml: rule \"x\" at line 6", "\"sale\""]);

        std::fs::write(&bad, EXAMPLE).unwrap();
        assert_eq!(Routes::from_path(&bad).unwrap(), EXAMPLE.parse().unwrap());
    }

    // ---- the example file ----

    #[test]
    fn the_example_file_parses_with_its_rules_in_order() {
        let r: Routes = EXAMPLE.parse().unwrap_or_else(|e| panic!("{e}"));
        let names: Vec<_> = r.rules().iter().map(Rule::name).collect();
        assert_eq!(
            names,
            [
                "big-payments",
                "unsure",
                "payments",
                "order-problems",
                "support",
                "wholesale-leads",
                "leads-hindi",
                "leads",
                "fittings",
                "suppliers",
                "job-seekers",
            ]
        );
        assert_eq!(r.default_route().queue, "inbox");
    }

    /// The example's comments, as analyses written by hand: what each rule is said to take.
    #[test]
    fn the_example_file_routes_as_its_comments_say() {
        let r: Routes = EXAMPLE.parse().unwrap();
        let rule = |a: &Analysis| r.matching_rule(a).map(Rule::name);
        // A big payment goes to Ravi even when the model is unsure.
        let big = analysis(
            Intent::Payment,
            0.35,
            Lang::Hinglish,
            vec![money(75_000.0, "INR"), entity(EntityKind::OrderId)],
        );
        assert_eq!(rule(&big), Some("big-payments"));
        let route = r.route(&big);
        assert_eq!(
            (
                route.queue.as_str(),
                route.priority.as_str(),
                route.assignee.as_deref()
            ),
            ("accounts", "urgent", Some("Ravi"))
        );
        // An unsure small payment is read by a person first; a sure one goes to accounts.
        let small = |confidence| {
            analysis(
                Intent::Payment,
                confidence,
                Lang::Hinglish,
                vec![money(1850.0, "INR")],
            )
        };
        assert_eq!(rule(&small(0.35)), Some("unsure"));
        assert_eq!(rule(&small(0.9)), Some("payments"));
        assert_eq!(r.route(&small(0.9)).priority, "normal");
        // Support with an order id is urgent-ish; without, normal.
        let support = |entities| analysis(Intent::Support, 0.8, Lang::Hinglish, entities);
        assert_eq!(
            rule(&support(vec![entity(EntityKind::OrderId)])),
            Some("order-problems")
        );
        assert_eq!(rule(&support(vec![])), Some("support"));
        // Leads: confident quantities to Meena, Hindi to Sunil, the rest to the sales queue.
        let lead = |confidence, lang, entities| analysis(Intent::Lead, confidence, lang, entities);
        let wholesale = lead(0.8, Lang::Hinglish, vec![entity(EntityKind::Quantity)]);
        assert_eq!(r.route(&wholesale).assignee.as_deref(), Some("Meena"));
        let unsure_quantity = lead(0.5, Lang::Hinglish, vec![entity(EntityKind::Quantity)]);
        assert_eq!(rule(&unsure_quantity), Some("leads-hindi"));
        assert_eq!(
            r.route(&lead(0.8, Lang::Hi, vec![])).assignee.as_deref(),
            Some("Sunil")
        );
        assert_eq!(rule(&lead(0.8, Lang::Ta, vec![])), Some("leads"));
        assert_eq!(r.route(&lead(0.8, Lang::Ta, vec![])).assignee, None);
        assert_eq!(
            rule(&analysis(Intent::Booking, 0.9, Lang::Hinglish, vec![])),
            Some("fittings")
        );
        assert_eq!(
            r.route(&analysis(Intent::Vendor, 0.9, Lang::En, vec![]))
                .queue,
            "purchase"
        );
        assert_eq!(
            r.route(&analysis(Intent::Hiring, 0.9, Lang::En, vec![]))
                .queue,
            "hiring"
        );
        // Greetings and thanks fall through to the inbox.
        let other = analysis(Intent::Other, 0.95, Lang::En, vec![]);
        assert_eq!(rule(&other), None);
        assert_eq!(r.route(&other).queue, "inbox");
    }

    // ---- the engine ----

    fn engine_with_example() -> crate::Engine {
        crate::Engine::builder()
            .routes(EXAMPLE.parse().unwrap())
            .build()
            .expect("the shipped model loads")
    }

    /// Messages from the example's comments, read by the shipped model.
    #[test]
    fn the_engine_routes_the_example_messages_as_the_comments_say() {
        let engine = engine_with_example();
        assert_eq!(engine.routes().unwrap().rules().len(), 11);
        for (text, expected) in [
            (
                "Sir 75,000 ka NEFT kar diya hai, UTR 412345678901, order #8812 ke liye",
                "big-payments",
            ),
            ("order #4582 abhi tak nahi aaya", "order-problems"),
            ("kal 5 baje aa sakte hain fitting ke liye?", "fittings"),
            ("50 pcs chahiye cotton suits ke, rate?", "wholesale-leads"),
        ] {
            let a = engine.classify(text).unwrap();
            let routes = engine.routes().unwrap();
            assert_eq!(
                routes.matching_rule(&a).map(Rule::name),
                Some(expected),
                "{text}: {a:?}"
            );
            assert_eq!(a.route.as_ref(), Some(routes.route(&a)), "{text}");
            let forward = (expected == "big-payments")
                .then_some("https://n8n.example.in/webhook/big-payments");
            assert_eq!(routes.forward(&a), forward, "{text}");
        }
    }

    #[test]
    fn the_engine_routes_batches_like_single_messages_and_without_rules_gives_no_route() {
        let engine = engine_with_example();
        let texts = [
            "UPI se 1,850 bhej diya",
            "good morning sir 🙏",
            "order #4582 abhi tak nahi aaya",
        ];
        let batch = engine.classify_batch(&texts);
        for (text, a) in texts.iter().zip(batch) {
            let a = a.unwrap();
            assert!(a.route.is_some(), "{text}");
            assert_eq!(a, engine.classify(text).unwrap(), "{text}");
        }
        let plain = crate::Engine::builder().build().unwrap();
        assert!(plain.routes().is_none());
        assert_eq!(plain.classify(texts[0]).unwrap().route, None);
        assert!(plain
            .classify_batch(&texts)
            .iter()
            .all(|a| a.as_ref().unwrap().route.is_none()));
    }
}
