//! The load balancers in front of a scan's services: exactly the target groups their
//! `loadBalancers[]` name (and their task sets'), the load balancers those groups are attached
//! to, and each load balancer's listeners and attributes. Each resource is read once per scan
//! however many services share it: target groups 400 ARNs a call, load balancers 20. A batch that
//! answers "not found" (a group or load balancer deleted since the service was described) is
//! read again one ARN at a time, so one stale reference hides nothing else; what is not found is
//! absent. Listener and attribute reads that answer an AWS error are kept as the AWS CLI's error
//! document (`{"Code", "Message"}`, unknown to the checks); other failures leave the part
//! unread. Also the conversion of SDK types to the JSON `aws elbv2 describe-*` prints.

use std::collections::BTreeSet;

use aws_sdk_elasticloadbalancingv2::Client;
use aws_sdk_elasticloadbalancingv2::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_elasticloadbalancingv2::types as t;
use serde_json::{Value, json};

use super::ec2::NetworkRead;
use super::ecs_json::clean;

/// Target group ARNs per `DescribeTargetGroups` call (its page size).
const TARGET_GROUPS_PER_CALL: usize = 400;
/// Load balancer ARNs per `DescribeLoadBalancers` call (the API's limit).
const LOAD_BALANCERS_PER_CALL: usize = 20;

fn target_group(g: &t::TargetGroup) -> Value {
    clean(json!({
        "TargetGroupArn": g.target_group_arn(),
        "TargetGroupName": g.target_group_name(),
        "Protocol": g.protocol().map(|p| p.as_str()),
        "Port": g.port(),
        "VpcId": g.vpc_id(),
        "HealthCheckProtocol": g.health_check_protocol().map(|p| p.as_str()),
        "TargetType": g.target_type().map(|p| p.as_str()),
        "LoadBalancerArns": g.load_balancer_arns(),
    }))
}

fn load_balancer(l: &t::LoadBalancer) -> Value {
    clean(json!({
        "LoadBalancerArn": l.load_balancer_arn(),
        "LoadBalancerName": l.load_balancer_name(),
        "DNSName": l.dns_name(),
        "Scheme": l.scheme().map(|s| s.as_str()),
        "VpcId": l.vpc_id(),
        "Type": l.r#type().map(|s| s.as_str()),
        "SecurityGroups": l.security_groups(),
    }))
}

fn listener(l: &t::Listener) -> Value {
    clean(json!({
        "ListenerArn": l.listener_arn(),
        "LoadBalancerArn": l.load_balancer_arn(),
        "Port": l.port(),
        "Protocol": l.protocol().map(|p| p.as_str()),
        "SslPolicy": l.ssl_policy(),
        "DefaultActions": l.default_actions().iter().map(|a| json!({
            "Type": a.r#type().map(|x| x.as_str()),
            "TargetGroupArn": a.target_group_arn(),
            "RedirectConfig": a.redirect_config().map(|r| json!({
                "Protocol": r.protocol(),
                "Port": r.port(),
                "StatusCode": r.status_code().map(|s| s.as_str()),
            })),
        })).collect::<Vec<_>>(),
    }))
}

fn not_found<E: ProvideErrorMetadata, R>(e: &SdkError<E, R>, code: &str) -> bool {
    e.as_service_error().and_then(|s| s.code()) == Some(code)
}

/// Describe `arns` in batches of `$per`; a batch that answers `$missing` is described again one
/// ARN at a time. `None` when a call failed otherwise (recorded in `$out.errors`).
macro_rules! describe_by_arns {
    ($out:ident, $op:literal, $missing:literal, $arns:expr, $per:expr, $call:expr, $items:expr) => {{
        let mut found: Option<Vec<Value>> = Some(Vec::new());
        let mut queue: Vec<Vec<String>> = $arns.chunks($per).map(<[String]>::to_vec).collect();
        'batches: while let Some(batch) = queue.pop() {
            let mut pages = ($call)(batch.clone()).into_paginator().send();
            let mut got = Vec::new();
            while let Some(page) = pages.next().await {
                $out.count($op);
                match page {
                    Ok(p) => got.extend(($items)(&p)),
                    Err(e) if not_found(&e, $missing) => {
                        if batch.len() > 1 {
                            queue.extend(batch.iter().map(|a| vec![a.clone()]));
                        }
                        continue 'batches;
                    }
                    Err(e) => {
                        $out.errors
                            .push(format!("{}: {}", $op, super::sdk_error_summary(&e)));
                        found = None;
                        break 'batches;
                    }
                }
            }
            if let Some(f) = found.as_mut() {
                f.extend(got);
            }
        }
        found
    }};
}

/// Read the target groups `groups` names, their load balancers, listeners and attributes.
pub async fn read(client: &Client, groups: &BTreeSet<String>) -> NetworkRead {
    let mut out = NetworkRead::default();
    if groups.is_empty() {
        return out;
    }
    let arns: Vec<String> = groups.iter().cloned().collect();
    let Some(target_groups) = describe_by_arns!(
        out,
        "DescribeTargetGroups",
        "TargetGroupNotFound",
        arns,
        TARGET_GROUPS_PER_CALL,
        |batch: Vec<String>| client
            .describe_target_groups()
            .set_target_group_arns(Some(batch))
            .page_size(TARGET_GROUPS_PER_CALL as i32),
        |p: &aws_sdk_elasticloadbalancingv2::operation::describe_target_groups::DescribeTargetGroupsOutput| {
            p.target_groups().iter().map(target_group).collect::<Vec<_>>()
        }
    ) else {
        return out;
    };
    let lb_arns: Vec<String> = target_groups
        .iter()
        .flat_map(|g| {
            g["LoadBalancerArns"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|a| a.as_str().map(str::to_owned))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    out.docs.push((
        "elbv2:DescribeTargetGroups".into(),
        json!({"TargetGroups": target_groups}),
    ));
    if lb_arns.is_empty() {
        return out;
    }
    let Some(load_balancers) = describe_by_arns!(
        out,
        "DescribeLoadBalancers",
        "LoadBalancerNotFound",
        lb_arns,
        LOAD_BALANCERS_PER_CALL,
        |batch: Vec<String>| client
            .describe_load_balancers()
            .set_load_balancer_arns(Some(batch)),
        |p: &aws_sdk_elasticloadbalancingv2::operation::describe_load_balancers::DescribeLoadBalancersOutput| {
            p.load_balancers().iter().map(load_balancer).collect::<Vec<_>>()
        }
    ) else {
        return out;
    };
    out.docs.push((
        "elbv2:DescribeLoadBalancers".into(),
        json!({"LoadBalancers": load_balancers}),
    ));
    for lb in &load_balancers {
        let (Some(arn), Some(name)) = (
            lb["LoadBalancerArn"].as_str(),
            lb["LoadBalancerName"].as_str(),
        ) else {
            continue;
        };
        let name = name.replace(['/', '\\'], "_");
        let mut listeners = Vec::new();
        let mut answer = None;
        let mut pages = client
            .describe_listeners()
            .load_balancer_arn(arn)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            out.count("DescribeListeners");
            match page {
                Ok(p) => listeners.extend(p.listeners().iter().map(listener)),
                Err(e) => {
                    out.errors.push(format!(
                        "DescribeListeners {name}: {}",
                        super::sdk_error_summary(&e)
                    ));
                    answer = Some(super::error_document(&e));
                    break;
                }
            }
        }
        match answer {
            None => out.docs.push((
                format!("listeners-{name}.json"),
                json!({"Listeners": listeners}),
            )),
            Some(Some(error)) => out.docs.push((format!("listeners-{name}.json"), error)),
            Some(None) => {}
        }
        out.count("DescribeLoadBalancerAttributes");
        match client
            .describe_load_balancer_attributes()
            .load_balancer_arn(arn)
            .send()
            .await
        {
            Ok(a) => out.docs.push((
                format!("lb-attributes-{name}.json"),
                json!({"Attributes": a.attributes().iter().map(|x| json!({"Key": x.key(), "Value": x.value()})).collect::<Vec<_>>()}),
            )),
            Err(e) => {
                out.errors.push(format!(
                    "DescribeLoadBalancerAttributes {name}: {}",
                    super::sdk_error_summary(&e)
                ));
                if let Some(error) = super::error_document(&e) {
                    out.docs.push((format!("lb-attributes-{name}.json"), error));
                }
            }
        }
    }
    out
}

/// The target groups of `load_balancers` (a listener or attribute change moves the verdicts of
/// the services behind them): for rescanning those services. Calls are counted in `out`; `None`
/// when a read failed (recorded in `out.errors`).
pub async fn target_groups_of(
    client: &Client,
    load_balancers: &[String],
    out: &mut NetworkRead,
) -> Option<BTreeSet<String>> {
    let mut found = BTreeSet::new();
    for lb in load_balancers {
        let mut pages = client
            .describe_target_groups()
            .load_balancer_arn(lb)
            .page_size(TARGET_GROUPS_PER_CALL as i32)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            out.count("DescribeTargetGroups");
            match page {
                Ok(p) => found.extend(
                    p.target_groups()
                        .iter()
                        .filter_map(|g| g.target_group_arn().map(str::to_owned)),
                ),
                // Deleted: nothing is behind it any more.
                Err(e) if not_found(&e, "LoadBalancerNotFound") => break,
                Err(e) => {
                    out.errors.push(format!(
                        "DescribeTargetGroups {lb}: {}",
                        super::sdk_error_summary(&e)
                    ));
                    return None;
                }
            }
        }
    }
    Some(found)
}
