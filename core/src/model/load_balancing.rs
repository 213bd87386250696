//! Elastic Load Balancing (v2) around ECS services, as `aws elbv2 describe-target-groups`,
//! `describe-load-balancers`, `describe-listeners` and `describe-load-balancer-attributes` print
//! it (PascalCase), and what was read: a target group, load balancer, listener list or attribute
//! list that was not read is unknown (checks that need it are NOT_AVAILABLE), unlike one read.
//!
//! Outputs that name no resource bind by file name: `lb-attributes-<load-balancer-name>.json`
//! and `listeners-<load-balancer-name>.json` (listeners also bind by their `LoadBalancerArn`, so
//! a file of several load balancers' listeners works too, except for a load balancer with none).
//! A call that answered with an AWS error is kept as the AWS CLI's `--cli-error-format json`
//! document (`{"Code": ..., "Message": ...}`) in the file the output would have gone to.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::de;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct LoadBalancer {
    pub load_balancer_arn: Option<String>,
    pub load_balancer_name: Option<String>,
    /// `application`, `network` or `gateway`.
    #[serde(rename = "Type")]
    pub kind: Option<String>,
    /// `internet-facing` or `internal`.
    pub scheme: Option<String>,
    pub vpc_id: Option<String>,
    #[serde(deserialize_with = "de::strings")]
    pub security_groups: Vec<String>,
}

impl LoadBalancer {
    pub fn name(&self) -> &str {
        self.load_balancer_name
            .as_deref()
            .or_else(|| {
                self.load_balancer_arn
                    .as_deref()
                    .and_then(|a| a.split('/').nth(2))
            })
            .unwrap_or("(unnamed)")
    }

    fn is(&self, kind: &str) -> bool {
        self.kind
            .as_deref()
            .is_some_and(|k| k.eq_ignore_ascii_case(kind))
            // The ARN says it too: loadbalancer/app/..., loadbalancer/net/..., loadbalancer/gwy/...
            || self.kind.is_none()
                && self.load_balancer_arn.as_deref().is_some_and(|a| {
                    a.contains(match kind {
                        "application" => ":loadbalancer/app/",
                        "network" => ":loadbalancer/net/",
                        _ => ":loadbalancer/gwy/",
                    })
                })
    }

    pub fn is_application(&self) -> bool {
        self.is("application")
    }

    pub fn is_network(&self) -> bool {
        self.is("network")
    }

    pub fn is_gateway(&self) -> bool {
        self.is("gateway")
    }

    /// `application load balancer web` and the like, for evidence.
    pub fn describe(&self) -> String {
        let kind = if self.is_application() {
            "application load balancer"
        } else if self.is_network() {
            "network load balancer"
        } else if self.is_gateway() {
            "gateway load balancer"
        } else {
            "load balancer"
        };
        format!("{kind} {}", self.name())
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct TargetGroup {
    pub target_group_arn: Option<String>,
    pub target_group_name: Option<String>,
    /// `HTTP`, `HTTPS`, `TCP`, `TLS`, `UDP`, `TCP_UDP`, `GENEVE`, `QUIC`, `TCP_QUIC`.
    pub protocol: Option<String>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub port: Option<i64>,
    pub health_check_protocol: Option<String>,
    /// `instance`, `ip`, `lambda` or `alb`.
    pub target_type: Option<String>,
    #[serde(deserialize_with = "de::strings")]
    pub load_balancer_arns: Vec<String>,
}

impl TargetGroup {
    pub fn name(&self) -> &str {
        self.target_group_name
            .as_deref()
            .or_else(|| {
                self.target_group_arn
                    .as_deref()
                    .and_then(|a| a.split('/').nth(1))
            })
            .unwrap_or("(unnamed)")
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Listener {
    pub listener_arn: Option<String>,
    pub load_balancer_arn: Option<String>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub port: Option<i64>,
    /// `HTTP`, `HTTPS`, `TCP`, `TLS`, `UDP`, `TCP_UDP`, `GENEVE`, `QUIC`, `TCP_QUIC`.
    pub protocol: Option<String>,
    pub ssl_policy: Option<String>,
    #[serde(deserialize_with = "de::vec_or_null")]
    pub default_actions: Vec<Action>,
}

impl Listener {
    pub fn protocol_is(&self, p: &str) -> bool {
        self.protocol
            .as_deref()
            .is_some_and(|x| x.eq_ignore_ascii_case(p))
    }

    /// `HTTP:80` for evidence.
    pub fn describe(&self) -> String {
        format!(
            "{}:{}",
            self.protocol.as_deref().unwrap_or("?"),
            self.port.map_or_else(|| "?".to_owned(), |p| p.to_string())
        )
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Action {
    /// `forward`, `redirect`, `fixed-response`, `authenticate-oidc`, `authenticate-cognito`.
    #[serde(rename = "Type")]
    pub kind: Option<String>,
    pub redirect_config: Option<RedirectConfig>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct RedirectConfig {
    /// `HTTP`, `HTTPS` or `#{protocol}` (keep the request's).
    pub protocol: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Attribute {
    pub key: Option<String>,
    pub value: Option<String>,
}

/// A read that answered with an AWS error (`{"Code": ..., "Message": ...}`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AwsError {
    pub code: String,
    #[serde(default)]
    pub message: String,
}

/// The answer to a per-resource read: what it returned, or the AWS error it answered with.
#[derive(Debug, Clone)]
pub enum Read<T> {
    Answered(T),
    Error(AwsError),
}

/// The load balancing a snapshot holds.
#[derive(Debug, Clone, Default)]
pub struct LoadBalancing {
    pub load_balancers: Vec<LoadBalancer>,
    pub target_groups: Vec<TargetGroup>,
    pub listeners: Vec<Listener>,
    /// Attributes by load balancer name (`describe-load-balancer-attributes`).
    pub attributes: BTreeMap<String, Read<Vec<Attribute>>>,
    /// Load balancers (by name) whose listener list was read whole, or answered an error.
    pub listeners_read: BTreeMap<String, Option<AwsError>>,
}

/// What a service's load balancer checks need, or why it cannot be had.
pub enum Lookup<T> {
    Found(T),
    /// Not read (the text names what), or read with an AWS error.
    Unknown(String),
}

/// An attribute's value (`None` when the answer did not carry it).
pub fn attribute<'a>(attrs: &'a [Attribute], key: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|a| a.key.as_deref() == Some(key))
        .and_then(|a| a.value.as_deref())
}

impl LoadBalancing {
    pub fn is_empty(&self) -> bool {
        self.load_balancers.is_empty()
            && self.target_groups.is_empty()
            && self.listeners.is_empty()
            && self.attributes.is_empty()
            && self.listeners_read.is_empty()
    }

    /// Add another read (repeats dropped by ARN).
    pub fn merge(&mut self, other: LoadBalancing) {
        for lb in other.load_balancers {
            if !self
                .load_balancers
                .iter()
                .any(|x| x.load_balancer_arn == lb.load_balancer_arn)
            {
                self.load_balancers.push(lb);
            }
        }
        for tg in other.target_groups {
            if !self
                .target_groups
                .iter()
                .any(|x| x.target_group_arn == tg.target_group_arn)
            {
                self.target_groups.push(tg);
            }
        }
        for l in other.listeners {
            if !self
                .listeners
                .iter()
                .any(|x| x.listener_arn.is_some() && x.listener_arn == l.listener_arn)
            {
                self.listeners.push(l);
            }
        }
        self.attributes.extend(other.attributes);
        self.listeners_read.extend(other.listeners_read);
    }

    /// What belongs to `account` (by the account in the ARNs; attributes and listener reads go
    /// with the load balancers of that name).
    pub fn of_account(&self, account: Option<&str>) -> LoadBalancing {
        let Some(account) = account else {
            return self.clone();
        };
        let mine = |arn: &Option<String>| {
            arn.as_deref()
                .and_then(|a| a.split(':').nth(4))
                .is_none_or(|a| a.is_empty() || a == account)
        };
        let load_balancers: Vec<LoadBalancer> = self
            .load_balancers
            .iter()
            .filter(|l| mine(&l.load_balancer_arn))
            .cloned()
            .collect();
        let names: Vec<&str> = load_balancers.iter().map(LoadBalancer::name).collect();
        LoadBalancing {
            target_groups: self
                .target_groups
                .iter()
                .filter(|t| mine(&t.target_group_arn))
                .cloned()
                .collect(),
            listeners: self
                .listeners
                .iter()
                .filter(|l| mine(&l.load_balancer_arn))
                .cloned()
                .collect(),
            attributes: self
                .attributes
                .iter()
                .filter(|(n, _)| names.contains(&n.as_str()))
                .map(|(n, r)| (n.clone(), r.clone()))
                .collect(),
            listeners_read: self
                .listeners_read
                .iter()
                .filter(|(n, _)| names.contains(&n.as_str()))
                .map(|(n, r)| (n.clone(), r.clone()))
                .collect(),
            load_balancers,
        }
    }

    pub fn target_group(&self, arn: &str) -> Option<&TargetGroup> {
        self.target_groups
            .iter()
            .find(|t| t.target_group_arn.as_deref() == Some(arn))
    }

    pub fn load_balancer(&self, arn: &str) -> Option<&LoadBalancer> {
        self.load_balancers
            .iter()
            .find(|l| l.load_balancer_arn.as_deref() == Some(arn))
    }

    /// The listeners of a load balancer, when its listener list was read.
    pub fn listeners_of<'a>(&'a self, lb: &LoadBalancer) -> Lookup<Vec<&'a Listener>> {
        let arn = lb.load_balancer_arn.as_deref();
        let found: Vec<&Listener> = self
            .listeners
            .iter()
            .filter(|l| arn.is_some() && l.load_balancer_arn.as_deref() == arn)
            .collect();
        match self.listeners_read.get(lb.name()) {
            Some(Some(e)) => Lookup::Unknown(format!(
                "the listeners of {} (DescribeListeners answered {})",
                lb.name(),
                e.code
            )),
            Some(None) => Lookup::Found(found),
            None if !found.is_empty() => Lookup::Found(found),
            None => Lookup::Unknown(format!("not read: the listeners of {}", lb.name())),
        }
    }

    /// The attributes of a load balancer, when they were read.
    pub fn attributes_of(&self, lb: &LoadBalancer) -> Lookup<&[Attribute]> {
        match self.attributes.get(lb.name()) {
            Some(Read::Answered(a)) => Lookup::Found(a.as_slice()),
            Some(Read::Error(e)) => Lookup::Unknown(format!(
                "the attributes of {} (DescribeLoadBalancerAttributes answered {})",
                lb.name(),
                e.code
            )),
            None => Lookup::Unknown(format!("not read: the attributes of {}", lb.name())),
        }
    }
}

/// The load balancer a per-resource file names: `lb-attributes-web.json` -> `web`.
pub fn bound_name<'a>(path: &'a str, prefix: &str) -> Option<&'a str> {
    let file = path.rsplit(['/', '\\']).next().unwrap_or(path);
    file.strip_prefix(prefix)?
        .strip_suffix(".json")
        .filter(|n| !n.is_empty())
}

/// The target groups and Classic load balancers an ECS service (or task set) names in
/// `loadBalancers[]`.
pub fn targets(load_balancers: &[serde_json::Value]) -> (Vec<&str>, Vec<&str>) {
    let mut groups = Vec::new();
    let mut classic = Vec::new();
    for lb in load_balancers {
        if let Some(tg) = lb.get("targetGroupArn").and_then(|v| v.as_str())
            && !groups.contains(&tg)
        {
            groups.push(tg);
        } else if let Some(n) = lb.get("loadBalancerName").and_then(|v| v.as_str())
            && lb.get("targetGroupArn").is_none()
            && !classic.contains(&n)
        {
            classic.push(n);
        }
    }
    (groups, classic)
}

/// The target groups the estate's services and task sets name: what a live scan reads of
/// Elastic Load Balancing, and nothing more.
pub fn target_group_refs(snapshot: &super::Snapshot) -> std::collections::BTreeSet<String> {
    snapshot
        .services
        .iter()
        .flat_map(|s| targets(&s.item.load_balancers).0)
        .chain(
            snapshot
                .task_sets
                .iter()
                .flat_map(|t| targets(&t.item.load_balancers).0),
        )
        .map(str::to_owned)
        .collect()
}
