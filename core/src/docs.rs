//! Renders docs/checks.md from the catalog. A test fails when the committed file is stale.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::checks::catalog::{CATALOG, LATER};
use crate::checks::{Check, Revisions};
use crate::finding::Framework;

fn anchor(id: &str) -> String {
    id.to_ascii_lowercase()
}

pub fn checks_markdown() -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Check catalog\n");
    let _ = writeln!(
        s,
        "<!-- Generated from core/src/checks by `cargo run -- docs`; do not edit by hand. -->\n\n\
         {} checks ({} enabled by default). Ids are stable and never reused: Security Hub finding Ids derive \
         from them. Checks off by default carry advice that contradicts a Security Hub control or that is noisy \
         for many estates; turn them on with `enable_checks` in the config file or `--check`.\n\n\
         Task-definition checks evaluate the latest ACTIVE revision of each family, any revision a service or \
         task set uses, and definitions not registered yet; superseded revisions are NOT_APPLICABLE except for \
         checks marked *every revision* (what they find stays readable in old revisions).\n",
        CATALOG.len(),
        CATALOG.iter().filter(|c| c.enabled_by_default).count()
    );
    daemons_section(&mut s);
    let _ = writeln!(
        s,
        "## ECS account settings\n\n\
         AC05-AC07 judge the account defaults of ECS's account settings, on the account (`AwsAccount`), once per \
         account-region scan where the workloads they concern run. Decisions:\n\n\
         - The account default is the root user's effective setting (`ListAccountSettings --effective-settings \
         --principal-arn arn:aws:iam::<account>:root`); a setting an IAM principal sets for itself governs only \
         what that principal creates and is not judged.\n\
         - A setting the listing does not name is unknown (NOT_AVAILABLE), never passing.\n\
         - `guardDutyActivate` is not judged on its own: only GuardDuty changes it, mirroring its detector's \
         Runtime Monitoring, which AC02 and AC03 judge.\n\
         - `awsvpcTrunking`, `defaultLogDriverMode`, `fargateTaskRetirementWaitPeriod`, `fargateEventWindows`, \
         `dualStackIPv6` and the long ARN formats shape capacity, availability and naming, not exposure: not \
         judged.\n"
    );
    let _ = writeln!(
        s,
        "## ECS Managed Instances capacity providers\n\n\
         A Managed Instances provider (`managedInstancesProvider` in `DescribeCapacityProviders`) is \
         judged by its launch template; CP01 (ECS.19) keeps its semantics for Auto Scaling group \
         providers only. Decisions on what the model exposes:\n\n\
         - Subnets (CP03): the launch template has no public IP setting, so the subnets' \
         `MapPublicIpOnLaunch` decides whether instances get public addresses (HIGH with a public route).\n\
         - Roles (CP05): the infrastructure role and the instance profile's role, administrator access \
         only (AWS's managed policies for them are broad by design).\n\
         - `fipsEnabled` (CP04) and `monitoring` (CP06) are judged, both off by default.\n\
         - `instanceMetadataTagsPropagation` (on by default) exposes the instance's tags to whatever runs \
         on it; tags are not for secrets, and credentials in ECS tags are judged where they are set (TD32, \
         SV08, CL07): not judged.\n\
         - Storage size, instance requirements, capacity option type and capacity reservations shape \
         capacity and cost, not exposure: not judged.\n\
         - A task definition's `trustedExecutionConfiguration` (isolation mode and attestation on Managed \
         Instances) is not in the newest ECS service model the SDK carries (aws-sdk-ecs 1.157.0): there is \
         nothing to read yet.\n"
    );
    let _ = writeln!(
        s,
        "## ECS Gateways\n\n\
         An ECS Gateway (`DescribeGateway`; resource type `AwsEcsGateway`, with `Details.Other`) is a set of \
         shared Application Load Balancers ECS manages in front of services, so GW01-GW04 judge what Security \
         Hub judges on load balancers, with the same semantics. Decisions on what the model exposes:\n\n\
         - `deletionProtection` (GW01, ELB.6), `accessLogs` (GW03, ELB.5) and `httpDesync` (GW04, ELB.12) are \
         judged as on a load balancer.\n\
         - Exposure: `accessType` PUBLIC (else an `internet-facing` scheme) is what the gateway is for when it \
         fronts public services, so it is not a finding by itself; an internet-facing gateway without an AWS \
         WAF web ACL (`webACLArn`) is (GW02).\n\
         - The listener is HTTPS on 443 only (the model admits nothing else): there is no plain-HTTP or TLS \
         policy setting to judge.\n\
         - Routes and cluster associations decide which services a gateway reaches, not how exposed it is: \
         not judged.\n\
         - The inbound security group is not read: the shared load balancers listen on 443 only, so a port \
         the group opens beyond it reaches no listener, and 443 open to the internet is what a public \
         gateway is for (its exposure is judged through GW02). The group is an ordinary security group: \
         Security Hub's EC2.18 and EC2.19 judge its rules account-wide.\n\
         - The infrastructure role (GW05) is judged for administrator access only: managing shared load \
         balancers needs broad load balancing and EC2 actions, so the wildcard checks of task roles would \
         fail every correctly built gateway.\n"
    );
    let _ = writeln!(
        s,
        "## ECS Express Mode services\n\n\
         An Express Mode service is an ordinary ECS service created and managed by ECS (`DescribeServices` \
         lists it with `resourceManagementType` `ECS`, under the same ARN), so every service check judges it \
         on its `AwsEcsService` resource, and SV28-SV30 add what only its Express description \
         (`DescribeExpressGatewayService`) says, on the same resource: no new resource type, no finding \
         twice. Decisions:\n\n\
         - Exposure (SV28): Express puts a service behind an internet-facing load balancer unless it is \
         created otherwise, so a PUBLIC ingress path is reported for a decision (MEDIUM; suppress it in \
         Security Hub for a service meant to be public), unlike an ECS Gateway, whose access type is chosen \
         when it is created (GW02 judges only its web ACL). A web ACL on the managed load balancer is not read \
         (it needs AWS WAF's API) and does not pass the check. The remediation's claim that private subnets \
         give a PRIVATE ingress path is an inference from the model (`accessType` is fixed at creation and \
         the network configuration is the only input that can decide it), not re-read in AWS's guide.\n\
         - The tasks' own exposure (public IP, public subnets, open security groups) is the service's \
         `networkConfiguration`, judged by SV01, SV09 and SV12; the managed load balancer, when read through \
         the service's target groups, by the SV load balancer checks. The security groups Express creates \
         for that load balancer (listed only by `DescribeServiceRevisions`' managed resources) are not read: \
         Express gives them the minimum ingress its listener needs, and EC2.18/EC2.19 judge them \
         account-wide.\n\
         - The primary container is a container of the task definition the service runs, which the \
         task-definition checks judge (logging, image, user, credentials): SV30 judges its environment and \
         command only for a configuration whose task definition was not read, so a credential is reported \
         once. The task and execution roles are the task definition's (TD35-TD43).\n\
         - The infrastructure role (SV29) is judged for administrator access only: AWS's managed policy for \
         it grants load balancer, security group, certificate and scaling actions by design, so the wildcard \
         and escalation checks of task roles would fail every correctly built service.\n\
         - An Express service whose description could not be read is NOT_AVAILABLE for SV28-SV30 (the service \
         itself stays judged); an INACTIVE one is NOT_APPLICABLE.\n\
         - IAM change events (a policy put on or attached to a role) rescan the task definitions that name \
         the role and the region's ECS Gateways and Managed Instances providers (GW05, CP05); a change to an \
         Express service's infrastructure role (SV29) is seen by the next scheduled scan, since finding the \
         Express services that name it would mean describing every service of the region.\n"
    );
    let _ = writeln!(s, "## Summary\n");
    let _ = writeln!(
        s,
        "| Id | Check | Severity | Resource | Category | Default | Security Hub |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|---|---|");
    for c in CATALOG {
        let fsbp: Vec<&str> = c.controls(Framework::AwsFsbp).collect();
        let _ = writeln!(
            s,
            "| [{}](#{}) | {} | {} | {} | {} | {} | {} |",
            c.id,
            anchor(c.id),
            c.title,
            c.severity,
            c.kind().label(),
            c.category.as_str(),
            if c.enabled_by_default { "on" } else { "off" },
            if fsbp.is_empty() {
                "-".to_owned()
            } else {
                fsbp.join(", ")
            }
        );
    }
    let _ = writeln!(s);
    for c in CATALOG {
        s.push_str(&check_section(c));
    }
    let _ = writeln!(s, "## Index by framework\n");
    for f in Framework::ALL {
        let mut by_control: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for c in CATALOG {
            for control in c.controls(f) {
                by_control.entry(control).or_default().push(c.id);
            }
        }
        let _ = writeln!(s, "### {} (`{}`)\n", f.title(), f.id());
        let _ = writeln!(s, "| Control | Checks |\n|---|---|");
        for (control, ids) in by_control {
            let links: Vec<String> = ids
                .iter()
                .map(|id| format!("[{id}](#{})", anchor(id)))
                .collect();
            let _ = writeln!(s, "| {control} | {} |", links.join(", "));
        }
        let _ = writeln!(s);
    }
    let _ = writeln!(s, "## Not covered yet\n");
    let _ = writeln!(
        s,
        "These checks need AWS APIs, or ECS operations, that are not read yet; they are planned, not implemented:\n"
    );
    for (what, why) in LATER {
        let _ = writeln!(s, "- {what}: {why}");
    }
    s
}

/// How ECS Managed Daemons are judged, with the task-definition checks that skip them.
fn daemons_section(s: &mut String) {
    let _ = writeln!(
        s,
        "## ECS Managed Daemons\n\n\
         A daemon task definition (`DescribeDaemonTaskDefinition`; resource type \
         `AwsEcsDaemonTaskDefinition`, which ASFF does not define, with `Details.Other`) is judged by every \
         task-definition check whose field it has, with that check's semantics and id: privileged containers, \
         root users, writable root filesystems, credentials in environment and command, logging, capabilities, \
         devices, host mounts, registries and image pinning, roles. No Security Hub control or AWS Config rule \
         targets daemons, so their findings map to the checks' NIST, PCI DSS and CIS controls only through the \
         checks themselves. Decisions:\n\n\
         - `pidMode` and `ipcMode` of a daemon task definition take `none` or `shared`; `shared` joins the \
         host's namespace, so TD03 and TD07 fail on it as on `host`.\n\
         - Daemon and task definition families are apart: `agent` the daemon family and `agent` the task \
         definition family are judged separately, each by its latest ACTIVE revision; a revision a daemon \
         runs now (its `currentRevisions`) is always evaluated, superseded or not.\n\
         - ECS Exec on a daemon is a setting of the daemon's revisions, not of its task definition: DM01 reads \
         the revisions the daemon runs; one not read is NOT_AVAILABLE. A daemon being deleted \
         (`DELETE_IN_PROGRESS`) is NOT_APPLICABLE.\n\
         - Daemon ARNs are taken to be `daemon/<cluster>/<name>`, like services (the API reference does not \
         spell the format out). Only archiving leans on it: a cluster scan proves a daemon of that form gone; \
         a region scan that listed every cluster's daemons proves any daemon gone whatever its form.\n\
         - A region without Managed Daemons answers `UnsupportedFeatureException`: it has none. A listing that \
         fails otherwise leaves its daemons and the daemon task definitions they run unknown: nothing of \
         theirs is archived.\n\n\
         The task-definition checks that do not apply to daemon task definitions, NOT_APPLICABLE with this \
         reason:\n\n| Check | Reason |\n|---|---|"
    );
    for (id, why) in crate::checks::task_definition::NOT_FOR_DAEMONS {
        let _ = writeln!(s, "| [{id}](#{}) | {why} |", anchor(id));
    }
    let _ = writeln!(s);
}

/// One check's section of docs/checks.md (what `ecs-posture explain` prints).
pub fn check_section(c: &Check) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "## {}\n", c.id);
    let _ = writeln!(s, "**{}** (`{}`)\n", c.title, c.slug);
    let _ = writeln!(
        s,
        "- Severity: {}\n- Resource: {} (`{}`)\n- Category: {}\n- Status: {:?}, {} by default\n- Revisions: {}\n- ASFF types: {}\n",
        c.severity,
        c.kind().label(),
        c.kind().asff_type(),
        c.category.as_str(),
        c.status,
        if c.enabled_by_default { "on" } else { "off" },
        match c.revisions {
            Revisions::LatestActive => "latest active",
            Revisions::All => "every revision",
        },
        c.types
            .iter()
            .map(|t| format!("`{t}`"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(s, "{}\n", c.description);
    let _ = writeln!(s, "**Risk.** {}\n", c.risk);
    let _ = writeln!(s, "**Remediation.** {}\n", c.remediation.text);
    let _ = writeln!(s, "AWS CLI:\n\n```sh\n{}\n```\n", c.remediation.cli);
    let _ = writeln!(
        s,
        "CloudFormation:\n\n```yaml\n{}\n```\n",
        c.remediation.cloudformation
    );
    let _ = writeln!(
        s,
        "Terraform:\n\n```hcl\n{}\n```\n",
        c.remediation.terraform
    );
    if !c.options.is_empty() {
        let _ = writeln!(s, "Options:\n");
        for o in c.options {
            let _ = writeln!(s, "- `{}` (default: {}): {}", o.key, o.default, o.doc);
        }
        let _ = writeln!(s);
    }
    let _ = writeln!(s, "Compliance:\n");
    for f in Framework::ALL {
        let controls: Vec<&str> = c.controls(f).collect();
        if !controls.is_empty() {
            let _ = writeln!(s, "- {} (`{}`): {}", f.title(), f.id(), controls.join(", "));
        }
    }
    let _ = writeln!(
        s,
        "\nExamples (fixtures the test suite runs, as of {}):\n",
        crate::render::time::date(crate::checks::EXAMPLES_NOW_MS)
    );
    for e in c.examples {
        let _ = writeln!(s, "- {} -> {}", e.name, e.expect);
    }
    let _ = writeln!(s, "\nReferences:\n");
    for r in c.references {
        let _ = writeln!(s, "- <{r}>");
    }
    let _ = writeln!(s);
    s
}
