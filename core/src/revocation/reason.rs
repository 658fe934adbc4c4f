//! Revocation reasons: the CRLReason code of a CRL entry or OCSP response
//! (RFC 5280 5.3.1) and the ReasonFlags set of distribution points (RFC 5280
//! 4.2.1.13), used for reason-partitioned CRLs.

use std::fmt;

use serde::Serialize;

/// CRLReason (RFC 5280 5.3.1), also used by OCSP's RevokedInfo (RFC 6960 4.2.1).
///
/// ```text
/// CRLReason ::= ENUMERATED { unspecified (0), keyCompromise (1),
///     cACompromise (2), affiliationChanged (3), superseded (4),
///     cessationOfOperation (5), certificateHold (6), -- value 7 is not used
///     removeFromCRL (8), privilegeWithdrawn (9), aACompromise (10) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum RevocationReason {
    /// unspecified (0).
    Unspecified,
    /// keyCompromise (1).
    KeyCompromise,
    /// cACompromise (2).
    CaCompromise,
    /// affiliationChanged (3).
    AffiliationChanged,
    /// superseded (4).
    Superseded,
    /// cessationOfOperation (5).
    CessationOfOperation,
    /// certificateHold (6): revoked for now, may be released by removeFromCRL.
    CertificateHold,
    /// removeFromCRL (8): only in delta CRLs, releases a hold.
    RemoveFromCrl,
    /// privilegeWithdrawn (9).
    PrivilegeWithdrawn,
    /// aACompromise (10).
    AaCompromise,
}

impl RevocationReason {
    /// The reason of an ENUMERATED value, `None` for 7 and values over 10.
    pub fn from_code(code: u32) -> Option<Self> {
        Some(match code {
            0 => Self::Unspecified,
            1 => Self::KeyCompromise,
            2 => Self::CaCompromise,
            3 => Self::AffiliationChanged,
            4 => Self::Superseded,
            5 => Self::CessationOfOperation,
            6 => Self::CertificateHold,
            8 => Self::RemoveFromCrl,
            9 => Self::PrivilegeWithdrawn,
            10 => Self::AaCompromise,
            _ => return None,
        })
    }

    /// The ENUMERATED value.
    pub fn code(self) -> u32 {
        match self {
            Self::Unspecified => 0,
            Self::KeyCompromise => 1,
            Self::CaCompromise => 2,
            Self::AffiliationChanged => 3,
            Self::Superseded => 4,
            Self::CessationOfOperation => 5,
            Self::CertificateHold => 6,
            Self::RemoveFromCrl => 8,
            Self::PrivilegeWithdrawn => 9,
            Self::AaCompromise => 10,
        }
    }

    /// The RFC 5280 name, e.g. `keyCompromise`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Unspecified => "unspecified",
            Self::KeyCompromise => "keyCompromise",
            Self::CaCompromise => "cACompromise",
            Self::AffiliationChanged => "affiliationChanged",
            Self::Superseded => "superseded",
            Self::CessationOfOperation => "cessationOfOperation",
            Self::CertificateHold => "certificateHold",
            Self::RemoveFromCrl => "removeFromCRL",
            Self::PrivilegeWithdrawn => "privilegeWithdrawn",
            Self::AaCompromise => "aACompromise",
        }
    }
}

impl fmt::Display for RevocationReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A set of ReasonFlags (RFC 5280 4.2.1.13): which revocation reasons a CRL
/// covers. Bit `n` is the BIT STRING's bit `n` (keyCompromise is bit 1,
/// aACompromise bit 8); bit 0 (`unused`) is never set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ReasonSet(u16);

impl ReasonSet {
    /// No reason.
    pub const EMPTY: ReasonSet = ReasonSet(0);
    /// Every reason (bits 1 to 8): "all-reasons" of RFC 5280 6.3.2 (a).
    pub const ALL: ReasonSet = ReasonSet(0x01FE);

    /// The set with the given bits (bit 0 and bits over 8 are dropped).
    pub fn from_bits(bits: u16) -> Self {
        ReasonSet(bits & Self::ALL.0)
    }

    /// The bits.
    pub fn bits(self) -> u16 {
        self.0
    }

    /// Union.
    pub fn union(self, other: ReasonSet) -> ReasonSet {
        ReasonSet(self.0 | other.0)
    }

    /// Intersection.
    pub fn intersection(self, other: ReasonSet) -> ReasonSet {
        ReasonSet(self.0 & other.0)
    }

    /// True when every reason of `other` is in `self`.
    pub fn contains(self, other: ReasonSet) -> bool {
        self.0 & other.0 == other.0
    }

    /// True when no reason is in the set.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The reasons in `self` but not in `other`.
    pub fn difference(self, other: ReasonSet) -> ReasonSet {
        ReasonSet(self.0 & !other.0)
    }
}

/// Names of the reasons in the set, e.g. `keyCompromise, cACompromise`.
impl fmt::Display for ReasonSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const NAMES: [&str; 9] = [
            "unused",
            "keyCompromise",
            "cACompromise",
            "affiliationChanged",
            "superseded",
            "cessationOfOperation",
            "certificateHold",
            "privilegeWithdrawn",
            "aACompromise",
        ];
        let mut first = true;
        for (bit, name) in NAMES.iter().enumerate() {
            if self.0 & (1 << bit) != 0 {
                if !first {
                    f.write_str(", ")?;
                }
                f.write_str(name)?;
                first = false;
            }
        }
        if first {
            f.write_str("(none)")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_seven_is_unused() {
        for code in 0..=10 {
            match RevocationReason::from_code(code) {
                Some(r) => assert_eq!(r.code(), code),
                None => assert_eq!(code, 7),
            }
        }
        assert_eq!(RevocationReason::from_code(11), None);
        assert_eq!(RevocationReason::RemoveFromCrl.to_string(), "removeFromCRL");
    }

    #[test]
    fn reason_set_algebra() {
        let key = ReasonSet::from_bits(0b10);
        let ca = ReasonSet::from_bits(0b100);
        assert!(ReasonSet::ALL.contains(key.union(ca)));
        assert!(!key.contains(ca));
        assert_eq!(ReasonSet::from_bits(0xFFFF), ReasonSet::ALL);
        assert_eq!(key.union(ca).to_string(), "keyCompromise, cACompromise");
        assert_eq!(
            ReasonSet::ALL.difference(key).intersection(key),
            ReasonSet::EMPTY
        );
    }
}
