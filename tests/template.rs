//! The SAM template's IAM policy, checked against the code: every action exists (no tool catches
//! a misspelled action), every API the adapters call is allowed, and nothing more.

use std::collections::BTreeSet;

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR")))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `service:Action` strings in the function's policy statements.
fn policy_actions(template: &str) -> BTreeSet<String> {
    let policy = template
        .split("      Policies:")
        .nth(1)
        .expect("the function has Policies")
        .split("      Events:")
        .next()
        .unwrap();
    policy
        .lines()
        .filter_map(|l| {
            let t = l
                .trim()
                .trim_start_matches("- ")
                .trim_start_matches("Action:")
                .trim();
            let (svc, action) = t.split_once(':')?;
            ([
                "ecs",
                "ec2",
                "iam",
                "elasticloadbalancing",
                "ecr",
                "logs",
                "secretsmanager",
                "ssm",
                "guardduty",
                "inspector2",
                "securityhub",
                "dynamodb",
                "sns",
                "sqs",
                "kms",
                "sts",
                "organizations",
                "events",
            ]
            .contains(&svc)
                && !action.contains(' '))
            .then(|| t.to_owned())
        })
        .collect()
}

/// Operations the code calls, from `self.call("Op")` (ECS) or the SDK builder calls.
fn called(source: &str, marker: &str) -> BTreeSet<String> {
    source
        .split(marker)
        .skip(1)
        .filter_map(|rest| rest.split(['"', '(']).next().map(str::to_owned))
        .collect()
}

/// The EC2 operations the network reader calls (`read_pages!("Op", ...)`, `out.count("Op")`).
fn ec2_reads() -> BTreeSet<String> {
    let source = read("src/aws/ec2.rs");
    source
        .split("read_pages!(")
        .skip(1)
        .filter_map(|rest| {
            let op = rest.trim_start().strip_prefix('"')?.split('"').next()?;
            Some(op.to_owned())
        })
        .chain(called(&source, "out.count(\""))
        .collect()
}

/// The Elastic Load Balancing operations the load balancer reader counts.
fn elb_reads() -> BTreeSet<String> {
    called(&read("src/aws/elbv2.rs"), "out.count(\"")
        .into_iter()
        .chain(
            read("src/aws/elbv2.rs")
                .split("describe_by_arns!(")
                .skip(1)
                .filter_map(|rest| {
                    let rest = rest.trim_start().strip_prefix("out,")?.trim_start();
                    Some(rest.strip_prefix('"')?.split('"').next()?.to_owned())
                }),
        )
        .collect()
}

/// The operations of `service` the ECR reader counts (`out.count("ecr:Op")`): ECR, KMS and the
/// ECS reads of running tasks.
fn ecr_reads(service: &str) -> BTreeSet<String> {
    called(&read("src/aws/ecr.rs"), &format!("out.count(\"{service}:"))
}

/// The GuardDuty and Inspector actions the detection reader counts (`out.count("svc:Op")`).
fn detection_reads() -> BTreeSet<String> {
    let source = read("src/aws/detection.rs");
    ["guardduty", "inspector2"]
        .iter()
        .flat_map(|svc| {
            called(&source, &format!("out.count(\"{svc}:"))
                .into_iter()
                .map(move |op| format!("{svc}:{op}"))
        })
        .collect()
}

/// The ECS operations the inventory counts: its own calls (`src/aws/ecs.rs` and its modules)
/// and the ones the registry reader makes through ECS (running tasks' digests).
fn ecs_reads() -> BTreeSet<String> {
    // The inventory and every reader module beside it.
    let mut modules: Vec<_> =
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/src/aws/ecs"))
            .expect("src/aws/ecs/ is readable")
            .map(|e| e.expect("directory entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "rs"))
            .collect();
    modules.sort();
    let mut source = read("src/aws/ecs.rs");
    for m in &modules {
        source += &std::fs::read_to_string(m).expect("module is readable");
    }
    let mut ecs = called(&source, "self.call(\"");
    ecs.extend(called(&source, "me.call(\""));
    ecs.extend(called(&source, "self.count(\""));
    // Listings the SDK has no paginator for: `.all_pages(\n "Op", ...)`.
    ecs.extend(source.split(".all_pages(").skip(1).filter_map(|rest| {
        rest.trim_start()
            .strip_prefix('"')
            .and_then(|r| r.split('"').next())
            .map(str::to_owned)
    }));
    ecs.extend(called(
        &read("src/aws/ecs/account_settings.rs"),
        "out.count(\"",
    ));
    ecs.extend(ecr_reads("ecs"));
    ecs
}

/// The IAM operations the role reader counts; never one that returns a secret.
fn iam_reads() -> BTreeSet<String> {
    called(&read("src/aws/iam.rs"), "out.count(\"")
}

fn pascal(snake: &str) -> String {
    snake
        .split('_')
        .map(|w| w[..1].to_uppercase() + &w[1..])
        .collect()
}

#[test]
fn policy_allows_exactly_what_the_adapters_call() {
    let template = read("template.yaml");
    let actions = policy_actions(&template);
    assert!(
        !actions.iter().any(|a| a.contains('*')),
        "no wildcard actions: {actions:?}"
    );

    // Valid action names of the services used (IAM service authorization reference).
    let valid: BTreeSet<&str> = [
        "ecs:ListClusters",
        "ecs:DescribeClusters",
        "ecs:ListServices",
        "ecs:DescribeServices",
        "ecs:ListTaskDefinitions",
        "ecs:DescribeTaskDefinition",
        "ecs:ListContainerInstances",
        "ecs:DescribeContainerInstances",
        "ecs:DescribeCapacityProviders",
        "ecs:DescribeTaskSets",
        "ecs:ListTasks",
        "ecs:DescribeTasks",
        "ecs:ListDaemons",
        "ecs:DescribeDaemon",
        "ecs:DescribeDaemonRevisions",
        "ecs:ListDaemonTaskDefinitions",
        "ecs:DescribeDaemonTaskDefinition",
        "ecs:ListTagsForResource",
        "ecs:ListAccountSettings",
        "ecs:ListGateways",
        "ecs:DescribeGateway",
        "ecs:DescribeExpressGatewayService",
        "ecr:DescribeRepositories",
        "ecr:GetRegistryScanningConfiguration",
        "ecr:BatchGetRepositoryScanningConfiguration",
        "ecr:GetLifecyclePolicy",
        "ecr:GetRepositoryPolicy",
        "ecr:DescribeImageScanFindings",
        "kms:DescribeKey",
        "logs:DescribeLogGroups",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeSubnets",
        "ec2:DescribeRouteTables",
        "ec2:DescribeFlowLogs",
        "ec2:DescribeVpcEndpoints",
        "ec2:DescribeInstances",
        "ec2:DescribeVolumes",
        "ec2:GetEbsEncryptionByDefault",
        "ec2:DescribeImages",
        "ssm:GetParameters",
        "ssm:DescribeParameters",
        "secretsmanager:DescribeSecret",
        "guardduty:ListDetectors",
        "guardduty:GetDetector",
        "inspector2:BatchGetAccountStatus",
        "iam:GetAccountAuthorizationDetails",
        "iam:GetRole",
        "iam:ListRolePolicies",
        "iam:GetRolePolicy",
        "iam:ListAttachedRolePolicies",
        "iam:GetPolicy",
        "iam:GetPolicyVersion",
        "iam:ListEntitiesForPolicy",
        "elasticloadbalancing:DescribeTargetGroups",
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeLoadBalancerAttributes",
        "securityhub:BatchImportFindings",
        "dynamodb:Scan",
        "dynamodb:UpdateItem",
        "dynamodb:GetItem",
        "dynamodb:Query",
        "sns:Publish",
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
        "sqs:ChangeMessageVisibility",
        "sqs:SendMessage",
        "kms:Decrypt",
        "kms:GenerateDataKey",
        "sts:AssumeRole",
        "organizations:ListAccounts",
    ]
    .into_iter()
    .collect();
    for a in &actions {
        assert!(
            valid.contains(a.as_str()),
            "{a} is not a known IAM action (misspelled?)"
        );
    }

    let ecs = ecs_reads();
    assert!(ecs.len() >= 9, "{ecs:?}");
    for op in &ecs {
        assert!(
            actions.contains(&format!("ecs:{op}")),
            "the inventory calls {op} but the policy does not allow it"
        );
    }
    for a in actions.iter().filter(|a| a.starts_with("ecs:")) {
        assert!(ecs.contains(&a[4..]), "{a} is allowed but never called");
    }
    let ec2 = ec2_reads();
    assert_eq!(ec2.len(), 9, "{ec2:?}");
    let ec2_allowed: BTreeSet<String> = actions
        .iter()
        .filter_map(|a| a.strip_prefix("ec2:").map(str::to_owned))
        .collect();
    assert_eq!(
        ec2, ec2_allowed,
        "the network reads and the policy disagree"
    );
    // Systems Manager: the public ECS-optimized AMI parameters' values, and the metadata of
    // the parameters containers take; never a customer parameter's value.
    let ssm = called(&read("src/aws/ssm.rs"), "out.count(\"");
    assert_eq!(ssm, BTreeSet::from(["GetParameters".to_owned()]));
    let secrets = read("src/aws/secrets.rs");
    assert_eq!(
        called(&secrets, "out.count(\"ssm:"),
        BTreeSet::from(["DescribeParameters".to_owned()])
    );
    assert_eq!(
        called(&secrets, "out.count(\"secretsmanager:"),
        BTreeSet::from(["DescribeSecret".to_owned()])
    );
    for never in [
        ".get_secret_value(",
        ".batch_get_secret_value(",
        ".get_parameter(",
    ] {
        assert!(!secrets.contains(never), "{never}");
    }
    assert!(actions.contains("ssm:GetParameters") && actions.contains("ssm:DescribeParameters"));
    assert_eq!(
        actions.iter().filter(|a| a.starts_with("ssm:")).count(),
        2,
        "{actions:?}"
    );
    assert_eq!(
        actions
            .iter()
            .filter(|a| a.starts_with("secretsmanager:"))
            .collect::<Vec<_>>(),
        ["secretsmanager:DescribeSecret"]
    );
    assert!(
        template.contains("parameter/aws/service/ecs/optimized-ami/*"),
        "GetParameters is limited to the public AMI parameters"
    );
    let elb = elb_reads();
    assert_eq!(elb.len(), 4, "{elb:?}");
    let elb_allowed: BTreeSet<String> = actions
        .iter()
        .filter_map(|a| a.strip_prefix("elasticloadbalancing:").map(str::to_owned))
        .collect();
    assert_eq!(
        elb, elb_allowed,
        "the load balancer reads and the policy disagree"
    );
    let iam = iam_reads();
    assert_eq!(iam.len(), 8, "{iam:?}");
    let iam_allowed: BTreeSet<String> = actions
        .iter()
        .filter_map(|a| a.strip_prefix("iam:").map(str::to_owned))
        .collect();
    assert_eq!(iam, iam_allowed, "the role reads and the policy disagree");
    let ecr = ecr_reads("ecr");
    assert_eq!(ecr.len(), 6, "{ecr:?}");
    let ecr_allowed: BTreeSet<String> = actions
        .iter()
        .filter_map(|a| a.strip_prefix("ecr:").map(str::to_owned))
        .collect();
    assert_eq!(
        ecr, ecr_allowed,
        "the repository reads and the policy disagree"
    );
    assert_eq!(ecr_reads("kms"), BTreeSet::from(["DescribeKey".to_owned()]));
    assert!(actions.contains("kms:DescribeKey"));
    let logs = called(&read("src/aws/logs.rs"), "out.count(\"logs:");
    assert_eq!(logs, BTreeSet::from(["DescribeLogGroups".to_owned()]));
    assert_eq!(
        actions.iter().filter(|a| a.starts_with("logs:")).count(),
        1,
        "{actions:?}"
    );
    // The detection services: exactly the reads the detection reader counts.
    let detection = detection_reads();
    assert_eq!(detection.len(), 3, "{detection:?}");
    let detection_allowed: BTreeSet<String> = actions
        .iter()
        .filter(|a| a.starts_with("guardduty:") || a.starts_with("inspector2:"))
        .cloned()
        .collect();
    assert_eq!(
        detection, detection_allowed,
        "the detection reads and the policy disagree"
    );
    let dynamo = called(&read("src/aws/dynamodb.rs"), ".client\n            .");
    let dynamo: BTreeSet<String> = dynamo.iter().map(|op| pascal(op)).collect();
    assert!(!dynamo.is_empty());
    for op in &dynamo {
        assert!(
            actions.contains(&format!("dynamodb:{op}")),
            "the ledger calls {op} but the policy does not allow it"
        );
    }
    assert!(actions.contains("securityhub:BatchImportFindings") && actions.contains("sns:Publish"));
    // The organization hub: member roles, the organization's accounts, the FIFO scan queue.
    let accounts = read("src/aws/accounts.rs");
    assert!(accounts.contains("AssumeRoleProvider") && actions.contains("sts:AssumeRole"));
    assert!(
        accounts.contains(".list_accounts()") && actions.contains("organizations:ListAccounts")
    );
    let sqs = read("src/aws/sqs.rs");
    assert!(sqs.contains(".send_message_batch()") && actions.contains("sqs:SendMessage"));
}

/// The member role (member.yaml) allows exactly the ECS reads the inventory makes and the one
/// Security Hub write, in every region; no wildcard action; its rules forward exactly the ECS
/// changes the single-account template listens to.
#[test]
fn member_role_allows_exactly_what_a_member_scan_calls() {
    let member = read("member.yaml");
    let role = member
        .split("  MemberRole:")
        .nth(1)
        .expect("member.yaml has MemberRole")
        .split("  ForwarderRole:")
        .next()
        .unwrap();
    let actions: BTreeSet<String> = role
        .lines()
        .filter_map(|l| {
            let t = l
                .trim()
                .trim_start_matches("- ")
                .trim_start_matches("Action:")
                .trim();
            let (svc, action) = t.split_once(':')?;
            ([
                "ecs",
                "ec2",
                "elasticloadbalancing",
                "ssm",
                "securityhub",
                "iam",
                "ecr",
                "kms",
                "logs",
                "secretsmanager",
                "guardduty",
                "inspector2",
            ]
            .contains(&svc)
                && !action.contains(' '))
            .then(|| t.to_owned())
        })
        .collect();
    assert!(!actions.iter().any(|a| a.contains('*')), "{actions:?}");
    let ecs = ecs_reads();
    let mut want: BTreeSet<String> = ecs.iter().map(|op| format!("ecs:{op}")).collect();
    want.extend(ec2_reads().iter().map(|op| format!("ec2:{op}")));
    want.extend(
        elb_reads()
            .iter()
            .map(|op| format!("elasticloadbalancing:{op}")),
    );
    want.extend(
        called(&read("src/aws/ssm.rs"), "out.count(\"")
            .iter()
            .map(|op| format!("ssm:{op}")),
    );
    want.extend(iam_reads().iter().map(|op| format!("iam:{op}")));
    want.extend(ecr_reads("ecr").iter().map(|op| format!("ecr:{op}")));
    want.extend(ecr_reads("kms").iter().map(|op| format!("kms:{op}")));
    want.insert("logs:DescribeLogGroups".into());
    want.insert("ssm:DescribeParameters".into());
    want.insert("secretsmanager:DescribeSecret".into());
    want.extend(detection_reads());
    want.insert("securityhub:BatchImportFindings".into());
    assert_eq!(actions, want, "the member role and the inventory disagree");
    assert!(role.contains("parameter/aws/service/ecs/optimized-ami/*"));
    assert!(role.contains("securityhub:*:${AWS::AccountId}:product/${AWS::AccountId}/default"));
    assert!(
        role.contains("AWS: !Ref HubRoleArn"),
        "only the hub function may assume it"
    );
    assert!(role.contains("sts:ExternalId") && role.contains("aws:PrincipalOrgID"));
    // The same ECS changes as the single-account rules.
    let hub = read("template.yaml");
    // The event names of the first rule (after `after`: a rule's eventSource line).
    let names = |t: &str, after: Option<&str>| -> Vec<String> {
        let from = match after {
            Some(a) => t
                .split(a)
                .nth(1)
                .unwrap_or_else(|| panic!("a rule with {a}")),
            None => t,
        };
        from.split("eventName:")
            .nth(1)
            .unwrap()
            .lines()
            .skip(1)
            .take_while(|l| l.trim().starts_with("- "))
            .map(|l| l.trim().trim_start_matches("- ").to_owned())
            .collect()
    };
    assert_eq!(names(&member, None), names(&hub, None));
    let trigger = read("src/function/trigger.rs");
    // The same security group, load balancer and IAM changes, each routed by the trigger.
    for (source, count) in [
        ("eventSource: [ec2.amazonaws.com]", None),
        ("eventSource: [elasticloadbalancing.amazonaws.com]", None),
        ("eventSource: [iam.amazonaws.com]", Some(9)),
        (
            "eventSource: [ecr.amazonaws.com, logs.amazonaws.com, secretsmanager.amazonaws.com, ssm.amazonaws.com]",
            Some(20),
        ),
        (
            "eventSource: [guardduty.amazonaws.com, inspector2.amazonaws.com]",
            Some(5),
        ),
    ] {
        let routed = names(&hub, Some(source));
        assert_eq!(names(&member, Some(source)), routed, "{source}");
        if let Some(n) = count {
            assert_eq!(routed.len(), n, "{source}");
        }
        for name in routed {
            assert!(
                trigger.contains(&format!("\"{name}\"")),
                "the rule forwards {name} but the trigger does not route it"
            );
        }
    }
    assert!(
        hub.contains("source: [aws.ecs, aws.ec2, aws.elasticloadbalancing, aws.iam, aws.ecr, aws.logs, aws.secretsmanager, aws.ssm, aws.guardduty, aws.inspector2]"),
        "the hub bus admits every forwarded source"
    );
    assert!(member.contains("detail-type: [ECS Deployment State Change, ECS Service Action]"));
    assert!(member.contains("Arn: !Ref HubEventBusArn"));
}

#[test]
fn template_wires_every_trigger_and_protection() {
    let t = read("template.yaml");
    for needle in [
        "Runtime: provided.al2023",
        "Architectures: [arm64]",
        "BuildMethod: rust-cargolambda",
        "ReservedConcurrentExecutions:",
        "Type: Schedule",
        "errorCode: [{exists: false}]",
        "ECS Deployment State Change",
        "FunctionResponseTypes: [ReportBatchItemFailures]",
        "DeadLetterConfig:",
        "OnFailure:",
        "KmsMasterKeyId: !Ref Key",
        "PointInTimeRecoveryEnabled: true",
        "DeletionProtectionEnabled: true",
        "AttributeName: expires_at",
        "RetentionInDays: !Ref LogRetentionDays",
        "FifoQueue: true",
        "MaximumConcurrency: !Ref MaximumConcurrency",
        "aws:PrincipalOrgID: !Ref OrganizationId",
        "EventBusName: !Ref EventBus",
    ] {
        assert!(t.contains(needle), "template.yaml lacks {needle}");
    }
    // Every CloudTrail event the router handles is in the rule's pattern.
    let router = read("src/function/trigger.rs");
    for name in [
        "RegisterTaskDefinition",
        "DeregisterTaskDefinition",
        "DeleteTaskDefinitions",
        "CreateService",
        "UpdateService",
        "DeleteService",
        "CreateTaskSet",
        "UpdateTaskSet",
        "DeleteTaskSet",
        "CreateCluster",
        "UpdateCluster",
        "UpdateClusterSettings",
        "PutClusterCapacityProviders",
        "DeleteCluster",
        "CreateCapacityProvider",
        "UpdateCapacityProvider",
        "TagResource",
        "UntagResource",
        "RegisterDaemonTaskDefinition",
        "DeleteDaemonTaskDefinition",
        "CreateDaemon",
        "UpdateDaemon",
        "DeleteDaemon",
        "PutAccountSetting",
        "PutAccountSettingDefault",
        "CreateGateway",
        "UpdateGateway",
        "DeleteGateway",
    ] {
        assert!(
            router.contains(&format!("\"{name}\"")),
            "the router does not handle {name}"
        );
        assert!(
            t.contains(&format!("- {name}\n")),
            "the EventBridge rule does not match {name}"
        );
    }
    // The function's environment is what the bootstrap reads.
    let env = read("src/function/config.rs");
    for var in [
        "ECS_POSTURE_LEDGER_TABLE",
        "ECS_POSTURE_SNS_TOPIC_ARN",
        "ECS_POSTURE_ALERT_THRESHOLD",
        "ECS_POSTURE_REFRESH_AGE_DAYS",
        "ECS_POSTURE_REQUIRED_TAG_KEYS",
        "ECS_POSTURE_DISABLE_CHECKS",
        "ECS_POSTURE_MEMBER_ROLE_NAME",
        "ECS_POSTURE_EXTERNAL_ID",
        "ECS_POSTURE_ACCOUNTS",
        "ECS_POSTURE_REGIONS",
        "ECS_POSTURE_SCAN_QUEUE_URL",
        "ECS_POSTURE_ECS_RATE",
        "ECS_POSTURE_SPLIT_CLUSTERS",
        "ECS_POSTURE_SPLIT_FAMILIES",
    ] {
        assert!(
            t.contains(var) && env.contains(var),
            "{var} is not wired through"
        );
    }
}
