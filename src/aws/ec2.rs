//! The EC2 networking around a scan's awsvpc services and task sets: exactly the groups and
//! subnets they name (by filter, so a deleted one is simply absent), the VPCs' default groups
//! where a service names none, the route tables, flow logs and VPC endpoints of those VPCs. Each resource is
//! read once per scan however many services share it; filters of up to 200 values and every
//! page. A call that fails leaves its part unread: the checks that need it are NOT_AVAILABLE.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_ec2::Client;
use aws_sdk_ec2::types::Filter;
use ecs_posture_core::model::network::References;
use serde_json::{Value, json};

use super::ec2_json;

/// EC2 accepts at most 200 values per filter.
const FILTER_VALUES: usize = 200;

/// What was read: documents (as `aws ec2 describe-*` prints them), calls by operation, errors.
#[derive(Debug, Default)]
pub struct NetworkRead {
    pub docs: Vec<(String, Value)>,
    pub calls: BTreeMap<String, u64>,
    pub errors: Vec<String>,
}

impl NetworkRead {
    pub(crate) fn count(&mut self, op: &str) {
        *self.calls.entry(op.to_owned()).or_default() += 1;
    }

    /// Add another read's documents, calls and errors after this one's.
    pub(crate) fn absorb(&mut self, other: NetworkRead) {
        self.docs.extend(other.docs);
        for (op, n) in other.calls {
            *self.calls.entry(op).or_default() += n;
        }
        self.errors.extend(other.errors);
    }
}

/// How many per-resource reads (a repository's policies, an image's scan, a secret) run at once.
pub(crate) const PER_RESOURCE_CONCURRENCY: usize = 8;

/// Run `read` on every item, [`PER_RESOURCE_CONCURRENCY`] at a time, and merge what they read
/// in the items' order (so the documents come out the same whatever answers first).
pub(crate) async fn each_concurrently<T, F, Fut>(items: Vec<T>, read: F) -> NetworkRead
where
    T: Send + 'static,
    F: Fn(T) -> Fut,
    Fut: std::future::Future<Output = NetworkRead> + Send + 'static,
{
    let permits = std::sync::Arc::new(tokio::sync::Semaphore::new(PER_RESOURCE_CONCURRENCY));
    let mut set = tokio::task::JoinSet::new();
    let count = items.len();
    for (i, item) in items.into_iter().enumerate() {
        let permits = permits.clone();
        let work = read(item);
        set.spawn(async move {
            // The semaphore is never closed: a permit always comes.
            let _permit = permits.acquire_owned().await.ok();
            (i, work.await)
        });
    }
    let mut done: Vec<Option<NetworkRead>> = (0..count).map(|_| None).collect();
    let mut out = NetworkRead::default();
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok((i, read)) => done[i] = Some(read),
            Err(e) => out.errors.push(format!("a read stopped: {e}")),
        }
    }
    for read in done.into_iter().flatten() {
        out.absorb(read);
    }
    out
}

fn filter(name: &str, values: &[String]) -> Filter {
    Filter::builder()
        .name(name)
        .set_values(Some(values.to_vec()))
        .build()
}

/// Follow every page of `$pages`, counting `$op` per page and adding `$items(page)` to `$acc`;
/// on a failure the error is recorded and `$acc` becomes `None` (that part was not read).
macro_rules! read_pages {
    ($op:literal, $out:ident, $acc:ident, $pages:expr, $items:expr) => {
        if let Some(acc) = $acc.as_mut() {
            let mut pages = $pages;
            while let Some(page) = pages.next().await {
                $out.count($op);
                match page {
                    Ok(p) => acc.extend(($items)(&p)),
                    Err(e) => {
                        $out.errors
                            .push(format!("{}: {}", $op, super::sdk_error_summary(&e)));
                        $acc = None;
                        break;
                    }
                }
            }
        }
    };
}

/// Read what `refs` names; `ssm` reads the current ECS-optimized AMI releases of the instances'
/// AMI families (`None`: not read, their check is NOT_AVAILABLE).
pub async fn read(
    client: &Client,
    ssm: Option<&aws_sdk_ssm::Client>,
    refs: &References,
) -> NetworkRead {
    let mut out = NetworkRead::default();
    if refs.is_empty() {
        return out;
    }
    read_instances(client, ssm, refs, &mut out).await;
    let subnet_ids: Vec<String> = refs.subnets.iter().cloned().collect();
    let mut subnets = Some(Vec::new());
    for chunk in subnet_ids.chunks(FILTER_VALUES) {
        read_pages!(
            "DescribeSubnets",
            out,
            subnets,
            client
                .describe_subnets()
                .filters(filter("subnet-id", chunk))
                .into_paginator()
                .send(),
            |p: &aws_sdk_ec2::operation::describe_subnets::DescribeSubnetsOutput| {
                p.subnets().iter().map(ec2_json::subnet).collect::<Vec<_>>()
            }
        );
    }
    let vpcs: Vec<String> = subnets
        .iter()
        .flatten()
        .filter_map(|s| s["VpcId"].as_str().map(str::to_owned))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if let Some(subnets) = subnets {
        out.docs
            .push(("ec2:DescribeSubnets".into(), json!({"Subnets": subnets})));
    }

    let group_ids: Vec<String> = refs.groups.iter().cloned().collect();
    let mut group_filters: Vec<Vec<Filter>> = group_ids
        .chunks(FILTER_VALUES)
        .map(|c| vec![filter("group-id", c)])
        .collect();
    if refs.default_group {
        group_filters.extend(vpcs.chunks(FILTER_VALUES).map(|c| {
            vec![
                filter("vpc-id", c),
                filter("group-name", &["default".to_owned()]),
            ]
        }));
    }
    let mut groups = Some(Vec::new());
    for filters in group_filters {
        read_pages!(
            "DescribeSecurityGroups",
            out,
            groups,
            client
                .describe_security_groups()
                .set_filters(Some(filters))
                .into_paginator()
                .send(),
            |p: &aws_sdk_ec2::operation::describe_security_groups::DescribeSecurityGroupsOutput| {
                p.security_groups()
                    .iter()
                    .map(ec2_json::security_group)
                    .collect::<Vec<_>>()
            }
        );
    }
    if let Some(groups) = groups.filter(|g| !g.is_empty()) {
        out.docs.push((
            "ec2:DescribeSecurityGroups".into(),
            json!({"SecurityGroups": groups}),
        ));
    }

    if vpcs.is_empty() {
        return out;
    }
    let mut tables = Some(Vec::new());
    let mut logs = Some(Vec::new());
    let mut endpoints = Some(Vec::new());
    for chunk in vpcs.chunks(FILTER_VALUES) {
        read_pages!(
            "DescribeRouteTables",
            out,
            tables,
            client
                .describe_route_tables()
                .filters(filter("vpc-id", chunk))
                .into_paginator()
                .send(),
            |p: &aws_sdk_ec2::operation::describe_route_tables::DescribeRouteTablesOutput| {
                p.route_tables()
                    .iter()
                    .map(ec2_json::route_table)
                    .collect::<Vec<_>>()
            }
        );
        read_pages!(
            "DescribeFlowLogs",
            out,
            logs,
            client
                .describe_flow_logs()
                .filter(filter("resource-id", chunk))
                .into_paginator()
                .send(),
            |p: &aws_sdk_ec2::operation::describe_flow_logs::DescribeFlowLogsOutput| {
                p.flow_logs()
                    .iter()
                    .map(ec2_json::flow_log)
                    .collect::<Vec<_>>()
            }
        );
        read_pages!(
            "DescribeVpcEndpoints",
            out,
            endpoints,
            client
                .describe_vpc_endpoints()
                .filters(filter("vpc-id", chunk))
                .into_paginator()
                .send(),
            |p: &aws_sdk_ec2::operation::describe_vpc_endpoints::DescribeVpcEndpointsOutput| {
                p.vpc_endpoints()
                    .iter()
                    .map(ec2_json::vpc_endpoint)
                    .collect::<Vec<_>>()
            }
        );
    }
    if let Some(tables) = tables {
        out.docs.push((
            "ec2:DescribeRouteTables".into(),
            json!({"RouteTables": tables}),
        ));
    }
    if let Some(logs) = logs {
        out.docs
            .push(("ec2:DescribeFlowLogs".into(), json!({"FlowLogs": logs})));
    }
    if let Some(endpoints) = endpoints {
        out.docs.push((
            "ec2:DescribeVpcEndpoints".into(),
            json!({"VpcEndpoints": endpoints}),
        ));
    }
    out
}

/// The EC2 instances of the container instances, then their EBS volumes (by id, from the
/// instances' block device mappings).
async fn read_instances(
    client: &Client,
    ssm: Option<&aws_sdk_ssm::Client>,
    refs: &References,
    out: &mut NetworkRead,
) {
    if refs.instances.is_empty() {
        return;
    }
    let ids: Vec<String> = refs.instances.iter().cloned().collect();
    let mut reservations = Some(Vec::new());
    for chunk in ids.chunks(FILTER_VALUES) {
        read_pages!(
            "DescribeInstances",
            out,
            reservations,
            client
                .describe_instances()
                .filters(filter("instance-id", chunk))
                .into_paginator()
                .send(),
            |p: &aws_sdk_ec2::operation::describe_instances::DescribeInstancesOutput| {
                p.reservations()
                    .iter()
                    .map(ec2_json::reservation)
                    .collect::<Vec<_>>()
            }
        );
    }
    let Some(reservations) = reservations else {
        return;
    };
    let image_ids: Vec<String> = reservations
        .iter()
        .flat_map(|r| r["Instances"].as_array().cloned().unwrap_or_default())
        .filter_map(|i| i["ImageId"].as_str().map(str::to_owned))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let volume_ids: Vec<String> = reservations
        .iter()
        .flat_map(|r| r["Instances"].as_array().cloned().unwrap_or_default())
        .flat_map(|i| {
            i["BlockDeviceMappings"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|b| b["Ebs"]["VolumeId"].as_str().map(str::to_owned))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    out.docs.push((
        "ec2:DescribeInstances".into(),
        json!({"Reservations": reservations}),
    ));
    let mut volumes = Some(Vec::new());
    for chunk in volume_ids.chunks(FILTER_VALUES) {
        read_pages!(
            "DescribeVolumes",
            out,
            volumes,
            client
                .describe_volumes()
                .filters(filter("volume-id", chunk))
                .into_paginator()
                .send(),
            |p: &aws_sdk_ec2::operation::describe_volumes::DescribeVolumesOutput| {
                p.volumes().iter().map(ec2_json::volume).collect::<Vec<_>>()
            }
        );
    }
    if let Some(volumes) = volumes.filter(|v| !v.is_empty()) {
        out.docs
            .push(("ec2:DescribeVolumes".into(), json!({"Volumes": volumes})));
    }
    read_ebs_default(client, out).await;
    read_images(client, ssm, &image_ids, out).await;
}

/// The instances' AMIs (by id), then the current release of each ECS-optimized family among
/// them.
async fn read_images(
    client: &Client,
    ssm: Option<&aws_sdk_ssm::Client>,
    ids: &[String],
    out: &mut NetworkRead,
) {
    let mut images = Some(Vec::new());
    for chunk in ids.chunks(FILTER_VALUES) {
        read_pages!(
            "DescribeImages",
            out,
            images,
            client
                .describe_images()
                .filters(filter("image-id", chunk))
                .into_paginator()
                .send(),
            |p: &aws_sdk_ec2::operation::describe_images::DescribeImagesOutput| {
                p.images().iter().map(ec2_json::image).collect::<Vec<_>>()
            }
        );
    }
    let Some(images) = images else {
        return;
    };
    let parameters: Vec<String> = images
        .iter()
        .filter_map(|i| i["Name"].as_str())
        .filter_map(ecs_posture_core::model::instance::ecs_ami_family)
        .map(|(parameter, _)| parameter)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    out.docs
        .push(("ec2:DescribeImages".into(), json!({"Images": images})));
    if let Some(ssm) = ssm {
        super::ssm::read_ami_releases(ssm, &parameters, out).await;
    }
}

/// The region's EBS encryption by default (read once where container instances run): its output,
/// or the AWS error it answered with, kept in the file that binds it to the account-region.
async fn read_ebs_default(client: &Client, out: &mut NetworkRead) {
    use ecs_posture_core::model::account::EBS_DEFAULT_FILE;
    out.count("GetEbsEncryptionByDefault");
    match client.get_ebs_encryption_by_default().send().await {
        Ok(o) => out.docs.push((
            EBS_DEFAULT_FILE.into(),
            json!({
                "EbsEncryptionByDefault": o.ebs_encryption_by_default(),
                "SseType": o.sse_type().map(|t| t.as_str()),
            }),
        )),
        Err(e) => {
            out.errors.push(format!(
                "GetEbsEncryptionByDefault: {}",
                super::sdk_error_summary(&e)
            ));
            if let Some(error) = super::error_document(&e) {
                out.docs.push((EBS_DEFAULT_FILE.into(), error));
            }
        }
    }
}

/// The VPCs of route tables (`DescribeRouteTables` by id); `None` when the read failed
/// (recorded).
pub async fn vpcs_of_route_tables(
    client: &Client,
    tables: &[String],
    out: &mut NetworkRead,
) -> Option<Vec<String>> {
    let mut vpcs = Some(Vec::new());
    for chunk in tables.chunks(FILTER_VALUES) {
        read_pages!(
            "DescribeRouteTables",
            out,
            vpcs,
            client
                .describe_route_tables()
                .filters(filter("route-table-id", chunk))
                .into_paginator()
                .send(),
            |p: &aws_sdk_ec2::operation::describe_route_tables::DescribeRouteTablesOutput| {
                p.route_tables()
                    .iter()
                    .filter_map(|t| t.vpc_id().map(str::to_owned))
                    .collect::<Vec<_>>()
            }
        );
    }
    vpcs
}

/// The VPCs of VPC endpoints (`DescribeVpcEndpoints` by id); `None` when the read failed
/// (recorded) or an endpoint is no longer listed (deleted): its VPC is then unknown.
pub async fn vpcs_of_endpoints(
    client: &Client,
    endpoints: &[String],
    out: &mut NetworkRead,
) -> Option<Vec<String>> {
    let mut found = Some(Vec::new());
    for chunk in endpoints.chunks(FILTER_VALUES) {
        read_pages!(
            "DescribeVpcEndpoints",
            out,
            found,
            client
                .describe_vpc_endpoints()
                .filters(filter("vpc-endpoint-id", chunk))
                .into_paginator()
                .send(),
            |p: &aws_sdk_ec2::operation::describe_vpc_endpoints::DescribeVpcEndpointsOutput| {
                p.vpc_endpoints()
                    .iter()
                    .filter_map(|e| Some((e.vpc_endpoint_id()?.to_owned(), e.vpc_id()?.to_owned())))
                    .collect::<Vec<_>>()
            }
        );
    }
    let found = found?;
    let all_listed = endpoints
        .iter()
        .all(|id| found.iter().any(|(e, _)| e == id));
    all_listed.then(|| found.into_iter().map(|(_, vpc)| vpc).collect())
}

/// Every subnet of `vpcs` (`DescribeSubnets` by VPC id); `None` when the read failed (recorded).
pub async fn subnets_of_vpcs(
    client: &Client,
    vpcs: Vec<String>,
    out: &mut NetworkRead,
) -> Option<BTreeSet<String>> {
    let vpcs: Vec<String> = vpcs
        .into_iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut subnets = Some(Vec::new());
    for chunk in vpcs.chunks(FILTER_VALUES) {
        read_pages!(
            "DescribeSubnets",
            out,
            subnets,
            client
                .describe_subnets()
                .filters(filter("vpc-id", chunk))
                .into_paginator()
                .send(),
            |p: &aws_sdk_ec2::operation::describe_subnets::DescribeSubnetsOutput| {
                p.subnets()
                    .iter()
                    .filter_map(|s| s.subnet_id().map(str::to_owned))
                    .collect::<Vec<_>>()
            }
        );
    }
    subnets.map(|s| s.into_iter().collect())
}
