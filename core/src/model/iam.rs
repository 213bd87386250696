//! IAM policy documents and what they allow, for the checks on the roles ECS workloads run with.
//!
//! [`Policy::parse`] reads a document as IAM stores it (`GetAccountAuthorizationDetails` returns
//! it URL-encoded, the AWS CLI decoded): `Statement`, `Action`/`NotAction` and
//! `Resource`/`NotResource` may each be a string or a list. [`Policies::allows`] answers "is this
//! action allowed on this resource" for a role's identity policies intersected with its
//! permissions boundary:
//!
//! - actions match case-insensitively with `*` and `?` globs, resources case-sensitively;
//! - `Allow` with `NotAction` allows every action except those listed (and `NotResource` every
//!   resource except those listed);
//! - an unconditioned `Deny` that covers the request removes it; a `Deny` with a `Condition`
//!   cannot be proven to apply and is counted, never trusted;
//! - an `Allow` with a `Condition` makes the access [`Access::Conditional`];
//! - a permissions boundary caps the result (the lower of the two);
//! - organization SCPs and RCPs and session policies are invisible to a scan: an answer is an
//!   upper bound, never proof that an action succeeds.
//!
//! A request may name every action ([`Request::Every`]: "`*`") or every resource: such a request
//! is covered only by a statement that names `*` itself (`s3:*` or a `NotAction` list does not
//! cover every action), and a `Deny` that covers part of it does not remove it (the rest stays
//! allowed) but is counted in [`Grant::partial_denies`].

use std::borrow::Cow;

use serde_json::Value;

/// A policy document that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("policy document is not JSON (line {line}, column {column})")]
    NotJson { line: usize, column: usize },
    #[error("policy document has no Statement")]
    NoStatement,
    #[error("policy statement {index}: {problem}")]
    Statement { index: usize, problem: &'static str },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

/// The actions or resources a statement names: `Action` (`negated: false`) or `NotAction`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Patterns {
    pub negated: bool,
    pub list: Vec<String>,
}

/// One statement: what the checks read of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: Effect,
    pub actions: Patterns,
    /// `None` in trust policies, which name a principal instead of resources.
    pub resources: Option<Patterns>,
    /// The `Principal` block as written (trust policies).
    pub principal: Option<Value>,
    /// The `Condition` block as written: `{"StringEquals": {"aws:SourceAccount": "1"}}`.
    pub condition: Option<serde_json::Map<String, Value>>,
}

/// A policy document.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Policy {
    pub statements: Vec<Statement>,
}

/// What a request names on one side: every action (or resource), or one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request<'a> {
    Every,
    Named(&'a str),
}

/// How far a request is allowed, in increasing order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    NotAllowed,
    /// Allowed only under a statement's `Condition`.
    Conditional,
    Allowed,
}

/// The answer to a request, with what qualifies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    pub access: Access,
    /// `Deny` statements with a `Condition` that would remove the request: unproven, kept apart.
    pub conditional_denies: usize,
    /// Unconditioned `Deny` statements that remove part of a request naming every action or
    /// resource (the rest stays allowed).
    pub partial_denies: usize,
}

/// Percent-decode a document when it is URL-encoded (RFC 3986, as IAM returns documents); a
/// document that already reads as JSON is returned as is.
pub fn decode(raw: &str) -> Cow<'_, str> {
    let t = raw.trim_start();
    if t.starts_with('{') || !raw.contains('%') {
        return Cow::Borrowed(raw);
    }
    let bytes = raw.as_bytes();
    let hex = |b: &u8| (*b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).and_then(hex),
                bytes.get(i + 2).and_then(hex),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

fn strings(v: &Value) -> Option<Vec<String>> {
    match v {
        Value::String(s) => Some(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map(str::to_owned))
            .collect(),
        _ => None,
    }
}

fn patterns(
    m: &serde_json::Map<String, Value>,
    key: &str,
    not_key: &str,
    index: usize,
    what: &'static str,
) -> Result<Option<Patterns>, PolicyError> {
    let bad = |problem| PolicyError::Statement { index, problem };
    match (m.get(key), m.get(not_key)) {
        (Some(_), Some(_)) => Err(bad(what)),
        (Some(v), None) => strings(v)
            .map(|list| {
                Some(Patterns {
                    negated: false,
                    list,
                })
            })
            .ok_or(bad("an action or resource is not a string")),
        (None, Some(v)) => strings(v)
            .map(|list| {
                Some(Patterns {
                    negated: true,
                    list,
                })
            })
            .ok_or(bad("an action or resource is not a string")),
        (None, None) => Ok(None),
    }
}

impl Policy {
    /// Parse a document, URL-encoded or not.
    pub fn parse(raw: &str) -> Result<Policy, PolicyError> {
        let text = decode(raw);
        let v: Value = serde_json::from_str(&text).map_err(|e| PolicyError::NotJson {
            line: e.line(),
            column: e.column(),
        })?;
        Policy::from_value(&v)
    }

    /// Read a document already parsed (the AWS CLI's output decodes them).
    pub fn from_value(v: &Value) -> Result<Policy, PolicyError> {
        if let Value::String(s) = v {
            return Policy::parse(s);
        }
        let statements = match v.get("Statement") {
            Some(Value::Array(items)) => items.iter().collect::<Vec<_>>(),
            Some(one @ Value::Object(_)) => vec![one],
            _ => return Err(PolicyError::NoStatement),
        };
        let mut out = Vec::with_capacity(statements.len());
        for (index, s) in statements.into_iter().enumerate() {
            let bad = |problem| PolicyError::Statement { index, problem };
            let m = s.as_object().ok_or(bad("not an object"))?;
            let effect = match m.get("Effect").and_then(Value::as_str) {
                Some("Allow") => Effect::Allow,
                Some("Deny") => Effect::Deny,
                _ => return Err(bad("Effect is neither Allow nor Deny")),
            };
            let actions = patterns(m, "Action", "NotAction", index, "both Action and NotAction")?
                .ok_or(bad("no Action or NotAction"))?;
            let resources = patterns(
                m,
                "Resource",
                "NotResource",
                index,
                "both Resource and NotResource",
            )?;
            out.push(Statement {
                sid: m.get("Sid").and_then(Value::as_str).map(str::to_owned),
                effect,
                actions,
                resources,
                principal: m.get("Principal").cloned(),
                condition: m.get("Condition").and_then(Value::as_object).cloned(),
            });
        }
        Ok(Policy { statements: out })
    }
}

/// `*` matches any run of characters, `?` one; ASCII case folded when `fold` is set.
pub fn glob(pattern: &str, text: &str, fold: bool) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let eq = |a: u8, b: u8| {
        if fold {
            a.eq_ignore_ascii_case(&b)
        } else {
            a == b
        }
    };
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == b'?' || (p[pi] != b'*' && eq(p[pi], t[ti]))) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

fn is_everything(pattern: &str) -> bool {
    !pattern.is_empty() && pattern.bytes().all(|b| b == b'*')
}

impl Patterns {
    /// The list names every action (or resource): `*` itself, not negated.
    pub fn covers_every(&self) -> bool {
        self.covers(Request::Every, false)
    }

    /// The list names `action` (case-insensitive globs; `NotAction` inverts).
    pub fn covers_action(&self, action: &str) -> bool {
        self.covers(Request::Named(action), true)
    }

    /// The list names what the request names, whole.
    fn covers(&self, request: Request<'_>, fold: bool) -> bool {
        match (self.negated, request) {
            (false, Request::Every) => self.list.iter().any(|p| is_everything(p)),
            (false, Request::Named(x)) => self.list.iter().any(|p| glob(p, x, fold)),
            // "Everything but these" covers everything only when it excludes nothing.
            (true, Request::Every) => self.list.is_empty(),
            (true, Request::Named(x)) => !self.list.iter().any(|p| glob(p, x, fold)),
        }
    }

    /// The list names some of what the request names.
    fn overlaps(&self, request: Request<'_>, fold: bool) -> bool {
        match (self.negated, request) {
            (false, Request::Every) => !self.list.is_empty(),
            (true, Request::Every) => !self.list.iter().any(|p| is_everything(p)),
            (_, Request::Named(_)) => self.covers(request, fold),
        }
    }
}

impl Statement {
    fn covers(&self, action: Request<'_>, resource: Request<'_>) -> bool {
        self.actions.covers(action, true)
            && self
                .resources
                .as_ref()
                .is_some_and(|r| r.covers(resource, false))
    }

    fn overlaps(&self, action: Request<'_>, resource: Request<'_>) -> bool {
        self.actions.overlaps(action, true)
            && self
                .resources
                .as_ref()
                .is_some_and(|r| r.overlaps(resource, false))
    }

    pub fn is_conditioned(&self) -> bool {
        self.condition.as_ref().is_some_and(|c| !c.is_empty())
    }

    /// The condition keys the statement tests, lower-cased (`aws:sourceaccount`), whatever the
    /// operator (`StringEquals`, `ArnLike`, `ForAnyValue:...`, `...IfExists`).
    pub fn condition_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self
            .condition
            .iter()
            .flat_map(|c| c.values())
            .filter_map(Value::as_object)
            .flat_map(|m| m.keys())
            .map(|k| k.to_ascii_lowercase())
            .collect();
        keys.sort();
        keys.dedup();
        keys
    }

    /// The whole services an `Allow` names with a service-wide wildcard (`s3:*` as an action,
    /// or in `NotAction`): Security Hub IAM.21's test, statement by statement.
    pub fn service_wildcards(&self) -> Vec<&str> {
        if self.effect != Effect::Allow {
            return Vec::new();
        }
        self.actions
            .list
            .iter()
            .filter_map(|a| a.strip_suffix(":*"))
            .filter(|svc| !svc.is_empty() && !svc.contains(['*', '?']))
            .collect()
    }
}

/// The policies that decide a role's permissions: its identity policies (inline, managed,
/// in any order) and its permissions boundary.
#[derive(Debug, Clone, Copy, Default)]
pub struct Policies<'a> {
    pub identity: &'a [Policy],
    pub boundary: Option<&'a Policy>,
}

fn grant_of<'a>(
    statements: impl Iterator<Item = &'a Statement> + Clone,
    action: Request<'_>,
    resource: Request<'_>,
) -> Grant {
    let mut g = Grant {
        access: Access::NotAllowed,
        conditional_denies: 0,
        partial_denies: 0,
    };
    for s in statements.clone().filter(|s| s.effect == Effect::Deny) {
        if s.covers(action, resource) {
            if s.is_conditioned() {
                g.conditional_denies += 1;
            } else {
                return g;
            }
        } else if s.overlaps(action, resource) && !s.is_conditioned() {
            g.partial_denies += 1;
        }
    }
    for s in statements.filter(|s| s.effect == Effect::Allow && s.covers(action, resource)) {
        let access = if s.is_conditioned() {
            Access::Conditional
        } else {
            Access::Allowed
        };
        g.access = g.access.max(access);
    }
    g
}

impl Policies<'_> {
    /// How far the identity policies, capped by the boundary, allow `action` on `resource`.
    pub fn allows(&self, action: Request<'_>, resource: Request<'_>) -> Grant {
        let identity = grant_of(
            self.identity.iter().flat_map(|p| p.statements.iter()),
            action,
            resource,
        );
        let Some(boundary) = self.boundary else {
            return identity;
        };
        let cap = grant_of(boundary.statements.iter(), action, resource);
        Grant {
            access: identity.access.min(cap.access),
            conditional_denies: identity.conditional_denies + cap.conditional_denies,
            partial_denies: identity.partial_denies + cap.partial_denies,
        }
    }
}

impl<'a> Policies<'a> {
    /// How far `action` is allowed on some resource: an `Allow` naming the action on any
    /// resource counts, and only an unconditioned `Deny` of the action on every resource
    /// removes it (the union of what a role can do, resources aside, as privilege escalation
    /// paths are judged).
    pub fn allows_somewhere(&self, action: &str) -> Grant {
        fn one<'s>(statements: impl Iterator<Item = &'s Statement> + Clone, action: &str) -> Grant {
            let named = Request::Named(action);
            let mut g = Grant {
                access: Access::NotAllowed,
                conditional_denies: 0,
                partial_denies: 0,
            };
            for s in statements.clone().filter(|s| s.effect == Effect::Deny) {
                if s.covers(named, Request::Every) {
                    if s.is_conditioned() {
                        g.conditional_denies += 1;
                    } else {
                        return g;
                    }
                } else if s.actions.covers(named, true) && !s.is_conditioned() {
                    g.partial_denies += 1;
                }
            }
            for s in statements.filter(|s| {
                s.effect == Effect::Allow
                    && s.actions.covers(named, true)
                    && s.resources
                        .as_ref()
                        .is_some_and(|r| r.overlaps(Request::Every, false))
            }) {
                let access = if s.is_conditioned() {
                    Access::Conditional
                } else {
                    Access::Allowed
                };
                g.access = g.access.max(access);
            }
            g
        }
        let identity = one(
            self.identity.iter().flat_map(|p| p.statements.iter()),
            action,
        );
        let Some(boundary) = self.boundary else {
            return identity;
        };
        let cap = one(boundary.statements.iter(), action);
        Grant {
            access: identity.access.min(cap.access),
            conditional_denies: identity.conditional_denies + cap.conditional_denies,
            partial_denies: identity.partial_denies + cap.partial_denies,
        }
    }

    /// The identity `Allow` statements that cover `action` on `resource` (what grants it, for
    /// evidence and for the conditions they carry).
    pub fn allowing(&self, action: Request<'_>, resource: Request<'_>) -> Vec<&'a Statement> {
        self.identity
            .iter()
            .flat_map(|p| p.statements.iter())
            .filter(|s| s.effect == Effect::Allow && s.covers(action, resource))
            .collect()
    }
}
