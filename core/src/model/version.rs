//! Dotted version numbers (`1.4.0`, `v1.65.2`), parsed once and compared numerically.

use std::cmp::Ordering;
use std::fmt;

/// A version such as `1.4.0`: compared by its numbers (`1.4` == `1.4.0` < `1.10`), shown as
/// written.
#[derive(Debug, Clone)]
pub struct Version {
    text: Box<str>,
    parts: Box<[u64]>,
}

impl Version {
    /// Parse `1.2.3` (optionally `v`-prefixed, any number of parts, a `-suffix` ignored).
    pub fn parse(text: &str) -> Option<Version> {
        let v = text.trim().trim_start_matches(['v', 'V']);
        if v.is_empty() {
            return None;
        }
        let core = v.split(['-', '+', ' ']).next().unwrap_or(v);
        let parts: Option<Vec<u64>> = core.split('.').map(|p| p.parse().ok()).collect();
        let mut parts = parts?;
        while parts.len() > 1 && parts.last() == Some(&0) {
            parts.pop();
        }
        Some(Version {
            text: text.into(),
            parts: parts.into_boxed_slice(),
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.parts == other.parts
    }
}

impl Eq for Version {}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.parts.cmp(&other.parts)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::Version;

    #[test]
    fn compares_numerically_and_shows_as_written() {
        let v = |s| Version::parse(s).unwrap();
        assert!(v("1.10.0") > v("1.9.9"));
        assert_eq!(v("1.4"), v("1.4.0"));
        assert_eq!(v("v1.65.0-beta").to_string(), "v1.65.0-beta");
        assert!(Version::parse("new").is_none());
        assert!(Version::parse("").is_none());
    }
}
