//! The IAM policy evaluator: a table of documents (shapes from AWS's policy evaluation
//! documentation and the edge cases other tools get wrong) with the verdict expected for each
//! request, and properties that hold for any document: an unconditioned Deny never widens what
//! is allowed, and a permissions boundary never widens it either.

use ecs_posture_core::model::iam::{Access, Policies, Policy, PolicyError, Request, decode, glob};
use proptest::prelude::*;

use Request::{Every, Named};

fn policy(json: &str) -> Policy {
    Policy::parse(json).unwrap_or_else(|e| panic!("{e}: {json}"))
}

fn access(docs: &[&str], boundary: Option<&str>, action: Request, resource: Request) -> Access {
    let identity: Vec<Policy> = docs.iter().map(|d| policy(d)).collect();
    let boundary = boundary.map(policy);
    Policies {
        identity: &identity,
        boundary: boundary.as_ref(),
    }
    .allows(action, resource)
    .access
}

const ADMIN: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
const S3_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#;
const PASS_ANY: &str =
    r#"{"Statement":[{"Effect":"Allow","Action":["iam:PassRole","ecs:RunTask"],"Resource":"*"}]}"#;
const PASS_TO_ECS: &str = r#"{"Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"ecs-tasks.amazonaws.com"}}}]}"#;

/// Name, identity policies, boundary, action, resource, expected access.
type Case<'a> = (
    &'a str,
    Vec<&'a str>,
    Option<&'a str>,
    Request<'a>,
    Request<'a>,
    Access,
);

#[test]
fn the_table() {
    let bucket = "arn:aws:s3:::logs/2026/app.log";
    let cases: Vec<Case> = vec![
        (
            "admin on everything",
            vec![ADMIN],
            None,
            Every,
            Every,
            Access::Allowed,
        ),
        (
            "admin allows any one action",
            vec![ADMIN],
            None,
            Named("iam:CreateUser"),
            Named(bucket),
            Access::Allowed,
        ),
        (
            "a service wildcard is not every action",
            vec![S3_ALL],
            None,
            Every,
            Every,
            Access::NotAllowed,
        ),
        (
            "a service wildcard allows the service's actions",
            vec![S3_ALL],
            None,
            Named("s3:GetObject"),
            Named(bucket),
            Access::Allowed,
        ),
        (
            "actions match case-insensitively",
            vec![S3_ALL],
            None,
            Named("S3:getobject"),
            Every,
            Access::Allowed,
        ),
        (
            "a service wildcard does not reach another service",
            vec![S3_ALL],
            None,
            Named("s3express:CreateSession"),
            Every,
            Access::NotAllowed,
        ),
        (
            "? matches one character",
            vec![r#"{"Statement":[{"Effect":"Allow","Action":"ecs:?unTask","Resource":"*"}]}"#],
            None,
            Named("ecs:RunTask"),
            Every,
            Access::Allowed,
        ),
        (
            "a prefix wildcard",
            vec![r#"{"Statement":[{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"}]}"#],
            None,
            Named("ec2:DescribeInstances"),
            Every,
            Access::Allowed,
        ),
        (
            "a prefix wildcard stops at its prefix",
            vec![r#"{"Statement":[{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"}]}"#],
            None,
            Named("ec2:TerminateInstances"),
            Every,
            Access::NotAllowed,
        ),
        (
            "resources match case-sensitively",
            vec![
                r#"{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::logs/*"}]}"#,
            ],
            None,
            Named("s3:GetObject"),
            Named("arn:aws:s3:::LOGS/x"),
            Access::NotAllowed,
        ),
        (
            "a scoped resource is not every resource",
            vec![
                r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::logs/*"}]}"#,
            ],
            None,
            Every,
            Every,
            Access::NotAllowed,
        ),
        (
            "a scoped resource covers what it names",
            vec![
                r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::logs/*"}]}"#,
            ],
            None,
            Named("s3:PutObject"),
            Named(bucket),
            Access::Allowed,
        ),
        // NotAction: everything but the list (Prowler counts it as admin whatever it excludes).
        (
            "NotAction allows what it does not list",
            vec![r#"{"Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}"#],
            None,
            Named("s3:DeleteBucket"),
            Every,
            Access::Allowed,
        ),
        (
            "NotAction denies what it lists",
            vec![
                r#"{"Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*"],"Resource":"*"}]}"#,
            ],
            None,
            Named("IAM:PassRole"),
            Every,
            Access::NotAllowed,
        ),
        (
            "NotAction excluding something is not every action",
            vec![r#"{"Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}"#],
            None,
            Every,
            Every,
            Access::NotAllowed,
        ),
        // NotResource: every resource but the list, so never "every resource".
        (
            "NotResource is not every resource",
            vec![
                r#"{"Statement":[{"Effect":"Allow","Action":"*","NotResource":"arn:aws:iam::*:role/admin"}]}"#,
            ],
            None,
            Every,
            Every,
            Access::NotAllowed,
        ),
        (
            "NotResource allows the others",
            vec![
                r#"{"Statement":[{"Effect":"Allow","Action":"iam:PassRole","NotResource":"arn:aws:iam::*:role/admin"}]}"#,
            ],
            None,
            Named("iam:PassRole"),
            Named("arn:aws:iam::1:role/app"),
            Access::Allowed,
        ),
        (
            "NotResource excludes what it lists",
            vec![
                r#"{"Statement":[{"Effect":"Allow","Action":"iam:PassRole","NotResource":"arn:aws:iam::*:role/admin"}]}"#,
            ],
            None,
            Named("iam:PassRole"),
            Named("arn:aws:iam::1:role/admin"),
            Access::NotAllowed,
        ),
        // Deny: an unconditioned one removes what it covers, in any policy.
        (
            "an explicit deny wins",
            vec![
                ADMIN,
                r#"{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#,
            ],
            None,
            Every,
            Every,
            Access::NotAllowed,
        ),
        (
            "a deny of one action",
            vec![
                PASS_ANY,
                r#"{"Statement":[{"Effect":"Deny","Action":"iam:PassRole","Resource":"*"}]}"#,
            ],
            None,
            Named("iam:PassRole"),
            Every,
            Access::NotAllowed,
        ),
        (
            "a deny of one action leaves the others",
            vec![
                PASS_ANY,
                r#"{"Statement":[{"Effect":"Deny","Action":"iam:PassRole","Resource":"*"}]}"#,
            ],
            None,
            Named("ecs:RunTask"),
            Every,
            Access::Allowed,
        ),
        (
            "a deny on some resources leaves every-resource access standing",
            vec![
                PASS_ANY,
                r#"{"Statement":[{"Effect":"Deny","Action":"iam:PassRole","Resource":"arn:aws:iam::*:role/admin"}]}"#,
            ],
            None,
            Named("iam:PassRole"),
            Every,
            Access::Allowed,
        ),
        (
            "a NotAction deny removes everything it does not list",
            vec![
                ADMIN,
                r#"{"Statement":[{"Effect":"Deny","NotAction":"s3:*","Resource":"*"}]}"#,
            ],
            None,
            Named("iam:CreateUser"),
            Every,
            Access::NotAllowed,
        ),
        (
            "a NotAction deny keeps what it lists",
            vec![
                ADMIN,
                r#"{"Statement":[{"Effect":"Deny","NotAction":"s3:*","Resource":"*"}]}"#,
            ],
            None,
            Named("s3:GetObject"),
            Every,
            Access::Allowed,
        ),
        (
            "a conditioned deny is not proof",
            vec![
                ADMIN,
                r#"{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}]}"#,
            ],
            None,
            Every,
            Every,
            Access::Allowed,
        ),
        // Conditions on Allow.
        (
            "a conditioned allow is conditional",
            vec![PASS_TO_ECS],
            None,
            Named("iam:PassRole"),
            Every,
            Access::Conditional,
        ),
        (
            "an unconditioned allow beside a conditioned one",
            vec![PASS_TO_ECS, PASS_ANY],
            None,
            Named("iam:PassRole"),
            Every,
            Access::Allowed,
        ),
        (
            "an empty condition block is no condition",
            vec![
                r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{}}]}"#,
            ],
            None,
            Every,
            Every,
            Access::Allowed,
        ),
        // Permissions boundary: the intersection.
        (
            "a boundary caps admin",
            vec![ADMIN],
            Some(S3_ALL),
            Named("iam:CreateUser"),
            Every,
            Access::NotAllowed,
        ),
        (
            "a boundary lets through what both allow",
            vec![ADMIN],
            Some(S3_ALL),
            Named("s3:GetObject"),
            Every,
            Access::Allowed,
        ),
        (
            "a boundary never adds",
            vec![S3_ALL],
            Some(ADMIN),
            Named("iam:CreateUser"),
            Every,
            Access::NotAllowed,
        ),
        (
            "a conditioned boundary makes it conditional",
            vec![ADMIN],
            Some(
                r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}}]}"#,
            ),
            Every,
            Every,
            Access::Conditional,
        ),
        (
            "a deny in the boundary removes",
            vec![ADMIN],
            Some(
                r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}"#,
            ),
            Named("iam:PassRole"),
            Every,
            Access::NotAllowed,
        ),
        (
            "no policy allows nothing",
            vec![],
            None,
            Named("s3:GetObject"),
            Every,
            Access::NotAllowed,
        ),
    ];
    for (name, docs, boundary, action, resource, want) in cases {
        assert_eq!(access(&docs, boundary, action, resource), want, "{name}");
    }
}

#[test]
fn partial_and_conditional_denies_are_counted() {
    let docs = [
        policy(ADMIN),
        policy(
            r#"{"Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#,
        ),
    ];
    let g = Policies {
        identity: &docs,
        boundary: None,
    }
    .allows(Every, Every);
    assert_eq!(g.access, Access::Allowed);
    assert_eq!((g.partial_denies, g.conditional_denies), (1, 1));
}

#[test]
fn documents_are_read_url_encoded_or_not_and_bad_ones_named() {
    // As GetAccountAuthorizationDetails returns them (RFC 3986).
    let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3A%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D";
    assert_eq!(
        decode(encoded),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#
    );
    assert_eq!(
        policy(encoded),
        policy(S3_ALL),
        "a statement object or a list of one"
    );
    assert_eq!(decode(ADMIN), ADMIN, "a decoded document is kept as is");
    // The AWS CLI decodes them into JSON objects; a string value is read as a document.
    let v: serde_json::Value = serde_json::from_str(ADMIN).unwrap();
    assert_eq!(Policy::from_value(&v).unwrap(), policy(ADMIN));
    assert_eq!(
        Policy::from_value(&serde_json::Value::String(encoded.into())).unwrap(),
        policy(encoded)
    );
    assert!(matches!(
        Policy::parse("{"),
        Err(PolicyError::NotJson { .. })
    ));
    assert_eq!(
        Policy::parse(r#"{"Version":"2012-10-17"}"#),
        Err(PolicyError::NoStatement)
    );
    let err = Policy::parse(r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Permit","Action":"*"}]}"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "policy statement 1: Effect is neither Allow nor Deny"
    );
    let err = Policy::parse(
        r#"{"Statement":[{"Effect":"Allow","Action":"*","NotAction":"s3:*","Resource":"*"}]}"#,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "policy statement 0: both Action and NotAction"
    );
}

#[test]
fn trust_policies_keep_principals_and_condition_keys() {
    let trust = policy(
        r#"{"Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:ecs:us-west-2:111122223333:*"},"StringEquals":{"aws:SourceAccount":"111122223333"}}}]}"#,
    );
    let s = &trust.statements[0];
    assert!(s.resources.is_none());
    assert_eq!(
        s.principal.as_ref().unwrap()["Service"],
        "ecs-tasks.amazonaws.com"
    );
    assert_eq!(s.condition_keys(), ["aws:sourceaccount", "aws:sourcearn"]);
}

#[test]
fn service_wildcards_follow_iam_21() {
    let p = policy(
        r#"{"Statement":[{"Effect":"Allow","Action":["s3:*","ec2:Describe*","*"],"Resource":"*"},{"Effect":"Allow","NotAction":"kms:*","Resource":"arn:aws:s3:::b"},{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}"#,
    );
    let found: Vec<&str> = p
        .statements
        .iter()
        .flat_map(|s| s.service_wildcards())
        .collect();
    assert_eq!(found, ["s3", "kms"]);
}

#[test]
fn globs() {
    for (p, t, fold, want) in [
        ("*", "", false, true),
        ("*", "anything", false, true),
        ("a*b*c", "aXXbYYc", false, true),
        ("a*b*c", "aXXbYY", false, false),
        ("a?c", "abc", false, true),
        ("a?c", "ac", false, false),
        ("**", "x", false, true),
        ("ecs:*", "ECS:RunTask", true, true),
        ("ecs:*", "ECS:RunTask", false, false),
        ("", "", false, true),
        ("", "x", false, false),
        ("arn:aws:s3:::b/*/x", "arn:aws:s3:::b/1/2/x", false, true),
    ] {
        assert_eq!(glob(p, t, fold), want, "{p} ~ {t}");
    }
}

fn statement() -> impl Strategy<Value = String> {
    let action = prop::sample::select(vec![
        "*",
        "s3:*",
        "s3:GetObject",
        "iam:PassRole",
        "iam:*",
        "ecs:Run*",
        "ec2:Describe*",
    ]);
    let resource = prop::sample::select(vec!["*", "arn:aws:s3:::b/*", "arn:aws:iam::1:role/app"]);
    (
        prop::bool::ANY,
        prop::bool::ANY,
        prop::collection::vec(action, 1..3),
        prop::bool::ANY,
        resource,
        prop::bool::ANY,
    )
        .prop_map(
            |(deny, not_action, actions, not_resource, resource, conditioned)| {
                format!(
                    r#"{{"Effect":"{}","{}":{},"{}":"{}"{}}}"#,
                    if deny { "Deny" } else { "Allow" },
                    if not_action { "NotAction" } else { "Action" },
                    serde_json::to_string(&actions).unwrap(),
                    if not_resource {
                        "NotResource"
                    } else {
                        "Resource"
                    },
                    resource,
                    if conditioned {
                        r#","Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}"#
                    } else {
                        ""
                    }
                )
            },
        )
}

fn document() -> impl Strategy<Value = String> {
    prop::collection::vec(statement(), 0..4)
        .prop_map(|s| format!(r#"{{"Statement":[{}]}}"#, s.join(",")))
}

fn requests() -> Vec<(Request<'static>, Request<'static>)> {
    let actions = [
        Every,
        Named("s3:GetObject"),
        Named("iam:PassRole"),
        Named("ecs:RunTask"),
        Named("ec2:DescribeImages"),
    ];
    let resources = [
        Every,
        Named("arn:aws:s3:::b/k"),
        Named("arn:aws:iam::1:role/app"),
    ];
    actions
        .iter()
        .flat_map(|a| resources.iter().map(move |r| (*a, *r)))
        .collect()
}

proptest! {
    #[test]
    fn an_unconditioned_deny_never_widens(docs in prop::collection::vec(document(), 1..3), deny in statement()) {
        let deny = deny.replace(r#""Effect":"Allow""#, r#""Effect":"Deny""#);
        let deny: String = match deny.find(r#","Condition""#) {
            Some(i) => format!("{}}}", &deny[..i]),
            None => deny,
        };
        let before: Vec<Policy> = docs.iter().map(|d| policy(d)).collect();
        let mut after = before.clone();
        after.push(policy(&format!(r#"{{"Statement":[{deny}]}}"#)));
        for (a, r) in requests() {
            let was = Policies { identity: &before, boundary: None }.allows(a, r).access;
            let now = Policies { identity: &after, boundary: None }.allows(a, r).access;
            prop_assert!(now <= was, "{deny} widened {a:?} on {r:?}: {was:?} -> {now:?}");
        }
    }

    #[test]
    fn a_boundary_never_widens(docs in prop::collection::vec(document(), 1..3), boundary in document()) {
        let identity: Vec<Policy> = docs.iter().map(|d| policy(d)).collect();
        let boundary = policy(&boundary);
        for (a, r) in requests() {
            let alone = Policies { identity: &identity, boundary: None }.allows(a, r).access;
            let capped = Policies { identity: &identity, boundary: Some(&boundary) }.allows(a, r).access;
            prop_assert!(capped <= alone, "{a:?} on {r:?}: {alone:?} -> {capped:?}");
        }
    }
}
