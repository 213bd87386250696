//! The account-region's detection services, read as the AWS CLI prints them where the workloads
//! they protect run: GuardDuty's detector (`aws guardduty list-detectors`, `get-detector`) where
//! container instances or Fargate services run, and Amazon Inspector's ECR scanning (`aws
//! inspector2 batch-get-account-status`) where task definitions use the account's own ECR
//! images. Calls: one `ListDetectors` (an account has at most one detector per region), one
//! `GetDetector`, one `BatchGetAccountStatus` for the scanned account. An AWS error answer is
//! kept as the CLI's error document in the file that binds it.

use aws_sdk_guardduty::types::DetectorAdditionalConfigurationResult;
use ecs_posture_core::checks::{AccountWorkloads, Workload};
use ecs_posture_core::model::account::{
    GUARDDUTY_DETECTOR_FILE, GUARDDUTY_DETECTORS_FILE, INSPECTOR_STATUS_FILE,
};
use serde_json::{Value, json};

use super::ec2::NetworkRead;

/// The files this reader writes (`snapshot --live` keeps them as they are).
pub const FILES: [&str; 3] = [
    GUARDDUTY_DETECTORS_FILE,
    GUARDDUTY_DETECTOR_FILE,
    INSPECTOR_STATUS_FILE,
];

/// GuardDuty is read where container instances or Fargate workloads run.
pub fn needs_guardduty(w: &AccountWorkloads) -> bool {
    w.has(Workload::Ec2Capacity) || w.has(Workload::Fargate)
}

/// Inspector is read where the account's ECR images are used.
pub fn needs_inspector(w: &AccountWorkloads) -> bool {
    w.has(Workload::EcrImages)
}

pub async fn read_guardduty(client: &aws_sdk_guardduty::Client, account: &str) -> NetworkRead {
    let mut out = NetworkRead::default();
    let mut ids: Vec<String> = Vec::new();
    let mut pages = client.list_detectors().into_paginator().send();
    while let Some(page) = pages.next().await {
        out.count("guardduty:ListDetectors");
        match page {
            Ok(p) => ids.extend(p.detector_ids().iter().cloned()),
            Err(e) => {
                out.errors.push(format!(
                    "guardduty:ListDetectors in account {account}: {}",
                    super::sdk_error_summary(&e)
                ));
                if let Some(error) = super::error_document(&e) {
                    out.docs.push((GUARDDUTY_DETECTORS_FILE.into(), error));
                }
                return out;
            }
        }
    }
    out.docs
        .push((GUARDDUTY_DETECTORS_FILE.into(), json!({"DetectorIds": ids})));
    let Some(id) = ids.first() else {
        return out;
    };
    out.count("guardduty:GetDetector");
    match client.get_detector().detector_id(id).send().await {
        Ok(d) => {
            let features: Vec<Value> = d
                .features()
                .iter()
                .map(|f| {
                    json!({
                        "Name": f.name().map(|n| n.as_str()),
                        "Status": f.status().map(|s| s.as_str()),
                        "AdditionalConfiguration": f
                            .additional_configuration()
                            .iter()
                            .map(configuration)
                            .collect::<Vec<_>>(),
                    })
                })
                .collect();
            out.docs.push((
                GUARDDUTY_DETECTOR_FILE.into(),
                json!({
                    "CreatedAt": d.created_at(),
                    "FindingPublishingFrequency": d.finding_publishing_frequency().map(|f| f.as_str()),
                    "ServiceRole": d.service_role(),
                    "Status": d.status().map(|s| s.as_str()),
                    "UpdatedAt": d.updated_at(),
                    "Features": features,
                }),
            ));
        }
        Err(e) => {
            out.errors.push(format!(
                "guardduty:GetDetector {id} in account {account}: {}",
                super::sdk_error_summary(&e)
            ));
            if let Some(error) = super::error_document(&e) {
                out.docs.push((GUARDDUTY_DETECTOR_FILE.into(), error));
            }
        }
    }
    out
}

fn configuration(c: &DetectorAdditionalConfigurationResult) -> Value {
    json!({
        "Name": c.name().map(|n| n.as_str()),
        "Status": c.status().map(|s| s.as_str()),
    })
}

pub async fn read_inspector(client: &aws_sdk_inspector2::Client, account: &str) -> NetworkRead {
    let mut out = NetworkRead::default();
    out.count("inspector2:BatchGetAccountStatus");
    let state = |s: Option<&aws_sdk_inspector2::types::State>| {
        s.map(|s| {
            json!({
                "status": s.status().as_str(),
                "errorCode": s.error_code().as_str(),
                "errorMessage": s.error_message(),
            })
        })
    };
    match client
        .batch_get_account_status()
        .account_ids(account)
        .send()
        .await
    {
        Ok(o) => {
            let accounts: Vec<Value> = o
                .accounts()
                .iter()
                .map(|a| {
                    let r = a.resource_state();
                    json!({
                        "accountId": a.account_id(),
                        "state": state(a.state()),
                        "resourceState": {
                            "ec2": state(r.and_then(|r| r.ec2())),
                            "ecr": state(r.and_then(|r| r.ecr())),
                            "lambda": state(r.and_then(|r| r.lambda())),
                        },
                    })
                })
                .collect();
            let failed: Vec<Value> = o
                .failed_accounts()
                .iter()
                .map(|f| {
                    json!({
                        "accountId": f.account_id(),
                        "status": f.status().map(|s| s.as_str()),
                        "errorCode": f.error_code().as_str(),
                        "errorMessage": f.error_message(),
                    })
                })
                .collect();
            out.docs.push((
                INSPECTOR_STATUS_FILE.into(),
                json!({"accounts": accounts, "failedAccounts": failed}),
            ));
        }
        Err(e) => {
            out.errors.push(format!(
                "inspector2:BatchGetAccountStatus in account {account}: {}",
                super::sdk_error_summary(&e)
            ));
            if let Some(error) = super::error_document(&e) {
                out.docs.push((INSPECTOR_STATUS_FILE.into(), error));
            }
        }
    }
    out
}
