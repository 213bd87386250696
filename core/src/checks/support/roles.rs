//! What the IAM checks share: which roles a task definition names, how each is found in the
//! snapshot's IAM reads, and one verdict from the verdicts on each role.

use std::borrow::Cow;

use crate::hash::FastMap;

use crate::checks::RoleView;
use crate::finding::{Outcome, Related, Severity, Verdict};
use crate::model::TaskDefinition;
use crate::model::de::is_placeholder;
use crate::model::iam::{Access, Grant, Policies, Request};
use crate::model::identity::{Permissions, Role, RoleLookup, account_and_name};

/// Which role of a task definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleUse {
    /// `taskRoleArn`: what the application's code can do.
    Task,
    /// `executionRoleArn`: what the ECS agent does for the task (pull images, read secrets,
    /// write logs).
    Execution,
}

impl RoleUse {
    pub fn label(self) -> &'static str {
        match self {
            RoleUse::Task => "task role",
            RoleUse::Execution => "execution role",
        }
    }
}

/// The role a field names, when it names one (empty and template placeholders do not).
pub fn named(field: Option<&str>) -> Option<&str> {
    field.filter(|r| !r.trim().is_empty() && !is_placeholder(r))
}

/// The account and name of a role reference (an ARN, or a name in `account`).
pub fn role_key<'a>(reference: &'a str, account: &'a str) -> (&'a str, &'a str) {
    account_and_name(reference).unwrap_or((account, reference))
}

/// The task definitions' roles: which families and services use each task role (by account
/// and name), borrowed from the snapshot. Names are kept sorted and distinct once
/// [`RoleUsage::finish`] ran.
#[derive(Debug, Clone, Default)]
pub struct RoleUsage<'a> {
    pub(crate) families: FastMap<(&'a str, &'a str), Vec<Cow<'a, str>>>,
    pub(crate) services: FastMap<(&'a str, &'a str), Vec<Cow<'a, str>>>,
}

impl<'a> RoleUsage<'a> {
    pub fn add_family(&mut self, role: (&'a str, &'a str), family: Cow<'a, str>) {
        self.families.entry(role).or_default().push(family);
    }

    pub fn add_service(&mut self, role: (&'a str, &'a str), service: Cow<'a, str>) {
        self.services.entry(role).or_default().push(service);
    }

    /// Sort each role's families and services and drop repeats.
    pub fn finish(mut self) -> RoleUsage<'a> {
        for names in self.families.values_mut().chain(self.services.values_mut()) {
            names.sort_unstable();
            names.dedup();
        }
        self
    }

    /// The families whose current revisions use the role, sorted.
    pub fn families_of(&self, role: &(&'a str, &'a str)) -> &[Cow<'a, str>] {
        self.families.get(role).map_or(&[], Vec::as_slice)
    }

    /// The services that run the role's definitions, sorted.
    pub fn services_of(&self, role: &(&'a str, &'a str)) -> &[Cow<'a, str>] {
        self.services.get(role).map_or(&[], Vec::as_slice)
    }
}

impl<'a> RoleView<'a> {
    /// The roles the checks judge of this task definition, among `uses`, with the reference as
    /// written.
    pub fn roles(&self, uses: &[RoleUse]) -> Vec<(RoleUse, &'a str)> {
        let td: &'a TaskDefinition = self.task_definition;
        uses.iter()
            .filter_map(|u| {
                let field = match u {
                    RoleUse::Task => td.task_role_arn.as_deref(),
                    RoleUse::Execution => td.execution_role_arn.as_deref(),
                };
                named(field).map(|r| (*u, r))
            })
            .collect()
    }

    pub fn role_related(&self, role: &Role) -> Related {
        Related::new("AwsIamRole", role.arn.clone())
    }

    /// Judge each role among `uses` with `judge` (on the role and its resolved policies), one
    /// verdict labelled by the role's use; NOT_APPLICABLE when the definition names none of
    /// them, NOT_AVAILABLE for a role that was not read. The roles are looked up once per task
    /// definition (see [`resolve`]), whatever the number of checks.
    pub fn judge_roles(
        &self,
        uses: &[RoleUse],
        judge: impl Fn(&Role, &Permissions) -> Verdict,
    ) -> Verdict {
        let judged = |r: &&ResolvedRole<'_>| {
            uses.contains(&r.role_use) && !(r.same_as_task && uses.contains(&RoleUse::Task))
        };
        // Every role unread (an ECS-only scan): the same verdict for every check, built once.
        if !self.unread_reason.is_empty()
            && self.resolved.iter().filter(judged).count() == self.resolved.len()
        {
            return Verdict::of(Outcome::unknown(self.unread_reason.to_owned()));
        }
        let mut parts = Vec::with_capacity(2);
        for r in self.resolved.iter().filter(judged) {
            let verdict = match r.lookup {
                RoleLookup::Found(role) => {
                    // A role judged before by this check: its verdict again (cloned from the
                    // second sighting on, so a role named once is never copied).
                    let key = (
                        self.check.as_ptr() as usize,
                        std::ptr::from_ref(role) as usize,
                    );
                    let mut cache = self.verdicts.0.borrow_mut();
                    let seen = match cache.get(&key) {
                        Some(Some(v)) => {
                            parts.push((Some(r.label.as_str()), v.clone()));
                            continue;
                        }
                        Some(None) => true,
                        None => false,
                    };
                    let perms = self.identity.permissions(role);
                    let mut v = judge(role, perms);
                    if !v.related.iter().any(|x| x.arn == role.arn) {
                        if v.related.is_empty() {
                            v.related = vec![self.role_related(role)];
                        } else {
                            v.related.insert(0, self.role_related(role));
                        }
                    }
                    cache.insert(key, seen.then(|| v.clone()));
                    v
                }
                RoleLookup::Absent => Verdict::of(Outcome::na(
                    "the role does not exist in its account (tasks cannot start with it)",
                )),
                RoleLookup::Unknown => Verdict::of(Outcome::unknown(r.unknown.clone())),
            };
            parts.push((Some(r.label.as_str()), verdict));
        }
        if parts.is_empty() {
            return Verdict::of(Outcome::na("the task definition names no such role"));
        }
        Verdict::combine(parts)
    }
}

/// The verdicts of the role checks on each role (by the check's and the role's address), for
/// one evaluation: `None` once a role was judged by a check, the verdict from its second use.
#[derive(Debug, Default)]
pub struct RoleVerdicts(pub(crate) std::cell::RefCell<FastMap<(usize, usize), Option<Verdict>>>);

/// A role a task definition names, looked up once for all its checks.
#[derive(Debug, Clone)]
pub struct ResolvedRole<'a> {
    pub role_use: RoleUse,
    /// `task role app-task`.
    pub label: String,
    pub lookup: RoleLookup<'a>,
    /// Why the role is unknown (empty unless `lookup` is `Unknown`).
    pub unknown: String,
    /// The execution role is the task role: judged once, as the task role.
    pub same_as_task: bool,
}

/// Why every role of `roles` is unknown, in the words a combined verdict would use
/// (`task role a: not read: ...; execution role b: not read: ...`).
pub fn unread_reason(roles: &[ResolvedRole<'_>]) -> String {
    roles
        .iter()
        .map(|r| format!("{}: {}", r.label, r.unknown))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The task and execution roles of `td` (names in `account` when not ARNs), looked up.
pub fn resolve<'a>(
    td: &'a TaskDefinition,
    identity: &'a crate::model::identity::Identity,
    account: &str,
) -> Vec<ResolvedRole<'a>> {
    let task = named(td.task_role_arn.as_deref());
    let mut out = Vec::with_capacity(2);
    for (role_use, field) in [
        (RoleUse::Task, task),
        (RoleUse::Execution, named(td.execution_role_arn.as_deref())),
    ] {
        let Some(reference) = field else { continue };
        let (role_account, name) = match account_and_name(reference) {
            Some((a, n)) => (a, n),
            None => (account, reference),
        };
        let same_as_task = role_use == RoleUse::Execution
            && task.is_some_and(|t| role_key(t, account) == role_key(reference, account));
        let lookup = identity.role(reference, account);
        out.push(ResolvedRole {
            role_use,
            label: format!("{} {name}", role_use.label()),
            unknown: match lookup {
                RoleLookup::Unknown => identity.why_unknown(role_account),
                _ => String::new(),
            },
            lookup,
            same_as_task,
        });
    }
    out
}

/// The evidence's note on what qualifies a grant: its conditions, the conditioned or partial
/// Deny statements set aside, what was not read, and the organization policies no scan sees.
pub fn qualifiers(grant: Grant, perms: &Permissions) -> String {
    let mut notes = Vec::new();
    if grant.access == Access::Conditional {
        notes.push("only under a statement's Condition".to_owned());
    }
    if grant.conditional_denies > 0 {
        notes.push(format!(
            "{} Deny statement(s) with a Condition may remove it",
            grant.conditional_denies
        ));
    }
    if grant.partial_denies > 0 {
        notes.push(format!(
            "{} Deny statement(s) remove part of it",
            grant.partial_denies
        ));
    }
    if !perms.unread.is_empty() {
        notes.push(format!("not read: {}", perms.unread.join("; ")));
    }
    notes.push("organization SCPs and RCPs are not visible to the scan".to_owned());
    format!(" ({})", notes.join("; "))
}

/// The verdict on a role whose read policies grant nothing the check looks for: PASSED, or
/// NOT_AVAILABLE when a policy or the boundary could not be read (it may grant it).
pub fn nothing_found(perms: &Permissions) -> Verdict {
    if perms.unread.is_empty() {
        Verdict::of(Outcome::Passed)
    } else {
        Verdict::of(Outcome::unknown(format!(
            "not read: {}",
            perms.unread.join("; ")
        )))
    }
}

/// Which identity policies grant `action` on `resource` (their names, for evidence).
pub fn granted_by(perms: &Permissions, action: Request<'_>, resource: Request<'_>) -> String {
    let names: Vec<String> = perms
        .each()
        .filter(|(_, p)| {
            !Policies {
                identity: std::slice::from_ref(*p),
                boundary: None,
            }
            .allowing(action, resource)
            .is_empty()
        })
        .map(|(s, _)| s.describe())
        .collect();
    if names.is_empty() {
        String::new()
    } else {
        format!(" by {}", names.join(", "))
    }
}

/// The severity of a FAILED role verdict: `full` when the grant is unconditioned, one level
/// lower when it holds only under a Condition.
pub fn graded(grant: Grant, full: Severity) -> Severity {
    if grant.access == Access::Conditional {
        full.lower()
    } else {
        full
    }
}

/// What a role can do that makes exposing its credentials worse, in a phrase: administrator
/// access, an ECS privilege escalation path, or reading every secret. `None` when it can do
/// none of these (or was not read: the compound checks then keep their own severity).
pub fn power(perms: &Permissions) -> Option<&'static str> {
    use crate::checks::task_definition::{role_ecs_privilege_escalation, role_reads_every_secret};
    let p = perms.policies();
    let allowed = |g: Grant| g.access == Access::Allowed;
    if allowed(p.allows(Request::Every, Request::Every)) {
        return Some("may perform every action on every resource (administrator)");
    }
    if role_ecs_privilege_escalation::COMBINATIONS
        .iter()
        .any(|(_, actions)| actions.iter().all(|a| allowed(p.allows_somewhere(a))))
    {
        return Some("can escalate its privileges through ECS");
    }
    if role_reads_every_secret::SECRET_READS
        .iter()
        .any(|a| allowed(p.allows(Request::Named(a), Request::Every)))
    {
        return Some("can read every secret or decrypt with every key");
    }
    None
}

/// The role named by `reference` (an ARN or a name in `account`), read, and what it can do
/// that raises a compound finding: the role's ARN and the phrase.
pub fn powerful_role(
    identity: &crate::model::identity::Identity,
    reference: Option<&str>,
    account: &str,
) -> Option<(String, String, &'static str)> {
    let reference = named(reference)?;
    let RoleLookup::Found(role) = identity.role(reference, account) else {
        return None;
    };
    power(identity.permissions(role)).map(|what| (role.arn.clone(), role.name.clone(), what))
}

/// The same for an instance profile (the role it holds).
pub fn powerful_profile_role(
    identity: &crate::model::identity::Identity,
    profile_arn: &str,
) -> Option<(String, String, &'static str)> {
    let RoleLookup::Found(role) = identity.role_of_profile(profile_arn) else {
        return None;
    };
    power(identity.permissions(role)).map(|what| (role.arn.clone(), role.name.clone(), what))
}

/// The verdict of an administrator check on one role an ECS resource names outside a task
/// definition (an infrastructure role): FAILED when its policies allow every action on every
/// resource (HIGH when only under a Condition or with part of it denied, as TD35 grades),
/// PASSED when they do not, NOT_AVAILABLE when the role or a policy of it was not read. The
/// role is the verdict's related resource.
pub fn administrator_verdict(
    identity: &crate::model::identity::Identity,
    reference: &str,
    account: &str,
    label: &str,
) -> Verdict {
    let owner = account_and_name(reference).map_or(account, |(a, _)| a);
    judge_administrator(
        identity,
        identity.role(reference, account),
        &format!("{label} {reference}"),
        owner,
    )
}

/// The same for the role an instance profile holds (resolved through the account's
/// authorization details, which list instance profiles).
pub fn profile_administrator_verdict(
    identity: &crate::model::identity::Identity,
    profile_arn: &str,
) -> Verdict {
    let owner = account_and_name(profile_arn).map_or("", |(a, _)| a);
    judge_administrator(
        identity,
        identity.role_of_profile(profile_arn),
        &format!("instance profile {profile_arn}"),
        owner,
    )
}

/// Whether `perms` allow every action on every resource (TD35's judgement, shared by the
/// infrastructure-role checks): FAILED with `subject` leading the evidence, CRITICAL, one level
/// lower when the grant holds only under a Condition, one more when a Deny removes part of it;
/// PASSED (or NOT_AVAILABLE when a policy was not read) otherwise.
pub fn administrator(perms: &Permissions, subject: &str) -> Verdict {
    let g = perms.policies().allows(Request::Every, Request::Every);
    if g.access == Access::NotAllowed {
        return nothing_found(perms);
    }
    Verdict::of(Outcome::failed([format!(
        "{subject}allows every action on every resource{}{}",
        granted_by(perms, Request::Every, Request::Every),
        qualifiers(g, perms)
    )]))
    .severity(if g.partial_denies > 0 {
        graded(g, Severity::Critical).lower()
    } else {
        graded(g, Severity::Critical)
    })
}

fn judge_administrator(
    identity: &crate::model::identity::Identity,
    lookup: RoleLookup<'_>,
    what: &str,
    owner: &str,
) -> Verdict {
    match lookup {
        RoleLookup::Found(role) => administrator(
            identity.permissions(role),
            &format!("{what}: role {} ", role.name),
        )
        .related(vec![Related::new("AwsIamRole", role.arn.clone())]),
        RoleLookup::Absent => Verdict::of(Outcome::na(
            "the role does not exist in its account (it grants nothing)",
        )),
        RoleLookup::Unknown => Verdict::of(Outcome::unknown(format!(
            "{what}: {}",
            identity.why_unknown(owner)
        ))),
    }
}
