//! [`FolderReach`]: an organization's estates as folders, `ROOT/ACCOUNT/REGION/` (what
//! `ecs-posture snapshot` writes for several accounts), each member's findings under
//! `OUT/ACCOUNT/REGION/`.

use std::path::PathBuf;

use ecs_posture_core::fleet::Target;

use super::file_sink::FileSink;
use super::folder::FolderInventory;
use crate::ports::{Reach, ReachError};

pub struct FolderReach {
    pub root: PathBuf,
    pub out: PathBuf,
}

impl Reach for FolderReach {
    type Inventory = FolderInventory;
    type Sink = FileSink;

    async fn reach(&self, target: &Target) -> Result<(FolderInventory, FileSink), ReachError> {
        let dir = self.root.join(&target.account).join(&target.region);
        if !dir.is_dir() {
            return Err(ReachError::new(format!(
                "account {} region {}: no estate folder {}",
                target.account,
                target.region,
                dir.display()
            )));
        }
        Ok((
            FolderInventory::new(vec![dir.to_string_lossy().into_owned()]),
            FileSink {
                dir: self.out.join(&target.account).join(&target.region),
            },
        ))
    }
}
