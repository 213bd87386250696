//! Evaluate a synthetic estate of 10,000 task definitions and 2,000 services with the full
//! catalog (every check enabled), without and with what surrounds the services (their 2,000
//! security groups, 20 subnets and route tables, flow logs, VPC endpoints, 200 load balancers
//! with listeners and attributes, 20 container instances with their EC2 instances, AMI and the
//! AMI family's current release, the EBS default, the roles, the ECR repositories with their
//! scans and running digests, the log group and the secrets). Prints peak memory (VmHWM) before
//! criterion's runs.
//!
//! `cargo bench -p ecs-posture-core --bench evaluate` (or `scripts/bench.sh`).

// The allocator of the `ecs-posture` and `bootstrap` binaries, so the figures are theirs.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{Criterion, Throughput, criterion_group};
use std::hint::black_box;

use ecs_posture_core::{CATALOG, Context, Options, Snapshot, evaluate, select};

const TASK_DEFINITIONS: usize = 10_000;
const SERVICES: usize = 2_000;
const CLUSTERS: usize = 20;

fn task_definition(i: usize) -> String {
    let family = format!("svc-{}", i / 5);
    let rev = i % 5 + 1;
    let privileged = i.is_multiple_of(7);
    let user = if i.is_multiple_of(3) {
        r#""user": "1000:1000","#
    } else {
        ""
    };
    let efs = if i.is_multiple_of(11) {
        r#","volumes":[{"name":"data","efsVolumeConfiguration":{"fileSystemId":"fs-1","transitEncryption":"ENABLED"}}]"#
    } else {
        ""
    };
    format!(
        r#"{{"taskDefinition":{{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/{family}:{rev}","family":"{family}","revision":{rev},"status":"ACTIVE",
        "networkMode":"awsvpc","requiresCompatibilities":["FARGATE"],"cpu":"512","memory":"1024",
        "executionRoleArn":"arn:aws:iam::111122223333:role/exec","taskRoleArn":"arn:aws:iam::111122223333:role/task-{i}",
        "containerDefinitions":[
          {{"name":"app","image":"111122223333.dkr.ecr.us-east-1.amazonaws.com/app-{i}:1.{rev}.0","essential":true,"privileged":{privileged},{user}
            "environment":[{{"name":"APP_ENV","value":"production"}},{{"name":"DB_HOST","value":"db-{i}.internal"}},{{"name":"DB_PASSWORD","value":"{pw}"}},{{"name":"FEATURE_FLAGS","value":"a,b,c"}}],
            "secrets":[{{"name":"API_KEY","valueFrom":"arn:aws:secretsmanager:us-east-1:111122223333:secret:api-{i}"}}],
            "portMappings":[{{"containerPort":8080}}],
            "logConfiguration":{{"logDriver":"awslogs","options":{{"awslogs-group":"/ecs/app","awslogs-region":"us-east-1","awslogs-stream-prefix":"app"}}}},
            "healthCheck":{{"command":["CMD-SHELL","curl -f http://localhost:8080/health"]}}}},
          {{"name":"log-router","image":"public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.0","essential":false,
            "firelensConfiguration":{{"type":"fluentbit"}},"memoryReservation":50}}
        ]{efs}}},"tags":[{{"key":"owner","value":"team-{}"}}]}}"#,
        i % 40,
        pw = if i.is_multiple_of(13) {
            "Sup3rS3cret!"
        } else {
            "${DB_PASSWORD}"
        },
    )
}

fn service(i: usize) -> String {
    format!(
        r#"{{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c{c}/svc-{i}","serviceName":"svc-{i}","clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/c{c}",
        "status":"ACTIVE","launchType":"FARGATE","platformVersion":"{pv}","taskDefinition":"arn:aws:ecs:us-east-1:111122223333:task-definition/svc-{i}:5",
        "enableExecuteCommand":{exec},"networkConfiguration":{{"awsvpcConfiguration":{{"subnets":["subnet-{c}"],"securityGroups":["sg-{i}"],"assignPublicIp":"{ip}"}}}},
        "loadBalancers":[{lb}],
        "tags":[{{"key":"owner","value":"team"}}]}}"#,
        c = i % CLUSTERS,
        lb = if i.is_multiple_of(10) {
            format!(
                r#"{{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/tg-{i}/0123456789abcdef","containerName":"app","containerPort":8080}}"#
            )
        } else {
            String::new()
        },
        pv = if i.is_multiple_of(4) {
            "1.3.0"
        } else {
            "LATEST"
        },
        exec = i.is_multiple_of(9),
        ip = if i.is_multiple_of(6) {
            "ENABLED"
        } else {
            "DISABLED"
        },
    )
}

pub fn estate() -> Snapshot {
    let mut s = Snapshot::default();
    for i in 0..TASK_DEFINITIONS {
        s.add_document("td.json", &task_definition(i))
            .expect("synthetic task definition parses");
    }
    for chunk in (0..SERVICES).collect::<Vec<_>>().chunks(10) {
        let body: Vec<String> = chunk.iter().map(|&i| service(i)).collect();
        s.add_document(
            "services.json",
            &format!(r#"{{"services":[{}]}}"#, body.join(",")),
        )
        .expect("services parse");
    }
    let clusters: Vec<String> = (0..CLUSTERS)
        .map(|c| format!(r#"{{"clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/c{c}","clusterName":"c{c}","status":"ACTIVE","settings":[{{"name":"containerInsights","value":"enabled"}}],"tags":[]}}"#))
        .collect();
    s.add_document(
        "clusters.json",
        &format!(r#"{{"clusters":[{}]}}"#, clusters.join(",")),
    )
    .expect("clusters parse");
    s
}

/// What surrounds the estate's services, as the EC2 and ELBv2 describe calls print it.
fn surroundings() -> Vec<(String, String)> {
    let groups: Vec<String> = (0..SERVICES)
        .map(|i| {
            let open = if i.is_multiple_of(7) { "0.0.0.0/0" } else { "10.0.0.0/8" };
            format!(
                r#"{{"GroupId":"sg-{i}","GroupName":"svc-{i}","VpcId":"vpc-1","OwnerId":"111122223333","IpPermissions":[{{"IpProtocol":"tcp","FromPort":443,"ToPort":443,"IpRanges":[{{"CidrIp":"{open}"}}]}},{{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{{"CidrIp":"{open}"}}]}}],"IpPermissionsEgress":[{{"IpProtocol":"-1","IpRanges":[{{"CidrIp":"0.0.0.0/0"}}]}}]}}"#
            )
        })
        .collect();
    let subnets: Vec<String> = (0..CLUSTERS)
        .map(|c| format!(r#"{{"SubnetId":"subnet-{c}","VpcId":"vpc-1","OwnerId":"111122223333","MapPublicIpOnLaunch":{}}}"#, c % 2 == 0))
        .collect();
    let tables: Vec<String> = (0..CLUSTERS)
        .map(|c| {
            let route = if c % 2 == 0 { r#"{"DestinationCidrBlock":"0.0.0.0/0","GatewayId":"igw-1","State":"active"}"# } else { r#"{"DestinationCidrBlock":"0.0.0.0/0","NatGatewayId":"nat-1","State":"active"}"# };
            format!(r#"{{"RouteTableId":"rtb-{c}","VpcId":"vpc-1","OwnerId":"111122223333","Associations":[{{"SubnetId":"subnet-{c}"}}],"Routes":[{route}]}}"#)
        })
        .collect();
    let mut docs = vec![(
        "network.json".to_owned(),
        format!(
            r#"{{"SecurityGroups":[{}],"Subnets":[{}],"RouteTables":[{}],"FlowLogs":[{{"FlowLogId":"fl-1","ResourceId":"vpc-1","TrafficType":"REJECT"}}],"VpcEndpoints":[{{"VpcEndpointId":"vpce-1","VpcEndpointType":"Interface","VpcId":"vpc-1","ServiceName":"com.amazonaws.us-east-1.ecr.dkr","State":"available","PrivateDnsEnabled":true}}]}}"#,
            groups.join(","),
            subnets.join(","),
            tables.join(",")
        ),
    )];
    let lb_arn = |i: usize| {
        format!(
            "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/lb-{i}/0123456789abcdef"
        )
    };
    let tgs: Vec<String> = (0..SERVICES).step_by(10).map(|i| format!(
        r#"{{"TargetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/tg-{i}/0123456789abcdef","TargetGroupName":"tg-{i}","Protocol":"HTTP","Port":8080,"HealthCheckProtocol":"HTTP","TargetType":"ip","LoadBalancerArns":["{}"]}}"#,
        lb_arn(i)
    )).collect();
    let lbs: Vec<String> = (0..SERVICES).step_by(10).map(|i| format!(
        r#"{{"LoadBalancerArn":"{}","LoadBalancerName":"lb-{i}","Type":"application","Scheme":"internet-facing","VpcId":"vpc-1"}}"#,
        lb_arn(i)
    )).collect();
    docs.push((
        "load-balancers.json".to_owned(),
        format!(
            r#"{{"TargetGroups":[{}],"LoadBalancers":[{}]}}"#,
            tgs.join(","),
            lbs.join(",")
        ),
    ));
    for i in (0..SERVICES).step_by(10) {
        docs.push((
            format!("listeners-lb-{i}.json"),
            format!(
                r#"{{"Listeners":[{{"ListenerArn":"{a}/l1","LoadBalancerArn":"{a}","Port":80,"Protocol":"HTTP","DefaultActions":[{{"Type":"redirect","RedirectConfig":{{"Protocol":"HTTPS"}}}}]}},{{"ListenerArn":"{a}/l2","LoadBalancerArn":"{a}","Port":443,"Protocol":"HTTPS","SslPolicy":"ELBSecurityPolicy-2016-08","DefaultActions":[{{"Type":"forward"}}]}}]}}"#,
                a = lb_arn(i)
            ),
        ));
        docs.push((
            format!("lb-attributes-lb-{i}.json"),
            r#"{"Attributes":[{"Key":"deletion_protection.enabled","Value":"false"},{"Key":"access_logs.s3.enabled","Value":"true"},{"Key":"routing.http.drop_invalid_header_fields.enabled","Value":"false"},{"Key":"routing.http.desync_mitigation_mode","Value":"defensive"}]}"#.to_owned(),
        ));
    }
    let instances: Vec<String> = (0..CLUSTERS).map(|c| format!(
        r#"{{"InstanceId":"i-{c}","ImageId":"ami-1","SubnetId":"subnet-{c}","VpcId":"vpc-1","MetadataOptions":{{"HttpTokens":"{t}","HttpPutResponseHopLimit":2,"HttpEndpoint":"enabled"}},"BlockDeviceMappings":[{{"DeviceName":"/dev/xvda","Ebs":{{"VolumeId":"vol-{c}"}}}}]}}"#,
        t = if c % 2 == 0 { "optional" } else { "required" }
    )).collect();
    let volumes: Vec<String> = (0..CLUSTERS)
        .map(|c| format!(r#"{{"VolumeId":"vol-{c}","Encrypted":{}}}"#, c % 3 == 0))
        .collect();
    let cis: Vec<String> = (0..CLUSTERS).map(|c| format!(
        r#"{{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/c{c}/{c:032x}","ec2InstanceId":"i-{c}","status":"ACTIVE","agentConnected":true,"versionInfo":{{"agentVersion":"1.90.0"}}}}"#
    )).collect();
    docs.push((
        "instances.json".to_owned(),
        format!(
            r#"{{"Reservations":[{{"OwnerId":"111122223333","Instances":[{}]}}],"Volumes":[{}],"Images":[{{"ImageId":"ami-1","Name":"al2023-ami-ecs-hvm-2023.0.20260301-kernel-6.1-x86_64"}}],"EbsEncryptionByDefault":true,"Parameters":[{{"Name":"/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id","Value":"ami-2"}},{{"Name":"/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_name","Value":"al2023-ami-ecs-hvm-2023.0.20260922-kernel-6.1-x86_64"}}]}}"#,
            instances.join(","),
            volumes.join(",")
        ),
    ));
    docs.push((
        "container-instances.json".to_owned(),
        format!(r#"{{"containerInstances":[{}]}}"#, cis.join(",")),
    ));
    docs.push(("iam.json".to_owned(), authorization_details()));
    docs.extend(registry_logs_and_secrets());
    docs
}

/// The ECR repositories of the estate's images (one per task definition: mutable or not, AES256
/// or KMS), the registry's scanning rules, a lifecycle policy on every other repository and a
/// repository policy on every tenth, the digests the latest revisions' tasks run and their
/// scans, the one log group, and the secrets the containers take (metadata).
fn registry_logs_and_secrets() -> Vec<(String, String)> {
    let mut docs = Vec::new();
    let repos: Vec<String> = (0..TASK_DEFINITIONS)
        .map(|i| {
            let (mutability, encryption) = match i % 4 {
                0 => ("IMMUTABLE", r#"{"encryptionType":"KMS","kmsKey":"arn:aws:kms:us-east-1:111122223333:key/k1"}"#),
                1 => ("MUTABLE", r#"{"encryptionType":"AES256"}"#),
                2 => ("IMMUTABLE_WITH_EXCLUSION", r#"{"encryptionType":"AES256"}"#),
                _ => ("IMMUTABLE", r#"{"encryptionType":"KMS"}"#),
            };
            format!(
                r#"{{"repositoryArn":"arn:aws:ecr:us-east-1:111122223333:repository/app-{i}","registryId":"111122223333","repositoryName":"app-{i}","imageTagMutability":"{mutability}","imageTagMutabilityExclusionFilters":[{{"filter":"latest","filterType":"WILDCARD"}}],"imageScanningConfiguration":{{"scanOnPush":false}},"encryptionConfiguration":{encryption}}}"#
            )
        })
        .collect();
    docs.push((
        "ecr.json".to_owned(),
        format!(r#"{{"repositories":[{}]}}"#, repos.join(",")),
    ));
    docs.push((
        "scanning.json".to_owned(),
        r#"{"registryId":"111122223333","scanningConfiguration":{"scanType":"ENHANCED","rules":[{"scanFrequency":"SCAN_ON_PUSH","repositoryFilters":[{"filter":"app-1*","filterType":"WILDCARD"}]},{"scanFrequency":"CONTINUOUS_SCAN","repositoryFilters":[{"filter":"app-2","filterType":"WILDCARD"}]}]}}"#.to_owned(),
    ));
    docs.push((
        "key.json".to_owned(),
        r#"{"KeyMetadata":{"KeyId":"k1","Arn":"arn:aws:kms:us-east-1:111122223333:key/k1","KeyManager":"CUSTOMER","KeyState":"Enabled"}}"#.to_owned(),
    ));
    let mut tasks = Vec::new();
    for i in 0..TASK_DEFINITIONS {
        if i.is_multiple_of(2) {
            docs.push((
                format!("lifecycle-policy-app-{i}.json"),
                format!(r#"{{"registryId":"111122223333","repositoryName":"app-{i}","lifecyclePolicyText":"{{}}"}}"#),
            ));
        } else {
            docs.push((
                format!("lifecycle-policy-app-{i}.json"),
                r#"{"Code":"LifecyclePolicyNotFoundException","Message":"none"}"#.to_owned(),
            ));
        }
        if i.is_multiple_of(10) {
            docs.push((
                format!("policy-{i}.json"),
                format!(
                    r#"{{"registryId":"111122223333","repositoryName":"app-{i}","policyText":"{{\"Statement\":[{{\"Effect\":\"Allow\",\"Principal\":{{\"AWS\":\"arn:aws:iam::444455556666:root\"}},\"Action\":\"ecr:BatchGetImage\"}}]}}"}}"#
                ),
            ));
        } else {
            // The other repositories answered that they have no policy.
            docs.push((
                format!("repository-policy-app-{i}.json"),
                r#"{"Code":"RepositoryPolicyNotFoundException","Message":"none"}"#.to_owned(),
            ));
        }
        // The latest revision of each family runs a task; its digest was scanned.
        if i % 5 == 4 {
            let family = format!("svc-{}", i / 5);
            let digest = format!("sha256:{i:064x}");
            tasks.push(format!(
                r#"{{"taskArn":"arn:aws:ecs:us-east-1:111122223333:task/c/{i}","taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/{family}:5","containers":[{{"name":"app","imageDigest":"{digest}"}}]}}"#
            ));
            let (critical, high) = (i % 3, i % 2);
            docs.push((
                format!("scan-{i}.json"),
                format!(
                    r#"{{"registryId":"111122223333","repositoryName":"app-{i}","imageId":{{"imageDigest":"{digest}"}},"imageScanStatus":{{"status":"ACTIVE"}},"imageScanFindings":{{"findingSeverityCounts":{{"CRITICAL":{critical},"HIGH":{high}}},"enhancedFindings":[{{"severity":"CRITICAL","status":"ACTIVE","packageVulnerabilityDetails":{{"vulnerabilityId":"CVE-2024-{i}"}}}}]}}}}"#
                ),
            ));
        }
    }
    docs.push((
        "tasks.json".to_owned(),
        format!(r#"{{"tasks":[{}]}}"#, tasks.join(",")),
    ));
    docs.push((
        "log-groups.json".to_owned(),
        r#"{"logGroups":[{"logGroupName":"/ecs/app","arn":"arn:aws:logs:us-east-1:111122223333:log-group:/ecs/app:*","retentionInDays":30}]}"#.to_owned(),
    ));
    let secrets: Vec<String> = (0..TASK_DEFINITIONS)
        .map(|i| {
            format!(
                r#"{{"ARN":"arn:aws:secretsmanager:us-east-1:111122223333:secret:api-{i}","Name":"api-{i}","RotationEnabled":{},"CreatedDate":1700000000.0{}}}"#,
                i.is_multiple_of(2),
                if i.is_multiple_of(2) { r#","LastRotatedDate":1795000000.0"# } else { "" }
            )
        })
        .collect();
    docs.push((
        "secrets.json".to_owned(),
        format!(r#"{{"SecretList":[{}]}}"#, secrets.join(",")),
    ));
    docs
}

/// The roles of the estate's task definitions (one task role each, one shared execution role),
/// as `aws iam get-account-authorization-details` prints them: inline and customer managed
/// policies of every shape the evaluator reads (lists, `NotAction`, conditions, Deny,
/// boundaries), a few administrators.
fn authorization_details() -> String {
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}]}"#;
    let roles: Vec<String> = (0..TASK_DEFINITIONS)
        .map(|i| {
            let app = match i % 10 {
                0 => r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#.to_owned(),
                1 => r#"{"Effect":"Allow","Action":["s3:*","sqs:*"],"Resource":"*"}"#.to_owned(),
                2 => r#"{"Effect":"Allow","Action":["iam:PassRole","ecs:RunTask","ecs:DescribeTasks"],"Resource":"*"}"#.to_owned(),
                3 => r#"{"Effect":"Allow","NotAction":["iam:*","organizations:*"],"Resource":"*"}"#.to_owned(),
                4 => r#"{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/app":"x"}}}"#.to_owned(),
                _ => format!(
                    r#"{{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::bucket-{i}/*"}},{{"Effect":"Allow","Action":"dynamodb:Query","Resource":"arn:aws:dynamodb:us-east-1:111122223333:table/t-{i}"}}"#
                ),
            };
            let deny = if i % 3 == 0 {
                r#",{"Effect":"Deny","Action":"iam:*","Resource":"*"}"#
            } else {
                ""
            };
            let boundary = if i % 4 == 0 {
                r#","PermissionsBoundary":{"PermissionsBoundaryType":"Policy","PermissionsBoundaryArn":"arn:aws:iam::111122223333:policy/boundary"}"#
            } else {
                ""
            };
            format!(
                r#"{{"RoleName":"task-{i}","Arn":"arn:aws:iam::111122223333:role/task-{i}","AssumeRolePolicyDocument":{trust},"RolePolicyList":[{{"PolicyName":"app","PolicyDocument":{{"Version":"2012-10-17","Statement":[{app}{deny}]}}}}],"AttachedManagedPolicies":[{{"PolicyName":"common","PolicyArn":"arn:aws:iam::111122223333:policy/common"}}]{boundary}}}"#
            )
        })
        .collect();
    format!(
        r#"{{"RoleDetailList":[{},{{"RoleName":"exec","Arn":"arn:aws:iam::111122223333:role/exec","AssumeRolePolicyDocument":{trust},"AttachedManagedPolicies":[{{"PolicyName":"AmazonECSTaskExecutionRolePolicy","PolicyArn":"arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"}},{{"PolicyName":"read-secrets","PolicyArn":"arn:aws:iam::111122223333:policy/read-secrets"}}]}}],
"Policies":[{{"PolicyName":"common","Arn":"arn:aws:iam::111122223333:policy/common","DefaultVersionId":"v1","PolicyVersionList":[{{"VersionId":"v1","IsDefaultVersion":true,"Document":{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents","xray:PutTraceSegments"],"Resource":"*"}}]}}}}]}},
{{"PolicyName":"boundary","Arn":"arn:aws:iam::111122223333:policy/boundary","DefaultVersionId":"v1","PolicyVersionList":[{{"VersionId":"v1","IsDefaultVersion":true,"Document":{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":["s3:*","sqs:*","dynamodb:*","logs:*","secretsmanager:GetSecretValue"],"Resource":"*"}}]}}}}]}},
{{"PolicyName":"read-secrets","Arn":"arn:aws:iam::111122223333:policy/read-secrets","DefaultVersionId":"v1","PolicyVersionList":[{{"VersionId":"v1","IsDefaultVersion":true,"Document":{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"arn:aws:secretsmanager:us-east-1:111122223333:secret:api-*"}}]}}}}]}}]}}"#,
        roles.join(",")
    )
}

/// The estate with what surrounds it.
pub fn estate_with_surroundings() -> Snapshot {
    let mut s = estate();
    for (name, doc) in surroundings() {
        s.add_document(&name, &doc).expect("surroundings parse");
    }
    s
}

fn all_checks_options() -> Options {
    Options {
        enable_checks: CATALOG.iter().map(|c| c.id.to_owned()).collect(),
        ..Options::default()
    }
}

fn vm_hwm_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// The context of a scan: its clock is the one the catalog's examples are judged at, so the
/// checks that compare dates (TD58) judge instead of answering NOT_AVAILABLE.
fn scan_context(snapshot: &Snapshot) -> Context {
    let mut ctx = Context::for_snapshot(snapshot);
    ctx.now_ms = Some(ecs_posture_core::checks::EXAMPLES_NOW_MS);
    ctx
}

fn bench(c: &mut Criterion) {
    // Both estates are built before any evaluation runs, as a scan reads its snapshot before
    // evaluating it: the second estate is not laid out in memory the first benchmark's
    // evaluations freed (which slowed its evaluation by a tenth and more).
    let snapshot = estate();
    let surrounded = estate_with_surroundings();
    let opts = all_checks_options();
    let checks = select(&opts, &[], &[], None).expect("all checks select");
    let ctx = scan_context(&snapshot);
    let mut g = c.benchmark_group("evaluate");
    g.sample_size(20);
    g.throughput(Throughput::Elements(TASK_DEFINITIONS as u64));
    g.bench_function("10k_task_definitions_2k_services_full_catalog", |b| {
        b.iter(|| black_box(evaluate(black_box(&snapshot), &checks, &opts, &ctx)).len())
    });
    g.bench_function(
        "10k_task_definitions_2k_services_full_catalog_with_surroundings",
        |b| b.iter(|| black_box(evaluate(black_box(&surrounded), &checks, &opts, &ctx)).len()),
    );
    g.finish();
    let texts: Vec<String> = (0..1000).map(task_definition).collect();
    let mut g = c.benchmark_group("parse");
    g.throughput(Throughput::Elements(1000));
    g.bench_function("1k_describe_task_definition_documents", |b| {
        b.iter(|| {
            let mut s = Snapshot::default();
            for t in &texts {
                s.add_document("td.json", t).expect("parses");
            }
            black_box(s.task_definitions.len())
        })
    });
    g.finish();
}

criterion_group!(benches, bench);

/// The time each check takes on the estate with surroundings (median of 11 runs), slowest
/// first, and the share of the whole: where evaluation time goes.
/// `ECS_POSTURE_BENCH_PER_CHECK=1 scripts/bench.sh`.
fn per_check(snapshot: &Snapshot, opts: &Options) {
    let ctx = scan_context(snapshot);
    let median = |checks: &[&'static ecs_posture_core::checks::Check]| {
        let mut runs: Vec<f64> = (0..11)
            .map(|_| {
                let t = std::time::Instant::now();
                black_box(evaluate(snapshot, checks, opts, &ctx).len());
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        runs.sort_by(f64::total_cmp);
        runs[5]
    };
    let all = select(opts, &[], &[], None).expect("all checks select");
    let whole = median(&all);
    let empty = median(&[]);
    let mut rows: Vec<(f64, &str)> = all.iter().map(|c| (median(&[*c]) - empty, c.id)).collect();
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!("per check: whole catalog {whole:.1} ms, no check {empty:.1} ms");
    // The checks that share an evaluator kind share what the engine prepares for it (a
    // definition's roles, a service's placement): judged together, as in a scan.
    let mut groups: Vec<Vec<&'static ecs_posture_core::checks::Check>> = Vec::new();
    for c in &all {
        let d = std::mem::discriminant(&c.evaluator);
        match groups
            .iter_mut()
            .find(|g| std::mem::discriminant(&g[0].evaluator) == d)
        {
            Some(g) => g.push(*c),
            None => groups.push(vec![*c]),
        }
    }
    let mut by_kind: Vec<(f64, String)> = groups
        .iter()
        .map(|g| {
            let ids: Vec<&str> = g.iter().map(|c| c.id).collect();
            (
                median(g) - empty,
                format!("{} checks: {}", g.len(), ids.join(" ")),
            )
        })
        .collect();
    by_kind.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!("per evaluator kind:");
    for (ms, ids) in by_kind {
        println!("  {ms:>7.2} ms  {:>5.1}%  {ids}", 100.0 * ms / whole);
    }
    for (ms, id) in rows {
        println!("  {id:<5} {ms:>7.2} ms  {:>5.1}%", 100.0 * ms / whole);
    }
}

/// Evaluate the estate with surroundings with only the checks named (space or comma separated)
/// for ten seconds, for a profiler to attach to:
/// `ECS_POSTURE_BENCH_PROFILE="TD35 TD36" perf record -g target/release/deps/evaluate-* --bench`.
fn profile_checks(snapshot: &Snapshot, opts: &Options, ids: &str) {
    let all = select(opts, &[], &[], None).expect("all checks select");
    let wanted: Vec<&str> = ids.split([' ', ',']).filter(|s| !s.is_empty()).collect();
    let checks: Vec<&'static ecs_posture_core::checks::Check> = all
        .into_iter()
        .filter(|c| wanted.is_empty() || wanted.contains(&c.id))
        .collect();
    let ctx = scan_context(snapshot);
    let start = std::time::Instant::now();
    let mut runs = 0u32;
    while start.elapsed().as_secs() < 10 {
        black_box(evaluate(snapshot, &checks, opts, &ctx).len());
        runs += 1;
    }
    println!(
        "profiled {} checks: {runs} runs, {:.1} ms a run",
        checks.len(),
        start.elapsed().as_secs_f64() * 1e3 / f64::from(runs)
    );
}

fn main() {
    // Peak memory of building and evaluating the estate once, measured before criterion runs.
    let start = vm_hwm_kib();
    let snapshot = estate();
    let after_parse = vm_hwm_kib();
    let opts = all_checks_options();
    let checks = select(&opts, &[], &[], None).expect("all checks select");
    let evals = evaluate(&snapshot, &checks, &opts, &scan_context(&snapshot));
    let after_eval = vm_hwm_kib();
    let failed = evals.iter().filter(|e| e.is_failed()).count();
    if let (Some(a), Some(b), Some(c)) = (start, after_parse, after_eval) {
        println!(
            "memory: peak RSS {:.1} MiB at start, {:.1} MiB with the estate loaded, {:.1} MiB after evaluating it \
             ({} task definitions, {} services, {} evaluations, {} failed)",
            a as f64 / 1024.0,
            b as f64 / 1024.0,
            c as f64 / 1024.0,
            snapshot.task_definitions.len(),
            snapshot.services.len(),
            evals.len(),
            failed
        );
    }
    drop(evals);
    drop(snapshot);
    let surrounded = estate_with_surroundings();
    let after_surroundings = vm_hwm_kib();
    let evals = evaluate(&surrounded, &checks, &opts, &scan_context(&surrounded));
    let after = vm_hwm_kib();
    let mut by_check: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for e in evals
        .iter()
        .filter(|e| e.status == ecs_posture_core::finding::Status::NotAvailable)
    {
        *by_check.entry(e.check.id).or_default() += 1;
    }
    let not_available = format!(
        "{} not available{}",
        by_check.values().sum::<usize>(),
        if by_check.is_empty() {
            String::new()
        } else {
            format!(": {by_check:?}")
        }
    );
    if let (Some(b), Some(c)) = (after_surroundings, after) {
        println!(
            "with surroundings: peak RSS {:.1} MiB with the estate loaded, {:.1} MiB after evaluating it \
             ({} evaluations, {} failed, {})",
            b as f64 / 1024.0,
            c as f64 / 1024.0,
            evals.len(),
            evals.iter().filter(|e| e.is_failed()).count(),
            not_available
        );
    }
    if std::env::var_os("ECS_POSTURE_BENCH_PER_CHECK").is_some() {
        per_check(&surrounded, &opts);
    }
    if let Ok(ids) = std::env::var("ECS_POSTURE_BENCH_PROFILE") {
        profile_checks(&surrounded, &opts, &ids);
        return;
    }
    drop(evals);
    drop(surrounded);
    benches();
    Criterion::default().configure_from_args().final_summary();
}
