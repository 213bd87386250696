//! Container instance checks.
pub mod agent_connected;
pub mod agent_version;
pub mod legacy_instance_type;

/// Parse `1.2.3` (optionally `v`-prefixed, any number of parts) into comparable numbers.
pub fn parse_version(v: &str) -> Option<Vec<u64>> {
    let v = v.trim().trim_start_matches(['v', 'V']);
    if v.is_empty() {
        return None;
    }
    let core = v.split(['-', '+', ' ']).next().unwrap_or(v);
    let parts: Option<Vec<u64>> = core.split('.').map(|p| p.parse().ok()).collect();
    let mut parts = parts?;
    while parts.len() > 1 && parts.last() == Some(&0) {
        parts.pop();
    }
    Some(parts)
}
