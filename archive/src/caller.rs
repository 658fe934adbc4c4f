//! Who asks: the seed's roles, the token scope, and what each caller may see.

use std::fmt;
use std::str::FromStr;

/// The token scope the seed requires for `RetrieveArchiveEntries`.
///
/// Scopes are compared without regard to ASCII case (`codesign:manage` and
/// `Codesign:Manage` are the same scope).
pub const CODESIGN_MANAGE_SCOPE: &str = "Codesign:Manage";

/// The roles the seed lets call `RetrieveArchiveEntries`.
///
/// Their names ([`Role::name`]) are the CLI's `--role` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// Code Signing Administrator (`code-signing-administrator`): sees every entry.
    CodeSigningAdministrator,
    /// Code Signing Auditor (`code-signing-auditor`): sees only entries of the
    /// projects it is an auditor of.
    CodeSigningAuditor,
    /// Trust Protection Platform Auditor (`tpp-auditor`): sees every entry.
    TppAuditor,
    /// Trust Protection Platform Master Admin (`tpp-master-admin`): sees every entry.
    TppMasterAdmin,
}

impl Role {
    /// Every role, in the seed's order.
    pub const ALL: [Role; 4] = [
        Role::CodeSigningAdministrator,
        Role::CodeSigningAuditor,
        Role::TppAuditor,
        Role::TppMasterAdmin,
    ];

    /// The role's stable kebab-case name.
    pub fn name(self) -> &'static str {
        match self {
            Role::CodeSigningAdministrator => "code-signing-administrator",
            Role::CodeSigningAuditor => "code-signing-auditor",
            Role::TppAuditor => "tpp-auditor",
            Role::TppMasterAdmin => "tpp-master-admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A string that names no [`Role`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown role '{0}'; expected code-signing-administrator, code-signing-auditor, tpp-auditor or tpp-master-admin"
)]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.name() == s)
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

/// The identity behind a request: its role, its token's scopes and, for a
/// Code Signing Auditor, the projects it audits.
///
/// A new caller has no scope: add [`CODESIGN_MANAGE_SCOPE`] for it to be
/// allowed to retrieve anything.
///
/// ```
/// use validate_archive::{Caller, Role, CODESIGN_MANAGE_SCOPE};
/// let auditor = Caller::new(Role::CodeSigningAuditor)
///     .with_scope(CODESIGN_MANAGE_SCOPE)
///     .auditing("\\VED\\Code Signing\\Projects\\White List");
/// assert!(auditor.has_manage_scope());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    role: Role,
    scopes: Vec<String>,
    audited_projects: Vec<String>,
}

impl Caller {
    /// A caller in `role` with no scope and no audited project.
    pub fn new(role: Role) -> Self {
        Caller {
            role,
            scopes: Vec::new(),
            audited_projects: Vec::new(),
        }
    }

    /// Adds a token scope.
    pub fn with_scope(mut self, scope: impl Into<String>) -> Self {
        self.scopes.push(scope.into());
        self
    }

    /// Adds a project DN this caller is an auditor of. Only a
    /// [`Role::CodeSigningAuditor`] is limited by its projects; the DN must
    /// equal the entries' `Project` exactly (no wildcard).
    pub fn auditing(mut self, project_dn: impl Into<String>) -> Self {
        self.audited_projects.push(project_dn.into());
        self
    }

    /// The caller's role.
    pub fn role(&self) -> Role {
        self.role
    }

    /// Whether the token holds the `Codesign:Manage` scope.
    pub fn has_manage_scope(&self) -> bool {
        self.scopes
            .iter()
            .any(|s| s.eq_ignore_ascii_case(CODESIGN_MANAGE_SCOPE))
    }

    /// The projects this caller may see, or `None` when it sees every project.
    pub(crate) fn visible_projects(&self) -> Option<&[String]> {
        match self.role {
            // Seed: "Code Signing Auditors will see results only from the Code
            // Signing Projects where they are identified as an auditor."
            Role::CodeSigningAuditor => Some(&self.audited_projects),
            Role::CodeSigningAdministrator | Role::TppAuditor | Role::TppMasterAdmin => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_round_trip() {
        for role in Role::ALL {
            assert_eq!(role.name().parse::<Role>(), Ok(role));
        }
        assert!("admin".parse::<Role>().is_err());
    }

    #[test]
    fn scope_is_required_and_case_insensitive() {
        let c = Caller::new(Role::TppMasterAdmin);
        assert!(!c.has_manage_scope());
        assert!(!c.clone().with_scope("codesign").has_manage_scope());
        assert!(c.with_scope("codesign:manage").has_manage_scope());
    }

    #[test]
    fn only_code_signing_auditors_are_scoped() {
        let p = "\\VED\\Code Signing\\Projects\\A";
        for role in Role::ALL {
            let c = Caller::new(role).auditing(p);
            let audited = [p.to_owned()];
            let expected = (role == Role::CodeSigningAuditor).then_some(&audited[..]);
            assert_eq!(c.visible_projects(), expected);
        }
    }
}
