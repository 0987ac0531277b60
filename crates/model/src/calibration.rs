//! Temperature scaling: one scalar `T` divides the logits so that confidences match accuracy.
//!
//! `T` is fitted on held-out (dev) data by minimising the negative log-likelihood; with one
//! parameter and a convex-in-practice objective, a golden-section search over `ln T` is exact
//! enough and deterministic.

/// Softmax of `logits / t`, numerically stable.
pub fn softmax_with_temperature(logits: &[f32], t: f32) -> Vec<f32> {
    let t = if t.is_finite() && t > 0.0 { t } else { 1.0 };
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let exps: Vec<f32> = logits.iter().map(|&l| ((l - max) / t).exp()).collect();
    let sum: f32 = exps.iter().sum();
    exps.into_iter().map(|e| e / sum).collect()
}

fn nll(logits: &[Vec<f32>], gold: &[usize], t: f32) -> f64 {
    logits
        .iter()
        .zip(gold)
        .map(|(l, &g)| {
            let p = softmax_with_temperature(l, t)[g].max(1e-12);
            -(p as f64).ln()
        })
        .sum::<f64>()
        / logits.len().max(1) as f64
}

/// The temperature in [0.05, 20] that minimises the negative log-likelihood of `gold` under
/// `logits`. Returns 1.0 when there is no data.
pub fn fit_temperature(logits: &[Vec<f32>], gold: &[usize]) -> f32 {
    if logits.is_empty() {
        return 1.0;
    }
    let (mut lo, mut hi) = (0.05f64.ln(), 20f64.ln());
    let phi = (5f64.sqrt() - 1.0) / 2.0;
    let f = |x: f64| nll(logits, gold, x.exp() as f32);
    let mut a = hi - phi * (hi - lo);
    let mut b = lo + phi * (hi - lo);
    let (mut fa, mut fb) = (f(a), f(b));
    for _ in 0..60 {
        if fa < fb {
            hi = b;
            b = a;
            fb = fa;
            a = hi - phi * (hi - lo);
            fa = f(a);
        } else {
            lo = a;
            a = b;
            fa = fb;
            b = lo + phi * (hi - lo);
            fb = f(b);
        }
    }
    ((lo + hi) / 2.0).exp() as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn softmax_sums_to_one_and_sharpens_with_low_t() {
        let p = softmax_with_temperature(&[2.0, 1.0, 0.0], 1.0);
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        let sharp = softmax_with_temperature(&[2.0, 1.0, 0.0], 0.5);
        assert!(sharp[0] > p[0]);
        let huge = softmax_with_temperature(&[1000.0, 0.0], 1.0);
        assert!(huge[0].is_finite() && huge[0] > 0.999);
    }

    #[test]
    fn overconfident_logits_get_a_temperature_above_one() {
        // Logits say 99.9% but the model is right only 70% of the time.
        let mut logits = Vec::new();
        let mut gold = Vec::new();
        for i in 0..100 {
            logits.push(vec![7.0, 0.0]);
            gold.push(if i < 70 { 0 } else { 1 });
        }
        let t = fit_temperature(&logits, &gold);
        let p = softmax_with_temperature(&logits[0], t)[0];
        assert!(t > 1.0 && (p - 0.7).abs() < 0.01, "t={t} p={p}");
        assert_eq!(fit_temperature(&[], &[]), 1.0);
    }
}
