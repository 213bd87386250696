//! [`FolderInventory`]: the estate from files and folders of ECS JSON.

use ecs_posture_core::scope::{self, Coverage, Scope};

use super::input;
use crate::ports::{Collected, Inventory, InventoryError};

/// Reads the estate from files and folders of ECS JSON (`-` is standard input), standing for a
/// whole region that was read completely; scopes select from it as the ECS inventory would.
pub struct FolderInventory {
    pub paths: Vec<String>,
}

impl FolderInventory {
    pub fn new(paths: Vec<String>) -> FolderInventory {
        FolderInventory { paths }
    }
}

impl Inventory for FolderInventory {
    async fn collect(&self, scope: &Scope) -> Result<Collected, InventoryError> {
        let loaded = input::load(&self.paths).map_err(InventoryError::Input)?;
        let (snapshot, coverage) = if *scope == Scope::Region {
            // The whole estate: no copy.
            let mut coverage = Coverage::default();
            scope::region_coverage(&loaded.snapshot, &mut coverage);
            (loaded.snapshot, coverage)
        } else {
            scope::select(&loaded.snapshot, scope)
        };
        Ok(Collected {
            snapshot,
            coverage,
            texts: loaded.texts,
            ..Collected::default()
        })
    }
}
