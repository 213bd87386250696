//! API calls, wall time and peak memory of a region scan with what surrounds the workloads,
//! against the ECS-only scan of the same estate, on the moto emulator (not real AWS).
//!
//! Seeds 20 clusters, 200 awsvpc services (two of 40 security groups each, spread over the
//! default VPC's subnets; 20 of them behind 10 application load balancers), 20 container
//! instances (one EC2 instance per cluster) and 60 IAM roles (50 task roles, one per family, one
//! shared execution role, 9 unused; inline and customer managed policies), then reads the region
//! five times each way, alternating. Run: `scripts/bench-surroundings.sh` (needs `scripts/setup-venv.sh`).

#[path = "../tests/common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::time::Instant;

use aws_sdk_ecs::types::{
    AssignPublicIp, AwsVpcConfiguration, ContainerDefinition, LaunchType, NetworkConfiguration,
    NetworkMode,
};
use ecs_posture::aws::ecs::EcsInventory;
use ecs_posture_core::scope::Scope;

const CLUSTERS: usize = 20;
const SERVICES_PER_CLUSTER: usize = 10;
const GROUPS: usize = 40;
const LOAD_BALANCERS: usize = 10;
const FAMILIES: usize = 50;
const ROLES: usize = 60;
const REPOSITORIES: usize = 30;
const LOG_GROUPS: usize = 40;
/// Secret references, one per family: half Secrets Manager secrets, half SSM parameters.
const SECRET_REFS: usize = 50;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn vm_hwm_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))?
                .split_whitespace()
                .nth(1)?
                .parse::<f64>()
                .ok()
        })
        .unwrap_or(0.0)
        / 1024.0
}

fn main() {
    common::block_on(|| async move {
        let moto = common::Moto::start();
        let cfg = common::sdk(&moto.url()).await;
        let ecs = aws_sdk_ecs::Client::new(&cfg);
        let ec2 = aws_sdk_ec2::Client::new(&cfg);
        let t = Instant::now();

        let subnets: Vec<String> = ec2
            .describe_subnets()
            .send()
            .await
            .expect("DescribeSubnets")
            .subnets()
            .iter()
            .filter(|s| s.default_for_az() == Some(true))
            .filter_map(|s| s.subnet_id().map(str::to_owned))
            .collect();
        let vpc = ec2
            .describe_subnets()
            .subnet_ids(&subnets[0])
            .send()
            .await
            .unwrap()
            .subnets()[0]
            .vpc_id()
            .unwrap()
            .to_owned();
        let mut groups = Vec::new();
        for g in 0..GROUPS {
            groups.push(
                ec2.create_security_group()
                    .group_name(format!("svc-{g}"))
                    .description("bench")
                    .vpc_id(&vpc)
                    .send()
                    .await
                    .expect("CreateSecurityGroup")
                    .group_id()
                    .unwrap()
                    .to_owned(),
            );
        }
        let mut target_groups = Vec::new();
        for l in 0..LOAD_BALANCERS {
            let (_, tg) =
                common::estate::http_load_balancer(&cfg, &format!("lb-{l}"), &subnets[0], true)
                    .await;
            target_groups.push(tg);
        }
        let iam = aws_sdk_iam::Client::new(&cfg);
        let mut shared = Vec::new();
        for p in 0..3 {
            shared.push(
                iam.create_policy()
                    .policy_name(format!("shared-{p}"))
                    .policy_document(format!(
                        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":["sqs:SendMessage","s3:GetObject"],"Resource":"arn:aws:s3:::bucket-{p}/*"}}]}}"#
                    ))
                    .send()
                    .await
                    .expect("CreatePolicy")
                    .policy()
                    .and_then(|x| x.arn())
                    .unwrap()
                    .to_owned(),
            );
        }
        for r in 0..ROLES {
            let name = if r == 0 {
                "exec".to_owned()
            } else {
                format!("task-{r}")
            };
            iam.create_role()
                .role_name(&name)
                .assume_role_policy_document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#)
                .send()
                .await
                .expect("CreateRole");
            iam.put_role_policy()
                .role_name(&name)
                .policy_name("app")
                .policy_document(if r % 10 == 0 {
                    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#
                } else {
                    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:Query","Resource":"*"}]}"#
                })
                .send()
                .await
                .expect("PutRolePolicy");
            iam.attach_role_policy()
                .role_name(&name)
                .policy_arn(&shared[r % shared.len()])
                .send()
                .await
                .expect("AttachRolePolicy");
        }
        let ecr = aws_sdk_ecr::Client::new(&cfg);
        let mut images = Vec::new();
        for r in 0..REPOSITORIES {
            let name = format!("repo-{r}");
            ecr.create_repository()
                .repository_name(&name)
                .send()
                .await
                .expect("CreateRepository");
            let digest = ecr
                .put_image()
                .repository_name(&name)
                .image_tag("1.0")
                .image_manifest(format!(
                    r#"{{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{{"mediaType":"application/vnd.docker.container.image.v1+json","size":{r},"digest":"sha256:{r:064x}"}},"layers":[]}}"#
                ))
                .send()
                .await
                .expect("PutImage")
                .image()
                .and_then(|i| i.image_id())
                .and_then(|i| i.image_digest())
                .unwrap()
                .to_owned();
            ecr.start_image_scan()
                .repository_name(&name)
                .image_id(
                    aws_sdk_ecr::types::ImageIdentifier::builder()
                        .image_digest(&digest)
                        .build(),
                )
                .send()
                .await
                .expect("StartImageScan");
            images.push(format!(
                "123456789012.dkr.ecr.us-east-1.amazonaws.com/{name}@{digest}"
            ));
        }
        let logs = aws_sdk_cloudwatchlogs::Client::new(&cfg);
        for g in 0..LOG_GROUPS {
            logs.create_log_group()
                .log_group_name(format!("/ecs/app-{g}"))
                .send()
                .await
                .expect("CreateLogGroup");
        }
        let sm = aws_sdk_secretsmanager::Client::new(&cfg);
        let ssm = aws_sdk_ssm::Client::new(&cfg);
        let mut secret_refs = Vec::new();
        for n in 0..SECRET_REFS {
            if n % 2 == 0 {
                secret_refs.push(
                    sm.create_secret()
                        .name(format!("app/secret-{n}"))
                        .secret_string("bench")
                        .send()
                        .await
                        .expect("CreateSecret")
                        .arn()
                        .unwrap()
                        .to_owned(),
                );
            } else {
                let name = format!("/app/param-{n}");
                ssm.put_parameter()
                    .name(&name)
                    .r#type(aws_sdk_ssm::types::ParameterType::SecureString)
                    .value("bench")
                    .send()
                    .await
                    .expect("PutParameter");
                secret_refs.push(name);
            }
        }
        for f in 0..FAMILIES {
            ecs.register_task_definition()
                .family(format!("app-{f}"))
                .task_role_arn(format!("task-{}", f + 1))
                .execution_role_arn("exec")
                .network_mode(NetworkMode::Awsvpc)
                .container_definitions(
                    ContainerDefinition::builder()
                        .name("app")
                        .image(&images[f % REPOSITORIES])
                        .memory(256)
                        .log_configuration(
                            aws_sdk_ecs::types::LogConfiguration::builder()
                                .log_driver(aws_sdk_ecs::types::LogDriver::Awslogs)
                                .options("awslogs-group", format!("/ecs/app-{}", f % LOG_GROUPS))
                                .options("awslogs-region", "us-east-1")
                                .options("awslogs-stream-prefix", "app")
                                .build()
                                .expect("log configuration"),
                        )
                        .secrets(
                            aws_sdk_ecs::types::Secret::builder()
                                .name("SECRET")
                                .value_from(&secret_refs[f % SECRET_REFS])
                                .build()
                                .expect("secret"),
                        )
                        .build(),
                )
                .send()
                .await
                .expect("RegisterTaskDefinition");
        }
        let image = ec2.describe_images().send().await.unwrap().images()[0]
            .image_id()
            .unwrap()
            .to_owned();
        let instances: Vec<String> = ec2
            .run_instances()
            .image_id(&image)
            .min_count(CLUSTERS as i32)
            .max_count(CLUSTERS as i32)
            .subnet_id(&subnets[0])
            .send()
            .await
            .expect("RunInstances")
            .instances()
            .iter()
            .filter_map(|i| i.instance_id().map(str::to_owned))
            .collect();
        for (c, instance) in instances.iter().enumerate() {
            let cluster = format!("cluster-{c}");
            ecs.create_cluster()
                .cluster_name(&cluster)
                .send()
                .await
                .expect("CreateCluster");
            ecs.register_container_instance()
                .cluster(&cluster)
                .instance_identity_document(format!(r#"{{"instanceId":"{instance}"}}"#))
                .send()
                .await
                .expect("RegisterContainerInstance");
            for s in 0..SERVICES_PER_CLUSTER {
                let n = c * SERVICES_PER_CLUSTER + s;
                let mut create = ecs
                    .create_service()
                    .cluster(&cluster)
                    .service_name(format!("svc-{n}"))
                    .task_definition(format!("app-{}:1", n % FAMILIES))
                    .desired_count(0)
                    .launch_type(LaunchType::Fargate)
                    .network_configuration(
                        NetworkConfiguration::builder()
                            .awsvpc_configuration(
                                AwsVpcConfiguration::builder()
                                    .subnets(&subnets[n % subnets.len()])
                                    .security_groups(&groups[n % GROUPS])
                                    .security_groups(&groups[(n + 1) % GROUPS])
                                    .assign_public_ip(AssignPublicIp::Disabled)
                                    .build()
                                    .expect("awsvpc"),
                            )
                            .build(),
                    );
                if n < 2 * LOAD_BALANCERS {
                    create = create.load_balancers(common::estate::behind(&target_groups[n / 2]));
                }
                create.send().await.expect("CreateService");
            }
        }
        println!(
            "seeded {CLUSTERS} clusters, {} services, {GROUPS} security groups, {LOAD_BALANCERS} load balancers, {CLUSTERS} container instances, {ROLES} roles, {REPOSITORIES} repositories, {LOG_GROUPS} log groups, {SECRET_REFS} secret references in {:.1} s",
            CLUSTERS * SERVICES_PER_CLUSTER,
            t.elapsed().as_secs_f64()
        );

        let ecs_only = EcsInventory::new(ecs.clone());
        let full = EcsInventory::from_config(&cfg);
        let mut wall: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
        let mut calls: BTreeMap<&str, BTreeMap<String, u64>> = BTreeMap::new();
        let mut resources: BTreeMap<&str, usize> = BTreeMap::new();
        let mut peak: BTreeMap<&str, f64> = BTreeMap::new();
        // ECS-only first, so its peak memory is measured before the larger reads.
        for (name, inv) in [("ecs-only", &ecs_only), ("with surroundings", &full)] {
            for _ in 0..5 {
                let t = Instant::now();
                let docs = inv.read(&Scope::Region).await;
                wall.entry(name)
                    .or_default()
                    .push(t.elapsed().as_secs_f64() * 1000.0);
                assert!(
                    docs.collected.errors.is_empty(),
                    "{:?}",
                    docs.collected.errors
                );
                resources.insert(name, docs.collected.snapshot.resource_count());
                calls.insert(name, docs.collected.api_calls);
            }
            peak.insert(name, vm_hwm_mib());
        }
        // Alternate once more each way for the wall-time ratio measured side by side.
        let mut side = BTreeMap::<&str, Vec<f64>>::new();
        for _ in 0..5 {
            for (name, inv) in [("ecs-only", &ecs_only), ("with surroundings", &full)] {
                let t = Instant::now();
                inv.read(&Scope::Region).await;
                side.entry(name)
                    .or_default()
                    .push(t.elapsed().as_secs_f64() * 1000.0);
            }
        }
        let surroundings: BTreeMap<&String, &u64> = calls["with surroundings"]
            .iter()
            .filter(|(op, _)| !calls["ecs-only"].contains_key(*op))
            .collect();
        let surrounding_total: u64 = surroundings.values().copied().sum();
        // The minimum the APIs allow for this estate (catalog section 11, with the filters and
        // batch sizes used): one call each for subnets, groups, route tables, flow logs and VPC
        // endpoints of the one VPC; instances, their volumes and their AMI; the account-region's
        // EBS default; target groups and load balancers (under their batch sizes), then a
        // listener and an attribute read per load balancer. The emulator's AMI is not an
        // ECS-optimized release, so no SSM parameter is needed. The roles: one read of the
        // account's authorization details (under 1,000 roles and policies). The repositories:
        // one listing, the registry's rules, one batch per 25 repositories, a lifecycle and a
        // policy read each, one scan read per digest in use (each repository's one). The log
        // groups: one read per 50. The secret references: one DescribeSecret per secret, one
        // DescribeParameters per 50 parameters.
        let repositories = REPOSITORIES as u64;
        let ecr_minimum = 1 + 1 + repositories.div_ceil(25) + 2 * repositories + repositories;
        let secrets_minimum = (SECRET_REFS as u64 / 2) + (SECRET_REFS as u64 / 2).div_ceil(50);
        let minimum = 5
            + 3
            + 1
            + 2
            + 2 * LOAD_BALANCERS as u64
            + 1
            + ecr_minimum
            + (LOG_GROUPS as u64).div_ceil(50)
            + secrets_minimum;
        for name in ["ecs-only", "with surroundings"] {
            let c = &calls[name];
            println!(
                "{name}: {} calls, {} resources, median {:.0} ms of 5 runs (alternating: {:.0} ms), peak RSS {:.1} MiB",
                c.values().sum::<u64>(),
                resources[name],
                median(wall[name].clone()),
                median(side[name].clone()),
                peak[name],
            );
        }
        println!(
            "surroundings: {surrounding_total} calls {surroundings:?}; minimum {minimum}: ratio {:.2}",
            surrounding_total as f64 / minimum as f64
        );
        println!(
            "wall-time ratio with/without surroundings (alternating runs, medians): {:.2}",
            median(side["with surroundings"].clone()) / median(side["ecs-only"].clone())
        );
    });
}
