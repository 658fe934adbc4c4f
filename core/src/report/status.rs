//! SUCCESS / WARNING / ERROR, serialised as 0 / 1 / 2.

use serde::Serialize;

/// The seed's result status; ordered so that the worst is the greatest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum ResultStatus {
    /// 0: no error.
    #[default]
    Success,
    /// 1: finished, but a warning condition happened (e.g. a CRL could not be downloaded).
    Warning,
    /// 2: validation failed.
    Error,
}

impl ResultStatus {
    /// 0, 1 or 2.
    pub fn value(self) -> u8 {
        match self {
            ResultStatus::Success => 0,
            ResultStatus::Warning => 1,
            ResultStatus::Error => 2,
        }
    }
}

impl Serialize for ResultStatus {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(self.value())
    }
}
