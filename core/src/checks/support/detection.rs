//! What GuardDuty's detector says of Runtime Monitoring for one kind of ECS capacity, shared by
//! the Fargate (GuardDuty.12) and EC2 (GuardDuty.13) checks.

use crate::checks::AccountView;
use crate::finding::Outcome;
use crate::model::load_balancing::Read;

/// The feature Runtime Monitoring is (`EKS_RUNTIME_MONITORING` covers EKS only).
pub const RUNTIME_MONITORING: &str = "RUNTIME_MONITORING";

/// Passes when the region's detector is enabled with Runtime Monitoring and the agent
/// management configuration `agent` (`ECS_FARGATE_AGENT_MANAGEMENT`, `EC2_AGENT_MANAGEMENT`)
/// enabled; `workloads` names what the agent would watch (the same words whatever the scan's
/// scope, so a rescan of part of the region changes no evidence).
pub fn runtime_monitoring(v: &AccountView<'_>, agent: &str, workloads: &str) -> Outcome {
    let s = v.settings;
    let detector = match &s.guardduty_detector {
        Some(Read::Answered(d)) => d,
        Some(Read::Error(e)) => {
            return Outcome::unknown(format!(
                "not read: the GuardDuty detector (guardduty:GetDetector: {})",
                e.code
            ));
        }
        None => {
            return match &s.guardduty_detectors {
                Some(Read::Answered(ids)) if ids.is_empty() => Outcome::failed(vec![format!(
                    "GuardDuty is not enabled in {}: the account has no detector there (Security Hub GuardDuty.1), so nothing watches {workloads}",
                    v.region
                )]),
                Some(Read::Answered(ids)) => Outcome::unknown(format!(
                    "not read: the GuardDuty detector {} (aws guardduty get-detector)",
                    ids.join(", ")
                )),
                Some(Read::Error(e)) => Outcome::unknown(format!(
                    "not read: the GuardDuty detectors (guardduty:ListDetectors: {})",
                    e.code
                )),
                None => Outcome::unknown(
                    "not read: GuardDuty (aws guardduty list-detectors, get-detector)".to_owned(),
                ),
            };
        }
    };
    if !detector.is_enabled() {
        return Outcome::failed(vec![format!(
            "the GuardDuty detector in {} is suspended (Status {}): nothing watches {workloads}",
            v.region,
            detector.status.as_deref().unwrap_or("absent")
        )]);
    }
    if detector.features.is_none() {
        return Outcome::unknown(
            "not read: the GuardDuty detector's features (the get-detector output has no Features)"
                .to_owned(),
        );
    }
    match detector.feature(RUNTIME_MONITORING) {
        Some(f) if f.is_enabled() => {
            if f.configuration_enabled(agent) {
                Outcome::Passed
            } else {
                Outcome::failed(vec![format!(
                    "GuardDuty Runtime Monitoring is enabled in {} but its automated agent management ({agent}) is not: {workloads} run without the GuardDuty security agent unless it was deployed by hand",
                    v.region
                )])
            }
        }
        _ => Outcome::failed(vec![format!(
            "GuardDuty Runtime Monitoring ({RUNTIME_MONITORING}) is not enabled in {}: process, file and network activity inside the containers of {workloads} is not watched",
            v.region
        )]),
    }
}
