//! EC2 networking around awsvpc tasks, as `aws ec2 describe-security-groups`,
//! `describe-subnets`, `describe-route-tables` and `describe-flow-logs` print it (PascalCase),
//! and the questions checks ask of it: which rules admit the internet, which route table a subnet
//! follows, whether a subnet is public.

use serde::Deserialize;

use super::de;
use crate::hash::FastMap;

/// The IPv4 and IPv6 "anywhere" ranges.
pub const ANYWHERE: [&str; 2] = ["0.0.0.0/0", "::/0"];

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct SecurityGroup {
    pub group_id: Option<String>,
    pub group_name: Option<String>,
    pub vpc_id: Option<String>,
    pub owner_id: Option<String>,
    pub security_group_arn: Option<String>,
    #[serde(deserialize_with = "de::vec_or_null")]
    pub ip_permissions: Vec<IpPermission>,
    #[serde(deserialize_with = "de::vec_or_null")]
    pub ip_permissions_egress: Vec<IpPermission>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct IpPermission {
    /// `tcp`, `udp`, `icmp`, `icmpv6`, `-1` (all), or a protocol number.
    pub ip_protocol: Option<String>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub from_port: Option<i64>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub to_port: Option<i64>,
    #[serde(deserialize_with = "de::vec_or_null")]
    pub ip_ranges: Vec<IpRange>,
    #[serde(deserialize_with = "de::vec_or_null")]
    pub ipv6_ranges: Vec<Ipv6Range>,
    #[serde(deserialize_with = "de::vec_or_null")]
    pub prefix_list_ids: Vec<PrefixListId>,
    #[serde(deserialize_with = "de::vec_or_null")]
    pub user_id_group_pairs: Vec<UserIdGroupPair>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct IpRange {
    pub cidr_ip: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Ipv6Range {
    pub cidr_ipv6: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct PrefixListId {
    pub prefix_list_id: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct UserIdGroupPair {
    pub group_id: Option<String>,
}

/// The protocol of a rule, as the checks compare it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    Tcp,
    Udp,
    /// `-1`: every protocol and port.
    All,
    /// ICMP and anything else: no ports.
    Other,
}

/// One rule's internet-facing part: the anywhere ranges it admits, and what it admits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenRule {
    pub protocol: Protocol,
    /// Inclusive port range (0-65535 for `-1`).
    pub ports: (u16, u16),
    /// `0.0.0.0/0`, `::/0` or both.
    pub sources: Vec<&'static str>,
}

impl OpenRule {
    pub fn covers(&self, port: u16) -> bool {
        self.ports.0 <= port && port <= self.ports.1
    }

    /// `tcp 22 from 0.0.0.0/0` / `all traffic from ::/0`.
    pub fn describe(&self) -> String {
        let what = match self.protocol {
            Protocol::All => "all traffic".to_owned(),
            Protocol::Other => "non-TCP/UDP traffic".to_owned(),
            p => {
                let name = if p == Protocol::Tcp { "tcp" } else { "udp" };
                if self.ports.0 == self.ports.1 {
                    format!("{name} {}", self.ports.0)
                } else {
                    format!("{name} {}-{}", self.ports.0, self.ports.1)
                }
            }
        };
        format!("{what} from {}", self.sources.join(" and "))
    }
}

impl IpPermission {
    pub fn protocol(&self) -> Protocol {
        match self
            .ip_protocol
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("-1") | Some("all") => Protocol::All,
            Some("tcp") | Some("6") => Protocol::Tcp,
            Some("udp") | Some("17") => Protocol::Udp,
            _ => Protocol::Other,
        }
    }

    /// The rule as seen from the internet: `None` unless it names `0.0.0.0/0` or `::/0`
    /// (prefix lists and security group references are not the internet).
    pub fn open_to_internet(&self) -> Option<OpenRule> {
        let mut sources = Vec::new();
        if self
            .ip_ranges
            .iter()
            .any(|r| r.cidr_ip.as_deref() == Some(ANYWHERE[0]))
        {
            sources.push(ANYWHERE[0]);
        }
        if self
            .ipv6_ranges
            .iter()
            .any(|r| r.cidr_ipv6.as_deref() == Some(ANYWHERE[1]))
        {
            sources.push(ANYWHERE[1]);
        }
        if sources.is_empty() {
            return None;
        }
        let protocol = self.protocol();
        let ports = match protocol {
            Protocol::All => (0, u16::MAX),
            Protocol::Tcp | Protocol::Udp => {
                let clamp = |p: i64| p.clamp(0, i64::from(u16::MAX)) as u16;
                match (self.from_port, self.to_port) {
                    // An absent or -1 range on TCP/UDP means every port.
                    (None, _) | (Some(-1), _) => (0, u16::MAX),
                    (Some(f), None) => (clamp(f), clamp(f)),
                    (Some(f), Some(t)) if t < 0 => (clamp(f), u16::MAX),
                    (Some(f), Some(t)) => (clamp(f.min(t)), clamp(f.max(t))),
                }
            }
            Protocol::Other => (0, 0),
        };
        Some(OpenRule {
            protocol,
            ports,
            sources,
        })
    }
}

impl SecurityGroup {
    pub fn id(&self) -> &str {
        self.group_id.as_deref().unwrap_or("")
    }

    /// Ingress rules that admit the internet.
    pub fn open_ingress(&self) -> Vec<OpenRule> {
        self.ip_permissions
            .iter()
            .filter_map(IpPermission::open_to_internet)
            .collect()
    }

    pub fn is_default(&self) -> bool {
        self.group_name.as_deref() == Some("default")
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Subnet {
    pub subnet_id: Option<String>,
    pub subnet_arn: Option<String>,
    pub vpc_id: Option<String>,
    pub owner_id: Option<String>,
    #[serde(deserialize_with = "de::opt_bool")]
    pub map_public_ip_on_launch: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct RouteTable {
    pub route_table_id: Option<String>,
    pub vpc_id: Option<String>,
    pub owner_id: Option<String>,
    #[serde(deserialize_with = "de::vec_or_null")]
    pub associations: Vec<RouteTableAssociation>,
    #[serde(deserialize_with = "de::vec_or_null")]
    pub routes: Vec<Route>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct RouteTableAssociation {
    #[serde(deserialize_with = "de::opt_bool")]
    pub main: Option<bool>,
    pub subnet_id: Option<String>,
    pub gateway_id: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Route {
    pub destination_cidr_block: Option<String>,
    pub destination_ipv6_cidr_block: Option<String>,
    pub gateway_id: Option<String>,
    pub nat_gateway_id: Option<String>,
    pub transit_gateway_id: Option<String>,
    pub vpc_endpoint_id: Option<String>,
    /// `active` or `blackhole`.
    pub state: Option<String>,
}

impl RouteTable {
    pub fn id(&self) -> &str {
        self.route_table_id.as_deref().unwrap_or("")
    }

    pub fn is_main(&self) -> bool {
        self.associations.iter().any(|a| a.main == Some(true))
    }

    /// The active default route (`0.0.0.0/0` or `::/0`) to an internet gateway, if any: a
    /// blackhole route, a NAT gateway, a transit gateway or an endpoint is not the internet, nor is
    /// an egress-only internet gateway (`eigw-`).
    pub fn internet_route(&self) -> Option<(&str, &str)> {
        self.routes.iter().find_map(|r| {
            let dest = r
                .destination_cidr_block
                .as_deref()
                .filter(|d| *d == ANYWHERE[0])
                .or(r
                    .destination_ipv6_cidr_block
                    .as_deref()
                    .filter(|d| *d == ANYWHERE[1]))?;
            let active = r.state.as_deref().is_none_or(|s| s == "active");
            let igw = r.gateway_id.as_deref().filter(|g| g.starts_with("igw-"))?;
            active.then_some((dest, igw))
        })
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct FlowLog {
    pub flow_log_id: Option<String>,
    pub resource_id: Option<String>,
    /// `ACCEPT`, `REJECT` or `ALL`.
    pub traffic_type: Option<String>,
    pub flow_log_status: Option<String>,
}

/// `aws ec2 describe-vpc-endpoints`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct VpcEndpoint {
    pub vpc_endpoint_id: Option<String>,
    /// `Interface`, `Gateway`, `GatewayLoadBalancer`, ...
    pub vpc_endpoint_type: Option<String>,
    pub vpc_id: Option<String>,
    /// `com.amazonaws.<region>.<service>` (`cn.com.amazonaws...` in China).
    pub service_name: Option<String>,
    /// `available`, `pending`, `deleting`, ... (lower case in the API, compared loosely).
    pub state: Option<String>,
    pub private_dns_enabled: Option<bool>,
    #[serde(deserialize_with = "super::de::vec_or_null")]
    pub route_table_ids: Vec<String>,
    pub owner_id: Option<String>,
}

impl VpcEndpoint {
    /// The short service name (`ecr.dkr`, `logs`, `s3`) of an AWS service endpoint.
    pub fn aws_service(&self) -> Option<&str> {
        let name = self.service_name.as_deref()?;
        let rest = name
            .strip_prefix("com.amazonaws.")
            .or_else(|| name.strip_prefix("cn.com.amazonaws."))?;
        rest.split_once('.').map(|(_, service)| service)
    }

    pub fn is_available(&self) -> bool {
        self.state
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("available"))
    }

    pub fn is_type(&self, kind: &str) -> bool {
        self.vpc_endpoint_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case(kind))
    }
}

/// The EC2 networking a snapshot holds, with what was read: a kind of resource that was never
/// read is unknown (checks that need it are NOT_AVAILABLE), unlike one read and absent.
#[derive(Debug, Clone, Default)]
pub struct Network {
    pub security_groups: Vec<SecurityGroup>,
    pub subnets: Vec<Subnet>,
    pub route_tables: Vec<RouteTable>,
    pub flow_logs: Vec<FlowLog>,
    /// A `describe-route-tables` output was read: the VPCs it names are known whole.
    pub route_table_vpcs: std::collections::BTreeSet<String>,
    /// A `describe-flow-logs` output was read (of the region, or of the VPCs it names).
    pub flow_logs_read: bool,
    /// The VPC endpoints of the estate's VPCs (`describe-vpc-endpoints`).
    pub vpc_endpoints: Vec<VpcEndpoint>,
    /// A `describe-vpc-endpoints` output was read (of the region, or of the VPCs it names).
    pub vpc_endpoints_read: bool,
    /// The load balancers in front of the estate's services.
    pub load_balancing: super::load_balancing::LoadBalancing,
    /// The EC2 instances of container instances (`describe-instances`).
    pub instances: Vec<super::instance::Ec2Instance>,
    /// Their EBS volumes (`describe-volumes`).
    pub volumes: Vec<super::instance::Volume>,
    /// The AMIs of those instances (`describe-images`).
    pub images: Vec<super::instance::Image>,
    /// A `describe-images` output was read: an AMI it does not list is deregistered (or no
    /// longer shared), not unknown.
    pub images_read: bool,
    /// The current ECS-optimized AMI releases (`ssm get-parameters` of the public parameters).
    pub ami_releases: Vec<super::instance::AmiRelease>,
    /// The parameters asked for, answered or listed as invalid (`InvalidParameters`).
    pub ami_parameters_read: std::collections::BTreeSet<String>,
    /// The account-region's settings (`get-ebs-encryption-by-default`).
    pub account: super::account::AccountSettings,
    /// Lookups by id, built on first use (thousands of services may share a snapshot's groups)
    /// and dropped by [`Network::merge`]; lists filled directly are never looked up before.
    index: std::sync::OnceLock<Index>,
}

#[derive(Debug, Clone, Default)]
struct Index {
    groups: FastMap<String, usize>,
    subnets: FastMap<String, usize>,
}

/// Where a subnet's traffic goes, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubnetRoute<'a> {
    /// Its effective table has an active default route to an internet gateway.
    Public {
        route_table: &'a str,
        destination: &'a str,
        gateway: &'a str,
        /// The table is the VPC's main table (the subnet has no explicit association).
        main: bool,
    },
    Private {
        route_table: &'a str,
        main: bool,
    },
}

impl Network {
    fn index(&self) -> &Index {
        self.index.get_or_init(|| {
            let mut ix = Index::default();
            for (i, g) in self.security_groups.iter().enumerate() {
                ix.groups.entry(g.id().to_owned()).or_insert(i);
            }
            for (i, s) in self.subnets.iter().enumerate() {
                if let Some(id) = &s.subnet_id {
                    ix.subnets.entry(id.clone()).or_insert(i);
                }
            }
            ix
        })
    }

    /// Add another read (repeats dropped: the same id of the same owner).
    pub fn merge(&mut self, other: Network) {
        self.index = std::sync::OnceLock::new();
        fn add<T>(
            list: &mut Vec<T>,
            items: Vec<T>,
            key: impl Fn(&T) -> (Option<&str>, Option<&str>),
        ) {
            for item in items {
                if !list.iter().any(|x| key(x) == key(&item)) {
                    list.push(item);
                }
            }
        }
        add(&mut self.security_groups, other.security_groups, |g| {
            (g.owner_id.as_deref(), g.group_id.as_deref())
        });
        add(&mut self.subnets, other.subnets, |s| {
            (s.owner_id.as_deref(), s.subnet_id.as_deref())
        });
        add(&mut self.route_tables, other.route_tables, |t| {
            (t.owner_id.as_deref(), t.route_table_id.as_deref())
        });
        add(&mut self.flow_logs, other.flow_logs, |f| {
            (f.resource_id.as_deref(), f.flow_log_id.as_deref())
        });
        self.route_table_vpcs.extend(other.route_table_vpcs);
        self.flow_logs_read |= other.flow_logs_read;
        add(&mut self.vpc_endpoints, other.vpc_endpoints, |e| {
            (e.owner_id.as_deref(), e.vpc_endpoint_id.as_deref())
        });
        self.vpc_endpoints_read |= other.vpc_endpoints_read;
        self.load_balancing.merge(other.load_balancing);
        add(&mut self.instances, other.instances, |i| {
            (i.owner_id.as_deref(), i.instance_id.as_deref())
        });
        add(&mut self.volumes, other.volumes, |v| {
            (None, v.volume_id.as_deref())
        });
        self.account.merge(other.account);
        add(&mut self.images, other.images, |i| {
            (None, i.image_id.as_deref())
        });
        self.images_read |= other.images_read;
        add(&mut self.ami_releases, other.ami_releases, |r| {
            (None, Some(r.parameter.as_str()))
        });
        self.ami_parameters_read.extend(other.ami_parameters_read);
    }

    /// What belongs to `account` (by `OwnerId`; items that name no owner go everywhere).
    pub fn of_account(&self, account: Option<&str>) -> Network {
        let mine = |owner: &Option<String>| {
            account.is_none() || owner.is_none() || owner.as_deref() == account
        };
        Network {
            security_groups: self
                .security_groups
                .iter()
                .filter(|g| mine(&g.owner_id))
                .cloned()
                .collect(),
            subnets: self
                .subnets
                .iter()
                .filter(|s| mine(&s.owner_id))
                .cloned()
                .collect(),
            route_tables: self
                .route_tables
                .iter()
                .filter(|t| mine(&t.owner_id))
                .cloned()
                .collect(),
            flow_logs: self.flow_logs.clone(),
            route_table_vpcs: self.route_table_vpcs.clone(),
            flow_logs_read: self.flow_logs_read,
            vpc_endpoints: self
                .vpc_endpoints
                .iter()
                .filter(|e| mine(&e.owner_id))
                .cloned()
                .collect(),
            vpc_endpoints_read: self.vpc_endpoints_read,
            load_balancing: self.load_balancing.of_account(account),
            instances: self
                .instances
                .iter()
                .filter(|i| mine(&i.owner_id))
                .cloned()
                .collect(),
            volumes: self.volumes.clone(),
            account: self.account.clone(),
            images: self.images.clone(),
            images_read: self.images_read,
            ami_releases: self.ami_releases.clone(),
            ami_parameters_read: self.ami_parameters_read.clone(),
            index: std::sync::OnceLock::new(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.security_groups.is_empty()
            && self.subnets.is_empty()
            && self.route_tables.is_empty()
            && self.flow_logs.is_empty()
            && !self.flow_logs_read
            && self.vpc_endpoints.is_empty()
            && !self.vpc_endpoints_read
            && self.load_balancing.is_empty()
            && self.instances.is_empty()
            && !self.account.any_read()
            && self.images.is_empty()
            && !self.images_read
            && self.ami_releases.is_empty()
            && self.ami_parameters_read.is_empty()
            && self.volumes.is_empty()
    }

    pub fn instance(&self, id: &str) -> Option<&super::instance::Ec2Instance> {
        self.instances
            .iter()
            .find(|i| i.instance_id.as_deref() == Some(id))
    }

    /// An AMI by id: `Some(None)` when images were read and it is not among them (deregistered
    /// or no longer shared), `None` when images were not read.
    pub fn image(&self, id: &str) -> Option<Option<&super::instance::Image>> {
        let found = self
            .images
            .iter()
            .find(|i| i.image_id.as_deref() == Some(id));
        match found {
            Some(i) => Some(Some(i)),
            None if self.images_read => Some(None),
            None => None,
        }
    }

    /// The current release of an ECS-optimized AMI family by its parameter's name: `Some(None)`
    /// when the parameter was read and does not exist (or its value is not the documented
    /// JSON), `None` when it was not read.
    pub fn ami_release(&self, parameter: &str) -> Option<Option<&super::instance::AmiRelease>> {
        let found = self.ami_releases.iter().find(|r| r.parameter == parameter);
        match found {
            Some(r) => Some(Some(r)),
            None if self.ami_parameters_read.contains(parameter) => Some(None),
            None => None,
        }
    }

    pub fn volume(&self, id: &str) -> Option<&super::instance::Volume> {
        self.volumes
            .iter()
            .find(|v| v.volume_id.as_deref() == Some(id))
    }

    pub fn security_group(&self, id: &str) -> Option<&SecurityGroup> {
        self.index()
            .groups
            .get(id)
            .and_then(|&i| self.security_groups.get(i))
    }

    pub fn subnet(&self, id: &str) -> Option<&Subnet> {
        self.index()
            .subnets
            .get(id)
            .and_then(|&i| self.subnets.get(i))
    }

    /// The default security group of a VPC, if read.
    pub fn default_group(&self, vpc: &str) -> Option<&SecurityGroup> {
        self.security_groups
            .iter()
            .find(|g| g.is_default() && g.vpc_id.as_deref() == Some(vpc))
    }

    /// The route of a subnet: its explicitly associated table, else the main table of its own
    /// VPC (never another VPC's). `None` when the VPC's route tables were not read.
    pub fn route_of(&self, subnet: &Subnet) -> Option<SubnetRoute<'_>> {
        let id = subnet.subnet_id.as_deref()?;
        let vpc = subnet.vpc_id.as_deref()?;
        let explicit = self.route_tables.iter().find(|t| {
            t.associations
                .iter()
                .any(|a| a.subnet_id.as_deref() == Some(id))
        });
        let (table, main) = match explicit {
            Some(t) => (t, false),
            None => {
                if !self.route_table_vpcs.contains(vpc) {
                    return None;
                }
                (
                    self.route_tables
                        .iter()
                        .find(|t| t.vpc_id.as_deref() == Some(vpc) && t.is_main())?,
                    true,
                )
            }
        };
        Some(match table.internet_route() {
            Some((destination, gateway)) => SubnetRoute::Public {
                route_table: table.id(),
                destination,
                gateway,
                main,
            },
            None => SubnetRoute::Private {
                route_table: table.id(),
                main,
            },
        })
    }

    /// The available endpoints of a VPC; `None` when VPC endpoints were not read.
    pub fn vpc_endpoints(&self, vpc: &str) -> Option<Vec<&VpcEndpoint>> {
        self.vpc_endpoints_read.then(|| {
            self.vpc_endpoints
                .iter()
                .filter(|e| e.vpc_id.as_deref() == Some(vpc) && e.is_available())
                .collect()
        })
    }

    /// The flow logs of a VPC that record rejected traffic (`REJECT` or `ALL`); `None` when
    /// flow logs were not read.
    pub fn vpc_flow_logs(&self, vpc: &str) -> Option<Vec<&FlowLog>> {
        if !self.flow_logs_read {
            return None;
        }
        Some(
            self.flow_logs
                .iter()
                .filter(|f| f.resource_id.as_deref() == Some(vpc))
                .filter(|f| {
                    matches!(
                        f.traffic_type
                            .as_deref()
                            .map(str::to_ascii_uppercase)
                            .as_deref(),
                        Some("REJECT") | Some("ALL")
                    )
                })
                .collect(),
        )
    }
}

/// What the estate's awsvpc services and task sets name of EC2: their security groups and
/// subnets, whether one names no group (its VPC's default group applies), and the instances of
/// its container instances. What a live scan reads of EC2, and nothing more.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct References {
    pub groups: std::collections::BTreeSet<String>,
    pub subnets: std::collections::BTreeSet<String>,
    pub default_group: bool,
    /// The EC2 instances of the container instances (not INACTIVE).
    pub instances: std::collections::BTreeSet<String>,
}

impl References {
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty() && self.subnets.is_empty() && self.instances.is_empty()
    }

    pub fn of(snapshot: &super::Snapshot) -> References {
        let mut out = References::default();
        let configs = snapshot
            .services
            .iter()
            .filter_map(|s| s.item.awsvpc())
            .chain(snapshot.task_sets.iter().filter_map(|t| t.item.awsvpc()));
        for c in configs {
            out.groups.extend(c.security_groups.iter().cloned());
            out.subnets.extend(c.subnets.iter().cloned());
            out.default_group |= c.security_groups.is_empty();
        }
        // The subnets Managed Instances providers launch instances into (CP03).
        for p in &snapshot.capacity_providers {
            out.subnets
                .extend(p.item.managed_instances_subnets().iter().cloned());
        }
        out.instances = snapshot
            .container_instances
            .iter()
            .filter(|c| !c.item.is_inactive())
            .filter_map(|c| c.item.ec2_instance_id.clone())
            .collect();
        out
    }
}
