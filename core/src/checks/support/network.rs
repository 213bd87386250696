//! What the network checks share: the security groups, subnets and VPC of an awsvpc service,
//! resolved from the snapshot's networking, with anything not read named (the checks are then
//! NOT_AVAILABLE, never PASSED), and the ARNs of those resources for `related_resources`.

use crate::checks::ServiceView;
use crate::finding::{Outcome, Related, Verdict};
use crate::model::AwsVpcConfiguration;
use crate::model::network::{Network, SecurityGroup, Subnet, SubnetRoute};

/// Security Hub EC2.19's fixed list of high-risk ports (not customizable).
pub const HIGH_RISK_PORTS: [u16; 24] = [
    20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500,
    5601, 8080, 8088, 8888, 9200, 9300,
];

/// The networking of one awsvpc service, as far as it was read.
#[derive(Clone)]
pub struct ServiceNetwork<'a> {
    /// The groups the tasks get: those named, or the VPC's default group when none is.
    pub groups: Vec<&'a SecurityGroup>,
    /// No group is named: the VPC's default group applies.
    pub default_by_omission: bool,
    pub subnets: Vec<&'a Subnet>,
    /// The VPC of the subnets (one VPC per service).
    pub vpc: Option<&'a str>,
    pub public_ip: bool,
}

/// The ARNs of the EC2 resources around an ECS resource (as related resources): its partition,
/// region and account, for resources whose output carries no ARN.
#[derive(Clone, Copy)]
pub(crate) struct Ec2Arns<'a> {
    pub partition: &'a str,
    pub region: &'a str,
    pub account: &'a str,
}

impl Ec2Arns<'_> {
    fn ec2_arn(&self, owner: Option<&str>, kind: &str, id: &str) -> String {
        format!(
            "arn:{}:ec2:{}:{}:{kind}/{id}",
            self.partition,
            self.region,
            owner.unwrap_or(self.account)
        )
    }

    pub(crate) fn group_related(&self, g: &SecurityGroup) -> Related {
        Related::new(
            "AwsEc2SecurityGroup",
            g.security_group_arn
                .clone()
                .unwrap_or_else(|| self.ec2_arn(g.owner_id.as_deref(), "security-group", g.id())),
        )
    }

    pub(crate) fn subnet_related(&self, s: &Subnet) -> Related {
        Related::new(
            "AwsEc2Subnet",
            s.subnet_arn.clone().unwrap_or_else(|| {
                self.ec2_arn(
                    s.owner_id.as_deref(),
                    "subnet",
                    s.subnet_id.as_deref().unwrap_or(""),
                )
            }),
        )
    }

    pub(crate) fn vpc_related(&self, vpc: &str) -> Related {
        Related::new("AwsEc2Vpc", self.ec2_arn(None, "vpc", vpc))
    }

    pub(crate) fn route_table_related(&self, id: &str) -> Related {
        Related::new("AwsEc2RouteTable", self.ec2_arn(None, "route-table", id))
    }
}

impl<'a> ServiceView<'a> {
    pub(crate) fn arns(&self) -> Ec2Arns<'a> {
        Ec2Arns {
            partition: self.partition,
            region: self.region,
            account: self.account,
        }
    }

    pub(crate) fn group_related(&self, g: &SecurityGroup) -> Related {
        self.arns().group_related(g)
    }

    pub(crate) fn subnet_related(&self, s: &Subnet) -> Related {
        self.arns().subnet_related(s)
    }

    pub(crate) fn vpc_related(&self, vpc: &str) -> Related {
        self.arns().vpc_related(vpc)
    }

    /// The service's groups, subnets and VPC; a verdict instead when the service has no awsvpc
    /// configuration (NOT_APPLICABLE) or something it needs was not read (NOT_AVAILABLE).
    /// `need_groups`: the check reads the security groups; `need_subnets`: it reads the subnets
    /// (and through them the VPC). Resolved once per placement, shared by every check.
    pub(crate) fn service_network(
        &self,
        need_groups: bool,
        need_subnets: bool,
    ) -> Result<&ServiceNetwork<'a>, Verdict> {
        let Some(vpc) = self.awsvpc else {
            return Err(Verdict::of(Outcome::na(
                "service has no awsvpc network configuration",
            )));
        };
        let r = self
            .resolved
            .network
            .get_or_init(|| resolve(self.network, vpc));
        let keep_subnets = need_subnets || need_groups && r.net.default_by_omission;
        let subnets = r.missing_subnets.iter().filter(|_| keep_subnets);
        let groups = r.missing_groups.iter().filter(|_| need_groups);
        let missing: Vec<&str> = subnets.chain(groups).map(String::as_str).collect();
        if !missing.is_empty() {
            return Err(Verdict::of(Outcome::unknown(format!(
                "not read: {}",
                missing.join(", ")
            ))));
        }
        Ok(&r.net)
    }
}

/// A placement's network as resolved from the snapshot, with what was not read (`subnet s-1`,
/// `security group sg-1`, `the default security group of vpc-1`).
#[derive(Clone)]
pub(crate) struct Resolution<'a> {
    net: ServiceNetwork<'a>,
    missing_subnets: Vec<String>,
    missing_groups: Vec<String>,
}

fn resolve<'a>(network: &'a Network, vpc: &'a AwsVpcConfiguration) -> Resolution<'a> {
    let mut missing_subnets = Vec::new();
    let mut subnets = Vec::with_capacity(vpc.subnets.len());
    for id in &vpc.subnets {
        match network.subnet(id) {
            Some(s) => subnets.push(s),
            None => missing_subnets.push(format!("subnet {id}")),
        }
    }
    let vpc_id = subnets.iter().find_map(|s| s.vpc_id.as_deref());
    let mut missing_groups = Vec::new();
    let mut groups = Vec::with_capacity(vpc.security_groups.len().max(1));
    let default_by_omission = vpc.security_groups.is_empty();
    if default_by_omission {
        match vpc_id.and_then(|v| network.default_group(v)) {
            Some(g) => groups.push(g),
            None => missing_groups.push(format!(
                "the default security group of {}",
                vpc_id.unwrap_or("the service's VPC")
            )),
        }
    }
    for id in &vpc.security_groups {
        match network.security_group(id) {
            Some(g) => groups.push(g),
            None => missing_groups.push(format!("security group {id}")),
        }
    }
    Resolution {
        net: ServiceNetwork {
            groups,
            default_by_omission,
            subnets,
            vpc: vpc_id,
            public_ip: vpc
                .assign_public_ip
                .as_deref()
                .is_some_and(|a| a.eq_ignore_ascii_case("ENABLED")),
        },
        missing_subnets,
        missing_groups,
    }
}

/// The public subnets of a service: evidence lines (`subnet s routes 0.0.0.0/0 to igw-1 (route
/// table rtb-1, the VPC's main table)`), the subnets and tables as related resources, and the
/// VPCs whose route tables were not read.
pub struct PublicSubnets {
    pub evidence: Vec<String>,
    pub related: Vec<Related>,
    pub unknown: Vec<String>,
}

impl PublicSubnets {
    /// NOT_AVAILABLE naming what was not read, when nothing public was proven but something was
    /// not read.
    pub fn unknown_verdict(&self) -> Option<Verdict> {
        (self.evidence.is_empty() && !self.unknown.is_empty()).then(|| {
            Verdict::of(Outcome::unknown(format!(
                "not read: {}",
                self.unknown.join(", ")
            )))
        })
    }
}

/// Which of `subnets` route to the internet: evidence, the subnets and their tables as related
/// resources, and the VPCs whose route tables were not read.
pub(crate) fn public_subnets(
    network: &Network,
    arns: Ec2Arns<'_>,
    subnets: &[&Subnet],
) -> PublicSubnets {
    let mut out = PublicSubnets {
        evidence: Vec::new(),
        related: Vec::new(),
        unknown: Vec::new(),
    };
    for s in subnets {
        let id = s.subnet_id.as_deref().unwrap_or("");
        match network.route_of(s) {
            None => {
                let what = format!("route tables of {}", s.vpc_id.as_deref().unwrap_or(id));
                if !out.unknown.contains(&what) {
                    out.unknown.push(what);
                }
            }
            Some(SubnetRoute::Private { .. }) => {}
            Some(SubnetRoute::Public {
                route_table,
                destination,
                gateway,
                main,
            }) => {
                out.evidence.push(format!(
                    "subnet {id} routes {destination} to {gateway} (route table {route_table}{})",
                    if main { ", the VPC's main table" } else { "" }
                ));
                out.related.push(arns.subnet_related(s));
                out.related.push(arns.route_table_related(route_table));
            }
        }
    }
    out
}

impl ServiceView<'_> {
    pub(crate) fn public_subnets(&self, net: &ServiceNetwork<'_>) -> PublicSubnets {
        public_subnets(self.network, self.arns(), &net.subnets)
    }

    /// One evidence line per group that `found` has something to say about
    /// (`security group sg-1: ...`), with the group as a related resource; PASSED when none.
    pub(crate) fn judge_groups(
        &self,
        net: &ServiceNetwork<'_>,
        found: impl Fn(&SecurityGroup) -> Option<String>,
    ) -> Verdict {
        let mut evidence = Vec::new();
        let mut related = Vec::new();
        for g in &net.groups {
            if let Some(text) = found(g) {
                evidence.push(format!("security group {}: {text}", g.id()));
                related.push(self.group_related(g));
            }
        }
        Verdict::of(Outcome::fail_if_any(evidence)).related(related)
    }
}
