//! Catalog integrity and every check's own fixtures.

use std::collections::HashSet;

use ecs_posture_core::checks::catalog::{CATALOG, find};
use ecs_posture_core::finding::{Framework, Status};
use ecs_posture_core::{Context, Options, evaluate};

const TYPE_NAMESPACES: [&str; 5] = [
    "Software and Configuration Checks",
    "TTPs",
    "Effects",
    "Unusual Behaviors",
    "Sensitive Data Identifications",
];

#[test]
fn ids_and_slugs_are_unique_and_well_formed() {
    let mut ids = HashSet::new();
    let mut slugs = HashSet::new();
    for c in CATALOG {
        assert!(ids.insert(c.id), "duplicate id {}", c.id);
        assert!(slugs.insert(c.slug), "duplicate slug {}", c.slug);
        let (prefix, num) = c.id.split_at(2);
        assert!(
            ["TD", "SV", "TS", "CL", "CP", "CI", "AC", "DM", "GW"].contains(&prefix),
            "{}: bad prefix",
            c.id
        );
        assert!(
            num.len() == 2 && num.chars().all(|d| d.is_ascii_digit()),
            "{}: id must be XX00",
            c.id
        );
        assert!(
            c.slug
                .chars()
                .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-')
                && !c.slug.starts_with('-'),
            "{}: slug {:?} is not kebab-case",
            c.id,
            c.slug
        );
        let expected_prefix = match c.kind() {
            ecs_posture_core::finding::ResourceKind::TaskDefinition => "TD",
            ecs_posture_core::finding::ResourceKind::Service => "SV",
            ecs_posture_core::finding::ResourceKind::TaskSet => "TS",
            ecs_posture_core::finding::ResourceKind::Cluster => "CL",
            ecs_posture_core::finding::ResourceKind::CapacityProvider => "CP",
            ecs_posture_core::finding::ResourceKind::ContainerInstance => "CI",
            ecs_posture_core::finding::ResourceKind::Account => "AC",
            ecs_posture_core::finding::ResourceKind::Daemon => "DM",
            ecs_posture_core::finding::ResourceKind::Gateway => "GW",
            // Task-definition checks judge daemon task definitions too: none is of this kind.
            ecs_posture_core::finding::ResourceKind::DaemonTaskDefinition => "TD",
        };
        assert_eq!(
            prefix, expected_prefix,
            "{}: id prefix does not match its resource kind",
            c.id
        );
        assert_eq!(find(c.id).map(|x| x.id), Some(c.id));
        assert_eq!(find(c.slug).map(|x| x.id), Some(c.id));
    }
}

/// Ids are stable: finding Ids in Security Hub derive from them. This list only grows.
#[test]
fn ids_are_stable() {
    let expected = [
        "TD01", "TD02", "TD03", "TD04", "TD05", "TD06", "TD07", "TD08", "TD09", "TD10", "TD11",
        "TD12", "TD13", "TD14", "TD15", "TD16", "TD17", "TD18", "TD19", "TD20", "TD21", "TD22",
        "TD23", "TD24", "TD25", "TD26", "TD27", "TD28", "TD29", "TD30", "TD31", "TD32", "TD33",
        "TD34", "TD35", "TD36", "TD37", "TD38", "TD39", "TD40", "TD41", "TD42", "TD43", "TD44",
        "TD45", "TD46", "TD47", "TD48", "TD49", "TD50", "TD51", "TD52", "TD53", "TD54", "TD55",
        "TD56", "TD57", "TD58", "TD59", "TD60", "SV01", "SV02", "SV03", "SV04", "SV05", "SV06",
        "SV07", "SV08", "TS01", "SV09", "SV10", "SV11", "SV12", "SV13", "SV14", "SV15", "SV16",
        "SV17", "SV18", "SV19", "SV20", "SV21", "SV22", "SV23", "SV24", "SV25", "SV26", "SV27",
        "CL01", "CL02", "CL03", "CL04", "CL05", "CL06", "CL07", "CL08", "CP01", "CP02", "CP03",
        "CP04", "CI01", "CI02", "CI03", "CI04", "CI05", "CI06", "CI07", "CI08", "CI09", "AC01",
        "AC02", "AC03", "AC04", "AC05", "AC06", "AC07", "DM01", "GW01", "GW02", "GW03", "GW04",
        "SV28", "SV29", "SV30", "CP05", "GW05", "CP06",
    ];
    let ids: Vec<&str> = CATALOG.iter().map(|c| c.id).collect();
    assert_eq!(ids, expected);
    assert_eq!(find("TD01").map(|c| c.slug), Some("privileged-container"));
    assert_eq!(
        find("SV01").map(|c| c.slug),
        Some("service-assigns-public-ip")
    );
}

#[test]
fn every_check_is_documented_within_asff_limits() {
    for c in CATALOG {
        assert!(
            !c.title.is_empty() && c.title.chars().count() <= 256,
            "{}: title",
            c.id
        );
        assert!(
            c.description.len() >= 40 && c.description.chars().count() <= 1024,
            "{}: description",
            c.id
        );
        assert!(c.risk.len() >= 30, "{}: risk", c.id);
        assert!(
            !c.remediation.text.is_empty() && c.remediation.text.chars().count() <= 512,
            "{}: remediation text",
            c.id
        );
        assert!(!c.remediation.cli.is_empty(), "{}: CLI snippet", c.id);
        assert!(
            !c.remediation.cloudformation.is_empty(),
            "{}: CloudFormation snippet",
            c.id
        );
        assert!(
            !c.remediation.terraform.is_empty(),
            "{}: Terraform snippet",
            c.id
        );
        assert!(!c.references.is_empty(), "{}: references", c.id);
        assert!(
            c.references.iter().all(|r| r.starts_with("https://")),
            "{}: references must be https URLs",
            c.id
        );
        assert!(
            !c.types.is_empty() && c.types.len() <= 50,
            "{}: types",
            c.id
        );
        for t in c.types {
            assert!(
                TYPE_NAMESPACES.iter().any(|n| t.starts_with(n)),
                "{}: ASFF type {t:?} outside the taxonomy",
                c.id
            );
        }
        assert!(!c.compliance.is_empty(), "{}: compliance refs", c.id);
        assert!(
            c.compliance.len() <= 32 + 2,
            "{}: too many compliance refs",
            c.id
        );
        let defaults = Options::default();
        for o in c.options {
            assert!(
                toml::from_str::<toml::Value>(&format!("{} = 0", o.key)).is_ok()
                    && option_exists(o.key, &defaults),
                "{}: documents unknown option {}",
                c.id,
                o.key
            );
        }
    }
}

fn option_exists(key: &str, _: &Options) -> bool {
    // Every documented key must be accepted by the config parser.
    let text = format!("[options]\n{key} = {}\n", sample_value(key));
    Options::from_toml("check.toml", &text).is_ok()
}

fn sample_value(key: &str) -> &'static str {
    match key {
        "fargate_latest_linux_version" | "fargate_latest_windows_version" | "min_agent_version" => {
            "\"1.4.0\""
        }
        "max_ami_release_lag_days" | "min_log_retention_days" | "max_days_since_rotation" => "30",
        _ => "[]",
    }
}

#[test]
fn security_hub_controls_are_covered() {
    let fsbp: HashSet<&str> = CATALOG
        .iter()
        .flat_map(|c| c.controls(Framework::AwsFsbp))
        .collect();
    for control in [
        "ECS.1", "ECS.2", "ECS.3", "ECS.4", "ECS.5", "ECS.8", "ECS.9", "ECS.10", "ECS.12",
        "ECS.13", "ECS.14", "ECS.15", "ECS.16", "ECS.17", "ECS.18", "ECS.19", "ECS.20", "ECS.21",
    ] {
        assert!(
            fsbp.contains(control),
            "no check maps to Security Hub {control}"
        );
    }
    let config: HashSet<&str> = CATALOG
        .iter()
        .flat_map(|c| c.controls(Framework::AwsConfig))
        .collect();
    for rule in [
        "ecs-awsvpc-networking-enabled",
        "ecs-capacity-provider-tagged",
        "ecs-capacity-provider-termination-check",
        "ecs-containers-nonprivileged",
        "ecs-containers-readonly-access",
        "ecs-container-insights-enabled",
        "ecs-fargate-latest-platform-version",
        "ecs-no-environment-secrets",
        "ecs-task-definition-efs-encryption-enabled",
        "ecs-task-definition-linux-user-non-root",
        "ecs-task-definition-log-configuration",
        "ecs-task-definition-memory-hard-limit",
        "ecs-task-definition-network-mode-not-host",
        "ecs-task-definition-nonroot-user",
        "ecs-task-definition-pid-mode-check",
        "ecs-task-definition-user-for-host-mode-check",
        "ecs-task-definition-windows-user-non-admin",
    ] {
        assert!(
            config.contains(rule),
            "no check maps to AWS Config rule {rule}"
        );
    }
}

#[test]
fn every_check_has_failing_and_passing_fixtures() {
    for c in CATALOG {
        assert!(
            c.examples.iter().any(|e| e.expect == Status::Failed),
            "{}: no failing fixture",
            c.id
        );
        assert!(
            c.examples.iter().any(|e| e.expect == Status::Passed),
            "{}: no passing fixture",
            c.id
        );
    }
}

#[test]
fn every_fixture_gives_its_expected_status() {
    let opts = Options::default();
    let mut run = 0;
    for c in CATALOG {
        for ex in c.examples {
            let snap = ex
                .snapshot()
                .unwrap_or_else(|e| panic!("{} fixture {:?} does not parse: {e}", c.id, ex.name));
            let ctx = Context {
                now_ms: Some(ecs_posture_core::checks::EXAMPLES_NOW_MS),
                ..Context::for_snapshot(&snap)
            };
            let evals = evaluate(&snap, &[*c], &opts, &ctx);
            let of_check: Vec<_> = evals.iter().filter(|e| e.check.id == c.id).collect();
            assert!(
                !of_check.is_empty(),
                "{} fixture {:?}: no resource of kind {:?}",
                c.id,
                ex.name,
                c.kind()
            );
            for e in of_check {
                assert_eq!(
                    e.status,
                    ex.expect,
                    "{} fixture {:?} on {}: evidence {:?}, reason {:?}",
                    c.id,
                    ex.name,
                    e.resource.name,
                    e.evidence(),
                    e.reason()
                );
                if e.status == Status::Failed {
                    assert!(
                        !e.evidence().is_empty(),
                        "{} fixture {:?}: FAILED without evidence",
                        c.id,
                        ex.name
                    );
                }
                if e.status == Status::NotApplicable {
                    assert!(
                        e.reason().is_some(),
                        "{} fixture {:?}: NOT_APPLICABLE without reason",
                        c.id,
                        ex.name
                    );
                }
            }
            run += 1;
        }
    }
    assert!(run >= 150, "only {run} fixtures");
}

/// `checks/<kind>/` holds only checks, one file each, named after the check's slug; helpers live
/// in `checks/support/`.
#[test]
fn each_check_file_is_named_after_its_slug() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/checks");
    let mut files = std::collections::BTreeMap::new();
    for kind in std::fs::read_dir(&root).unwrap() {
        let kind = kind.unwrap().path();
        if !kind.is_dir() || kind.ends_with("support") {
            continue;
        }
        for f in std::fs::read_dir(&kind).unwrap() {
            let f = f.unwrap().path();
            let stem = f.file_stem().unwrap().to_string_lossy().into_owned();
            if stem != "mod" {
                files.insert(stem, std::fs::read_to_string(&f).unwrap());
            }
        }
    }
    let slugs: std::collections::BTreeSet<String> = ecs_posture_core::CATALOG
        .iter()
        .map(|c| c.slug.replace('-', "_"))
        .collect();
    let names: std::collections::BTreeSet<String> = files.keys().cloned().collect();
    assert_eq!(
        names, slugs,
        "files under checks/<kind>/ must be exactly the checks, named after their slugs"
    );
    for c in ecs_posture_core::CATALOG {
        let text = &files[&c.slug.replace('-', "_")];
        assert!(
            text.contains(&format!("slug: \"{}\"", c.slug))
                && text.contains(&format!("id: \"{}\"", c.id)),
            "{}.rs does not define check {} ({})",
            c.slug.replace('-', "_"),
            c.id,
            c.slug
        );
    }
}
