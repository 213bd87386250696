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

/// Split a name into words: `dbPassword` / `DB_PASSWORD` / `db-password` -> db/DB, Password/PASSWORD.
fn words(name: &str) -> Words<'_> {
    Words { name, at: 0 }
}

/// The words of a variable name, as slices of it in their original case: split at every
/// character that is not an ASCII letter or digit, and where an upper-case letter follows a
/// lower-case letter or digit (`dbPassword` -> `db`, `Password`). Allocates nothing.
struct Words<'a> {
    name: &'a str,
    at: usize,
}

impl<'a> Iterator for Words<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let bytes = self.name.as_bytes();
        while self.at < bytes.len() && !bytes[self.at].is_ascii_alphanumeric() {
            self.at += 1;
        }
        let start = self.at;
        let mut prev_lower = false;
        while let Some(&b) = bytes.get(self.at) {
            if !b.is_ascii_alphanumeric() || (b.is_ascii_uppercase() && prev_lower) {
                break;
            }
            prev_lower = b.is_ascii_lowercase() || b.is_ascii_digit();
            self.at += 1;
        }
        // Only ASCII bytes were passed over, so both ends are character boundaries.
        (self.at > start).then(|| &self.name[start..self.at])
    }
}

fn is_one_of(word: &str, list: &[&str]) -> bool {
    list.iter().any(|w| w.eq_ignore_ascii_case(word))
}

fn starts_with_ignoring_case(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// True when a variable or tag name says it holds a secret.
pub fn is_secret_name(name: &str, opts: &Options) -> bool {
    let extra = |x: &str| {
        opts.secret_name_words
            .iter()
            .any(|e| e.eq_ignore_ascii_case(x))
    };
    let (mut found, mut prev, mut last) = (false, None::<&str>, None::<&str>);
    for word in words(name) {
        found = found
            || is_one_of(word, SECRET_WORDS)
            || extra(word)
            || (word.eq_ignore_ascii_case("KEY")
                && prev.is_some_and(|p| is_one_of(p, KEY_QUALIFIERS)));
        prev = Some(word);
        last = Some(word);
    }
    // A name ending in a reference word (`DB_PASSWORD_FILE`, `TOKEN_URL`) names where the
    // secret is, not the secret.
    found && last.is_some_and(|l| !is_one_of(l, NON_SECRET_SUFFIXES))
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
    if v.len() >= "-----BEGIN PRIVATE KEY-----".len()
        && v.contains("-----BEGIN")
        && v.contains("PRIVATE KEY")
    {
        return Some("a private key");
    }
    for token in
        v.split(|c: char| c.is_whitespace() || c == '"' || c == '\'' || c == ',' || c == ';')
    {
        if let Some(kind) = token_shape(token) {
            return Some(kind);
        }
    }
    if v.contains(':') && url_has_password(v) {
        return Some("a URL with an embedded password");
    }
    None
}

fn token_shape(t: &str) -> Option<&'static str> {
    // Every shape below starts with one of these letters: most tokens stop here.
    if !matches!(
        t.as_bytes().first(),
        Some(b'g' | b'x' | b'h' | b's' | b'r' | b'A' | b'n' | b'S' | b'e')
    ) {
        return None;
    }
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
    if is_one_of(v, NON_SECRET_VALUES) {
        return false;
    }
    if [
        "arn:",
        "/",
        "./",
        "s3://",
        "ssm:",
        "secretsmanager:",
        "file:",
        "vault:",
        "env:",
        "resolve:",
    ]
    .iter()
    .any(|p| starts_with_ignoring_case(v, p))
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
    let value = value.trim();
    if is_ignored(name, opts) || value.is_empty() {
        return None;
    }
    if let Some(kind) = shape(value) {
        return Some(kind);
    }
    if is_secret_name(name, opts) && literal_secret(value) {
        if words(name)
            .any(|x| starts_with_ignoring_case(x, "PASS") || x.eq_ignore_ascii_case("PWD"))
        {
            return Some("a literal password under a password-named variable");
        }
        if words(name).any(|x| x.eq_ignore_ascii_case("SECRET"))
            && words(name).any(|x| x.eq_ignore_ascii_case("AWS"))
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
    fn names_split_into_words_in_any_case() {
        let w: Vec<&str> = words("dbPassword_FILE-path2Key ÄPI.key").collect();
        assert_eq!(w, ["db", "Password", "FILE", "path2", "Key", "PI", "key"]);
        let o = Options::default();
        assert!(is_secret_name("stripeApiKey", &o));
        assert!(is_secret_name("Db-Pass", &o));
        assert!(!is_secret_name("dbPasswordFile", &o));
        assert!(!is_secret_name("monkey", &o));
        assert!(!is_secret_name("", &o));
        assert_eq!(
            c(
                "awsSecretAccessKey",
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
            ),
            Some("a value shaped like an AWS secret access key")
        );
        assert_eq!(
            c("db_pwd", "Tr0ub4dor&3"),
            Some("a literal password under a password-named variable")
        );
        assert_eq!(c("DB_PASSWORD", "  NONE  "), None);
    }

    #[test]
    fn arguments() {
        let o = Options::default();
        assert!(classify_argument("--password=Sup3rS3cret!", &o).is_some());
        assert!(classify_argument("--port=8080", &o).is_none());
        assert!(classify_argument("AKIAIOSFODNN7EXAMPLE", &o).is_some());
    }
}
