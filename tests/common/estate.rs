//! A small insecure estate seeded into the emulator through the real SDK, and readers of what
//! ecs-posture sent to Security Hub and SNS.
#![allow(dead_code)]

use std::collections::HashMap;

use aws_config::SdkConfig;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType,
};
use aws_sdk_ecs::types::{
    AssignPublicIp, AwsVpcConfiguration, ContainerDefinition, KeyValuePair, LaunchType,
    NetworkConfiguration, NetworkMode,
};
use serde_json::Value;

use super::Moto;

pub const SECRET: &str = "Qm9vdHN0cmFwUGFzc3dvcmQ4Njc1MzA5";

pub struct Estate {
    pub cfg: SdkConfig,
    pub topic: String,
    pub queue: String,
    pub subnet: String,
    pub sg: String,
}

pub async fn register(
    ecs: &aws_sdk_ecs::Client,
    family: &str,
    privileged: bool,
    secret: bool,
) -> String {
    let mut c = ContainerDefinition::builder()
        .name("app")
        .image("nginx:1.27")
        .privileged(privileged)
        .memory(256);
    if secret {
        c = c.environment(
            KeyValuePair::builder()
                .name("DB_PASSWORD")
                .value(SECRET)
                .build(),
        );
    }
    let r = ecs
        .register_task_definition()
        .family(family)
        .network_mode(NetworkMode::Awsvpc)
        .requires_compatibilities(aws_sdk_ecs::types::Compatibility::Fargate)
        .cpu("256")
        .memory("512")
        .container_definitions(c.build())
        .send()
        .await
        .expect("RegisterTaskDefinition");
    r.task_definition()
        .and_then(|t| t.task_definition_arn())
        .expect("an ARN")
        .to_owned()
}

pub fn network(subnet: &str, sg: &str, public: bool) -> NetworkConfiguration {
    NetworkConfiguration::builder()
        .awsvpc_configuration(
            AwsVpcConfiguration::builder()
                .subnets(subnet)
                .security_groups(sg)
                .assign_public_ip(if public {
                    AssignPublicIp::Enabled
                } else {
                    AssignPublicIp::Disabled
                })
                .build()
                .expect("awsvpc"),
        )
        .build()
}

pub async fn seed(moto: &Moto) -> Estate {
    let cfg = super::sdk(&moto.url()).await;
    let (subnet, sg) = moto.default_network();
    let ecs = aws_sdk_ecs::Client::new(&cfg);
    for cluster in ["prod", "staging"] {
        ecs.create_cluster()
            .cluster_name(cluster)
            .send()
            .await
            .expect("CreateCluster");
    }
    let web = register(&ecs, "web", true, true).await;
    let api = register(&ecs, "api", false, false).await;
    ecs.create_service()
        .cluster("prod")
        .service_name("web")
        .task_definition(&web)
        .desired_count(1)
        .launch_type(LaunchType::Fargate)
        .network_configuration(network(&subnet, &sg, true))
        .send()
        .await
        .expect("CreateService web");
    ecs.create_service()
        .cluster("staging")
        .service_name("api")
        .task_definition(&api)
        .desired_count(1)
        .launch_type(LaunchType::Fargate)
        .network_configuration(network(&subnet, &sg, false))
        .send()
        .await
        .expect("CreateService api");
    aws_sdk_securityhub::Client::new(&cfg)
        .enable_security_hub()
        .send()
        .await
        .expect("EnableSecurityHub");
    let (topic, queue) = hub(&cfg).await;
    Estate {
        cfg,
        topic,
        queue,
        subnet,
        sg,
    }
}

fn key(name: &str, kind: KeyType) -> KeySchemaElement {
    KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(kind)
        .build()
        .unwrap()
}

fn attr(name: &str) -> AttributeDefinition {
    AttributeDefinition::builder()
        .attribute_name(name)
        .attribute_type(ScalarAttributeType::S)
        .build()
        .unwrap()
}

/// The hub's resources in the caller's account: the ledger table, the alert topic and an SQS
/// queue subscribed to it. Returns (topic ARN, queue URL).
pub async fn hub(cfg: &SdkConfig) -> (String, String) {
    let dynamo = aws_sdk_dynamodb::Client::new(cfg);
    dynamo
        .create_table()
        .table_name("ledger")
        .key_schema(key("id", KeyType::Hash))
        .attribute_definitions(attr("id"))
        .attribute_definitions(attr("account"))
        .attribute_definitions(attr("region"))
        .global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name(ecs_posture::aws::dynamodb::LEDGER_INDEX)
                .key_schema(key("account", KeyType::Hash))
                .key_schema(key("region", KeyType::Range))
                .projection(
                    Projection::builder()
                        .projection_type(ProjectionType::All)
                        .build(),
                )
                .build()
                .unwrap(),
        )
        .billing_mode(aws_sdk_dynamodb::types::BillingMode::PayPerRequest)
        .send()
        .await
        .expect("CreateTable");
    let sns = aws_sdk_sns::Client::new(cfg);
    let topic = sns
        .create_topic()
        .name("ecs-posture-alerts")
        .send()
        .await
        .expect("CreateTopic")
        .topic_arn()
        .unwrap()
        .to_owned();
    let sqs = aws_sdk_sqs::Client::new(cfg);
    let queue = sqs
        .create_queue()
        .queue_name("alerts")
        .send()
        .await
        .expect("CreateQueue")
        .queue_url()
        .unwrap()
        .to_owned();
    let queue_arn = sqs
        .get_queue_attributes()
        .queue_url(&queue)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::QueueArn)
        .send()
        .await
        .unwrap()
        .attributes()
        .and_then(|a| {
            a.get(&aws_sdk_sqs::types::QueueAttributeName::QueueArn)
                .cloned()
        })
        .unwrap();
    sns.subscribe()
        .topic_arn(&topic)
        .protocol("sqs")
        .endpoint(queue_arn)
        .send()
        .await
        .expect("Subscribe");
    (topic, queue)
}

/// Messages delivered to `queue` (SNS envelopes), removed from it.
pub async fn queue_messages(cfg: &SdkConfig, queue: &str) -> Vec<Value> {
    let sqs = aws_sdk_sqs::Client::new(cfg);
    let mut out = Vec::new();
    loop {
        let r = sqs
            .receive_message()
            .queue_url(queue)
            .max_number_of_messages(10)
            .wait_time_seconds(1)
            .send()
            .await
            .expect("ReceiveMessage");
        if r.messages().is_empty() {
            return out;
        }
        for m in r.messages() {
            out.push(serde_json::from_str(m.body().unwrap_or("{}")).expect("an SNS envelope"));
            sqs.delete_message()
                .queue_url(queue)
                .receipt_handle(m.receipt_handle().unwrap())
                .send()
                .await
                .unwrap();
        }
    }
}

/// Every ecs-posture finding in Security Hub, by Id (moto ignores GetFindings filters).
pub async fn findings(
    cfg: &SdkConfig,
) -> HashMap<String, aws_sdk_securityhub::types::AwsSecurityFinding> {
    let sh = aws_sdk_securityhub::Client::new(cfg);
    let mut out = HashMap::new();
    let mut token = None;
    loop {
        let r = sh
            .get_findings()
            .max_results(100)
            .set_next_token(token)
            .send()
            .await
            .expect("GetFindings");
        for f in r.findings() {
            if f.product_name() == Some("ecs-posture") {
                out.insert(f.id().unwrap_or_default().to_owned(), f.clone());
            }
        }
        token = r.next_token().filter(|t| !t.is_empty()).map(str::to_owned);
        if token.is_none() {
            return out;
        }
    }
}

/// Alerts delivered to the SQS queue subscribed to the topic (SNS envelopes).
pub async fn alerts(estate: &Estate) -> Vec<Value> {
    queue_messages(&estate.cfg, &estate.queue).await
}

/// The member role name of the organization tests.
pub const MEMBER_ROLE: &str = "ecs-posture-member";

pub fn member_role() -> ecs_posture::aws::accounts::MemberRole {
    ecs_posture::aws::accounts::MemberRole {
        name: MEMBER_ROLE.to_owned(),
        external_id: None,
        session_name: "org-test".to_owned(),
    }
}

/// The member's configuration, straight to moto (credentials of the assumed role).
pub async fn member(base: &SdkConfig, account: &str, region: &str) -> SdkConfig {
    ecs_posture::aws::accounts::target_config(
        base,
        &ecs_posture_core::fleet::Target::new(account, region),
        Some(&member_role()),
    )
    .await
    .expect("AssumeRole in moto")
}

/// A cluster and a privileged revision named after the account and region.
pub async fn seed_member(cfg: &SdkConfig, account: &str, region: &str, family: &str) {
    let ecs = aws_sdk_ecs::Client::new(cfg);
    ecs.create_cluster()
        .cluster_name(format!("c-{account}-{region}"))
        .send()
        .await
        .expect("CreateCluster");
    ecs.register_task_definition()
        .family(family)
        .network_mode(NetworkMode::Bridge)
        .requires_compatibilities(aws_sdk_ecs::types::Compatibility::Ec2)
        .container_definitions(
            ContainerDefinition::builder()
                .name("app")
                .image("nginx:1.27")
                .privileged(true)
                .memory(256)
                .build(),
        )
        .send()
        .await
        .expect("RegisterTaskDefinition");
    aws_sdk_securityhub::Client::new(cfg)
        .enable_security_hub()
        .send()
        .await
        .expect("EnableSecurityHub");
}

/// A synthetic estate for the benchmarks: `families` x `revisions` task definition revisions
/// (`app-F`), `clusters` clusters (`cluster-C`) of `services_per_cluster` services (`svc-N`),
/// each running the latest revision of family `N % families`.
pub async fn seed_synthetic(
    ecs: &aws_sdk_ecs::Client,
    clusters: usize,
    services_per_cluster: usize,
    families: usize,
    revisions: usize,
) {
    for f in 0..families {
        for _ in 0..revisions {
            ecs.register_task_definition()
                .family(format!("app-{f}"))
                .container_definitions(
                    ContainerDefinition::builder()
                        .name("app")
                        .image("nginx:1.27")
                        .memory(256)
                        .build(),
                )
                .send()
                .await
                .expect("RegisterTaskDefinition");
        }
    }
    for c in 0..clusters {
        ecs.create_cluster()
            .cluster_name(format!("cluster-{c}"))
            .send()
            .await
            .expect("CreateCluster");
        for s in 0..services_per_cluster {
            let n = c * services_per_cluster + s;
            ecs.create_service()
                .cluster(format!("cluster-{c}"))
                .service_name(format!("svc-{n}"))
                .task_definition(format!("app-{}:{revisions}", n % families))
                .desired_count(0)
                .launch_type(LaunchType::Ec2)
                .send()
                .await
                .expect("CreateService");
        }
    }
}

/// An application load balancer in `subnet` with an `ip` target group `name` (HTTP:8080) and
/// one plain-HTTP listener on port 80 forwarding to it: (load balancer ARN, target group ARN).
pub async fn http_load_balancer(
    cfg: &SdkConfig,
    name: &str,
    subnet: &str,
    internet_facing: bool,
) -> (String, String) {
    use aws_sdk_elasticloadbalancingv2::types::{
        Action, ActionTypeEnum, LoadBalancerSchemeEnum, ProtocolEnum, TargetTypeEnum,
    };
    let elb = aws_sdk_elasticloadbalancingv2::Client::new(cfg);
    let vpc = aws_sdk_ec2::Client::new(cfg)
        .describe_subnets()
        .subnet_ids(subnet)
        .send()
        .await
        .expect("DescribeSubnets")
        .subnets()[0]
        .vpc_id()
        .expect("a VPC")
        .to_owned();
    let lb = elb
        .create_load_balancer()
        .name(name)
        .subnets(subnet)
        .scheme(if internet_facing {
            LoadBalancerSchemeEnum::InternetFacing
        } else {
            LoadBalancerSchemeEnum::Internal
        })
        .send()
        .await
        .expect("CreateLoadBalancer")
        .load_balancers()[0]
        .load_balancer_arn()
        .expect("an ARN")
        .to_owned();
    let tg = elb
        .create_target_group()
        .name(name)
        .protocol(ProtocolEnum::Http)
        .port(8080)
        .vpc_id(&vpc)
        .target_type(TargetTypeEnum::Ip)
        .send()
        .await
        .expect("CreateTargetGroup")
        .target_groups()[0]
        .target_group_arn()
        .expect("an ARN")
        .to_owned();
    elb.create_listener()
        .load_balancer_arn(&lb)
        .protocol(ProtocolEnum::Http)
        .port(80)
        .default_actions(
            Action::builder()
                .r#type(ActionTypeEnum::Forward)
                .target_group_arn(&tg)
                .build(),
        )
        .send()
        .await
        .expect("CreateListener");
    (lb, tg)
}

/// The `loadBalancers[]` entry of a service whose `app` container serves port 8080 in `tg`.
pub fn behind(tg: &str) -> aws_sdk_ecs::types::LoadBalancer {
    aws_sdk_ecs::types::LoadBalancer::builder()
        .target_group_arn(tg)
        .container_name("app")
        .container_port(8080)
        .build()
}

/// Make `vpc` public the way moto's default VPC is not: its main route table gets a default
/// route to a new internet gateway. Returns the main table's id.
pub async fn route_main_table_to_internet(ec2: &aws_sdk_ec2::Client, vpc: &str) -> String {
    let main_table = ec2
        .describe_route_tables()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("vpc-id")
                .values(vpc)
                .build(),
        )
        .send()
        .await
        .unwrap()
        .route_tables()
        .iter()
        .find(|t| t.associations().iter().any(|a| a.main() == Some(true)))
        .and_then(|t| t.route_table_id())
        .unwrap()
        .to_owned();
    let igw = ec2
        .create_internet_gateway()
        .send()
        .await
        .unwrap()
        .internet_gateway()
        .and_then(|g| g.internet_gateway_id())
        .unwrap()
        .to_owned();
    ec2.attach_internet_gateway()
        .internet_gateway_id(&igw)
        .vpc_id(vpc)
        .send()
        .await
        .expect("AttachInternetGateway");
    ec2.create_route()
        .route_table_id(&main_table)
        .destination_cidr_block("0.0.0.0/0")
        .gateway_id(&igw)
        .send()
        .await
        .expect("CreateRoute");
    main_table
}
