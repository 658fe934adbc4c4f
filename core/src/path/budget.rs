//! The work budget of one validation (ARCHITECTURE.md principle 3): one
//! [`Budget`] of limits, and one [`Meter`] per validation that every part of
//! it draws from: path building (issuer candidates, certificate
//! signatures), the paths of CRL signers and OCSP responders (which nest
//! inside it), CRL and OCSP signatures, and name-constraint comparisons. A
//! hostile pool or a mesh of CRL signers therefore cannot multiply the work:
//! whatever is nested, the total stays under the one budget, and its
//! exhaustion is reported once, as [`super::ResultCode::BudgetExhausted`].

use std::cell::{Cell, RefCell};
use std::fmt;

/// Limits on the work one validation may do. Exhaustion stops the search
/// and is reported as one finding; it never hangs or panics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Budget {
    /// Signature verifications of the whole validation: certificates of
    /// every candidate path, CRLs, OCSP responses, and the certificates of
    /// CRL-signer and OCSP-responder paths. 100 is rustls-webpki's number
    /// (`verify_cert.rs`, `Budget::signatures`), which covers every
    /// real-world path with its revocation data many times over; a memoised
    /// or cached verdict costs nothing.
    pub signature_checks: u32,
    /// Issuer candidates tried while building, CRL-signer paths included.
    /// rustls-webpki allows 200,000 calls of its chain builder, each cheap;
    /// here a candidate may cost a signature check (bounded by
    /// `signature_checks`), and 200 bounds the walk of a pool whose
    /// signatures are all memoised (a mesh of mutually cross-signed CAs
    /// whose keys have been verified once).
    pub candidates: u32,
    /// Certificates in a path, anchor included. Real paths are under 10
    /// deep; 16 leaves room while bounding recursion (the depth limit
    /// OpenSSL's default `X509_VERIFY_PARAM` depth of 100 is far above;
    /// Windows CryptoAPI and NSS stop far earlier in practice).
    pub depth: usize,
    /// Name-against-subtree comparisons in name-constraint checks, over all
    /// candidate paths (rustls-webpki's `name_constraint_comparisons`:
    /// 250,000; limbo's `pathological::nc-dos-*` cases stop here).
    pub name_constraint_checks: u32,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            signature_checks: 100,
            candidates: 200,
            depth: 16,
            name_constraint_checks: 250_000,
        }
    }
}

/// Which limit of the [`Budget`] ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Limit {
    SignatureChecks,
    Candidates,
    Depth,
    NameConstraintChecks,
}

/// The typed error of a spent budget: fatal to the search, not a reason to
/// try the next candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Exhausted {
    pub limit: Limit,
    pub value: u64,
}

impl fmt::Display for Exhausted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.limit {
            Limit::SignatureChecks => "signature checks (certificates, CRLs and OCSP responses)",
            Limit::Candidates => "issuer candidates",
            Limit::Depth => "certificates in a path",
            Limit::NameConstraintChecks => "name-constraint comparisons",
        };
        write!(
            f,
            "the validation used its budget of {} {what} (Budget, ARCHITECTURE.md principle 3)",
            self.value
        )
    }
}

/// The work done so far by one validation against its [`Budget`]. Shared by
/// reference between the path search, nested signer paths and the
/// revocation checker (one validation runs on one thread).
#[derive(Debug)]
pub(crate) struct Meter {
    limits: Budget,
    signature_checks: Cell<u32>,
    candidates: Cell<u32>,
    name_constraint_checks: Cell<u32>,
    exhausted: RefCell<Option<Exhausted>>,
}

impl Meter {
    /// A meter with nothing used.
    pub(crate) fn new(limits: Budget) -> Self {
        Meter {
            limits,
            signature_checks: Cell::new(0),
            candidates: Cell::new(0),
            name_constraint_checks: Cell::new(0),
            exhausted: RefCell::new(None),
        }
    }

    /// The limits.
    pub(crate) fn limits(&self) -> &Budget {
        &self.limits
    }

    fn take(&self, used: &Cell<u32>, limit: u32, which: Limit) -> Result<(), Exhausted> {
        if used.get() >= limit {
            return Err(self.exhaust(which));
        }
        used.set(used.get() + 1);
        Ok(())
    }

    /// Records that `which` ran out (the first exhaustion is kept) and
    /// returns the error.
    pub(crate) fn exhaust(&self, which: Limit) -> Exhausted {
        let value = match which {
            Limit::SignatureChecks => u64::from(self.limits.signature_checks),
            Limit::Candidates => u64::from(self.limits.candidates),
            Limit::Depth => self.limits.depth as u64,
            Limit::NameConstraintChecks => u64::from(self.limits.name_constraint_checks),
        };
        let error = Exhausted {
            limit: which,
            value,
        };
        self.exhausted.borrow_mut().get_or_insert(error);
        error
    }

    /// Takes one signature check.
    pub(crate) fn signature_check(&self) -> Result<(), Exhausted> {
        self.take(
            &self.signature_checks,
            self.limits.signature_checks,
            Limit::SignatureChecks,
        )
    }

    /// Takes one issuer candidate.
    pub(crate) fn candidate(&self) -> Result<(), Exhausted> {
        self.take(&self.candidates, self.limits.candidates, Limit::Candidates)
    }

    /// Name-constraint comparisons left.
    pub(crate) fn name_constraint_checks_left(&self) -> u32 {
        self.limits
            .name_constraint_checks
            .saturating_sub(self.name_constraint_checks.get())
    }

    /// Records `n` name-constraint comparisons.
    pub(crate) fn spend_name_constraint_checks(&self, n: u32) {
        let used = self.name_constraint_checks.get().saturating_add(n);
        self.name_constraint_checks.set(used);
    }

    /// The first limit that ran out, if any.
    pub(crate) fn exhausted(&self) -> Option<Exhausted> {
        *self.exhausted.borrow()
    }

    /// True when any limit ran out: the search stops.
    pub(crate) fn is_exhausted(&self) -> bool {
        self.exhausted.borrow().is_some()
    }

    /// Signature checks used so far.
    pub(crate) fn signature_checks_used(&self) -> u32 {
        self.signature_checks.get()
    }
}
