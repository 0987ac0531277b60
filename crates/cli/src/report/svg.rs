//! Inline SVG charts: stacked bars, plain bars and horizontal bar pairs.
//!
//! Every chart is drawn in a fixed `viewBox` coordinate space ([`WIDTH`] units wide) and shown at
//! `width: 100%` (at most 640 px, see html.rs), so it scales with the screen; the width is chosen
//! so that a unit is about a CSS pixel on a 360–412 px phone, where the text must stay readable. Each bar carries a `<title>` with its exact figure (a tooltip on
//! desktops, read out by screen readers), and no chart needs script, fonts or images. All text
//! passes through [`escape`].

use super::format::escape;
use std::fmt::Write;

/// Width of every chart in viewBox units.
pub const WIDTH: f64 = 420.0;
const LEFT: f64 = 34.0;
const RIGHT: f64 = 6.0;
const TOP: f64 = 18.0;
const BOTTOM: f64 = 32.0;
const PLOT_HEIGHT: f64 = 170.0;
/// Most x-axis labels shown; with more bars every k-th is labelled.
const MAX_X_LABELS: usize = 6;

/// One stacked series: its name and colour.
pub struct Series<'a> {
    /// Shown in tooltips.
    pub name: &'a str,
    /// A CSS colour.
    pub colour: &'a str,
}

/// The smallest "round" step (1, 2, 5 × 10^k) that divides `max` into at most four parts, and
/// the axis top it gives.
fn axis(max: u64) -> (u64, u64) {
    let max = max.max(1);
    let mut magnitude: u64 = 1;
    loop {
        for m in [1, 2, 5] {
            let step = magnitude.saturating_mul(m);
            if max.div_ceil(step) <= 4 {
                return (step, step.saturating_mul(max.div_ceil(step)));
            }
        }
        magnitude = magnitude.saturating_mul(10);
    }
}

fn open(out: &mut String, height: f64, label: &str) {
    let _ = write!(
        out,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {height:.0}" width="100%" role="img" aria-label="{l}"><title>{l}</title>"#,
        l = escape(label)
    );
}

fn y_axis(out: &mut String, top: u64, step: u64) {
    let mut tick = 0;
    while tick <= top {
        let y = TOP + PLOT_HEIGHT * (1.0 - tick as f64 / top as f64);
        let _ = write!(
            out,
            r##"<line x1="{LEFT}" x2="{x2}" y1="{y:.1}" y2="{y:.1}" stroke="#e5e7eb" stroke-width="1"/><text x="{tx}" y="{ty:.1}" text-anchor="end" class="tick">{t}</text>"##,
            x2 = WIDTH - RIGHT,
            tx = LEFT - 4.0,
            ty = y + 4.0,
            t = super::format::count(tick),
        );
        tick += step;
    }
}

fn x_labels(out: &mut String, labels: &[String], slot: f64) {
    let every = labels.len().div_ceil(MAX_X_LABELS).max(1);
    for (i, label) in labels.iter().enumerate() {
        if i % every != 0 {
            continue;
        }
        let x = LEFT + slot * (i as f64 + 0.5);
        let _ = write!(
            out,
            r#"<text x="{x:.1}" y="{y:.1}" text-anchor="middle" class="tick">{t}</text>"#,
            y = TOP + PLOT_HEIGHT + 18.0,
            t = escape(label)
        );
    }
}

/// Stacked vertical bars: `values[i][s]` is series `s` at label `i`.
pub fn stacked_bars(
    title: &str,
    labels: &[String],
    series: &[Series],
    values: &[Vec<u64>],
) -> String {
    let totals: Vec<u64> = values.iter().map(|v| v.iter().sum()).collect();
    let (step, top) = axis(totals.iter().copied().max().unwrap_or(0));
    let mut out = String::new();
    open(&mut out, TOP + PLOT_HEIGHT + BOTTOM, title);
    y_axis(&mut out, top, step);
    let n = labels.len().max(1);
    let slot = (WIDTH - LEFT - RIGHT) / n as f64;
    let bar = (slot * 0.72).max(1.0);
    for (i, (label, row)) in labels.iter().zip(values).enumerate() {
        let x = LEFT + slot * i as f64 + (slot - bar) / 2.0;
        let mut base = 0u64;
        for (s, &v) in series.iter().zip(row) {
            if v == 0 {
                continue;
            }
            let y0 = TOP + PLOT_HEIGHT * (1.0 - base as f64 / top as f64);
            base += v;
            let y1 = TOP + PLOT_HEIGHT * (1.0 - base as f64 / top as f64);
            let _ = write!(
                out,
                r#"<rect x="{x:.1}" y="{y1:.1}" width="{bar:.1}" height="{h:.1}" fill="{c}"><title>{l}: {name} {v}</title></rect>"#,
                h = y0 - y1,
                c = s.colour,
                l = escape(label),
                name = escape(s.name),
            );
        }
    }
    x_labels(&mut out, labels, slot);
    out.push_str("</svg>");
    out
}

/// Plain vertical bars with their value above each non-zero bar.
pub fn bars(title: &str, labels: &[String], values: &[u64], colour: &str, what: &str) -> String {
    let (step, top) = axis(values.iter().copied().max().unwrap_or(0));
    let mut out = String::new();
    open(&mut out, TOP + PLOT_HEIGHT + BOTTOM, title);
    y_axis(&mut out, top, step);
    let n = labels.len().max(1);
    let slot = (WIDTH - LEFT - RIGHT) / n as f64;
    let bar = (slot * 0.72).max(1.0);
    for (i, (label, &v)) in labels.iter().zip(values).enumerate() {
        if v == 0 {
            continue;
        }
        let x = LEFT + slot * i as f64 + (slot - bar) / 2.0;
        let h = PLOT_HEIGHT * v as f64 / top as f64;
        let y = TOP + PLOT_HEIGHT - h;
        let _ = write!(
            out,
            r#"<rect x="{x:.1}" y="{y:.1}" width="{bar:.1}" height="{h:.1}" fill="{colour}"><title>{l}: {v} {w}</title></rect>"#,
            l = escape(label),
            w = escape(what),
        );
        if n <= 26 {
            let _ = write!(
                out,
                r#"<text x="{cx:.1}" y="{ty:.1}" text-anchor="middle" class="value">{v}</text>"#,
                cx = x + bar / 2.0,
                ty = y - 3.0,
            );
        }
    }
    x_labels(&mut out, labels, slot);
    out.push_str("</svg>");
    out
}

/// One bar of a horizontal group: its value, the text written after it, its colour.
pub struct HBar<'a> {
    /// Length.
    pub value: u64,
    /// Written at its end.
    pub text: String,
    /// A CSS colour.
    pub colour: &'a str,
    /// Tooltip.
    pub title: String,
}

/// Horizontal bars in groups, one labelled group per row.
pub fn hbars(title: &str, rows: &[(String, Vec<HBar>)]) -> String {
    const LABEL: f64 = 82.0;
    const TEXT: f64 = 78.0;
    const BAR: f64 = 14.0;
    const GAP: f64 = 3.0;
    const GROUP_GAP: f64 = 12.0;
    let max = rows
        .iter()
        .flat_map(|(_, bars)| bars.iter().map(|b| b.value))
        .max()
        .unwrap_or(0)
        .max(1);
    let group_height = |bars: usize| bars as f64 * (BAR + GAP) - GAP;
    let height: f64 = rows
        .iter()
        .map(|(_, b)| group_height(b.len()) + GROUP_GAP)
        .sum::<f64>()
        + TOP;
    let mut out = String::new();
    open(&mut out, height.max(TOP + 20.0), title);
    let span = WIDTH - LABEL - TEXT;
    let mut y = TOP;
    for (label, bars) in rows {
        let gh = group_height(bars.len());
        let _ = write!(
            out,
            r#"<text x="{x}" y="{ty:.1}" text-anchor="end" class="label">{l}</text>"#,
            x = LABEL - 6.0,
            ty = y + gh / 2.0 + 5.0,
            l = escape(label)
        );
        for (j, b) in bars.iter().enumerate() {
            let by = y + j as f64 * (BAR + GAP);
            let w = (span * b.value as f64 / max as f64).max(if b.value > 0 { 1.0 } else { 0.0 });
            let _ = write!(
                out,
                r#"<rect x="{LABEL}" y="{by:.1}" width="{w:.1}" height="{BAR}" fill="{c}"><title>{t}</title></rect><text x="{tx:.1}" y="{ty:.1}" class="value">{v}</text>"#,
                c = b.colour,
                t = escape(&b.title),
                tx = LABEL + w + 4.0,
                ty = by + BAR - 3.0,
                v = escape(&b.text),
            );
        }
        y += gh + GROUP_GAP;
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_tops_are_round() {
        assert_eq!(axis(0), (1, 1));
        assert_eq!(axis(3), (1, 3));
        assert_eq!(axis(7), (2, 8));
        assert_eq!(axis(17), (5, 20));
        assert_eq!(axis(1234), (500, 1500));
        assert!(axis(u64::MAX).0 > 0);
    }

    #[test]
    fn charts_scale_with_their_viewbox_and_escape_labels() {
        let labels = vec!["<b>".to_string(), "11 Mar".to_string()];
        let series = [
            Series {
                name: "lead",
                colour: "#2563eb",
            },
            Series {
                name: "other",
                colour: "#9ca3af",
            },
        ];
        let svg = stacked_bars("t", &labels, &series, &[vec![2, 1], vec![0, 0]]);
        assert!(
            svg.starts_with(r#"<svg class="chart" viewBox="0 0 420 "#),
            "{svg}"
        );
        assert!(svg.contains(r#"width="100%""#));
        assert!(svg.contains("&lt;b&gt;: lead 2") && !svg.contains("<b>"));
        assert!(svg.contains("11 Mar"));
        assert_eq!(svg.matches("<rect").count(), 2, "no rectangle for zeros");
        // Empty data draws an empty chart, no division by zero.
        let empty = bars("t", &[], &[], "#000", "leads");
        assert!(empty.ends_with("</svg>") && !empty.contains("NaN") && !empty.contains("inf"));
        let h = hbars("t", &[]);
        assert!(h.ends_with("</svg>") && !h.contains("NaN"));
    }
}
