//! The IAM read (authorization details) as the checks see it: which roles are known, absent or
//! unknown, and what each role's permissions resolve to.

use ecs_posture_core::model::Snapshot;
use ecs_posture_core::model::iam::{Access, Request};
use ecs_posture_core::model::identity::{PolicyKind, RoleLookup};

const DETAILS: &str = r#"{
  "RoleDetailList": [
    {"RoleName": "app", "Path": "/services/", "Arn": "arn:aws:iam::111122223333:role/services/app",
     "AssumeRolePolicyDocument": "%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22ecs-tasks.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D",
     "RolePolicyList": [{"PolicyName": "inline", "PolicyDocument": {"Statement": {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}}}],
     "AttachedManagedPolicies": [
       {"PolicyName": "shared", "PolicyArn": "arn:aws:iam::111122223333:policy/shared"},
       {"PolicyName": "AmazonECSTaskExecutionRolePolicy", "PolicyArn": "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"},
       {"PolicyName": "ReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}
     ],
     "PermissionsBoundary": {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": "arn:aws:iam::111122223333:policy/boundary"},
     "InstanceProfileList": [{"InstanceProfileName": "hosts", "Arn": "arn:aws:iam::111122223333:instance-profile/hosts"}]},
    {"RoleName": "broken", "Arn": "arn:aws:iam::111122223333:role/broken",
     "RolePolicyList": [{"PolicyName": "bad", "PolicyDocument": "not json"}]}
  ],
  "Policies": [
    {"PolicyName": "shared", "Arn": "arn:aws:iam::111122223333:policy/shared", "DefaultVersionId": "v3",
     "PolicyVersionList": [
       {"VersionId": "v3", "IsDefaultVersion": true, "Document": {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}},
       {"VersionId": "v2", "IsDefaultVersion": false, "Document": {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}
     ]},
    {"PolicyName": "boundary", "Arn": "arn:aws:iam::111122223333:policy/boundary", "DefaultVersionId": "v1",
     "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true, "Document": {"Statement": [{"Effect": "Allow", "Action": ["s3:*", "ecr:*", "logs:*"], "Resource": "*"}]}}]}
  ]
}"#;

fn snapshot(name: &str, text: &str) -> Snapshot {
    let mut s = Snapshot::default();
    s.add_document(name, text).unwrap();
    s
}

#[test]
fn roles_are_found_by_arn_or_name_and_a_complete_read_proves_absence() {
    let s = snapshot("iam.json", DETAILS);
    let id = &s.identity;
    assert_eq!(id.counts(), (2, 2));
    let RoleLookup::Found(by_arn) = id.role("arn:aws:iam::111122223333:role/services/app", "9")
    else {
        panic!("by ARN");
    };
    // A task definition may name the role without its path, or by name alone.
    let RoleLookup::Found(by_name) = id.role("app", "111122223333") else {
        panic!("by name");
    };
    assert_eq!(by_arn.arn, by_name.arn);
    assert!(matches!(
        id.role("arn:aws:iam::111122223333:role/app", "9"),
        RoleLookup::Found(_)
    ));
    assert!(matches!(
        id.role("arn:aws:iam::111122223333:role/gone", "9"),
        RoleLookup::Absent
    ));
    // Another account was not read: unknown, never absent.
    assert!(matches!(
        id.role("arn:aws:iam::444455556666:role/app", "9"),
        RoleLookup::Unknown
    ));
    assert!(matches!(
        id.role("app", "444455556666"),
        RoleLookup::Unknown
    ));
    assert!(matches!(
        id.role_of_profile("arn:aws:iam::111122223333:instance-profile/hosts"),
        RoleLookup::Found(r) if r.name == "app"
    ));
}

#[test]
fn a_truncated_read_proves_nothing_absent() {
    let text = DETAILS.replacen('{', r#"{"IsTruncated": true, "Marker": "m", "#, 1);
    let s = snapshot("iam.json", &text);
    assert!(matches!(
        s.identity.role("arn:aws:iam::111122223333:role/gone", "9"),
        RoleLookup::Unknown
    ));
    assert!(matches!(
        s.identity.role("app", "111122223333"),
        RoleLookup::Found(_)
    ));
}

#[test]
fn permissions_resolve_default_versions_builtins_and_the_boundary() {
    let s = snapshot("iam.json", DETAILS);
    let id = &s.identity;
    let RoleLookup::Found(role) = id.role("app", "111122223333") else {
        panic!("app");
    };
    // The trust policy arrives URL-encoded.
    assert_eq!(
        role.trust
            .as_ref()
            .unwrap()
            .as_ref()
            .unwrap()
            .statements
            .len(),
        1
    );
    let p = id.permissions(role);
    let kinds: Vec<(PolicyKind, &str)> = p
        .sources
        .iter()
        .map(|s| (s.kind, s.name.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            (PolicyKind::Inline, "inline"),
            (PolicyKind::CustomerManaged, "shared"),
            // Not in the read: the document this crate carries.
            (PolicyKind::AwsManaged, "AmazonECSTaskExecutionRolePolicy"),
        ]
    );
    // ReadOnlyAccess is neither read nor carried: said, never guessed.
    assert_eq!(p.unread.len(), 1);
    assert!(p.unread[0].contains("ReadOnlyAccess"), "{:?}", p.unread);
    let policies = p.policies();
    // The default version (v3), not the administrator v2.
    assert_eq!(
        policies.allows(Request::Every, Request::Every).access,
        Access::NotAllowed
    );
    assert_eq!(
        policies
            .allows(Request::Named("s3:GetObject"), Request::Every)
            .access,
        Access::Allowed
    );
    assert_eq!(
        policies
            .allows(Request::Named("ecr:BatchGetImage"), Request::Every)
            .access,
        Access::Allowed
    );
    // The boundary caps the inline grant.
    assert_eq!(
        policies
            .allows(Request::Named("sqs:SendMessage"), Request::Every)
            .access,
        Access::NotAllowed
    );
    // Resolved once: the same value on every call.
    assert!(std::ptr::eq(p, id.permissions(role)));
}

#[test]
fn a_policy_that_cannot_be_parsed_is_unread_not_empty() {
    let s = snapshot("iam.json", DETAILS);
    let RoleLookup::Found(role) = s.identity.role("broken", "111122223333") else {
        panic!("broken");
    };
    let p = s.identity.permissions(role);
    assert!(p.policies.is_empty());
    assert_eq!(p.unread.len(), 1);
    assert!(p.unread[0].starts_with("inline policy bad: policy document is not JSON"));
}

#[test]
fn an_error_document_makes_every_unread_account_unknown_and_says_why() {
    let s = snapshot(
        "snap/authorization-details.json",
        r#"{"Code": "AccessDenied", "Message": "not authorized to perform: iam:GetAccountAuthorizationDetails"}"#,
    );
    assert!(!s.identity.is_empty());
    assert!(matches!(
        s.identity.role("app", "111122223333"),
        RoleLookup::Unknown
    ));
    let why = s.identity.why_unknown("111122223333");
    assert!(why.contains("AccessDenied"), "{why}");
    assert!(why.contains("111122223333"), "{why}");
}

#[test]
fn a_role_without_an_arn_is_an_error_naming_the_field() {
    let mut s = Snapshot::default();
    let e = s
        .add_document("iam.json", r#"{"RoleDetailList": [{"RoleName": "x"}]}"#)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("iam.json") && e.contains("RoleDetailList[0].Arn"),
        "{e}"
    );
}

mod properties {
    use ecs_posture_core::config::Options;
    use ecs_posture_core::engine::{Context, evaluate, select};
    use ecs_posture_core::finding::{Severity, Status};
    use ecs_posture_core::model::Snapshot;
    use proptest::prelude::*;

    fn statement(deny: bool) -> impl Strategy<Value = String> {
        let action = prop::sample::select(vec![
            "*",
            "s3:*",
            "iam:PassRole",
            "iam:Pass*",
            "ecs:RunTask",
            "ecs:*",
            "secretsmanager:GetSecretValue",
            "kms:Decrypt",
            "ssm:Get*",
        ]);
        let resource = prop::sample::select(vec!["*", "arn:aws:s3:::b/*"]);
        (
            prop::bool::ANY,
            prop::collection::vec(action, 1..3),
            resource,
            prop::bool::ANY,
        )
            .prop_map(move |(not_action, actions, resource, conditioned)| {
                format!(
                    r#"{{"Effect":"{}","{}":{},"Resource":"{}"{}}}"#,
                    if deny { "Deny" } else { "Allow" },
                    if not_action { "NotAction" } else { "Action" },
                    serde_json::to_string(&actions).unwrap_or_default(),
                    resource,
                    if conditioned && !deny {
                        r#","Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}"#
                    } else {
                        ""
                    }
                )
            })
    }

    /// Failed checks and their severities on a task definition whose task and execution role
    /// is `app`, with `policies` inline and `boundary` as its permissions boundary.
    fn failures(policies: &[String], boundary: Option<&str>) -> Vec<(&'static str, Severity)> {
        let inline: Vec<String> = policies
            .iter()
            .enumerate()
            .map(|(i, d)| format!(r#"{{"PolicyName":"p{i}","PolicyDocument":{d}}}"#))
            .collect();
        let (boundary_ref, boundary_policy) = match boundary {
            Some(b) => (
                r#","PermissionsBoundary":{"PermissionsBoundaryArn":"arn:aws:iam::111122223333:policy/b"}"#.to_owned(),
                format!(
                    r#"{{"PolicyName":"b","Arn":"arn:aws:iam::111122223333:policy/b","PolicyVersionList":[{{"VersionId":"v1","IsDefaultVersion":true,"Document":{b}}}]}}"#
                ),
            ),
            None => (String::new(), String::new()),
        };
        let details = format!(
            r#"{{"RoleDetailList":[{{"RoleName":"app","Arn":"arn:aws:iam::111122223333:role/app","AssumeRolePolicyDocument":{{"Statement":[{{"Effect":"Allow","Principal":{{"Service":"ecs-tasks.amazonaws.com"}},"Action":"sts:AssumeRole"}}]}},"RolePolicyList":[{}]{boundary_ref}}}],"Policies":[{boundary_policy}]}}"#,
            inline.join(",")
        );
        let mut s = Snapshot::default();
        s.add_document(
            "td.json",
            r#"{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","taskRoleArn":"app","executionRoleArn":"app","containerDefinitions":[{"name":"app","image":"nginx:1.27"}]}}"#,
        )
        .unwrap();
        s.add_document("iam.json", &details).unwrap();
        let opts = Options::default();
        let checks = select(&opts, &[], &[], None).unwrap();
        let ctx = Context::for_snapshot(&s);
        evaluate(&s, &checks, &opts, &ctx)
            .into_iter()
            .filter(|e| e.status == Status::Failed)
            .map(|e| (e.check.id, e.severity()))
            .collect()
    }

    fn document(deny: bool) -> impl Strategy<Value = String> {
        prop::collection::vec(statement(deny), 1..4)
            .prop_map(|s| format!(r#"{{"Statement":[{}]}}"#, s.join(",")))
    }

    /// The helper sees what the checks find (the properties are not vacuous).
    #[test]
    fn the_helper_sees_the_role_findings() {
        let admin = failures(
            &[r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#.to_owned()],
            None,
        );
        let ids: Vec<&str> = admin.iter().map(|(id, _)| *id).collect();
        for id in ["TD35", "TD38", "TD39", "TD41", "TD42"] {
            assert!(ids.contains(&id), "{id} in {ids:?}");
        }
        assert!(admin.contains(&("TD35", Severity::Critical)));
        let capped = failures(
            &[r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#.to_owned()],
            Some(r#"{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#),
        );
        let ids: Vec<&str> = capped
            .iter()
            .map(|(id, _)| *id)
            .filter(|id| ["TD35", "TD38", "TD39", "TD41", "TD42"].contains(id))
            .collect();
        assert_eq!(ids, ["TD42"], "the boundary leaves only the trust finding");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        /// An unconditioned Deny added to a role never adds a finding or raises a severity.
        #[test]
        fn an_unconditioned_deny_never_adds_a_finding(
            docs in prop::collection::vec(document(false), 1..3),
            deny in document(true),
        ) {
            let before = failures(&docs, None);
            let mut more = docs.clone();
            more.push(deny.clone());
            let after = failures(&more, None);
            for (id, sev) in &after {
                let was = before.iter().find(|(b, _)| b == id);
                prop_assert!(was.is_some_and(|(_, s)| s >= sev), "{deny} added or raised {id}: {before:?} -> {after:?}");
            }
        }

        /// A permissions boundary never adds a finding or raises a severity.
        #[test]
        fn a_boundary_never_adds_a_finding(
            docs in prop::collection::vec(document(false), 1..3),
            boundary in document(false),
        ) {
            let before = failures(&docs, None);
            let after = failures(&docs, Some(&boundary));
            for (id, sev) in &after {
                let was = before.iter().find(|(b, _)| b == id);
                prop_assert!(was.is_some_and(|(_, s)| s >= sev), "{boundary} added or raised {id}: {before:?} -> {after:?}");
            }
        }
    }
}

/// A service reachable from the internet is CRITICAL when its task role is an administrator,
/// and names the role; the same exposure with a harmless role keeps its own severity.
#[test]
fn what_the_task_role_can_do_raises_an_internet_exposure() {
    use ecs_posture_core::config::Options;
    use ecs_posture_core::engine::{Context, evaluate, select};
    use ecs_posture_core::finding::{Severity, Status};
    let estate = |policy: &str| {
        let mut s = Snapshot::default();
        s.add_document(
            "estate.json",
            r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/c/web","serviceName":"web","taskDefinition":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"],"assignPublicIp":"ENABLED"}}}],
"taskDefinitions":[{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","networkMode":"awsvpc","taskRoleArn":"web-task","containerDefinitions":[{"name":"app","image":"nginx:1.27"}]}],
"SecurityGroups":[{"GroupId":"sg-1","GroupName":"web","VpcId":"vpc-1","IpPermissions":[{"IpProtocol":"tcp","FromPort":443,"ToPort":443,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]}],
"Subnets":[{"SubnetId":"subnet-1","VpcId":"vpc-1"}],
"RouteTables":[{"RouteTableId":"rtb-main","VpcId":"vpc-1","Associations":[{"Main":true}],"Routes":[{"DestinationCidrBlock":"0.0.0.0/0","GatewayId":"igw-1","State":"active"}]}]}"#,
        )
        .unwrap();
        s.add_document(
            "iam.json",
            &format!(
                r#"{{"RoleDetailList":[{{"RoleName":"web-task","Arn":"arn:aws:iam::111122223333:role/web-task","RolePolicyList":[{{"PolicyName":"p","PolicyDocument":{policy}}}]}}]}}"#
            ),
        )
        .unwrap();
        let opts = Options::default();
        let checks = select(&opts, &["SV09".into()], &[], None).unwrap();
        let ctx = Context::for_snapshot(&s);
        let e = evaluate(&s, &checks, &opts, &ctx).remove(0);
        assert_eq!(e.status, Status::Failed);
        (
            e.severity(),
            e.evidence()
                .iter()
                .map(|x| x.text.to_string())
                .collect::<Vec<_>>(),
            e.related()
                .iter()
                .map(|r| r.arn.clone())
                .collect::<Vec<_>>(),
        )
    };
    let (sev, evidence, related) =
        estate(r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#);
    assert_eq!(sev, Severity::Critical);
    assert!(
        evidence.iter().any(|e| e
            == "its task role web-task may perform every action on every resource (administrator)"),
        "{evidence:?}"
    );
    assert!(related.contains(&"arn:aws:iam::111122223333:role/web-task".to_owned()));
    let (sev, evidence, related) = estate(
        r#"{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#,
    );
    assert_eq!(
        sev,
        Severity::High,
        "443 is not high-risk, no Exec, a harmless role"
    );
    assert!(
        !evidence.iter().any(|e| e.contains("task role")),
        "{evidence:?}"
    );
    assert!(!related.iter().any(|r| r.contains(":role/")));
}

/// Tasks that reach the instance role's credentials are CRITICAL when that role (found through
/// the instance profile) is an administrator.
#[test]
fn what_the_instance_role_can_do_raises_reachable_instance_credentials() {
    use ecs_posture_core::config::Options;
    use ecs_posture_core::engine::{Context, evaluate, select};
    use ecs_posture_core::finding::{Severity, Status};
    let run = |iam: &str| {
        let mut s = Snapshot::default();
        s.add_document(
            "estate.json",
            r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:111122223333:container-instance/prod/0123456789abcdef0123456789abcdef","ec2InstanceId":"i-0abc","status":"ACTIVE","agentConnected":true}],"Reservations":[{"OwnerId":"111122223333","Instances":[{"InstanceId":"i-0abc","ImageId":"ami-0ecs","IamInstanceProfile":{"Arn":"arn:aws:iam::111122223333:instance-profile/hosts"},"MetadataOptions":{"HttpTokens":"optional","HttpPutResponseHopLimit":1,"HttpEndpoint":"enabled"}}]}],"services":[{"serviceArn":"arn:aws:ecs:us-east-1:111122223333:service/prod/web","serviceName":"web","clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/prod","status":"ACTIVE","launchType":"EC2","taskDefinition":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1"}],"taskDefinitions":[{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"nginx:1.27"}],"networkMode":"bridge"}]}"#,
        )
        .unwrap();
        s.add_document("iam.json", iam).unwrap();
        let opts = Options::default();
        let checks = select(&opts, &["CI05".into()], &[], None).unwrap();
        let ctx = Context::for_snapshot(&s);
        let e = evaluate(&s, &checks, &opts, &ctx).remove(0);
        assert_eq!(e.status, Status::Failed);
        (
            e.severity(),
            e.evidence()
                .iter()
                .map(|x| x.text.to_string())
                .collect::<Vec<_>>(),
        )
    };
    let (sev, evidence) = run(
        r#"{"RoleDetailList":[{"RoleName":"hosts","Arn":"arn:aws:iam::111122223333:role/hosts","InstanceProfileList":[{"Arn":"arn:aws:iam::111122223333:instance-profile/hosts"}],"AttachedManagedPolicies":[{"PolicyName":"AdministratorAccess","PolicyArn":"arn:aws:iam::aws:policy/AdministratorAccess"}]}]}"#,
    );
    assert_eq!(sev, Severity::Critical);
    assert!(
        evidence
            .iter()
            .any(|e| e.starts_with("the instance role hosts may perform every action")),
        "{evidence:?}"
    );
    let (sev, _) = run(
        r#"{"RoleDetailList":[{"RoleName":"hosts","Arn":"arn:aws:iam::111122223333:role/hosts","InstanceProfileList":[{"Arn":"arn:aws:iam::111122223333:instance-profile/hosts"}],"AttachedManagedPolicies":[{"PolicyName":"AmazonECSTaskExecutionRolePolicy","PolicyArn":"arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"}]}]}"#,
    );
    assert_eq!(sev, Severity::High);
}
