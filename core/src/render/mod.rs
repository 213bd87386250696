//! Renderers: every output is generated from the same evaluations.

pub mod alert;
pub mod asff;
pub mod csv;
pub mod json;
pub mod markdown;
pub mod ocsf;
pub mod sarif;
pub mod table;
pub mod time;

/// Truncate to at most `max` characters, ending with an ellipsis when cut.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}
