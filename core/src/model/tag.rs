//! ECS tags.

use serde::{Deserialize, Serialize};

/// An ECS tag (`key`/`value`, lowercase on the wire).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    pub key: String,
    pub value: String,
}
