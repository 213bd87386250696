use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status, Verdict};

pub static CHECK: Check = Check {
    id: "CI05",
    slug: "instance-credentials-reachable-from-tasks",
    title: "Tasks on ECS container instances should not reach the instance role's credentials",
    severity: Severity::High,
    category: Category::IamSecurity,
    types: &[types::BEST_PRACTICES],
    description: "Fails when tasks that may run on the instance can reach the instance metadata service and so the instance role's credentials. The tasks are those of the cluster's services on EC2 capacity, by their task definition's network mode (standalone tasks are not read): `bridge` (or no mode) reaches IMDS when IMDSv1 is allowed or the hop limit is 2 or more; `host` shares the instance's network and always reaches it; `awsvpc` reaches it unless the agent reports `ecs.capability.task-eni-block-instance-metadata` (`ECS_AWSVPC_BLOCK_IMDS`). A disabled metadata endpoint passes. The iptables rule the ECS guide suggests for bridge mode is invisible to the APIs: an instance relying on it still fails, and says why. NOT_AVAILABLE when the instance, or a service's task definition, was not read. No Security Hub control. CRITICAL when the instance role (from the instance profile) may do everything, escalate through ECS or read every secret: the evidence says which and names the role.",
    risk: "Any container on the instance, or an attacker who compromises one, gets the instance role's credentials: usually broader than any task role (ECR, ECS agent registration, often more).",
    remediation: Remediation {
        text: "Require IMDSv2 with a hop limit of 1, run tasks in awsvpc mode with ECS_AWSVPC_BLOCK_IMDS=true, avoid host mode, or disable the metadata endpoint where nothing needs it.",
        cli: "aws ec2 modify-instance-metadata-options --instance-id i-0abc --http-tokens required --http-put-response-hop-limit 1",
        cloudformation: "LaunchTemplate:\n  Type: AWS::EC2::LaunchTemplate\n  Properties:\n    LaunchTemplateData:\n      MetadataOptions:\n        HttpTokens: required\n        HttpPutResponseHopLimit: 1\n      UserData: !Base64 |\n        #!/bin/bash\n        echo ECS_AWSVPC_BLOCK_IMDS=true >> /etc/ecs/ecs.config",
        terraform: "resource \"aws_launch_template\" \"ecs\" {\n  metadata_options {\n    http_tokens                 = \"required\"\n    http_put_response_hop_limit = 1\n  }\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/security-iam-roles.html",
    ],
    compliance: &[nist("AC-3"), nist("AC-6"), nist("SC-7")],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "bridge tasks, IMDSv1 allowed",
            expect: Status::Failed,
            json: r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/prod/0123456789abcdef0123456789abcdef","ec2InstanceId":"i-0abc","status":"ACTIVE","agentConnected":true}],"Reservations":[{"OwnerId":"111122223333","Instances":[{"InstanceId":"i-0abc","ImageId":"ami-0ecs","SubnetId":"subnet-1","VpcId":"vpc-1","MetadataOptions":{"HttpTokens":"optional","HttpPutResponseHopLimit":1,"HttpEndpoint":"enabled"},"BlockDeviceMappings":[{"DeviceName":"/dev/xvda","Ebs":{"VolumeId":"vol-1"}}]}]}],"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/prod/web","serviceName":"web","clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/prod","status":"ACTIVE","launchType":"EC2","taskDefinition":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1"}],"taskDefinitions":[{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"nginx:1.27"}],"networkMode":"bridge"}]}"#,
        },
        Example {
            name: "bridge tasks, IMDSv2 with hop limit 2",
            expect: Status::Failed,
            json: r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/prod/0123456789abcdef0123456789abcdef","ec2InstanceId":"i-0abc","status":"ACTIVE","agentConnected":true}],"Reservations":[{"OwnerId":"111122223333","Instances":[{"InstanceId":"i-0abc","ImageId":"ami-0ecs","SubnetId":"subnet-1","VpcId":"vpc-1","MetadataOptions":{"HttpTokens":"required","HttpPutResponseHopLimit":2,"HttpEndpoint":"enabled"},"BlockDeviceMappings":[{"DeviceName":"/dev/xvda","Ebs":{"VolumeId":"vol-1"}}]}]}],"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/prod/web","serviceName":"web","clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/prod","status":"ACTIVE","launchType":"EC2","taskDefinition":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1"}],"taskDefinitions":[{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"nginx:1.27"}]}]}"#,
        },
        Example {
            name: "host-mode tasks",
            expect: Status::Failed,
            json: r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/prod/0123456789abcdef0123456789abcdef","ec2InstanceId":"i-0abc","status":"ACTIVE","agentConnected":true}],"Reservations":[{"OwnerId":"111122223333","Instances":[{"InstanceId":"i-0abc","ImageId":"ami-0ecs","SubnetId":"subnet-1","VpcId":"vpc-1","MetadataOptions":{"HttpTokens":"required","HttpPutResponseHopLimit":1,"HttpEndpoint":"enabled"},"BlockDeviceMappings":[{"DeviceName":"/dev/xvda","Ebs":{"VolumeId":"vol-1"}}]}]}],"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/prod/agent","serviceName":"agent","clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/prod","status":"ACTIVE","launchType":"EC2","taskDefinition":"arn:aws:ecs:us-east-1:111122223333:task-definition/agent:1"}],"taskDefinitions":[{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/agent:1","family":"agent","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"nginx:1.27"}],"networkMode":"host"}]}"#,
        },
        Example {
            name: "awsvpc tasks without the blocking attribute",
            expect: Status::Failed,
            json: r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/prod/0123456789abcdef0123456789abcdef","ec2InstanceId":"i-0abc","status":"ACTIVE","agentConnected":true}],"Reservations":[{"OwnerId":"111122223333","Instances":[{"InstanceId":"i-0abc","ImageId":"ami-0ecs","SubnetId":"subnet-1","VpcId":"vpc-1","MetadataOptions":{"HttpTokens":"required","HttpPutResponseHopLimit":1,"HttpEndpoint":"enabled"},"BlockDeviceMappings":[{"DeviceName":"/dev/xvda","Ebs":{"VolumeId":"vol-1"}}]}]}],"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/prod/api","serviceName":"api","clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/prod","status":"ACTIVE","launchType":"EC2","taskDefinition":"arn:aws:ecs:us-east-1:111122223333:task-definition/api:1"}],"taskDefinitions":[{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/api:1","family":"api","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"nginx:1.27"}],"networkMode":"awsvpc"}]}"#,
        },
        Example {
            name: "bridge tasks, IMDSv2 with hop limit 1",
            expect: Status::Passed,
            json: r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/prod/0123456789abcdef0123456789abcdef","ec2InstanceId":"i-0abc","status":"ACTIVE","agentConnected":true}],"Reservations":[{"OwnerId":"111122223333","Instances":[{"InstanceId":"i-0abc","ImageId":"ami-0ecs","SubnetId":"subnet-1","VpcId":"vpc-1","MetadataOptions":{"HttpTokens":"required","HttpPutResponseHopLimit":1,"HttpEndpoint":"enabled"},"BlockDeviceMappings":[{"DeviceName":"/dev/xvda","Ebs":{"VolumeId":"vol-1"}}]}]}],"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/prod/web","serviceName":"web","clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/prod","status":"ACTIVE","launchType":"EC2","taskDefinition":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1"}],"taskDefinitions":[{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"nginx:1.27"}],"networkMode":"bridge"}]}"#,
        },
        Example {
            name: "awsvpc tasks, metadata blocked by the agent",
            expect: Status::Passed,
            json: r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/prod/0123456789abcdef0123456789abcdef","ec2InstanceId":"i-0abc","status":"ACTIVE","agentConnected":true,"attributes":[{"name":"ecs.capability.task-eni-block-instance-metadata"}]}],"Reservations":[{"OwnerId":"111122223333","Instances":[{"InstanceId":"i-0abc","ImageId":"ami-0ecs","SubnetId":"subnet-1","VpcId":"vpc-1","MetadataOptions":{"HttpTokens":"optional","HttpPutResponseHopLimit":1,"HttpEndpoint":"enabled"},"BlockDeviceMappings":[{"DeviceName":"/dev/xvda","Ebs":{"VolumeId":"vol-1"}}]}]}],"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/prod/api","serviceName":"api","clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/prod","status":"ACTIVE","launchType":"EC2","taskDefinition":"arn:aws:ecs:us-east-1:111122223333:task-definition/api:1"}],"taskDefinitions":[{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/api:1","family":"api","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"nginx:1.27"}],"networkMode":"awsvpc"}]}"#,
        },
        Example {
            name: "metadata endpoint disabled",
            expect: Status::Passed,
            json: r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/prod/0123456789abcdef0123456789abcdef","ec2InstanceId":"i-0abc","status":"ACTIVE","agentConnected":true}],"Reservations":[{"OwnerId":"111122223333","Instances":[{"InstanceId":"i-0abc","ImageId":"ami-0ecs","SubnetId":"subnet-1","VpcId":"vpc-1","MetadataOptions":{"HttpTokens":"optional","HttpPutResponseHopLimit":1,"HttpEndpoint":"disabled"},"BlockDeviceMappings":[{"DeviceName":"/dev/xvda","Ebs":{"VolumeId":"vol-1"}}]}]}],"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/prod/agent","serviceName":"agent","clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/prod","status":"ACTIVE","launchType":"EC2","taskDefinition":"arn:aws:ecs:us-east-1:111122223333:task-definition/agent:1"}],"taskDefinitions":[{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/agent:1","family":"agent","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"nginx:1.27"}],"networkMode":"host"}]}"#,
        },
        Example {
            name: "a service's task definition not read",
            expect: Status::NotAvailable,
            json: r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/prod/0123456789abcdef0123456789abcdef","ec2InstanceId":"i-0abc","status":"ACTIVE","agentConnected":true}],"Reservations":[{"OwnerId":"111122223333","Instances":[{"InstanceId":"i-0abc","ImageId":"ami-0ecs","SubnetId":"subnet-1","VpcId":"vpc-1","MetadataOptions":{"HttpTokens":"required","HttpPutResponseHopLimit":1,"HttpEndpoint":"enabled"},"BlockDeviceMappings":[{"DeviceName":"/dev/xvda","Ebs":{"VolumeId":"vol-1"}}]}]}],"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/prod/web","serviceName":"web","clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/prod","status":"ACTIVE","launchType":"EC2","taskDefinition":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1"}]}"#,
        },
        Example {
            name: "only Fargate services in the cluster",
            expect: Status::NotApplicable,
            json: r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/prod/0123456789abcdef0123456789abcdef","ec2InstanceId":"i-0abc","status":"ACTIVE","agentConnected":true}],"Reservations":[{"OwnerId":"111122223333","Instances":[{"InstanceId":"i-0abc","ImageId":"ami-0ecs","SubnetId":"subnet-1","VpcId":"vpc-1","MetadataOptions":{"HttpTokens":"optional","HttpPutResponseHopLimit":1,"HttpEndpoint":"enabled"},"BlockDeviceMappings":[{"DeviceName":"/dev/xvda","Ebs":{"VolumeId":"vol-1"}}]}]}],"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/prod/web","serviceName":"web","clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/prod","status":"ACTIVE","launchType":"FARGATE","taskDefinition":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1"}],"taskDefinitions":[{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"nginx:1.27"}],"networkMode":"awsvpc"}]}"#,
        },
        Example {
            name: "EC2 instance not read",
            expect: Status::NotAvailable,
            json: r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/prod/0123456789abcdef0123456789abcdef","ec2InstanceId":"i-0abc","status":"ACTIVE","agentConnected":true}],"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/prod/web","serviceName":"web","clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/prod","status":"ACTIVE","launchType":"EC2","taskDefinition":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1"}],"taskDefinitions":[{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"nginx:1.27"}],"networkMode":"bridge"}]}"#,
        },
        Example {
            name: "deregistered",
            expect: Status::NotApplicable,
            json: r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/prod/0123456789abcdef0123456789abcdef","ec2InstanceId":"i-0abc","status":"INACTIVE","agentConnected":true}],"Reservations":[{"OwnerId":"111122223333","Instances":[{"InstanceId":"i-0abc","ImageId":"ami-0ecs","SubnetId":"subnet-1","VpcId":"vpc-1","MetadataOptions":{"HttpTokens":"optional","HttpPutResponseHopLimit":1,"HttpEndpoint":"enabled"},"BlockDeviceMappings":[{"DeviceName":"/dev/xvda","Ebs":{"VolumeId":"vol-1"}}]}]}]}"#,
        },
    ],
    evaluator: Evaluator::ContainerInstanceSurroundings(eval),
};

const BLOCK_IMDS: &str = "ecs.capability.task-eni-block-instance-metadata";

fn eval(v: &InstanceView<'_>, _: &Options) -> Verdict {
    if v.workloads.is_empty() {
        return Verdict::of(Outcome::na(
            "no service of the cluster runs on EC2 capacity (standalone tasks are not read)",
        ));
    }
    let Some(ec2) = v.ec2 else {
        return v.instance_not_read();
    };
    let related = vec![v.instance_related(ec2)];
    if ec2.imds_disabled() {
        return Verdict::of(Outcome::Passed).related(related);
    }
    let bridge_why = if !ec2.imds_v2_required() {
        Some("the instance allows IMDSv1".to_owned())
    } else if ec2.hop_limit() >= 2 {
        Some(format!(
            "the hop limit is {}, so containers behind the bridge get IMDSv2 tokens",
            ec2.hop_limit()
        ))
    } else {
        None
    };
    // A capability attribute has a name and no value.
    let blocked = v
        .instance
        .attributes
        .iter()
        .any(|a| a.name.as_deref() == Some(BLOCK_IMDS));
    let mut evidence = Vec::new();
    let mut unknown = Vec::new();
    for (service, mode) in v.workloads {
        let found = match mode {
            None => {
                unknown.push(format!("the task definition of service {service}"));
                continue;
            }
            Some(NetworkMode::Bridge | NetworkMode::Default) => bridge_why
                .as_ref()
                .map(|why| format!("service {service} runs bridge-mode tasks and {why} (an iptables block on the host cannot be seen through the APIs)")),
            Some(NetworkMode::Host) => Some(format!(
                "service {service} runs host-mode tasks, which share the instance's network and reach its metadata service"
            )),
            Some(NetworkMode::Awsvpc) => (!blocked).then(|| {
                format!("service {service} runs awsvpc tasks and the agent does not report {BLOCK_IMDS} (ECS_AWSVPC_BLOCK_IMDS)")
            }),
            Some(NetworkMode::None | NetworkMode::Other(_)) => None,
        };
        evidence.extend(found);
    }
    if !evidence.is_empty() {
        // What those credentials can do raises the finding.
        let role = ec2
            .iam_instance_profile
            .as_ref()
            .and_then(|p| p.arn.as_deref())
            .and_then(|p| crate::checks::support::roles::powerful_profile_role(v.identity, p));
        let mut related = related;
        let mut verdict_severity = None;
        if let Some((arn, name, what)) = role {
            evidence.push(format!("the instance role {name} {what}"));
            related.push(crate::finding::Related::new("AwsIamRole", arn));
            verdict_severity = Some(crate::finding::Severity::Critical);
        }
        let verdict = Verdict::of(Outcome::failed(evidence)).related(related);
        match verdict_severity {
            Some(s) => verdict.severity(s),
            None => verdict,
        }
    } else if !unknown.is_empty() {
        Verdict::of(Outcome::unknown(format!(
            "not read: {}",
            unknown.join(", ")
        )))
    } else {
        Verdict::of(Outcome::Passed).related(related)
    }
}
