//! Counts, the 0-100 score and the posture.
//!
//! The score follows the seed tools' weights: start at 100, subtract 20 per HIGH, 10 per MEDIUM
//! and 5 per LOW failed evaluation, floored at 0. A CRITICAL failure subtracts 40 (twice a
//! HIGH), and any CRITICAL failure makes the risk level at least HIGH whatever the score. It is
//! kept for compatibility, but reaches 0 as soon as an estate has a handful of findings.
//!
//! The posture stays meaningful at any size: the severity-weighted pass rate of the evaluated
//! checks (PASSED and FAILED; NOT_APPLICABLE left out), with weights CRITICAL 10, HIGH 5,
//! MEDIUM 2, LOW 1 and INFORMATIONAL 0, as a percentage rounded down (100 when nothing
//! weighted was evaluated). It is computed the same way per cluster, account-region, account and
//! organization ([`posture_by`]), so a larger estate with the same habits has the same posture.

use serde::Serialize;
use std::collections::HashSet;

use crate::evaluation::Evaluation;
use crate::finding::{Severity, Status};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum RiskLevel {
    Low,
    Medium,
    High,
    Critical,
}

impl RiskLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            RiskLevel::Low => "LOW",
            RiskLevel::Medium => "MEDIUM",
            RiskLevel::High => "HIGH",
            RiskLevel::Critical => "CRITICAL",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StatusCounts {
    #[serde(rename = "FAILED")]
    pub failed: usize,
    #[serde(rename = "PASSED")]
    pub passed: usize,
    #[serde(rename = "NOT_APPLICABLE")]
    pub not_applicable: usize,
    /// Unknown: a resource the check needed could not be read.
    #[serde(rename = "NOT_AVAILABLE", skip_serializing_if = "is_zero")]
    pub not_available: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl StatusCounts {
    /// `, N not available (not read)` when some evaluations are unknown, else nothing: for the
    /// count lines of the text outputs.
    pub fn not_available_note(&self) -> String {
        if self.not_available == 0 {
            String::new()
        } else {
            format!(", {} not available (not read)", self.not_available)
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SeverityCounts {
    #[serde(rename = "CRITICAL")]
    pub critical: usize,
    #[serde(rename = "HIGH")]
    pub high: usize,
    #[serde(rename = "MEDIUM")]
    pub medium: usize,
    #[serde(rename = "LOW")]
    pub low: usize,
    #[serde(rename = "INFORMATIONAL")]
    pub informational: usize,
}

impl SeverityCounts {
    pub fn add(&mut self, s: Severity) {
        match s {
            Severity::Critical => self.critical += 1,
            Severity::High => self.high += 1,
            Severity::Medium => self.medium += 1,
            Severity::Low => self.low += 1,
            Severity::Informational => self.informational += 1,
        }
    }

    pub fn get(&self, s: Severity) -> usize {
        match s {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
            Severity::Informational => self.informational,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub evaluations: usize,
    pub resources: usize,
    pub resources_failing: usize,
    pub checks: usize,
    pub by_status: StatusCounts,
    /// FAILED evaluations by severity.
    pub failed_by_severity: SeverityCounts,
    pub score: u8,
    pub risk_level: RiskLevel,
    /// The severity-weighted pass rate (see the module documentation).
    pub posture: u8,
}

/// The weight of a severity in the posture.
pub fn posture_weight(s: Severity) -> u64 {
    match s {
        Severity::Critical => 10,
        Severity::High => 5,
        Severity::Medium => 2,
        Severity::Low => 1,
        Severity::Informational => 0,
    }
}

/// Weighted passed and evaluated totals, to combine before dividing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PostureTally {
    pub passed: u64,
    pub evaluated: u64,
}

impl PostureTally {
    pub fn add(&mut self, e: &Evaluation) {
        let w = posture_weight(e.severity());
        match e.status {
            Status::Passed => {
                self.passed += w;
                self.evaluated += w;
            }
            Status::Failed => self.evaluated += w,
            Status::NotApplicable | Status::NotAvailable => {}
        }
    }

    pub fn percent(&self) -> u8 {
        (self.passed * 100)
            .checked_div(self.evaluated)
            .map_or(100, |p| p as u8)
    }
}

/// The posture of some evaluations.
pub fn posture<'a>(evaluations: impl IntoIterator<Item = &'a Evaluation>) -> u8 {
    let mut t = PostureTally::default();
    for e in evaluations {
        t.add(e);
    }
    t.percent()
}

/// The posture of one group (a cluster, account-region or account).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PostureGroup {
    pub label: String,
    pub posture: u8,
    pub evaluations: usize,
    pub failed: usize,
}

/// The posture of each group `group` puts an evaluation in (an evaluation may be in several, a
/// revision run in several clusters; none: left out), by label.
pub fn posture_by<'a, F, I>(
    evaluations: impl IntoIterator<Item = &'a Evaluation>,
    group: F,
) -> Vec<PostureGroup>
where
    F: Fn(&'a Evaluation) -> I,
    I: IntoIterator<Item = String>,
{
    let mut tallies: std::collections::BTreeMap<String, (PostureTally, usize, usize)> =
        std::collections::BTreeMap::new();
    for e in evaluations {
        for label in group(e) {
            let t = tallies.entry(label).or_default();
            t.0.add(e);
            t.1 += 1;
            t.2 += usize::from(e.status == Status::Failed);
        }
    }
    tallies
        .into_iter()
        .map(|(label, (t, evaluations, failed))| PostureGroup {
            label,
            posture: t.percent(),
            evaluations,
            failed,
        })
        .collect()
}

/// Score from failed counts, per the module documentation.
pub fn score(failed: &SeverityCounts) -> u8 {
    let penalty = 40 * failed.critical + 20 * failed.high + 10 * failed.medium + 5 * failed.low;
    100usize.saturating_sub(penalty) as u8
}

pub fn risk_level(score: u8, failed: &SeverityCounts) -> RiskLevel {
    let by_score = match score {
        80..=100 => RiskLevel::Low,
        60..=79 => RiskLevel::Medium,
        40..=59 => RiskLevel::High,
        _ => RiskLevel::Critical,
    };
    if failed.critical > 0 {
        by_score.max(RiskLevel::High)
    } else {
        by_score
    }
}

pub fn summarize<'a>(evaluations: impl IntoIterator<Item = &'a Evaluation>) -> Summary {
    let mut by_status = StatusCounts::default();
    let mut failed = SeverityCounts::default();
    let mut resources = HashSet::new();
    let mut failing = HashSet::new();
    let mut checks = HashSet::new();
    let mut count = 0;
    let mut tally = PostureTally::default();
    for e in evaluations {
        count += 1;
        tally.add(e);
        resources.insert(e.resource.arn.as_str());
        checks.insert(e.check.id);
        match e.status {
            Status::Failed => {
                by_status.failed += 1;
                failed.add(e.severity());
                failing.insert(e.resource.arn.as_str());
            }
            Status::Passed => by_status.passed += 1,
            Status::NotApplicable => by_status.not_applicable += 1,
            Status::NotAvailable => by_status.not_available += 1,
        }
    }
    let score = score(&failed);
    Summary {
        posture: tally.percent(),
        evaluations: count,
        resources: resources.len(),
        resources_failing: failing.len(),
        checks: checks.len(),
        by_status,
        risk_level: risk_level(score, &failed),
        failed_by_severity: failed,
        score,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_weights_and_floor() {
        let mut c = SeverityCounts::default();
        assert_eq!(score(&c), 100);
        c.high = 1;
        c.medium = 1;
        c.low = 1;
        assert_eq!(score(&c), 65);
        c.critical = 1;
        assert_eq!(score(&c), 25);
        c.high = 10;
        assert_eq!(score(&c), 0);
    }

    #[test]
    fn posture_is_a_weighted_pass_rate() {
        let mut t = PostureTally::default();
        assert_eq!(t.percent(), 100, "nothing evaluated");
        // One HIGH passed (5), one CRITICAL failed (10), one LOW failed (1): 5 / 16.
        t.passed = 5;
        t.evaluated = 16;
        assert_eq!(t.percent(), 31);
        // Twice the estate, the same rate.
        t.passed *= 2;
        t.evaluated *= 2;
        assert_eq!(t.percent(), 31);
        assert_eq!(posture_weight(Severity::Informational), 0);
        assert!(posture_weight(Severity::Critical) > posture_weight(Severity::High));
    }

    #[test]
    fn critical_raises_risk() {
        let c = SeverityCounts {
            critical: 1,
            ..Default::default()
        };
        assert_eq!(score(&c), 60);
        assert_eq!(risk_level(60, &c), RiskLevel::High);
        assert_eq!(risk_level(85, &SeverityCounts::default()), RiskLevel::Low);
        assert_eq!(
            risk_level(10, &SeverityCounts::default()),
            RiskLevel::Critical
        );
    }
}
