//! Credential detection for environment values, command arguments and tags.
//!
//! Two kinds of evidence, tuned for few false positives:
//! 1. *Shape*: values that are credentials whatever their name (AWS access key IDs, private keys,
//!    well-known provider tokens, JWTs, passwords embedded in URLs).
//! 2. *Name + literal*: a secret-sounding name (PASSWORD, SECRET, TOKEN, API_KEY, ...) holding a
//!    literal that looks like a credential: not a placeholder, reference, path, ARN, boolean,
//!    number, or a flag such as `MYSQL_ALLOW_EMPTY_PASSWORD=yes`.
//!
//! Only a description of the kind of secret is returned; the value is never copied.

use crate::config::Options;
use crate::model::de::is_placeholder;

/// Words that make a name secret-sounding by themselves.
const SECRET_WORDS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PWD",
    "PASS",
    "SECRET",
    "SECRETS",
    "TOKEN",
    "APIKEY",
    "PASSPHRASE",
    "CREDENTIAL",
    "CREDENTIALS",
    "PRIVATEKEY",
    "SECRETKEY",
    "ACCESSKEY",
    "AUTHKEY",
    "DSN",
];

/// Words that, followed by KEY, make a secret-sounding name (API_KEY, ENCRYPTION_KEY, ...).
const KEY_QUALIFIERS: &[&str] = &[
    "API",
    "SECRET",
    "PRIVATE",
    "ACCESS",
    "AUTH",
    "APP",
    "ENCRYPTION",
    "SIGNING",
    "MASTER",
    "LICENSE",
    "CLIENT",
    "SERVICE",
    "ACCOUNT",
    "SESSION",
    "JWT",
    "HMAC",
    "WEBHOOK",
];

/// Trailing words that make a secret-sounding name a reference or setting, not a secret.
const NON_SECRET_SUFFIXES: &[&str] = &[
    "FILE",
    "PATH",
    "ARN",
    "NAME",
    "ID",
    "IDS",
    "URL",
    "URI",
    "ENDPOINT",
    "HOST",
    "PORT",
    "ENABLED",
    "DISABLED",
    "ENABLE",
    "DISABLE",
    "LENGTH",
    "LEN",
    "EXPIRY",
    "EXPIRATION",
    "EXPIRES",
    "TTL",
    "TIMEOUT",
    "PARAM",
    "PARAMETER",
    "HEADER",
    "FIELD",
    "TYPE",
    "MODE",
    "POLICY",
    "REGION",
    "VERSION",
    "COUNT",
    "SIZE",
    "LIMIT",
    "ROTATION",
    "KEYS",
    "PREFIX",
    "SUFFIX",
    "ALGORITHM",
    "ALG",
    "FORMAT",
    "DIR",
    "LOCATION",
    "SOURCE",
    "PROVIDER",
    "STORE",
    "BACKEND",
];

/// Values that are settings, not secrets.
const NON_SECRET_VALUES: &[&str] = &[
    "true",
    "false",
    "yes",
    "no",
    "on",
    "off",
    "none",
    "null",
    "nil",
    "empty",
    "disabled",
    "enabled",
    "required",
    "optional",
    "undefined",
    "default",
    "n/a",
    "na",
    "changeit_not_set",
    "-",
    "*",
];

/// Split a name into upper-case words: `dbPassword` / `DB_PASSWORD` / `db-password` -> DB, PASSWORD.
fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for ch in name.chars() {
        if !ch.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if ch.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = ch.is_ascii_lowercase() || ch.is_ascii_digit();
        cur.push(ch.to_ascii_uppercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// True when a variable or tag name says it holds a secret.
pub fn is_secret_name(name: &str, opts: &Options) -> bool {
    let w = words(name);
    let Some(last) = w.last() else { return false };
    if NON_SECRET_SUFFIXES.contains(&last.as_str()) {
        return false;
    }
    let extra = |x: &str| {
        opts.secret_name_words
            .iter()
            .any(|e| e.eq_ignore_ascii_case(x))
    };
    for (i, word) in w.iter().enumerate() {
        if SECRET_WORDS.contains(&word.as_str()) || extra(word) {
            return true;
        }
        if word == "KEY" && i > 0 && KEY_QUALIFIERS.contains(&w[i - 1].as_str()) {
            return true;
        }
    }
    false
}

fn is_ignored(name: &str, opts: &Options) -> bool {
    opts.secret_ignore_names
        .iter()
        .any(|n| n.eq_ignore_ascii_case(name))
}

/// Shannon entropy in bits per character.
fn entropy(s: &str) -> f64 {
    let mut counts = [0u32; 256];
    let bytes = s.as_bytes();
    for &b in bytes {
        counts[b as usize] += 1;
    }
    let n = bytes.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

fn all(s: &str, f: impl Fn(char) -> bool) -> bool {
    !s.is_empty() && s.chars().all(f)
}

fn is_upper_alnum(c: char) -> bool {
    c.is_ascii_uppercase() || c.is_ascii_digit()
}

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// Find a credential by its shape alone.
fn shape(value: &str) -> Option<&'static str> {
    let v = value.trim();
    // AWS access key IDs: 20 characters, a known prefix, upper-case letters and digits.
    for token in v.split(|c: char| !c.is_ascii_alphanumeric()) {
        if token.len() == 20
            && [
                "AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA",
                "APKA",
            ]
            .iter()
            .any(|p| token.starts_with(p))
            && all(token, is_upper_alnum)
            && (token.starts_with("AKIA") || token.starts_with("ASIA"))
        {
            return Some("a value shaped like an AWS access key ID");
        }
    }
    if v.contains("-----BEGIN") && v.contains("PRIVATE KEY") {
        return Some("a private key");
    }
    for token in
        v.split(|c: char| c.is_whitespace() || c == '"' || c == '\'' || c == ',' || c == ';')
    {
        if let Some(kind) = token_shape(token) {
            return Some(kind);
        }
    }
    if url_has_password(v) {
        return Some("a URL with an embedded password");
    }
    None
}

fn token_shape(t: &str) -> Option<&'static str> {
    let rest_is = |prefix: &str, min: usize, f: fn(char) -> bool| {
        t.strip_prefix(prefix)
            .is_some_and(|r| r.len() >= min && all(r, f))
    };
    let alnum = |c: char| c.is_ascii_alphanumeric();
    if ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"]
        .iter()
        .any(|p| rest_is(p, 36, alnum))
        || rest_is("github_pat_", 40, is_token_char)
    {
        return Some("a GitHub token");
    }
    if rest_is("glpat-", 20, is_token_char) {
        return Some("a GitLab token");
    }
    if ["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-"]
        .iter()
        .any(|p| rest_is(p, 10, is_token_char))
    {
        return Some("a Slack token");
    }
    if t.starts_with("https://hooks.slack.com/services/") && t.len() > 45 {
        return Some("a Slack webhook URL");
    }
    if ["sk_live_", "rk_live_"]
        .iter()
        .any(|p| rest_is(p, 20, alnum))
    {
        return Some("a Stripe live key");
    }
    if rest_is("AIza", 35, is_token_char) {
        return Some("a Google API key");
    }
    if rest_is("npm_", 36, alnum) {
        return Some("an npm token");
    }
    if rest_is("sk-proj-", 20, is_token_char) || rest_is("sk-ant-", 20, is_token_char) {
        return Some("an AI provider API key");
    }
    if t.starts_with("SG.") && t.len() >= 60 && t.matches('.').count() == 2 {
        return Some("a SendGrid API key");
    }
    if t.starts_with("SK") && t.len() == 34 && all(&t[2..], |c| c.is_ascii_hexdigit()) {
        return Some("a Twilio API key");
    }
    if t.starts_with("eyJ") && t.matches('.').count() == 2 {
        let parts: Vec<&str> = t.split('.').collect();
        if parts.iter().all(|p| {
            p.len() >= 8
                && all(p, |c| {
                    c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '='
                })
        }) && parts[1].starts_with("eyJ")
        {
            return Some("a JSON Web Token");
        }
    }
    None
}

/// `scheme://user:password@host` with a literal password.
fn url_has_password(v: &str) -> bool {
    let Some(scheme_end) = v.find("://") else {
        return false;
    };
    let rest = &v[scheme_end + 3..];
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let Some((userinfo, _host)) = authority.rsplit_once('@') else {
        return false;
    };
    let Some((_user, password)) = userinfo.split_once(':') else {
        return false;
    };
    !password.is_empty()
        && !is_placeholder(password)
        && !password.starts_with('$')
        && !password.starts_with('%')
}

/// True when a secret-named variable's value is a literal that looks like a credential.
fn literal_secret(value: &str) -> bool {
    let v = value.trim();
    if v.len() < 6 || is_placeholder(v) {
        return false;
    }
    let lower = v.to_ascii_lowercase();
    if NON_SECRET_VALUES.contains(&lower.as_str()) {
        return false;
    }
    if lower.starts_with("arn:")
        || lower.starts_with("/")
        || lower.starts_with("./")
        || lower.starts_with("s3://")
        || lower.starts_with("ssm:")
        || lower.starts_with("secretsmanager:")
        || lower.starts_with("file:")
        || lower.starts_with("vault:")
        || lower.starts_with("env:")
        || lower.starts_with("resolve:")
    {
        return false;
    }
    if v.contains("://") {
        // A URL without credentials names where a secret lives, it is not one.
        return url_has_password(v);
    }
    if v.contains('_')
        && all(v, |c| {
            c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'
        })
    {
        // An identifier such as MY_SPLUNK_ACCESS_TOKEN: a stand-in, not a credential.
        return false;
    }
    if all(v, |c| c.is_ascii_digit()) && v.len() < 10 {
        return false;
    }
    if v.contains(' ') && v.split_whitespace().count() > 3 {
        // Prose ("Please set the password") rather than a credential.
        return false;
    }
    // A real credential has some variety: at least 2.5 bits/char or mixed character classes.
    let classes = [
        v.chars().any(|c| c.is_ascii_lowercase()),
        v.chars().any(|c| c.is_ascii_uppercase()),
        v.chars().any(|c| c.is_ascii_digit()),
        v.chars().any(|c| !c.is_ascii_alphanumeric()),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    entropy(v) >= 2.5 || classes >= 2
}

/// Classify a name/value pair. `Some(description)` when it holds a credential.
pub fn classify(name: &str, value: &str, opts: &Options) -> Option<&'static str> {
    if is_ignored(name, opts) || value.trim().is_empty() {
        return None;
    }
    if let Some(kind) = shape(value) {
        return Some(kind);
    }
    if is_secret_name(name, opts) && literal_secret(value) {
        let w = words(name);
        if w.iter().any(|x| x.starts_with("PASS") || x == "PWD") {
            return Some("a literal password under a password-named variable");
        }
        if w.iter()
            .any(|x| x == "SECRET" && w.iter().any(|y| y == "AWS"))
        {
            return Some("a value shaped like an AWS secret access key");
        }
        return Some("a literal credential under a secret-named variable");
    }
    None
}

/// Classify a free-standing string (a command argument): shape only, plus `--password=x` forms.
pub fn classify_argument(arg: &str, opts: &Options) -> Option<&'static str> {
    if let Some(kind) = shape(arg) {
        return Some(kind);
    }
    let flag = arg.trim_start_matches('-');
    if flag.len() < arg.len()
        && let Some((k, v)) = flag.split_once('=')
    {
        return classify(k, v, opts);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(name: &str, value: &str) -> Option<&'static str> {
        classify(name, value, &Options::default())
    }

    #[test]
    fn finds_credentials_by_shape() {
        assert!(c("ANYTHING", "AKIAIOSFODNN7EXAMPLE").is_some());
        assert!(c("X", "-----BEGIN RSA PRIVATE KEY-----\nMIIE").is_some());
        assert!(c("X", "ghp_0123456789abcdefghijABCDEFGHIJ012345").is_some());
        assert!(c("DATABASE_URL", "postgres://app:s3cr3t@db:5432/app").is_some());
        assert!(c("X", "xoxb-1234567890-abcdefghij").is_some());
        assert!(c("X", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U").is_some());
    }

    #[test]
    fn finds_literals_under_secret_names() {
        assert!(c("DB_PASSWORD", "hunter22").is_some());
        assert!(c("dbPassword", "Tr0ub4dor&3").is_some());
        assert!(
            c(
                "AWS_SECRET_ACCESS_KEY",
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
            )
            .is_some()
        );
        assert!(c("STRIPE_API_KEY", "a1b2c3d4e5f6").is_some());
        assert!(c("DD_API_KEY", "0123456789abcdef0123456789abcdef").is_some());
    }

    #[test]
    fn ignores_known_false_positives() {
        // prowler#4893 and friends.
        assert!(c("MYSQL_ALLOW_EMPTY_PASSWORD", "yes").is_none());
        assert!(c("KEYCLOAK_URL", "https://keycloak.example.com").is_none());
        assert!(c("MONKEY", "banana-bread-99").is_none());
        assert!(c("DB_PASSWORD_FILE", "/run/secrets/db").is_none());
        assert!(
            c(
                "DB_PASSWORD_SECRET_ARN",
                "arn:aws:secretsmanager:us-east-1:1:secret:x"
            )
            .is_none()
        );
        assert!(c("PASSWORD_MIN_LENGTH", "12").is_none());
        assert!(c("DB_PASSWORD", "${DB_PASSWORD}").is_none());
        assert!(c("DB_PASSWORD", "<db-password>").is_none());
        assert!(c("TOKEN_ENDPOINT", "https://auth.example.com/token").is_none());
        assert!(c("DATABASE_URL", "postgres://db:5432/app").is_none());
        assert!(c("DATABASE_URL", "postgres://app:${DB_PASSWORD}@db:5432/app").is_none());
        assert!(c("SECRET_KEY_BASE", "").is_none());
        assert!(c("API_KEY_HEADER", "X-Api-Key").is_none());
        assert!(c("AWS_REGION", "us-east-1").is_none());
        assert!(c("SPLUNK_ACCESS_TOKEN", "MY_SPLUNK_ACCESS_TOKEN").is_none());
    }

    #[test]
    fn honours_options() {
        let opts = Options {
            secret_ignore_names: vec!["DB_PASSWORD".into()],
            ..Options::default()
        };
        assert!(classify("DB_PASSWORD", "hunter22x", &opts).is_none());
        let opts = Options {
            secret_name_words: vec!["PIN".into()],
            ..Options::default()
        };
        assert!(classify("CARD_PIN", "83hd9k2l", &opts).is_some());
    }

    #[test]
    fn arguments() {
        let o = Options::default();
        assert!(classify_argument("--password=Sup3rS3cret!", &o).is_some());
        assert!(classify_argument("--port=8080", &o).is_none());
        assert!(classify_argument("AKIAIOSFODNN7EXAMPLE", &o).is_some());
    }
}
