//! An uploaded file waiting for its mapping, and the job importing it.

use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::backend::cache::TtlCache;
use crate::backend::entities::data_source;
use crate::domain::aggregate::mapping::Mapping;
use crate::domain::import::Table;
pub use crate::types::UploadOutcome as Outcome;

/// How long an upload waits for its mapping.
pub const KEPT: Duration = Duration::from_secs(3600);

/// Uploads one user may keep waiting at once, and their bytes together: a further upload takes
/// the place of the user's oldest.
pub const QUOTA_FILES: usize = 3;
pub const QUOTA_BYTES: i64 = 768 << 20;

/// Parsed uploads this process read last, by token (a cache: the database holds the files).
pub type Uploads = TtlCache<String, Arc<Upload>>;

/// A file uploaded into a source.
pub struct Upload {
    pub source: data_source::Model,
    /// Only the uploader sees it.
    pub user_id: i32,
    pub file_name: String,
    pub sha256: String,
    pub table: Arc<Table>,
    /// The mapping proposed (saved with the source, or by column name) or last tried.
    pub mapping: Mutex<Mapping>,
    pub job: Mutex<Option<Arc<Job>>>,
}

/// Where an import stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Checking = 0,
    Writing = 1,
    Finished = 2,
}

/// A running or finished import of an upload.
#[derive(Default)]
pub struct Job {
    stage: AtomicU8,
    /// Rows checked.
    pub done: AtomicUsize,
    pub total: AtomicUsize,
    pub outcome: Mutex<Option<Outcome>>,
}

impl Job {
    pub fn stage(&self) -> Stage {
        match self.stage.load(Ordering::Relaxed) {
            0 => Stage::Checking,
            1 => Stage::Writing,
            _ => Stage::Finished,
        }
    }

    pub fn set_stage(&self, stage: Stage) {
        self.stage.store(stage as u8, Ordering::Relaxed);
    }
}
