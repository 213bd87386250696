use crate::checks::*;
use crate::config::Options;
use crate::finding::{Evidence, Outcome, Severity, Status};
use crate::model::TaskDefinition;

pub static CHECK: Check = Check {
    id: "TD34",
    slug: "sensitive-host-path-mounted",
    title: "ECS containers should not mount sensitive host paths",
    severity: Severity::High,
    category: Category::ContainerSecurity,
    types: &[types::BEST_PRACTICES, types::RUNTIME],
    description: "Fails when a container mounts a bind-mount volume (`volumes[].host.sourcePath`) that is a sensitive host path or lies below one: the Docker or containerd socket, `/`, `/etc`, `/proc`, `/sys`, `/dev`, `/root`, `/var/run`, `/var/lib/docker`, the Windows Docker named pipe, ... (`sensitive_host_paths`). Read-only mounts are reported too (the Docker socket is fully usable read-only); monitoring agents that need such mounts should be suppressed per family.",
    risk: "The Docker socket gives full control of the host; `/`, `/etc` or `/proc` expose host credentials, configuration and other tasks' processes.",
    remediation: Remediation {
        text: "Remove the bind mount, or mount a narrower, non-sensitive directory; use EFS or ephemeral storage for data.",
        cli: "aws ecs register-task-definition --cli-input-json file://taskdef.json  # without the host volume",
        cloudformation: "Volumes:\n  - Name: data\n    EFSVolumeConfiguration:\n      FilesystemId: !Ref FileSystem\n      TransitEncryption: ENABLED",
        terraform: "volume {\n  name = \"data\"\n}",
    },
    references: &["https://docs.aws.amazon.com/AmazonECS/latest/developerguide/bind-mounts.html"],
    compliance: &[
        nist("AC-3"),
        nist("AC-6"),
        nist("CM-7"),
        soc2("CC6.1"),
        cis("5.5"),
        cis("5.31"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[OptionDoc {
        key: "sensitive_host_paths",
        default: "/, /etc, /proc, /sys, /boot, /dev, /root, Docker and containerd sockets, /var/run, /run, /var/lib/docker, /var/lib/ecs, the Docker named pipe, C:\\",
        doc: "host paths whose mount is reported",
    }],
    examples: &[
        Example {
            name: "docker socket",
            expect: Status::Failed,
            json: r#"{"family":"a","volumes":[{"name":"sock","host":{"sourcePath":"/var/run/docker.sock"}}],"containerDefinitions":[{"name":"agent","image":"dd:7","mountPoints":[{"sourceVolume":"sock","containerPath":"/var/run/docker.sock","readOnly":true}]}]}"#,
        },
        Example {
            name: "application directory",
            expect: Status::Passed,
            json: r#"{"family":"a","volumes":[{"name":"data","host":{"sourcePath":"/opt/app/data"}}],"containerDefinitions":[{"name":"web","image":"nginx:1.27","mountPoints":[{"sourceVolume":"data","containerPath":"/data"}]}]}"#,
        },
        Example {
            name: "declared but not mounted",
            expect: Status::Passed,
            json: r#"{"family":"a","volumes":[{"name":"root","host":{"sourcePath":"/"}}],"containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinition(eval),
};

fn normalize(p: &str) -> String {
    let p = p.trim().replace('/', "\\").to_ascii_lowercase();
    if p.len() > 1 {
        p.trim_end_matches('\\').to_owned()
    } else {
        p
    }
}

fn is_sensitive(source: &str, opts: &Options) -> Option<String> {
    let s = normalize(source);
    if s.is_empty() {
        return None;
    }
    opts.sensitive_host_paths
        .iter()
        .map(|p| (p, normalize(p)))
        .find_map(|(orig, p)| {
            let exact = s == p;
            // Below a sensitive directory (except the root itself, which only matches exactly: any
            // path is below "/").
            let below = p != "\\" && p != "c:" && p != "c:\\" && s.starts_with(&format!("{p}\\"));
            (exact || below).then(|| orig.clone())
        })
}

fn eval(td: &TaskDefinition, opts: &Options) -> Outcome {
    let mut evidence = Vec::new();
    for (n, c) in containers(td) {
        for m in &c.mount_points {
            let Some(vol) = m.source_volume.as_deref() else {
                continue;
            };
            let Some(source) = td
                .volumes
                .iter()
                .find(|v| v.name.as_deref() == Some(vol))
                .and_then(|v| v.host.as_ref())
                .and_then(|h| h.source_path.as_deref())
            else {
                continue;
            };
            if let Some(p) = is_sensitive(source, opts) {
                evidence.push(Evidence::container(
                    n,
                    format!(
                        "mounts host path {source} (sensitive: {p}) at {}{}",
                        m.container_path.as_deref().unwrap_or("?"),
                        if m.read_only == Some(true) {
                            " read-only"
                        } else {
                            ""
                        }
                    ),
                ));
            }
        }
    }
    Outcome::fail_if_any(evidence)
}
