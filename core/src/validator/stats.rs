//! Per-policy statistics (the seed's `signatureValidationCounter`).

use std::sync::Mutex;

use serde::Serialize;

use crate::time::Timestamp;

/// A snapshot of the counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Statistics {
    /// Validations whose report was acceptable (opResult and policy below ERROR).
    pub success: u64,
    /// The others.
    pub failure: u64,
    /// Time of the last validation.
    pub last_validation: Option<Timestamp>,
}

#[derive(Debug, Default)]
pub(super) struct Counters(Mutex<Statistics>);

impl Counters {
    pub(super) fn record(&self, success: bool, at: Timestamp) {
        // A poisoned lock only means another thread panicked mid-update of
        // plain integers; the values are still usable.
        let mut s = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if success {
            s.success += 1;
        } else {
            s.failure += 1;
        }
        s.last_validation = Some(s.last_validation.map_or(at, |last| last.max(at)));
    }

    pub(super) fn snapshot(&self) -> Statistics {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}
