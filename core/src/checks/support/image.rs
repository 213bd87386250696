//! Parsing of container image references (`registry/repository:tag@digest`).

use crate::model::de::is_placeholder;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef<'a> {
    /// Registry host (with port), `None` for Docker Hub.
    pub registry: Option<&'a str>,
    pub repository: &'a str,
    pub tag: Option<&'a str>,
    pub digest: Option<&'a str>,
}

/// Parse an image reference; `None` for empty or templated references that cannot be judged.
pub fn parse(image: &str) -> Option<ImageRef<'_>> {
    let image = image.trim();
    if image.is_empty() || is_placeholder(image) || image.contains(char::is_whitespace) {
        return None;
    }
    let (name, digest) = match image.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (image, None),
    };
    let (registry, rest) = match name.split_once('/') {
        Some((first, rest))
            if first.contains('.') || first.contains(':') || first == "localhost" =>
        {
            (Some(first), rest)
        }
        _ => (None, name),
    };
    // A tag follows the last ':' of the last path component (a ':' before a '/' is a port).
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (repository, tag) = match rest[last_slash..].rfind(':') {
        Some(i) => (&rest[..last_slash + i], Some(&rest[last_slash + i + 1..])),
        None => (rest, None),
    };
    Some(ImageRef {
        registry,
        repository,
        tag,
        digest,
    })
}

impl ImageRef<'_> {
    pub fn is_ecr_private(&self) -> bool {
        self.registry.is_some_and(|r| {
            r.contains(".dkr.ecr.")
                && (r.ends_with(".amazonaws.com") || r.ends_with(".amazonaws.com.cn"))
        })
    }

    pub fn is_ecr_public(&self) -> bool {
        self.registry == Some("public.ecr.aws")
    }

    pub fn pinned_by_digest(&self) -> bool {
        self.digest
            .is_some_and(|d| d.starts_with("sha256:") && d.len() == 71)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_references() {
        let r = parse("nginx").unwrap();
        assert_eq!((r.registry, r.repository, r.tag), (None, "nginx", None));
        let r = parse("registry:5000/app").unwrap();
        assert_eq!(
            (r.registry, r.repository, r.tag),
            (Some("registry:5000"), "app", None)
        );
        let r = parse("registry:5000/team/app:1.2").unwrap();
        assert_eq!(
            (r.registry, r.repository, r.tag),
            (Some("registry:5000"), "team/app", Some("1.2"))
        );
        let r = parse("111122223333.dkr.ecr.us-east-1.amazonaws.com/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef").unwrap();
        assert!(r.is_ecr_private() && r.pinned_by_digest() && r.tag.is_none());
        assert!(parse("${IMAGE}").is_none());
        assert!(parse("<IMAGE1_NAME>").is_none());
        assert!(parse("").is_none());
        assert!(
            parse("public.ecr.aws/nginx/nginx:1")
                .unwrap()
                .is_ecr_public()
        );
    }
}
