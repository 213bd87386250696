//! Event -> what to scan. Pure: no I/O, no clock.
//!
//! The event payload is never trusted as resource state (CloudTrail truncates large fields and
//! `requestParameters` may carry secret values): only identifiers are taken from it, and the
//! resources are described again. Nothing here logs the payload.
//!
//! The envelopes are typed with `aws_lambda_events` (the SQS event, the EventBridge envelope);
//! an EventBridge `detail` stays `serde_json::Value`, because CloudTrail records routinely lack
//! fields that typed CloudTrail structs require, and only a few identifiers are read from it.

use aws_lambda_events::event::eventbridge::EventBridgeEvent;
use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
use serde_json::Value;

use ecs_posture_core::fleet::{self, Target};
use ecs_posture_core::scope::Scope;

/// What one event asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// Scan this scope. `debounce` names a key under which bursts are collapsed (one scan per
    /// window), for native ECS events that arrive many at a time.
    Scan {
        scope: Scope,
        debounce: Option<String>,
        trigger: String,
        /// The account-region the event comes from (an EventBridge envelope's `account` and
        /// `region`, or a queued scan request's); `None` for schedules. A single-account
        /// deployment scans its own account-region whatever this says; an organization
        /// deployment scans here (through the member role).
        target: Option<Target>,
    },
    /// SQS: one route per message, reported per message id.
    Batch(Vec<(String, Result<Route, TriggerError>)>),
    /// Not an event this function handles: log one line, succeed.
    Ignored { reason: String },
}

/// A malformed event of a known type: not retryable (retrying cannot fix it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed {kind} event {event_id}: {problem}")]
pub struct TriggerError {
    pub kind: String,
    pub event_id: String,
    pub problem: String,
}

fn text<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut cur = v;
    for p in path {
        cur = cur.get(*p)?;
    }
    cur.as_str().filter(|s| !s.trim().is_empty())
}

fn malformed(kind: &str, event: &Value, problem: impl Into<String>) -> TriggerError {
    TriggerError {
        kind: kind.to_owned(),
        event_id: text(event, &["id"])
            .or_else(|| text(event, &["detail", "eventID"]))
            .unwrap_or("(no id)")
            .to_owned(),
        problem: problem.into(),
    }
}

fn scan(scope: Scope, trigger: impl Into<String>) -> Route {
    Route::Scan {
        scope,
        debounce: None,
        trigger: trigger.into(),
        target: None,
    }
}

/// The account-region an event names (`account` and `region` at its top level), checked.
fn origin(event: &Value) -> Result<Option<Target>, TriggerError> {
    let kind = "event";
    match (text(event, &["account"]), text(event, &["region"])) {
        (None, None) => Ok(None),
        (Some(a), Some(r)) => {
            let (a, r) = (a.trim(), r.trim());
            if !fleet::is_account_id(a) {
                return Err(malformed(
                    kind,
                    event,
                    format!("`account` {a:?} is not an account id"),
                ));
            }
            if !fleet::is_region(r) {
                return Err(malformed(
                    kind,
                    event,
                    format!("`region` {r:?} is not a region"),
                ));
            }
            Ok(Some(Target::new(a, r)))
        }
        _ => Err(malformed(
            kind,
            event,
            "names an account without a region, or a region without an account",
        )),
    }
}

/// Parse a known EventBridge event's envelope; `detail` stays JSON.
fn envelope(kind: &str, event: &Value) -> Result<EventBridgeEvent<Value>, TriggerError> {
    let mut e = event.clone();
    if let Some(m) = e.as_object_mut() {
        m.entry("detail").or_insert(Value::Null);
    }
    serde_json::from_value(e).map_err(|e| {
        malformed(
            kind,
            event,
            format!("the EventBridge envelope does not parse: {e}"),
        )
    })
}

/// Route one Lambda event; a scan carries the account-region the event comes from.
pub fn route(event: &Value) -> Result<Route, TriggerError> {
    match route_event(event)? {
        Route::Scan {
            scope,
            debounce,
            trigger,
            ..
        } if trigger != "schedule" => Ok(Route::Scan {
            scope,
            debounce,
            trigger,
            target: origin(event)?,
        }),
        other => Ok(other),
    }
}

fn route_event(event: &Value) -> Result<Route, TriggerError> {
    if let Some(records) = event.get("Records").and_then(Value::as_array) {
        if records
            .iter()
            .any(|r| text(r, &["eventSource"]) == Some("aws:sqs"))
        {
            let sqs: SqsEvent = serde_json::from_value(event.clone()).map_err(|e| {
                malformed("SQS", event, format!("the SQS event does not parse: {e}"))
            })?;
            return Ok(Route::Batch(sqs.records.iter().map(sqs_record).collect()));
        }
        return Ok(Route::Ignored {
            reason: "records that are not SQS messages".into(),
        });
    }
    if let Some(spec) = event.get("scan") {
        return scheduler_input(spec, event);
    }
    let source = text(event, &["source"]).unwrap_or("");
    let detail_type = text(event, &["detail-type"]).unwrap_or("");
    match (source, detail_type) {
        ("aws.events", "Scheduled Event") | ("aws.scheduler", "Scheduled Event") => {
            envelope(detail_type, event)?;
            Ok(scan(Scope::Region, "schedule"))
        }
        (_, "AWS API Call via CloudTrail") => cloudtrail(&envelope("CloudTrail", event)?, event),
        ("aws.ecs", "ECS Deployment State Change") | ("aws.ecs", "ECS Service Action") => {
            let e = envelope(detail_type, event)?;
            let service = e
                .resources
                .iter()
                .flatten()
                .find(|a| a.contains(":service/"))
                .ok_or_else(|| malformed(detail_type, event, "no service ARN in resources"))?;
            Ok(Route::Scan {
                scope: Scope::Service(service.clone()),
                debounce: Some(format!("service#{service}")),
                trigger: detail_type.to_owned(),
                target: None,
            })
        }
        ("", "") => Ok(Route::Ignored {
            reason: "not an EventBridge, Scheduler or SQS event".into(),
        }),
        (s, d) => Ok(Route::Ignored {
            reason: format!("event {s}/{d} is not handled"),
        }),
    }
}

fn sqs_record(record: &SqsMessage) -> (String, Result<Route, TriggerError>) {
    let id = record
        .message_id
        .clone()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "(no message id)".to_owned());
    let body = record.body.as_deref().unwrap_or("");
    let parsed: Result<Value, _> = serde_json::from_str(body);
    let route = match parsed {
        Err(e) => Err(TriggerError {
            kind: "SQS message".into(),
            event_id: id.clone(),
            problem: format!(
                "body is not JSON (line {}, column {})",
                e.line(),
                e.column()
            ),
        }),
        Ok(v) => match route(&v) {
            Ok(Route::Batch(_)) => Err(TriggerError {
                kind: "SQS message".into(),
                event_id: id.clone(),
                problem: "nested SQS records".into(),
            }),
            other => other,
        },
    };
    (id, route)
}

/// Makes the scope one item of a scan request's list names.
type MakeScope = fn(String) -> Scope;

/// The lists a scan request may hold, and the scope each item names.
const SCAN_KEYS: [(&str, MakeScope); 20] = [
    ("clusters", Scope::Cluster),
    ("services", Scope::Service),
    ("task_definitions", Scope::TaskDefinition),
    ("capacity_providers", Scope::CapacityProvider),
    ("security_groups", Scope::SecurityGroup),
    ("subnets", Scope::Subnet),
    ("route_tables", Scope::RouteTable),
    ("vpcs", Scope::Vpc),
    ("vpc_endpoints", Scope::VpcEndpoint),
    ("load_balancers", Scope::LoadBalancer),
    ("instances", Scope::Instance),
    ("roles", Scope::Role),
    ("policies", Scope::Policy),
    ("repositories", Scope::Repository),
    ("log_groups", Scope::LogGroup),
    ("secrets", Scope::Secret),
    ("parameters", Scope::Parameter),
    ("daemon_task_definitions", Scope::DaemonTaskDefinition),
    ("daemons", Scope::Daemon),
    ("gateways", Scope::Gateway),
];

/// EventBridge Scheduler (or SQS fan-out) input: `{"scan": "region"}` or
/// `{"scan": {"clusters": [...], "services": [...], "task_definitions": [...], "capacity_providers": [...]}}`.
fn scheduler_input(spec: &Value, event: &Value) -> Result<Route, TriggerError> {
    let trigger = text(event, &["trigger"]).unwrap_or("scheduler");
    match spec {
        Value::String(s) if s.eq_ignore_ascii_case("region") => Ok(scan(Scope::Region, trigger)),
        Value::Object(m) => {
            let mut parts = Vec::new();
            for (key, make) in SCAN_KEYS {
                match m.get(key) {
                    None => {}
                    Some(Value::Array(items)) => {
                        for i in items {
                            let s =
                                i.as_str().filter(|s| !s.trim().is_empty()).ok_or_else(|| {
                                    malformed(
                                        "scan request",
                                        event,
                                        format!("`{key}` must hold non-empty strings"),
                                    )
                                })?;
                            parts.push(make(s.to_owned()));
                        }
                    }
                    Some(_) => {
                        return Err(malformed(
                            "scan request",
                            event,
                            format!("`{key}` must be a list"),
                        ));
                    }
                }
            }
            if let Some(unknown) = m
                .keys()
                .find(|k| !SCAN_KEYS.iter().any(|(key, _)| key == k))
            {
                let expected: Vec<&str> = SCAN_KEYS.iter().map(|(k, _)| *k).collect();
                return Err(malformed(
                    "scan request",
                    event,
                    format!("unknown key `{unknown}` (expected {})", expected.join(", ")),
                ));
            }
            match parts.len() {
                0 => Err(malformed("scan request", event, "names nothing to scan")),
                1 => Ok(scan(parts.remove(0), trigger)),
                _ => Ok(scan(Scope::many(parts), trigger)),
            }
        }
        _ => Err(malformed(
            "scan request",
            event,
            "`scan` must be \"region\" or an object",
        )),
    }
}

/// The scope of a resource ARN (TagResource/UntagResource).
fn scope_of_arn(arn: &str) -> Option<Scope> {
    let resource = arn.split(':').nth(5)?;
    let kind = resource.split('/').next()?;
    Some(match kind {
        "task-definition" => Scope::TaskDefinition(arn.to_owned()),
        "daemon-task-definition" => Scope::DaemonTaskDefinition(arn.to_owned()),
        "daemon" => Scope::Daemon(arn.to_owned()),
        "gateway" => Scope::Gateway(arn.to_owned()),
        "service" => Scope::Service(arn.to_owned()),
        "cluster" => Scope::Cluster(arn.to_owned()),
        "capacity-provider" => Scope::CapacityProvider(arn.to_owned()),
        "task-set" => {
            // task-set/<cluster>/<service>/<id> -> the service.
            let (prefix, rest) = arn.split_once(":task-set/")?;
            let mut parts = rest.splitn(3, '/');
            let (cluster, service) = (parts.next()?, parts.next()?);
            Scope::Service(format!("{prefix}:service/{cluster}/{service}"))
        }
        "container-instance" => {
            let (prefix, rest) = arn.split_once(":container-instance/")?;
            let (cluster, _) = rest.split_once('/')?;
            Scope::Cluster(format!("{prefix}:cluster/{cluster}"))
        }
        _ => return None,
    })
}

fn cloudtrail(envelope: &EventBridgeEvent<Value>, event: &Value) -> Result<Route, TriggerError> {
    let d = &envelope.detail;
    if d.is_null() {
        return Err(malformed("CloudTrail", event, "no detail"));
    }
    let source = text(d, &["eventSource"]);
    if !matches!(
        source,
        Some(
            "ecs.amazonaws.com"
                | "ec2.amazonaws.com"
                | "elasticloadbalancing.amazonaws.com"
                | "iam.amazonaws.com"
                | "ecr.amazonaws.com"
                | "logs.amazonaws.com"
                | "secretsmanager.amazonaws.com"
                | "ssm.amazonaws.com"
                | "guardduty.amazonaws.com"
                | "inspector2.amazonaws.com"
        )
    ) {
        return Ok(Route::Ignored {
            reason: format!(
                "CloudTrail event from {}",
                source.unwrap_or("an unknown source")
            ),
        });
    }
    let name =
        text(d, &["eventName"]).ok_or_else(|| malformed("CloudTrail", event, "no eventName"))?;
    if let Some(code) = text(d, &["errorCode"]) {
        return Ok(Route::Ignored {
            reason: format!("{name} failed ({code})"),
        });
    }
    let req = d.get("requestParameters").unwrap_or(&Value::Null);
    if source == Some("ec2.amazonaws.com") {
        return ec2_call(name, req, event);
    }
    if source == Some("elasticloadbalancing.amazonaws.com") {
        return elb_call(name, req, event);
    }
    if source == Some("iam.amazonaws.com") {
        return iam_call(name, req, event);
    }
    if let Some(s @ ("guardduty.amazonaws.com" | "inspector2.amazonaws.com")) = source {
        return detection_call(s, name, req);
    }
    if let Some(
        s @ ("ecr.amazonaws.com"
        | "logs.amazonaws.com"
        | "secretsmanager.amazonaws.com"
        | "ssm.amazonaws.com"),
    ) = source
    {
        return dependency_call(s, name, req, event);
    }
    let resp = d.get("responseElements").unwrap_or(&Value::Null);
    let kind = format!("CloudTrail {name}");
    let need = |v: Option<&str>, what: &str| {
        v.map(str::to_owned)
            .ok_or_else(|| malformed(&kind, event, format!("no {what}")))
    };
    let service_ref = || -> Result<String, TriggerError> {
        if let Some(a) = text(resp, &["service", "serviceArn"]) {
            return Ok(a.to_owned());
        }
        if let Some(a) = text(req, &["serviceArn"]) {
            // Express Mode's update and delete name the service by ARN.
            return Ok(a.to_owned());
        }
        let service = text(req, &["service"]).or_else(|| text(req, &["serviceName"]));
        let service = need(service, "service in requestParameters")?;
        if service.starts_with("arn:") {
            return Ok(service);
        }
        Ok(match text(req, &["cluster"]) {
            Some(c) => format!("{}/{service}", c.rsplit('/').next().unwrap_or(c)),
            None => format!("default/{service}"),
        })
    };
    let cluster_ref = || {
        need(
            text(resp, &["cluster", "clusterArn"])
                .or_else(|| text(req, &["cluster"]))
                .or_else(|| text(req, &["clusterName"])),
            "cluster",
        )
    };
    let scope = match name {
        "RegisterTaskDefinition" => Scope::TaskDefinition(need(
            text(resp, &["taskDefinition", "taskDefinitionArn"]).or_else(|| text(req, &["family"])),
            "task definition ARN or family",
        )?),
        "DeregisterTaskDefinition" => Scope::TaskDefinition(need(
            text(resp, &["taskDefinition", "taskDefinitionArn"])
                .or_else(|| text(req, &["taskDefinition"])),
            "task definition",
        )?),
        "DeleteTaskDefinitions" => {
            let list: Vec<Scope> = req
                .get("taskDefinitions")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(|s| Scope::TaskDefinition(s.to_owned()))
                        .collect()
                })
                .unwrap_or_default();
            match list.len() {
                0 => {
                    return Err(malformed(
                        &kind,
                        event,
                        "no taskDefinitions in requestParameters",
                    ));
                }
                1 => list.into_iter().next().unwrap_or(Scope::Region),
                _ => Scope::many(list),
            }
        }
        "CreateService"
        | "UpdateService"
        | "DeleteService"
        | "CreateTaskSet"
        | "UpdateTaskSet"
        | "DeleteTaskSet"
        | "UpdateServicePrimaryTaskSet"
        // An Express Mode service is a service: its rescan reads the Express description too.
        | "CreateExpressGatewayService"
        | "UpdateExpressGatewayService"
        | "DeleteExpressGatewayService" => Scope::Service(service_ref()?),
        "CreateCluster"
        | "UpdateCluster"
        | "UpdateClusterSettings"
        | "PutClusterCapacityProviders"
        | "DeleteCluster" => Scope::Cluster(cluster_ref()?),
        "CreateCapacityProvider" | "UpdateCapacityProvider" | "DeleteCapacityProvider" => {
            Scope::CapacityProvider(need(
                text(resp, &["capacityProvider", "capacityProviderArn"])
                    .or_else(|| text(req, &["name"]))
                    .or_else(|| text(req, &["capacityProvider"])),
                "capacity provider",
            )?)
        }
        "TagResource" | "UntagResource" => {
            let arn = need(text(req, &["resourceArn"]), "resourceArn")?;
            match scope_of_arn(&arn) {
                Some(s) => s,
                None => {
                    return Ok(Route::Ignored {
                        reason: format!("{name} on a resource ecs-posture does not evaluate"),
                    });
                }
            }
        }
        // ECS Managed Daemons: a daemon task definition registered or deleted is its family's
        // rescan (which reads the daemons running it); a daemon created, updated or deleted is
        // that daemon's.
        "RegisterDaemonTaskDefinition" => Scope::DaemonTaskDefinition(need(
            text(resp, &["daemonTaskDefinitionArn"]).or_else(|| text(req, &["family"])),
            "daemon task definition ARN or family",
        )?),
        "DeleteDaemonTaskDefinition" => Scope::DaemonTaskDefinition(need(
            text(resp, &["daemonTaskDefinitionArn"])
                .or_else(|| text(req, &["daemonTaskDefinition"])),
            "daemon task definition",
        )?),
        // The account default of an ECS setting (AC05-AC07 judge it on the account): the region
        // is read again, debounced per region.
        "PutAccountSetting" | "PutAccountSettingDefault" => {
            return Ok(rescan(
                Scope::Region,
                "ecs-account-settings".to_owned(),
                name,
            ));
        }
        // ECS Gateways: the gateway's own rescan (deleted, it is proven gone).
        "CreateGateway" | "UpdateGateway" | "DeleteGateway" => Scope::Gateway(need(
            text(resp, &["gatewayArn"])
                .or_else(|| text(req, &["gateway"]))
                .or_else(|| text(req, &["name"])),
            "gateway",
        )?),
        "CreateDaemon" | "UpdateDaemon" | "DeleteDaemon" => Scope::Daemon(need(
            text(resp, &["daemonArn"]).or_else(|| text(req, &["daemonArn"])),
            "daemon ARN",
        )?),
        _ => {
            return Ok(Route::Ignored {
                reason: format!("ECS API call {name} does not change what ecs-posture evaluates"),
            });
        }
    };
    Ok(scan(scope, name))
}

/// A rescan of what `scope` selects, debounced per resource (`security-group#sg-1`).
fn rescan(scope: Scope, key: String, name: &str) -> Route {
    Route::Scan {
        scope,
        debounce: Some(key),
        trigger: name.to_owned(),
        target: None,
    }
}

/// EC2 changes that move the verdicts of the services using the resource: a security group's
/// rules (the services that use it, and where one names no group those that may get it as their
/// VPC's default group), a subnet's attributes or route table association (the services placed
/// in it), a route table's routes (the services placed in its VPC), a VPC endpoint created,
/// modified or deleted (the services placed in its VPC), an instance's metadata
/// options (the cluster it serves as a container instance), the region's EBS encryption by
/// default (the region).
fn ec2_call(name: &str, req: &Value, event: &Value) -> Result<Route, TriggerError> {
    let id = |keys: &[&str], prefix: &str, what: &str| -> Result<String, TriggerError> {
        text(req, keys)
            .filter(|g| g.starts_with(prefix))
            .map(str::to_owned)
            .ok_or_else(|| malformed(&format!("CloudTrail {name}"), event, format!("no {what}")))
    };
    Ok(match name {
        "AuthorizeSecurityGroupIngress"
        | "AuthorizeSecurityGroupEgress"
        | "RevokeSecurityGroupIngress"
        | "RevokeSecurityGroupEgress" => {
            let g = id(&["groupId"], "sg-", "security group id")?;
            rescan(
                Scope::SecurityGroup(g.clone()),
                format!("security-group#{g}"),
                name,
            )
        }
        "ModifySecurityGroupRules" => {
            let g = id(
                &["ModifySecurityGroupRulesRequest", "GroupId"],
                "sg-",
                "security group id",
            )
            .or_else(|_| id(&["groupId"], "sg-", "security group id"))?;
            rescan(
                Scope::SecurityGroup(g.clone()),
                format!("security-group#{g}"),
                name,
            )
        }
        "ModifySubnetAttribute" | "AssociateRouteTable" => {
            let x = id(&["subnetId"], "subnet-", "subnet id")?;
            rescan(Scope::Subnet(x.clone()), format!("subnet#{x}"), name)
        }
        "ModifyInstanceMetadataOptions" => {
            let x = id(
                &["ModifyInstanceMetadataOptionsRequest", "InstanceId"],
                "i-",
                "instance id",
            )
            .or_else(|_| id(&["instanceId"], "i-", "instance id"))?;
            rescan(Scope::Instance(x.clone()), format!("instance#{x}"), name)
        }
        // An account-region setting (AC01): every container instance of the region is judged
        // with it, so the region is read again (a rare change, debounced per region).
        "EnableEbsEncryptionByDefault" | "DisableEbsEncryptionByDefault" => {
            rescan(Scope::Region, "ebs-encryption-by-default".to_owned(), name)
        }
        "CreateRoute" | "ReplaceRoute" | "DeleteRoute" | "ReplaceRouteTableAssociation" => {
            let x = id(&["routeTableId"], "rtb-", "route table id")?;
            rescan(
                Scope::RouteTable(x.clone()),
                format!("route-table#{x}"),
                name,
            )
        }
        // What the services of a VPC reach without a NAT gateway (SV26). CloudTrail records the
        // newer EC2 actions with the request wrapped (`CreateVpcEndpointRequest`); the VPC is
        // taken from the request, else from the created endpoint in the response.
        "CreateVpcEndpoint" => {
            let x = id(&["CreateVpcEndpointRequest", "VpcId"], "vpc-", "VPC id")
                .or_else(|_| id(&["vpcId"], "vpc-", "VPC id"))
                .or_else(|e| {
                    text(
                        event,
                        &[
                            "detail",
                            "responseElements",
                            "CreateVpcEndpointResponse",
                            "vpcEndpoint",
                            "vpcId",
                        ],
                    )
                    .filter(|v| v.starts_with("vpc-"))
                    .map(str::to_owned)
                    .ok_or(e)
                })?;
            rescan(Scope::Vpc(x.clone()), format!("vpc#{x}"), name)
        }
        // Only the endpoints are named: the services of their VPCs are found from them.
        "ModifyVpcEndpoint" | "DeleteVpcEndpoints" => {
            let mut ids = Vec::new();
            endpoint_ids(req, &mut ids);
            ids.sort();
            ids.dedup();
            if ids.is_empty() {
                return Err(malformed(
                    &format!("CloudTrail {name}"),
                    event,
                    "no VPC endpoint id",
                ));
            }
            let key = format!("vpc-endpoint#{}", ids.join(","));
            rescan(
                Scope::many(ids.into_iter().map(Scope::VpcEndpoint).collect()),
                key,
                name,
            )
        }
        _ => {
            return Ok(Route::Ignored {
                reason: format!("EC2 API call {name} does not change what ecs-posture evaluates"),
            });
        }
    })
}

/// Every VPC endpoint id in a request, however CloudTrail serialized the list (a string, a list,
/// or `{"tag": 1, "content": "vpce-..."}` items).
fn endpoint_ids(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) if s.starts_with("vpce-") && !s.contains(char::is_whitespace) => {
            out.push(s.clone())
        }
        Value::Array(items) => items.iter().for_each(|i| endpoint_ids(i, out)),
        Value::Object(m) => m.values().for_each(|i| endpoint_ids(i, out)),
        _ => {}
    }
}

/// Elastic Load Balancing changes that move the verdicts of the services behind a load
/// balancer: its listeners and attributes. A listener ARN names its load balancer
/// (`listener/app/web/<lb-id>/<listener-id>` -> `loadbalancer/app/web/<lb-id>`).
fn elb_call(name: &str, req: &Value, event: &Value) -> Result<Route, TriggerError> {
    let lb = match name {
        "CreateListener" | "ModifyLoadBalancerAttributes" => {
            text(req, &["loadBalancerArn"]).map(str::to_owned)
        }
        "ModifyListener" | "DeleteListener" => {
            text(req, &["listenerArn"]).and_then(load_balancer_of_listener)
        }
        _ => {
            return Ok(Route::Ignored {
                reason: format!(
                    "Elastic Load Balancing API call {name} does not change what ecs-posture evaluates"
                ),
            });
        }
    };
    let lb = lb.filter(|a| a.contains(":loadbalancer/")).ok_or_else(|| {
        malformed(
            &format!("CloudTrail {name}"),
            event,
            "no load balancer or listener ARN",
        )
    })?;
    Ok(rescan(
        Scope::LoadBalancer(lb.clone()),
        format!("load-balancer#{lb}"),
        name,
    ))
}

/// IAM changes that move the verdicts of the task definitions using a role: its inline or
/// attached policies, its trust policy or its boundary (the role, by name); a managed policy's
/// new default version (the roles it is attached to or bounds). A version created without
/// becoming the default changes nothing. IAM is global: CloudTrail delivers these in us-east-1.
fn iam_call(name: &str, req: &Value, event: &Value) -> Result<Route, TriggerError> {
    match name {
        "PutRolePolicy"
        | "DeleteRolePolicy"
        | "AttachRolePolicy"
        | "DetachRolePolicy"
        | "UpdateAssumeRolePolicy"
        | "PutRolePermissionsBoundary"
        | "DeleteRolePermissionsBoundary" => {
            let role = text(req, &["roleName"])
                .map(|r| r.rsplit('/').next().unwrap_or(r))
                .filter(|r| !r.trim().is_empty())
                .ok_or_else(|| malformed(&format!("CloudTrail {name}"), event, "no roleName"))?;
            Ok(rescan(
                Scope::Role(role.to_owned()),
                format!("role#{role}"),
                name,
            ))
        }
        "CreatePolicyVersion" | "SetDefaultPolicyVersion" => {
            if name == "CreatePolicyVersion"
                && req.get("setAsDefault").and_then(Value::as_bool) != Some(true)
            {
                return Ok(Route::Ignored {
                    reason:
                        "CreatePolicyVersion without setAsDefault changes no role's permissions"
                            .to_owned(),
                });
            }
            let policy = text(req, &["policyArn"])
                .filter(|a| a.contains(":policy/"))
                .ok_or_else(|| malformed(&format!("CloudTrail {name}"), event, "no policyArn"))?;
            Ok(rescan(
                Scope::Policy(policy.to_owned()),
                format!("policy#{policy}"),
                name,
            ))
        }
        _ => Ok(Route::Ignored {
            reason: format!("IAM API call {name} does not change what ecs-posture evaluates"),
        }),
    }
}

/// Changes to what containers use (an ECR repository or the registry's scanning rules, a log
/// group's retention or key, a secret's rotation, key or deletion, a parameter): the task
/// definitions using it are rescanned. Only the resource's name is read from the event (never
/// a request's value).
fn dependency_call(
    source: &str,
    name: &str,
    req: &Value,
    event: &Value,
) -> Result<Route, TriggerError> {
    let named = |keys: &[&str], what: &str| -> Result<String, TriggerError> {
        text(req, keys)
            .filter(|v| !v.trim().is_empty())
            .map(str::to_owned)
            .ok_or_else(|| malformed(&format!("CloudTrail {name}"), event, format!("no {what}")))
    };
    let (scope, key) = match (source, name) {
        ("ecr.amazonaws.com", "PutRegistryScanningConfiguration") => {
            (Scope::Repository("*".to_owned()), "repository#*".to_owned())
        }
        (
            "ecr.amazonaws.com",
            "PutImageTagMutability"
            | "PutImageScanningConfiguration"
            | "PutLifecyclePolicy"
            | "DeleteLifecyclePolicy"
            | "SetRepositoryPolicy"
            | "DeleteRepositoryPolicy",
        ) => {
            let repo = named(&["repositoryName"], "repositoryName")?;
            (
                Scope::Repository(repo.clone()),
                format!("repository#{repo}"),
            )
        }
        (
            "logs.amazonaws.com",
            "PutRetentionPolicy"
            | "DeleteRetentionPolicy"
            | "AssociateKmsKey"
            | "DisassociateKmsKey"
            | "CreateLogGroup"
            | "DeleteLogGroup",
        ) => {
            let group = named(&["logGroupName"], "logGroupName")?;
            (Scope::LogGroup(group.clone()), format!("log-group#{group}"))
        }
        (
            "secretsmanager.amazonaws.com",
            "RotateSecret" | "CancelRotateSecret" | "UpdateSecret" | "DeleteSecret"
            | "RestoreSecret",
        ) => {
            let secret = named(&["secretId"], "secretId")?;
            (Scope::Secret(secret.clone()), format!("secret#{secret}"))
        }
        ("ssm.amazonaws.com", "PutParameter" | "DeleteParameter") => {
            let parameter = named(&["name"], "name")?;
            (
                Scope::Parameter(parameter.clone()),
                format!("parameter#{parameter}"),
            )
        }
        _ => {
            return Ok(Route::Ignored {
                reason: format!("{source} call {name} does not change what ecs-posture evaluates"),
            });
        }
    };
    Ok(rescan(scope, key, name))
}

/// Account-region settings of the detection services (AC02-AC04): every workload of the region
/// is judged with them, so the region is read again (a rare change, debounced per region).
/// Inspector calls that leave ECR scanning alone are ignored.
fn detection_call(source: &str, name: &str, req: &Value) -> Result<Route, TriggerError> {
    match (source, name) {
        ("guardduty.amazonaws.com", "CreateDetector" | "UpdateDetector" | "DeleteDetector") => {
            Ok(rescan(Scope::Region, "guardduty-detector".to_owned(), name))
        }
        ("inspector2.amazonaws.com", "Enable" | "Disable") => {
            let types: Vec<&str> = req
                .get("resourceTypes")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            // Disable without resource types turns every type off.
            if types.is_empty() || types.iter().any(|t| t.eq_ignore_ascii_case("ECR")) {
                Ok(rescan(Scope::Region, "inspector2".to_owned(), name))
            } else {
                Ok(Route::Ignored {
                    reason: format!(
                        "Inspector {name} of {} leaves ECR scanning as it was",
                        types.join(", ")
                    ),
                })
            }
        }
        _ => Ok(Route::Ignored {
            reason: format!("{source} call {name} does not change what ecs-posture evaluates"),
        }),
    }
}

fn load_balancer_of_listener(arn: &str) -> Option<String> {
    let (prefix, rest) = arn.split_once(":listener/")?;
    let mut parts = rest.split('/');
    let (kind, name, id) = (parts.next()?, parts.next()?, parts.next()?);
    Some(format!("{prefix}:loadbalancer/{kind}/{name}/{id}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn failed_calls_and_foreign_events_are_ignored() {
        let e = json!({"detail-type": "AWS API Call via CloudTrail", "source": "aws.ecs", "detail": {"eventSource": "ecs.amazonaws.com", "eventName": "CreateService", "errorCode": "AccessDenied"}});
        assert!(matches!(route(&e), Ok(Route::Ignored { .. })));
        assert!(matches!(
            route(&json!({"hello": "world"})),
            Ok(Route::Ignored { .. })
        ));
        assert!(matches!(
            route(&json!({"source": "aws.s3", "detail-type": "Object Created"})),
            Ok(Route::Ignored { .. })
        ));
    }

    #[test]
    fn malformed_known_events_are_errors_naming_the_event_not_the_payload() {
        let e = json!({"id": "ev-1", "detail-type": "AWS API Call via CloudTrail", "source": "aws.ecs", "detail": {"eventSource": "ecs.amazonaws.com", "eventName": "CreateService", "requestParameters": {"password": "hunter2"}}});
        let err = route(&e).unwrap_err();
        assert_eq!(err.event_id, "ev-1");
        assert!(!err.to_string().contains("hunter2"));
        assert!(route(&json!({"scan": {"clusters": "prod"}})).is_err());
        assert!(
            route(&json!({"scan": {"clustres": ["prod"]}}))
                .unwrap_err()
                .to_string()
                .contains("clustres")
        );
        assert!(route(&json!({"scan": 5})).is_err());
    }

    #[test]
    fn tag_resource_routes_by_arn() {
        assert_eq!(
            scope_of_arn("arn:aws:ecs:us-east-1:1:task-set/prod/web/ecs-svc/1"),
            Some(Scope::Service(
                "arn:aws:ecs:us-east-1:1:service/prod/web".into()
            ))
        );
        assert_eq!(
            scope_of_arn("arn:aws:ecs:us-east-1:1:container-instance/prod/abc"),
            Some(Scope::Cluster(
                "arn:aws:ecs:us-east-1:1:cluster/prod".into()
            ))
        );
        assert_eq!(scope_of_arn("arn:aws:ecs:us-east-1:1:task/prod/abc"), None);
        assert_eq!(
            scope_of_arn("arn:aws:ecs:us-east-1:1:daemon-task-definition/agent:3"),
            Some(Scope::DaemonTaskDefinition(
                "arn:aws:ecs:us-east-1:1:daemon-task-definition/agent:3".into()
            ))
        );
        assert_eq!(
            scope_of_arn("arn:aws:ecs:us-east-1:1:daemon/prod/agent"),
            Some(Scope::Daemon(
                "arn:aws:ecs:us-east-1:1:daemon/prod/agent".into()
            ))
        );
    }

    /// What the organization hub queues (`scan_spec`) is what a member's function accepts,
    /// for every kind of scope: a rescan of a repository, a secret or a daemon crosses accounts
    /// as it was planned.
    #[test]
    fn every_queued_scan_request_routes_back_to_its_scope() {
        let parts: Vec<Scope> = SCAN_KEYS
            .iter()
            .enumerate()
            .map(|(i, (_, make))| make(format!("x{i}")))
            .collect();
        assert_eq!(parts.len(), 20);
        let event =
            json!({"scan": ecs_posture_core::fleet::scan_spec(&Scope::Many(parts.clone()))});
        match route(&event) {
            Ok(Route::Scan {
                scope: Scope::Many(got),
                ..
            }) => {
                let mut want: Vec<String> = parts.iter().map(Scope::describe).collect();
                let mut got: Vec<String> = got.iter().map(Scope::describe).collect();
                want.sort();
                got.sort();
                assert_eq!(got, want);
            }
            other => panic!("not routed back: {other:?}"),
        }
        let event =
            json!({"scan": {"daemons": ["arn:aws:ecs:us-east-1:1:daemon/prod/a"], "bogus": []}});
        let err = route(&event).unwrap_err().to_string();
        assert!(
            err.contains("bogus") && err.contains("daemon_task_definitions"),
            "{err}"
        );
    }

    #[test]
    fn daemon_calls_rescan_the_daemon_or_its_family() {
        let ecs = |name: &str, req: Value, resp: Value| {
            json!({"id": "ev-d", "detail-type": "AWS API Call via CloudTrail", "source": "aws.ecs",
                "detail": {"eventSource": "ecs.amazonaws.com", "eventName": name,
                    "requestParameters": req, "responseElements": resp}})
        };
        let scope = |e: Value| match route(&e) {
            Ok(Route::Scan { scope, .. }) => scope,
            other => panic!("{other:?}"),
        };
        // Without a response (CloudTrail omits large ones), the request names the family.
        assert_eq!(
            scope(ecs(
                "RegisterDaemonTaskDefinition",
                json!({"family": "agent"}),
                Value::Null
            )),
            Scope::DaemonTaskDefinition("agent".into())
        );
        assert_eq!(
            scope(ecs(
                "DeleteDaemonTaskDefinition",
                json!({"daemonTaskDefinition": "agent:2"}),
                Value::Null
            )),
            Scope::DaemonTaskDefinition("agent:2".into())
        );
        assert_eq!(
            scope(ecs(
                "UpdateDaemon",
                json!({"daemonArn": "arn:aws:ecs:us-east-1:1:daemon/prod/agent", "enableExecuteCommand": true}),
                json!({"daemonArn": "arn:aws:ecs:us-east-1:1:daemon/prod/agent", "status": "ACTIVE"})
            )),
            Scope::Daemon("arn:aws:ecs:us-east-1:1:daemon/prod/agent".into())
        );
        // CreateDaemon's request has only the name: the response's ARN is needed.
        let err = route(&ecs(
            "CreateDaemon",
            json!({"daemonName": "agent"}),
            Value::Null,
        ))
        .unwrap_err()
        .to_string();
        assert!(err.contains("daemon ARN"), "{err}");
    }

    fn ec2_event(name: &str, req: Value, resp: Value) -> Value {
        json!({"id": "ev-9", "detail-type": "AWS API Call via CloudTrail", "source": "aws.ec2",
            "detail": {"eventSource": "ec2.amazonaws.com", "eventName": name,
                "requestParameters": req, "responseElements": resp}})
    }

    fn scope_and_key(r: Result<Route, TriggerError>) -> (Scope, String) {
        match r {
            Ok(Route::Scan {
                scope,
                debounce: Some(key),
                ..
            }) => (scope, key),
            other => panic!("not a debounced scan: {other:?}"),
        }
    }

    fn iam_event(name: &str, req: Value) -> Value {
        json!({"id": "ev-iam", "detail-type": "AWS API Call via CloudTrail", "source": "aws.iam",
            "detail": {"eventSource": "iam.amazonaws.com", "eventName": name,
                "requestParameters": req}})
    }

    fn call(source: &str, name: &str, req: Value) -> Value {
        json!({"id": "ev-dep", "detail-type": "AWS API Call via CloudTrail", "source": "aws.x",
            "detail": {"eventSource": source, "eventName": name, "requestParameters": req}})
    }

    #[test]
    fn changes_to_what_containers_use_rescan_the_task_definitions_using_it() {
        for (source, name, req, scope, key) in [
            (
                "ecr.amazonaws.com",
                "SetRepositoryPolicy",
                json!({"repositoryName": "team/web", "policyText": "{}"}),
                Scope::Repository("team/web".into()),
                "repository#team/web",
            ),
            (
                "ecr.amazonaws.com",
                "PutRegistryScanningConfiguration",
                json!({"scanType": "BASIC"}),
                Scope::Repository("*".into()),
                "repository#*",
            ),
            (
                "logs.amazonaws.com",
                "DisassociateKmsKey",
                json!({"logGroupName": "/ecs/web"}),
                Scope::LogGroup("/ecs/web".into()),
                "log-group#/ecs/web",
            ),
            (
                "secretsmanager.amazonaws.com",
                "DeleteSecret",
                json!({"secretId": "arn:aws:secretsmanager:us-east-1:1:secret:db-AbCdEf", "recoveryWindowInDays": 7}),
                Scope::Secret("arn:aws:secretsmanager:us-east-1:1:secret:db-AbCdEf".into()),
                "secret#arn:aws:secretsmanager:us-east-1:1:secret:db-AbCdEf",
            ),
            (
                "ssm.amazonaws.com",
                "PutParameter",
                json!({"name": "/prod/token", "type": "String", "value": "hunter2", "overwrite": true}),
                Scope::Parameter("/prod/token".into()),
                "parameter#/prod/token",
            ),
        ] {
            let (got, k) = scope_and_key(route(&call(source, name, req)));
            assert_eq!(got, scope, "{name}");
            assert_eq!(k, key, "{name}");
            // Only the name travels: never a value from the request.
            assert!(!format!("{got:?}{k}").contains("hunter2"));
        }
        // Pushing an image changes no setting; a call without the name is malformed.
        assert!(matches!(
            route(&call(
                "ecr.amazonaws.com",
                "PutImage",
                json!({"repositoryName": "web"})
            )),
            Ok(Route::Ignored { .. })
        ));
        assert!(route(&call("logs.amazonaws.com", "PutRetentionPolicy", json!({}))).is_err());
    }

    #[test]
    fn role_and_policy_changes_rescan_the_task_definitions_that_use_them() {
        assert_eq!(
            scope_and_key(route(&iam_event(
                "AttachRolePolicy",
                json!({"roleName": "app-task", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"})
            ))),
            (Scope::Role("app-task".into()), "role#app-task".into())
        );
        assert_eq!(
            scope_and_key(route(&iam_event(
                "CreatePolicyVersion",
                json!({"policyArn": "arn:aws:iam::1:policy/p", "setAsDefault": true})
            ))),
            (
                Scope::Policy("arn:aws:iam::1:policy/p".into()),
                "policy#arn:aws:iam::1:policy/p".into()
            )
        );
        // A version that does not become the default changes nobody's permissions.
        assert!(matches!(
            route(&iam_event(
                "CreatePolicyVersion",
                json!({"policyArn": "arn:aws:iam::1:policy/p"})
            )),
            Ok(Route::Ignored { .. })
        ));
        assert!(matches!(
            route(&iam_event("CreateUser", json!({"userName": "x"}))),
            Ok(Route::Ignored { .. })
        ));
        let e = route(&iam_event("PutRolePolicy", json!({"policyName": "p"}))).unwrap_err();
        assert!(e.to_string().contains("no roleName"), "{e}");
    }

    #[test]
    fn vpc_endpoint_changes_rescan_the_services_of_their_vpc() {
        // The VPC from the wrapped request, else from the created endpoint in the response.
        let e = ec2_event(
            "CreateVpcEndpoint",
            json!({"CreateVpcEndpointRequest": {"VpcId": "vpc-1", "ServiceName": "com.amazonaws.eu-west-1.logs"}}),
            Value::Null,
        );
        assert_eq!(
            scope_and_key(route(&e)),
            (Scope::Vpc("vpc-1".into()), "vpc#vpc-1".into())
        );
        let e = ec2_event(
            "CreateVpcEndpoint",
            json!({}),
            json!({"CreateVpcEndpointResponse": {"vpcEndpoint": {"vpcEndpointId": "vpce-1", "vpcId": "vpc-2"}}}),
        );
        assert_eq!(scope_and_key(route(&e)).0, Scope::Vpc("vpc-2".into()));
        // A plain id, a list of tagged items (repeats dropped), and none at all.
        let e = ec2_event(
            "ModifyVpcEndpoint",
            json!({"ModifyVpcEndpointRequest": {"VpcEndpointId": "vpce-1", "AddRouteTableId": {"tag": 1, "content": "rtb-1"}}}),
            Value::Null,
        );
        assert_eq!(
            scope_and_key(route(&e)),
            (
                Scope::VpcEndpoint("vpce-1".into()),
                "vpc-endpoint#vpce-1".into()
            )
        );
        let e = ec2_event(
            "DeleteVpcEndpoints",
            json!({"DeleteVpcEndpointsRequest": {"VpcEndpointId": [{"tag": 1, "content": "vpce-b"}, {"tag": 2, "content": "vpce-a"}, {"tag": 3, "content": "vpce-b"}]}}),
            Value::Null,
        );
        assert_eq!(
            scope_and_key(route(&e)),
            (
                Scope::Many(vec![
                    Scope::VpcEndpoint("vpce-a".into()),
                    Scope::VpcEndpoint("vpce-b".into())
                ]),
                "vpc-endpoint#vpce-a,vpce-b".into()
            )
        );
        let e = ec2_event(
            "DeleteVpcEndpoints",
            json!({"DeleteVpcEndpointsRequest": {}}),
            Value::Null,
        );
        let err = route(&e).unwrap_err();
        assert_eq!(err.event_id, "ev-9");
        assert!(err.problem.contains("no VPC endpoint id"), "{err:?}");
        let e = ec2_event("CreateVpcEndpoint", json!({}), Value::Null);
        assert!(route(&e).unwrap_err().problem.contains("no VPC id"));
    }

    #[test]
    fn detection_service_changes_rescan_the_region_when_they_touch_what_is_judged() {
        let call = |source: &str, name: &str, req: Value| {
            let e = json!({"id": "ev-9", "detail-type": "AWS API Call via CloudTrail",
                "source": format!("aws.{}", source.split('.').next().unwrap_or("")),
                "account": "111122223333", "region": "eu-west-1",
                "detail": {"eventSource": source, "eventName": name, "requestParameters": req}});
            route(&e).unwrap()
        };
        for name in ["CreateDetector", "UpdateDetector", "DeleteDetector"] {
            assert!(
                matches!(
                    call("guardduty.amazonaws.com", name, json!({"detectorId": "d1"})),
                    Route::Scan {
                        scope: Scope::Region,
                        ..
                    }
                ),
                "{name}"
            );
        }
        assert!(matches!(
            call(
                "inspector2.amazonaws.com",
                "Enable",
                json!({"resourceTypes": ["EC2", "ECR"]})
            ),
            Route::Scan {
                scope: Scope::Region,
                ..
            }
        ));
        // Disable without resource types turns ECR scanning off too.
        assert!(matches!(
            call(
                "inspector2.amazonaws.com",
                "Disable",
                json!({"accountIds": ["111122223333"]})
            ),
            Route::Scan {
                scope: Scope::Region,
                ..
            }
        ));
        assert!(matches!(
            call(
                "inspector2.amazonaws.com",
                "Enable",
                json!({"resourceTypes": ["LAMBDA"]})
            ),
            Route::Ignored { .. }
        ));
        assert!(matches!(
            call("guardduty.amazonaws.com", "CreateFilter", json!({})),
            Route::Ignored { .. }
        ));
    }
}
