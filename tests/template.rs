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
            (["ecs", "securityhub", "dynamodb", "sns", "sqs", "kms"].contains(&svc)
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
    ]
    .into_iter()
    .collect();
    for a in &actions {
        assert!(
            valid.contains(a.as_str()),
            "{a} is not a known IAM action (misspelled?)"
        );
    }

    let source = read("src/aws/ecs.rs");
    let mut ecs = called(&source, "self.call(\"");
    ecs.extend(called(&source, "self.count(\""));
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
    ] {
        assert!(
            t.contains(var) && env.contains(var),
            "{var} is not wired through"
        );
    }
}
