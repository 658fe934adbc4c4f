//! Name constraints (RFC 5280 4.2.1.10): the name spaces that CA
//! certificates impose on every certificate below them in a path, merged as
//! in RFC 5280 6.1.4 (g) and checked as in 6.1.3 (b) and (c).
//!
//! Permitted subtrees are kept per certificate: a name must lie in a subtree
//! of its form from every certificate that constrained that form, which is
//! the intersection of 6.1.4 (g)(i) without computing it. Excluded subtrees
//! are one union (6.1.4 (g)(ii)). Every comparison of a name with a subtree
//! spends one unit of the caller's budget, so that hostile certificates
//! (thousands of names against thousands of subtrees) stop early.

use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};

use der::asn1::ObjectIdentifier;
use x509_cert::ext::pkix::constraints::name::GeneralSubtree;
use x509_cert::ext::pkix::name::GeneralName;

use crate::cert::extensions::oid;
use crate::cert::{Certificate, DistinguishedName, ExtensionValue};
use crate::path::ResultCode;

use super::dns_name::DnsSyntaxError;
use super::findings::Finding;
use super::name_match::NameKey;

/// emailAddress (PKCS #9, RFC 2985): the legacy e-mail attribute of subject
/// names, constrained like an rfc822Name (RFC 5280 4.2.1.10).
const EMAIL_ADDRESS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.1");

/// Number of [`Form`]s.
const FORMS: usize = 8;

/// The GeneralName forms (RFC 5280 4.2.1.6) that can appear in a
/// certificate. `x400Address` is missing because x509-cert cannot decode it:
/// an extension holding one is malformed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    OtherName,
    Rfc822,
    Dns,
    Directory,
    EdiParty,
    Uri,
    Ip,
    RegisteredId,
}

impl Form {
    fn of(name: &GeneralName) -> Form {
        match name {
            GeneralName::OtherName(_) => Form::OtherName,
            GeneralName::Rfc822Name(_) => Form::Rfc822,
            GeneralName::DnsName(_) => Form::Dns,
            GeneralName::DirectoryName(_) => Form::Directory,
            GeneralName::EdiPartyName(_) => Form::EdiParty,
            GeneralName::UniformResourceIdentifier(_) => Form::Uri,
            GeneralName::IpAddress(_) => Form::Ip,
            GeneralName::RegisteredId(_) => Form::RegisteredId,
        }
    }

    fn index(self) -> usize {
        self as usize
    }

    /// The ASN.1 name of the form.
    fn label(self) -> &'static str {
        match self {
            Form::OtherName => "otherName",
            Form::Rfc822 => "rfc822Name",
            Form::Dns => "dNSName",
            Form::Directory => "directoryName",
            Form::EdiParty => "ediPartyName",
            Form::Uri => "uniformResourceIdentifier",
            Form::Ip => "iPAddress",
            Form::RegisteredId => "registeredID",
        }
    }
}

/// A host constraint of an rfc822Name or URI subtree (RFC 5280 4.2.1.10).
#[derive(Debug, Clone)]
enum HostBase {
    /// `host.example.com`: that host only.
    Host(String),
    /// `.example.com`: any host below `example.com`, not `example.com` itself.
    Below(String),
}

/// The base of an rfc822Name subtree (RFC 5280 4.2.1.10).
#[derive(Debug, Clone)]
enum EmailBase {
    /// `user@host`: that mailbox only.
    Mailbox { local: String, host: String },
    /// A host or a domain: every mailbox there.
    Host(HostBase),
}

/// A subtree's base, validated and normalised for comparison.
#[derive(Debug, Clone)]
enum Base {
    /// Lowercase, without leading or trailing period; `""` holds every name.
    Dns(String),
    Email(EmailBase),
    Uri(HostBase),
    /// Network address (masked) and mask, both 4 or both 16 octets.
    Ip {
        addr: Vec<u8>,
        mask: Vec<u8>,
    },
    Directory(NameKey),
    /// otherName, ediPartyName, registeredID: forms this crate does not
    /// compare; names of these forms are reported as unsupported.
    Unsupported,
}

#[derive(Debug, Clone)]
struct Subtree {
    base: Base,
    /// The base as written in the certificate, for reports.
    shown: String,
    /// Index into [`NameConstraintsState::sources`].
    source: usize,
}

/// Subtrees of one certificate, by [`Form`] index.
type ByForm = [Vec<Subtree>; FORMS];

/// The name-constraint state of a path being validated (RFC 5280 6.1.2 (b)
/// and (c)): starts unbounded and empty, grows with each CA certificate.
#[derive(Debug, Clone, Default)]
pub(crate) struct NameConstraintsState {
    /// Subjects of the certificates whose constraints were merged, for reports.
    sources: Vec<String>,
    /// One entry per certificate with permittedSubtrees. A form without a
    /// subtree in an entry is not bounded by that certificate.
    permitted: Vec<ByForm>,
    /// excludedSubtrees of every certificate.
    excluded: ByForm,
}

/// A name of the certificate being checked.
struct Candidate {
    /// Where the name comes from and its text, for reports.
    shown: String,
    name: CandidateName,
}

enum CandidateName {
    /// Lowercase; for a wildcard `*.example.com`, `name` is `example.com`.
    Dns {
        name: String,
        wildcard: bool,
    },
    /// Local part as written (compared case-sensitively), host lowercase.
    Email {
        local: String,
        host: String,
    },
    /// The URI's host, lowercase.
    Uri(String),
    Ip(Vec<u8>),
    Directory(NameKey),
    Unsupported(Form),
    /// A name that does not parse as its form; it can lie in no subtree.
    Malformed(Form, String),
}

impl CandidateName {
    fn form(&self) -> Form {
        match self {
            CandidateName::Dns { .. } => Form::Dns,
            CandidateName::Email { .. } => Form::Rfc822,
            CandidateName::Uri(_) => Form::Uri,
            CandidateName::Ip(_) => Form::Ip,
            CandidateName::Directory(_) => Form::Directory,
            CandidateName::Unsupported(form) | CandidateName::Malformed(form, _) => *form,
        }
    }
}

/// The budget ran out.
struct Exhausted;

/// Why a name, or the base of a subtree, does not parse as its form.
#[derive(Debug, Clone, PartialEq, Eq)]
enum NameSyntax {
    /// Not a DNS name in preferred name syntax (the name, cut for a report).
    Dns { name: String, why: DnsSyntaxError },
    /// Not a mailbox `local-part@host` (RFC 5322 3.4.1).
    Mailbox(String),
    /// A URI without a domain-name host (RFC 3986, RFC 5280 4.2.1.10).
    Uri { uri: String, problem: UriProblem },
}

/// What a URI lacks for a URI name constraint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UriProblem {
    NoScheme,
    BadScheme,
    NoAuthority,
    IpHost,
    BadPort,
    EmptyHost,
}

impl std::fmt::Display for NameSyntax {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NameSyntax::Dns { name, why } => write!(f, "{name:?} is not a DNS name: {why}"),
            NameSyntax::Mailbox(s) => {
                write!(f, "{s:?} is not a mailbox local-part@host (RFC 5322 3.4.1)")
            }
            NameSyntax::Uri { uri, problem } => match problem {
                UriProblem::NoScheme => write!(f, "{uri:?} has no scheme (RFC 3986 3)"),
                UriProblem::BadScheme => write!(f, "{uri:?} has an invalid scheme (RFC 3986 3.1)"),
                UriProblem::NoAuthority => write!(
                    f,
                    "{uri:?} has no authority, so no host (RFC 5280 4.2.1.10)"
                ),
                UriProblem::IpHost => write!(
                    f,
                    "{uri:?} names its host by IP address, not by domain name (RFC 5280 4.2.1.10)"
                ),
                UriProblem::BadPort => write!(f, "{uri:?} has an invalid port (RFC 3986 3.2.3)"),
                UriProblem::EmptyHost => {
                    write!(f, "{uri:?} has an empty host (RFC 5280 4.2.1.10)")
                }
            },
        }
    }
}

/// A nameConstraints extension that breaks RFC 5280 4.2.1.10, for the
/// path's InvalidNameConstraints finding.
fn invalid_constraint(detail: impl std::fmt::Display) -> Finding {
    Finding::unplaced(ResultCode::InvalidNameConstraints, detail.to_string())
}

impl NameConstraintsState {
    /// No constraint: every name is permitted (RFC 5280 6.1.1 (b) and (c)).
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Merges a CA certificate's nameConstraints (RFC 5280 6.1.4 (g)); a
    /// certificate without the extension changes nothing. `Err` is the
    /// InvalidNameConstraints finding saying why the extension is invalid
    /// (its certificate is for the caller to place); the state is then
    /// unchanged.
    pub(crate) fn add(&mut self, cert: &Certificate) -> Result<(), Finding> {
        let Some(ext) = cert.extension(&oid::NAME_CONSTRAINTS) else {
            return Ok(());
        };
        let subject = clip(cert.subject().to_string());
        let context = format!("nameConstraints of \"{subject}\"");
        let invalid = |finding: Finding| finding.context(&context);
        let nc = match ext.value() {
            ExtensionValue::NameConstraints(nc) => nc,
            ExtensionValue::Malformed(why) => {
                return Err(invalid(invalid_constraint(format!(
                    "does not decode: {why} (RFC 5280 4.2.1.10)"
                ))));
            }
            _ => {
                return Err(invalid(invalid_constraint(
                    "is not a NameConstraints value",
                )));
            }
        };
        // RFC 5280 4.2.1.10: "Conforming CAs MUST NOT issue certificates
        // where name constraints is an empty sequence."
        if nc.permitted_subtrees.is_none() && nc.excluded_subtrees.is_none() {
            return Err(invalid(invalid_constraint(
                "neither permittedSubtrees nor excludedSubtrees is present; the extension \
                 MUST NOT be an empty sequence (RFC 5280 4.2.1.10)",
            )));
        }
        let source = self.sources.len();
        let permitted = nc
            .permitted_subtrees
            .as_deref()
            .map(|list| parse_subtrees(list, "permittedSubtrees", source))
            .transpose()
            .map_err(invalid)?;
        let excluded = nc
            .excluded_subtrees
            .as_deref()
            .map(|list| parse_subtrees(list, "excludedSubtrees", source))
            .transpose()
            .map_err(invalid)?;
        self.sources.push(subject);
        // RFC 5280 6.1.4 (g)(i): permitted = intersection with the new subtrees.
        if let Some(permitted) = permitted {
            self.permitted.push(permitted);
        }
        // RFC 5280 6.1.4 (g)(ii): excluded = union with the new subtrees.
        if let Some(excluded) = excluded {
            for (all, new) in self.excluded.iter_mut().zip(excluded) {
                all.extend(new);
            }
        }
        Ok(())
    }

    /// Checks a certificate's names against the state (RFC 5280 6.1.3 (b)
    /// and (c)): the subject DN when not empty, its emailAddress attributes
    /// as rfc822Names, and every subjectAltName entry.
    ///
    /// `self_issued_non_final` is true for a self-issued certificate that is
    /// not the last of the path; RFC 5280 6.1.3 (b) and (c) skip such a
    /// certificate entirely (subject DN and subjectAltName), so that CAs can
    /// roll their keys over.
    ///
    /// Returns every violation with the result code it raises. `budget` is
    /// decreased by one per name-versus-subtree comparison; `Err` is the
    /// BudgetExhausted finding when it runs out.
    pub(crate) fn check(
        &self,
        cert: &Certificate,
        self_issued_non_final: bool,
        budget: &mut u32,
    ) -> Result<Vec<(ResultCode, String)>, Finding> {
        let mut findings = Vec::new();
        // RFC 5280 6.1.3 (b), (c): "If certificate i is self-issued and it is
        // not the final certificate in the path, skip this step".
        if self_issued_non_final {
            return Ok(findings);
        }
        let constrained = self.constrained_forms();
        if !constrained.iter().any(|c| *c) {
            return Ok(findings);
        }
        let candidates = candidates(cert, &constrained, &mut findings);
        for candidate in &candidates {
            self.check_candidate(candidate, budget, &mut findings)
                .map_err(|Exhausted| {
                    Finding::unplaced(
                        ResultCode::BudgetExhausted,
                        format!(
                            "name-constraint budget exhausted checking {} names of \"{}\" against \
                         {} subtrees (RFC 5280 6.1.3 (b), (c); the limit stops hostile \
                         certificates)",
                            candidates.len(),
                            clip(cert.subject().to_string()),
                            self.subtree_count()
                        ),
                    )
                })?;
        }
        Ok(findings)
    }

    /// Which forms any subtree constrains.
    fn constrained_forms(&self) -> [bool; FORMS] {
        let mut forms = [false; FORMS];
        for (i, form) in forms.iter_mut().enumerate() {
            *form = !self.excluded[i].is_empty() || self.permitted.iter().any(|p| !p[i].is_empty());
        }
        forms
    }

    /// The subject of the certificate that set a subtree.
    fn source(&self, index: usize) -> &str {
        self.sources.get(index).map_or("", String::as_str)
    }

    fn subtree_count(&self) -> usize {
        let permitted: usize = self.permitted.iter().flatten().map(Vec::len).sum();
        permitted + self.excluded.iter().map(Vec::len).sum::<usize>()
    }

    fn check_candidate(
        &self,
        candidate: &Candidate,
        budget: &mut u32,
        findings: &mut Vec<(ResultCode, String)>,
    ) -> Result<(), Exhausted> {
        let form = candidate.name.form();
        let shown = &candidate.shown;
        match &candidate.name {
            // RFC 5280 4.2.1.10: "If a name constraints extension that is
            // marked as critical imposes constraints on a particular name
            // form, and an instance of that name form appears [...], then the
            // application MUST either process the constraint or reject the
            // certificate." Applied whatever the criticality.
            CandidateName::Unsupported(_) => {
                findings.push((
                    ResultCode::NameConstraintUnsupported,
                    format!(
                        "{shown}: the path constrains {} names, which are not compared \
                         (RFC 5280 4.2.1.10: process the constraint or reject)",
                        form.label()
                    ),
                ));
                return Ok(());
            }
            // A malformed name is within no subtree; with only excluded
            // subtrees it cannot be shown to lie outside them either.
            CandidateName::Malformed(_, why) => {
                if self.permitted.iter().any(|p| !p[form.index()].is_empty()) {
                    findings.push((
                        ResultCode::NameNotPermitted,
                        format!(
                            "{shown} is malformed ({why}), so it is within no permitted {} \
                             subtree (RFC 5280 6.1.3 (b))",
                            form.label()
                        ),
                    ));
                } else {
                    findings.push((
                        ResultCode::NameExcluded,
                        format!(
                            "{shown} is malformed ({why}), so it cannot be shown to lie outside \
                             the excluded {} subtrees (RFC 5280 6.1.3 (c))",
                            form.label()
                        ),
                    ));
                }
                return Ok(());
            }
            _ => {}
        }
        // RFC 5280 6.1.3 (b): within a permitted subtree of every
        // certificate that constrained this form.
        for set in &self.permitted {
            let subtrees = &set[form.index()];
            if subtrees.is_empty() {
                continue;
            }
            let mut within = false;
            for subtree in subtrees {
                spend(budget)?;
                if permits(&candidate.name, &subtree.base) {
                    within = true;
                    break;
                }
            }
            if !within {
                let source = self.source(subtrees[0].source);
                findings.push((
                    ResultCode::NameNotPermitted,
                    format!(
                        "{shown} is not within the permitted subtrees of \"{source}\" ({}) \
                         (RFC 5280 6.1.3 (b))",
                        list_subtrees(subtrees)
                    ),
                ));
            }
        }
        // RFC 5280 6.1.3 (c): within no excluded subtree.
        for subtree in &self.excluded[form.index()] {
            spend(budget)?;
            if excludes(&candidate.name, &subtree.base) {
                findings.push((
                    ResultCode::NameExcluded,
                    format!(
                        "{shown} is within the excluded subtree {} of \"{}\" (RFC 5280 6.1.3 (c))",
                        subtree.shown,
                        self.source(subtree.source)
                    ),
                ));
                break;
            }
        }
        Ok(())
    }
}

/// Names in reports are cut to this many characters: a hostile
/// certificate's subject can be tens of kilobytes.
const SHOWN_CHARS: usize = 200;

fn clip(text: String) -> String {
    match text.char_indices().nth(SHOWN_CHARS) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text,
    }
}

fn spend(budget: &mut u32) -> Result<(), Exhausted> {
    *budget = budget.checked_sub(1).ok_or(Exhausted)?;
    Ok(())
}

/// The first few subtrees, for a report.
fn list_subtrees(subtrees: &[Subtree]) -> String {
    const SHOWN: usize = 3;
    let mut text = subtrees
        .iter()
        .take(SHOWN)
        .map(|s| s.shown.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    if subtrees.len() > SHOWN {
        let _ = write!(text, ", ... {} in all", subtrees.len());
    }
    text
}

/// Validates GeneralSubtrees (RFC 5280 4.2.1.10) and sorts them by form.
fn parse_subtrees(list: &[GeneralSubtree], field: &str, source: usize) -> Result<ByForm, Finding> {
    // GeneralSubtrees ::= SEQUENCE SIZE (1..MAX) OF GeneralSubtree
    if list.is_empty() {
        return Err(invalid_constraint(format!(
            "{field} is an empty sequence; GeneralSubtrees is SIZE (1..MAX) (RFC 5280 4.2.1.10)"
        )));
    }
    let mut by_form = ByForm::default();
    for (i, subtree) in list.iter().enumerate() {
        let shown = clip(show_general_name(&subtree.base, true));
        // RFC 5280 4.2.1.10: "the minimum MUST be zero, and maximum MUST be absent".
        if subtree.minimum != 0 {
            return Err(invalid_constraint(format!(
                "{field} entry {i} ({shown}) has minimum {}; it MUST be zero (RFC 5280 4.2.1.10)",
                subtree.minimum
            )));
        }
        if let Some(maximum) = subtree.maximum {
            return Err(invalid_constraint(format!(
                "{field} entry {i} ({shown}) has maximum {maximum}; it MUST be absent \
                 (RFC 5280 4.2.1.10)"
            )));
        }
        let base = parse_base(&subtree.base)
            .map_err(|why| why.context(format_args!("{field} entry {i} ({shown})")))?;
        by_form[Form::of(&subtree.base).index()].push(Subtree {
            base,
            shown,
            source,
        });
    }
    Ok(by_form)
}

/// Validates one subtree base (RFC 5280 4.2.1.10).
fn parse_base(name: &GeneralName) -> Result<Base, Finding> {
    match name {
        GeneralName::DnsName(s) => {
            let s = s.as_str();
            // RFC 5280 4.2.1.10: "DNS name restrictions are expressed as
            // host.example.com": no wildcard, and no leading period (that
            // form belongs to URI and rfc822Name constraints only). An empty
            // constraint holds every name.
            if s.contains('*') {
                return Err(invalid_constraint(
                    "a dNSName constraint cannot hold a wildcard (RFC 5280 4.2.1.10)",
                ));
            }
            if s.starts_with('.') {
                return Err(invalid_constraint(
                    "a dNSName constraint cannot start with a period; that form is for URI and \
                     rfc822Name constraints (RFC 5280 4.2.1.10)",
                ));
            }
            if !s.is_empty() {
                dns_syntax(s).map_err(invalid_constraint)?;
            }
            Ok(Base::Dns(s.to_ascii_lowercase()))
        }
        GeneralName::Rfc822Name(s) => {
            let s = s.as_str();
            // RFC 5280 4.2.1.10: a mailbox, a host, or a domain with a
            // leading period.
            if s.contains('@') {
                let (local, host) = split_mailbox(s).map_err(invalid_constraint)?;
                dns_syntax(host).map_err(invalid_constraint)?;
                Ok(Base::Email(EmailBase::Mailbox {
                    local: local.to_string(),
                    host: host.to_ascii_lowercase(),
                }))
            } else {
                host_base(s).map(|h| Base::Email(EmailBase::Host(h)))
            }
        }
        // RFC 5280 4.2.1.10: a host, or a domain with a leading period.
        GeneralName::UniformResourceIdentifier(s) => host_base(s.as_str()).map(Base::Uri),
        GeneralName::IpAddress(octets) => {
            // RFC 5280 4.2.1.10: address then mask, 8 octets for IPv4 and
            // 32 for IPv6; the mask is a CIDR prefix.
            let bytes = octets.as_bytes();
            if bytes.len() != 8 && bytes.len() != 32 {
                return Err(invalid_constraint(format!(
                    "an iPAddress constraint is an address and a mask of 8 (IPv4) or 32 (IPv6) \
                     octets, not {} (RFC 5280 4.2.1.10)",
                    bytes.len()
                )));
            }
            let (addr, mask) = bytes.split_at(bytes.len() / 2);
            if prefix_len(mask).is_none() {
                return Err(invalid_constraint(
                    "the iPAddress constraint's mask is not contiguous (RFC 4632 CIDR, RFC 5280 \
                     4.2.1.10)",
                ));
            }
            Ok(Base::Ip {
                addr: addr.iter().zip(mask).map(|(a, m)| a & m).collect(),
                mask: mask.to_vec(),
            })
        }
        GeneralName::DirectoryName(name) => {
            DistinguishedName::from_name(name, "directoryName constraint")
                .map(|dn| Base::Directory(NameKey::of(&dn)))
                .map_err(invalid_constraint)
        }
        GeneralName::OtherName(_) | GeneralName::EdiPartyName(_) | GeneralName::RegisteredId(_) => {
            Ok(Base::Unsupported)
        }
    }
}

/// `host.example.com` or `.example.com` (RFC 5280 4.2.1.10, URI and rfc822Name).
fn host_base(s: &str) -> Result<HostBase, Finding> {
    let (below, host) = match s.strip_prefix('.') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    if host.contains('*') {
        return Err(invalid_constraint(
            "a host constraint cannot hold a wildcard (RFC 5280 4.2.1.10)",
        ));
    }
    dns_syntax(host).map_err(invalid_constraint)?;
    let host = host.to_ascii_lowercase();
    Ok(if below {
        HostBase::Below(host)
    } else {
        HostBase::Host(host)
    })
}

/// DNS name syntax for comparisons: the one rule of `dns_name.rs` (RFC
/// 5280 4.2.1.6 preferred name syntax, no underscore). Wildcards are
/// handled by callers.
fn dns_syntax(name: &str) -> Result<(), NameSyntax> {
    super::dns_name::check(name).map_err(|why| NameSyntax::Dns {
        name: clip(name.to_string()),
        why,
    })
}

/// Splits `local@host` (RFC 5322 3.4.1 addr-spec, as RFC 5280 4.2.1.6 asks
/// of rfc822Name): the local part is a dot-atom or a quoted string.
fn split_mailbox(s: &str) -> Result<(&str, &str), NameSyntax> {
    let bad = || NameSyntax::Mailbox(s.to_string());
    let at = if s.starts_with('"') {
        // Quoted local part: up to the closing quote, `\` escaping one character.
        let bytes = s.as_bytes();
        let mut i = 1;
        let close = loop {
            match bytes.get(i) {
                None => return Err(bad()),
                Some(b'\\') => i += 2,
                Some(b'"') => break i,
                Some(_) => i += 1,
            }
        };
        if bytes.get(close + 1) != Some(&b'@') || close < 2 {
            return Err(bad());
        }
        close + 1
    } else {
        let at = s.find('@').ok_or_else(bad)?;
        let local = &s[..at];
        let atext = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~".contains(&b);
        if local.is_empty()
            || local
                .split('.')
                .any(|atom| atom.is_empty() || !atom.bytes().all(atext))
        {
            return Err(bad());
        }
        at
    };
    let host = &s[at + 1..];
    if host.is_empty() || host.contains('@') {
        return Err(bad());
    }
    Ok((&s[..at], host))
}

/// The host of a URI (RFC 3986 3.2.2), lowercase. RFC 5280 4.2.1.10: a URI
/// without an authority holding a fully qualified domain name (none, or an
/// IP address) cannot satisfy a URI constraint.
fn uri_host(uri: &str) -> Result<String, NameSyntax> {
    let bad = |problem| NameSyntax::Uri {
        uri: uri.to_string(),
        problem,
    };
    let (scheme, rest) = uri
        .split_once(':')
        .ok_or_else(|| bad(UriProblem::NoScheme))?;
    let scheme_ok = scheme
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic())
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b));
    if !scheme_ok {
        return Err(bad(UriProblem::BadScheme));
    }
    let authority = rest
        .strip_prefix("//")
        .ok_or_else(|| bad(UriProblem::NoAuthority))?;
    let end = authority.find(['/', '?', '#']).unwrap_or(authority.len());
    let authority = &authority[..end];
    let host_port = authority.rsplit('@').next().unwrap_or(authority);
    if host_port.starts_with('[') {
        return Err(bad(UriProblem::IpHost));
    }
    let host = match host_port.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
        Some(_) => return Err(bad(UriProblem::BadPort)),
        None => host_port,
    };
    if host.is_empty() {
        return Err(bad(UriProblem::EmptyHost));
    }
    dns_syntax(host)?;
    if host
        .rsplit('.')
        .next()
        .is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(bad(UriProblem::IpHost));
    }
    Ok(host.to_ascii_lowercase())
}

/// A subjectAltName dNSName: lowercase, with `*.` split off. RFC 5280
/// 4.2.1.6 requires the preferred name syntax; a name that is not one lies in
/// no subtree.
fn dns_candidate(s: &str) -> CandidateName {
    let (wildcard, name) = match s.strip_prefix("*.") {
        Some(base) => (true, base),
        None => (false, s),
    };
    if name.contains('*') {
        return CandidateName::Malformed(
            Form::Dns,
            format!("{s:?} has a wildcard other than a whole leftmost label"),
        );
    }
    match dns_syntax(name) {
        Ok(()) => CandidateName::Dns {
            name: name.to_ascii_lowercase(),
            wildcard,
        },
        Err(why) => CandidateName::Malformed(Form::Dns, why.to_string()),
    }
}

fn email_candidate(s: &str) -> CandidateName {
    match split_mailbox(s).and_then(|(local, host)| dns_syntax(host).map(|()| (local, host))) {
        Ok((local, host)) => CandidateName::Email {
            local: local.to_string(),
            host: host.to_ascii_lowercase(),
        },
        Err(why) => CandidateName::Malformed(Form::Rfc822, why.to_string()),
    }
}

fn candidate_of(name: &GeneralName) -> CandidateName {
    match name {
        GeneralName::DnsName(s) => dns_candidate(s.as_str()),
        GeneralName::Rfc822Name(s) => email_candidate(s.as_str()),
        GeneralName::UniformResourceIdentifier(s) => match uri_host(s.as_str()) {
            Ok(host) => CandidateName::Uri(host),
            Err(why) => CandidateName::Malformed(Form::Uri, why.to_string()),
        },
        GeneralName::IpAddress(octets) => match octets.as_bytes().len() {
            4 | 16 => CandidateName::Ip(octets.as_bytes().to_vec()),
            n => CandidateName::Malformed(
                Form::Ip,
                format!("an iPAddress name is 4 or 16 octets, not {n} (RFC 5280 4.2.1.6)"),
            ),
        },
        GeneralName::DirectoryName(name) => {
            match DistinguishedName::from_name(name, "directoryName") {
                Ok(dn) => CandidateName::Directory(NameKey::of(&dn)),
                Err(e) => CandidateName::Malformed(Form::Directory, e.to_string()),
            }
        }
        other => CandidateName::Unsupported(Form::of(other)),
    }
}

/// The names of `cert` of the constrained forms (RFC 5280 6.1.3 (b), (c)).
fn candidates(
    cert: &Certificate,
    constrained: &[bool; FORMS],
    findings: &mut Vec<(ResultCode, String)>,
) -> Vec<Candidate> {
    let mut out = Vec::new();
    let subject = cert.subject();
    // RFC 5280 4.2.1.10: directoryName restrictions apply to the subject
    // "when the certificate includes a non-empty subject field".
    if constrained[Form::Directory.index()] && !subject.is_empty() {
        out.push(Candidate {
            shown: clip(format!("subject \"{subject}\"")),
            name: CandidateName::Directory(NameKey::of(subject)),
        });
    }
    // RFC 5280 4.2.1.10: rfc822Name constraints apply to emailAddress
    // attributes of the subject too.
    if constrained[Form::Rfc822.index()] {
        for attr in subject.attributes().filter(|a| a.oid() == EMAIL_ADDRESS) {
            let (shown, name) = match attr.text() {
                Some(text) => (
                    clip(format!("subject emailAddress {text:?}")),
                    email_candidate(text),
                ),
                None => (
                    "subject emailAddress".to_string(),
                    CandidateName::Malformed(Form::Rfc822, "not a string".to_string()),
                ),
            };
            out.push(Candidate { shown, name });
        }
    }
    match cert.extension(&oid::SUBJECT_ALT_NAME).map(|e| e.value()) {
        Some(ExtensionValue::SubjectAltName(san)) => {
            for name in &san.0 {
                if constrained[Form::of(name).index()] {
                    out.push(Candidate {
                        shown: clip(format!("subjectAltName {}", show_general_name(name, false))),
                        name: candidate_of(name),
                    });
                }
            }
        }
        Some(ExtensionValue::Malformed(why)) => findings.push((
            ResultCode::NameConstraintUnsupported,
            format!(
                "the subjectAltName of \"{}\" does not decode ({why}), so its names cannot \
                 be checked against the path's name constraints (RFC 5280 6.1.3 (b), (c))",
                clip(subject.to_string())
            ),
        )),
        _ => {}
    }
    out
}

/// True when the name lies in the subtree (RFC 5280 4.2.1.10).
fn permits(name: &CandidateName, base: &Base) -> bool {
    match (name, base) {
        // "Any DNS name that can be constructed by simply adding zero or
        // more labels to the left-hand side of the name satisfies the name
        // constraint." Every name a wildcard stands for lies in the subtree
        // exactly when its base does.
        (CandidateName::Dns { name, .. }, Base::Dns(base)) => dns_within(name, base),
        // Mailbox: local part case-sensitive, host case-insensitive (RFC
        // 5280 7.5); `*` in a constraint is a literal character.
        (
            CandidateName::Email { local, host },
            Base::Email(EmailBase::Mailbox {
                local: base_local,
                host: base_host,
            }),
        ) => local == base_local && host == base_host,
        (CandidateName::Email { host, .. }, Base::Email(EmailBase::Host(base))) => {
            host_within(host, base)
        }
        (CandidateName::Uri(host), Base::Uri(base)) => host_within(host, base),
        // Same family and the masked address matches; an IPv4 name never
        // lies in an IPv6 subtree.
        (CandidateName::Ip(octets), Base::Ip { addr, mask }) => {
            octets.len() == addr.len()
                && octets
                    .iter()
                    .zip(mask)
                    .zip(addr)
                    .all(|((o, m), a)| o & m == *a)
        }
        // The constraint's RDNs are the first RDNs of the name.
        (CandidateName::Directory(name), Base::Directory(base)) => name.starts_with(base),
        _ => false,
    }
}

/// True when the name overlaps the excluded subtree. A wildcard
/// `*.example.com` overlaps a subtree that holds one of the names it stands
/// for: `example.com` and above, or one label below (`bar.example.com`).
fn excludes(name: &CandidateName, base: &Base) -> bool {
    if permits(name, base) {
        return true;
    }
    match (name, base) {
        (
            CandidateName::Dns {
                name,
                wildcard: true,
            },
            Base::Dns(base),
        ) => base
            .strip_suffix(name.as_str())
            .and_then(|rest| rest.strip_suffix('.'))
            .is_some_and(|label| !label.is_empty() && !label.contains('.')),
        _ => false,
    }
}

/// `name` is `base` or below it; the empty base holds every name.
fn dns_within(name: &str, base: &str) -> bool {
    base.is_empty() || name == base || is_below(name, base)
}

/// `name` is strictly below `base` (at least one more label).
fn is_below(name: &str, base: &str) -> bool {
    name.strip_suffix(base)
        .is_some_and(|rest| rest.len() > 1 && rest.ends_with('.'))
}

fn host_within(host: &str, base: &HostBase) -> bool {
    match base {
        HostBase::Host(h) => host == h,
        HostBase::Below(domain) => is_below(host, domain),
    }
}

/// Length of a CIDR mask, `None` when the ones are not contiguous.
fn prefix_len(mask: &[u8]) -> Option<u32> {
    let mut ones = 0;
    let mut seen_zero = false;
    for byte in mask {
        let lead = byte.leading_ones();
        if (seen_zero && *byte != 0) || byte.checked_shl(lead).unwrap_or(0) != 0 {
            return None;
        }
        ones += lead;
        seen_zero |= lead < 8;
    }
    Some(ones)
}

/// A GeneralName for reports; `constraint` shows iPAddress as address/prefix.
fn show_general_name(name: &GeneralName, constraint: bool) -> String {
    let form = Form::of(name).label();
    match name {
        GeneralName::DnsName(s)
        | GeneralName::Rfc822Name(s)
        | GeneralName::UniformResourceIdentifier(s) => format!("{form} {:?}", s.as_str()),
        GeneralName::IpAddress(octets) => {
            format!("{form} {}", show_ip(octets.as_bytes(), constraint))
        }
        GeneralName::DirectoryName(n) => match DistinguishedName::from_name(n, "directoryName") {
            Ok(dn) => format!("{form} \"{dn}\""),
            Err(_) => format!("{form} (undecodable)"),
        },
        GeneralName::OtherName(other) => format!("{form} {}", other.type_id),
        GeneralName::RegisteredId(id) => format!("{form} {id}"),
        GeneralName::EdiPartyName(_) => form.to_string(),
    }
}

fn show_ip(octets: &[u8], constraint: bool) -> String {
    let address = |b: &[u8]| match b.len() {
        4 => <[u8; 4]>::try_from(b)
            .ok()
            .map(|a| Ipv4Addr::from(a).to_string()),
        16 => <[u8; 16]>::try_from(b)
            .ok()
            .map(|a| Ipv6Addr::from(a).to_string()),
        _ => None,
    };
    let hex = || {
        octets
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    if constraint && (octets.len() == 8 || octets.len() == 32) {
        let (addr, mask) = octets.split_at(octets.len() / 2);
        match (address(addr), prefix_len(mask)) {
            (Some(a), Some(p)) => format!("{a}/{p}"),
            _ => format!("0x{}", hex()),
        }
    } else {
        address(octets).unwrap_or_else(|| format!("0x{}", hex()))
    }
}

/// Builds test certificates from DER pieces: any extension content, valid or
/// not, without a signature that anything checks.
#[cfg(test)]
pub(crate) mod test_der {
    use der::Encode;

    use crate::cert::Certificate;

    /// A TLV with a definite length.
    pub(crate) use crate::cms::tlv::encode as tlv;

    pub(crate) fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
        tlv(0x30, &parts.concat())
    }

    pub(crate) fn oid(dotted: &str) -> Vec<u8> {
        der::asn1::ObjectIdentifier::new_unwrap(dotted)
            .to_der()
            .unwrap()
    }

    /// A Name of RDNs, each a list of (type OID, UTF8String value); the
    /// emailAddress type gets an IA5String as PKCS #9 says.
    pub(crate) fn name(rdns: &[&[(&str, &str)]]) -> Vec<u8> {
        let rdns: Vec<Vec<u8>> = rdns
            .iter()
            .map(|rdn| {
                let attrs: Vec<Vec<u8>> = rdn
                    .iter()
                    .map(|(t, v)| {
                        let tag = if *t == "1.2.840.113549.1.9.1" {
                            0x16
                        } else {
                            0x0c
                        };
                        seq(&[oid(t), tlv(tag, v.as_bytes())])
                    })
                    .collect();
                tlv(0x31, &attrs.concat())
            })
            .collect();
        seq(&rdns)
    }

    /// A one-RDN `CN=` name.
    pub(crate) fn cn(value: &str) -> Vec<u8> {
        name(&[&[("2.5.4.3", value)]])
    }

    pub(crate) fn dns(s: &str) -> Vec<u8> {
        tlv(0x82, s.as_bytes())
    }

    pub(crate) fn email(s: &str) -> Vec<u8> {
        tlv(0x81, s.as_bytes())
    }

    pub(crate) fn uri(s: &str) -> Vec<u8> {
        tlv(0x86, s.as_bytes())
    }

    pub(crate) fn ip(octets: &[u8]) -> Vec<u8> {
        tlv(0x87, octets)
    }

    pub(crate) fn dir(name: &[u8]) -> Vec<u8> {
        tlv(0xa4, name)
    }

    /// otherName with the given type and a NULL value.
    pub(crate) fn other(type_id: &str) -> Vec<u8> {
        tlv(0xa0, &[oid(type_id), tlv(0xa0, &[0x05, 0x00])].concat())
    }

    /// GeneralNames (subjectAltName's value).
    pub(crate) fn names(entries: &[Vec<u8>]) -> Vec<u8> {
        seq(entries)
    }

    /// NameConstraints with the given subtree bases.
    pub(crate) fn nc(permitted: Option<&[Vec<u8>]>, excluded: Option<&[Vec<u8>]>) -> Vec<u8> {
        let subtrees = |bases: &[Vec<u8>]| {
            bases
                .iter()
                .map(|b| seq(std::slice::from_ref(b)))
                .collect::<Vec<_>>()
                .concat()
        };
        let mut parts = Vec::new();
        if let Some(p) = permitted {
            parts.push(tlv(0xa0, &subtrees(p)));
        }
        if let Some(e) = excluded {
            parts.push(tlv(0xa1, &subtrees(e)));
        }
        seq(&parts)
    }

    pub(crate) const SAN: &str = "2.5.29.17";
    pub(crate) const NC: &str = "2.5.29.30";
    pub(crate) const BC: &str = "2.5.29.19";

    /// basicConstraints cA TRUE.
    pub(crate) fn ca() -> (&'static str, bool, Vec<u8>) {
        (BC, true, seq(&[vec![0x01, 0x01, 0xff]]))
    }

    /// A certificate with the given subject Name DER and extensions
    /// (OID, critical, extnValue content), issued by `CN=Test CA`.
    pub(crate) fn cert(subject: &[u8], extensions: &[(&str, bool, Vec<u8>)]) -> Certificate {
        cert_issued_by(&cn("Test CA"), subject, extensions)
    }

    pub(crate) fn cert_issued_by(
        issuer: &[u8],
        subject: &[u8],
        extensions: &[(&str, bool, Vec<u8>)],
    ) -> Certificate {
        let ed25519 = seq(&[oid("1.3.101.112")]);
        let validity = seq(&[tlv(0x17, b"200101000000Z"), tlv(0x17, b"491231235959Z")]);
        let spki = seq(&[ed25519.clone(), tlv(0x03, &[0u8; 33])]);
        let mut tbs = vec![
            tlv(0xa0, &tlv(0x02, &[2])),
            tlv(0x02, &[1]),
            ed25519.clone(),
            issuer.to_vec(),
            validity,
            subject.to_vec(),
            spki,
        ];
        if !extensions.is_empty() {
            let exts: Vec<Vec<u8>> = extensions
                .iter()
                .map(|(id, critical, value)| {
                    let mut parts = vec![oid(id)];
                    if *critical {
                        parts.push(vec![0x01, 0x01, 0xff]);
                    }
                    parts.push(tlv(0x04, value));
                    seq(&parts)
                })
                .collect();
            tbs.push(tlv(0xa3, &seq(&exts)));
        }
        let der = seq(&[seq(&tbs), ed25519, tlv(0x03, &[0, 1, 2, 3])]);
        Certificate::from_der(&der).unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::test_der::*;
    use super::*;
    use crate::path::ChainStatusFlags;

    const BUDGET: u32 = 1 << 20;

    /// A CA whose nameConstraints has the given bases.
    fn ca_nc(permitted: Option<&[Vec<u8>]>, excluded: Option<&[Vec<u8>]>) -> Certificate {
        cert(
            &cn("Constraining CA"),
            &[ca(), (NC, true, nc(permitted, excluded))],
        )
    }

    /// A leaf with `CN=leaf` and the given subjectAltName entries.
    fn leaf(san: &[Vec<u8>]) -> Certificate {
        cert(&cn("leaf"), &[(SAN, false, names(san))])
    }

    fn state(cas: &[Certificate]) -> NameConstraintsState {
        let mut state = NameConstraintsState::new();
        for ca in cas {
            state.add(ca).unwrap();
        }
        state
    }

    /// The flags raised for `cert` (as the final certificate).
    fn flags(state: &NameConstraintsState, cert: &Certificate) -> Vec<ChainStatusFlags> {
        let mut budget = BUDGET;
        state
            .check(cert, false, &mut budget)
            .unwrap()
            .into_iter()
            .map(|(code, _)| code.flag())
            .collect()
    }

    const NOT_PERMITTED: ChainStatusFlags = ChainStatusFlags::HAS_NOT_PERMITTED_NAME_CONSTRAINT;
    const EXCLUDED: ChainStatusFlags = ChainStatusFlags::HAS_EXCLUDED_NAME_CONSTRAINT;
    const NOT_SUPPORTED: ChainStatusFlags = ChainStatusFlags::HAS_NOT_SUPPORTED_NAME_CONSTRAINT;

    #[test]
    fn dns_permitted_subtree_holds_the_name_and_names_below() {
        // limbo rfc5280::nc::permitted-dns-match, -match-more, -mismatch
        let s = state(&[ca_nc(Some(&[dns("example.com")]), None)]);
        assert!(flags(&s, &leaf(&[dns("example.com")])).is_empty());
        assert!(flags(&s, &leaf(&[dns("foo.bar.example.com")])).is_empty());
        assert!(flags(&s, &leaf(&[dns("FOO.Example.COM")])).is_empty());
        assert_eq!(flags(&s, &leaf(&[dns("not-example.com")])), [NOT_PERMITTED]);
        assert_eq!(
            flags(&s, &leaf(&[dns("example.com.evil")])),
            [NOT_PERMITTED]
        );
        let s = state(&[ca_nc(Some(&[dns("EXAMPLE.com")]), None)]);
        assert!(flags(&s, &leaf(&[dns("www.example.com")])).is_empty());
    }

    #[test]
    fn dns_excluded_subtree_and_precedence_over_permitted() {
        // limbo rfc5280::nc::excluded-dns-match-second
        let s = state(&[ca_nc(None, Some(&[dns("not-allowed.example.com")]))]);
        let c = leaf(&[dns("example.com"), dns("not-allowed.example.com")]);
        let mut budget = BUDGET;
        let found = s.check(&c, false, &mut budget).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0.flag(), EXCLUDED);
        assert!(
            found[0].1.contains("\"not-allowed.example.com\""),
            "{}",
            found[0].1
        );
        // limbo rfc5280::nc::excluded-match-permitted-and-excluded
        let s = state(&[ca_nc(
            Some(&[dns("example.com")]),
            Some(&[dns("example.com")]),
        )]);
        assert_eq!(flags(&s, &leaf(&[dns("example.com")])), [EXCLUDED]);
    }

    #[test]
    fn constraints_of_another_form_do_not_apply() {
        // limbo rfc5280::nc::permitted-different-constraint-type, excluded-...
        let net = ip(&[192, 0, 2, 0, 255, 255, 255, 0]);
        let s = state(&[ca_nc(Some(std::slice::from_ref(&net)), None)]);
        assert!(flags(&s, &leaf(&[dns("example.com")])).is_empty());
        let s = state(&[ca_nc(None, Some(&[net]))]);
        assert!(flags(&s, &leaf(&[dns("example.com")])).is_empty());
    }

    #[test]
    fn ip_subtrees() {
        // limbo rfc5280::nc::permitted-ipv4-match, permitted-ip-mismatch,
        // excluded-ipv4-match, permitted-ipv6-match, excluded-ipv6-match
        let v4 = ip(&[192, 0, 2, 0, 255, 255, 255, 0]);
        let s = state(&[ca_nc(Some(std::slice::from_ref(&v4)), None)]);
        assert!(flags(&s, &leaf(&[ip(&[192, 0, 2, 1])])).is_empty());
        assert_eq!(flags(&s, &leaf(&[ip(&[192, 0, 3, 1])])), [NOT_PERMITTED]);
        let s = state(&[ca_nc(None, Some(&[v4]))]);
        assert_eq!(flags(&s, &leaf(&[ip(&[192, 0, 2, 1])])), [EXCLUDED]);
        assert!(flags(&s, &leaf(&[ip(&[192, 0, 3, 1])])).is_empty());

        let mut loopback6 = [0u8; 32];
        loopback6[15] = 1;
        loopback6[16..].fill(0xff);
        let one6: [u8; 16] = loopback6[..16].try_into().unwrap();
        let s = state(&[ca_nc(Some(&[ip(&loopback6)]), None)]);
        assert!(flags(&s, &leaf(&[ip(&one6)])).is_empty());
        // An IPv4 name never lies in an IPv6 subtree, even ::/0.
        let s = state(&[ca_nc(Some(&[ip(&[0u8; 32])]), None)]);
        assert!(flags(&s, &leaf(&[ip(&one6)])).is_empty());
        assert_eq!(flags(&s, &leaf(&[ip(&[127, 0, 0, 1])])), [NOT_PERMITTED]);
        let s = state(&[ca_nc(None, Some(&[ip(&loopback6)]))]);
        assert_eq!(flags(&s, &leaf(&[ip(&one6)])), [EXCLUDED]);
    }

    #[test]
    fn invalid_extensions_are_rejected_and_leave_the_state_unchanged() {
        let cases: &[(&str, Vec<u8>)] = &[
            // limbo rfc5280::nc::invalid-dnsname-wildcard
            ("wildcard", nc(Some(&[dns("*.example.com")]), None)),
            // limbo rfc5280::nc::invalid-dnsname-leading-period
            ("period", nc(Some(&[dns(".example.com")]), None)),
            ("labels are 1 to 63", nc(Some(&[dns("example..com")]), None)),
            // limbo rfc5280::nc::invalid-ipv4-address, invalid-ipv6-address
            ("octets, not 4", nc(Some(&[ip(&[127, 0, 0, 1])]), None)),
            ("octets, not 16", nc(Some(&[ip(&[0; 16])]), None)),
            (
                "not contiguous",
                nc(None, Some(&[ip(&[10, 0, 0, 0, 255, 0, 255, 0])])),
            ),
            // limbo rfc5280::nc::invalid-email-address
            (
                "mailbox",
                nc(Some(&[email("invalid@invalid@example.com")]), None),
            ),
            ("wildcard", nc(Some(&[uri("*.example.com")]), None)),
            // limbo webpki::nc::intermediate-permitted-excluded-subtrees-both-null
            ("empty sequence", nc(None, None)),
            // limbo webpki::nc::...-both-empty-sequences
            ("SIZE (1..MAX)", nc(Some(&[]), Some(&[]))),
            ("SIZE (1..MAX)", nc(Some(&[dns("example.com")]), Some(&[]))),
            (
                "minimum 1",
                seq(&[tlv(0xa0, &seq(&[dns("a.com"), tlv(0x80, &[1])]))]),
            ),
            (
                "maximum 3",
                seq(&[tlv(0xa0, &seq(&[dns("a.com"), tlv(0x81, &[3])]))]),
            ),
            ("does not decode", vec![0x30, 0x03, 0xa0]),
        ];
        for (expected, value) in cases {
            let ca = cert(&cn("Bad CA"), &[ca(), (NC, true, value.clone())]);
            let mut s = NameConstraintsState::new();
            let err = s.add(&ca).unwrap_err();
            assert_eq!(err.code, ResultCode::InvalidNameConstraints, "{err:?}");
            let err = err.detail;
            assert!(err.contains(expected), "{expected}: {err}");
            assert!(err.contains("Bad CA"), "{err}");
            assert!(s.sources.is_empty() && s.permitted.is_empty());
            assert_eq!(s.subtree_count(), 0);
        }
        // Valid unusual forms: the empty dNSName (every name), URI domains.
        let mut s = NameConstraintsState::new();
        s.add(&ca_nc(None, Some(&[dns(""), uri(".example.com")])))
            .unwrap();
        assert_eq!(flags(&s, &leaf(&[dns("anything.org")])), [EXCLUDED]);
        // No extension: nothing changes.
        s.add(&cert(&cn("Plain CA"), &[ca()])).unwrap();
        assert_eq!(s.sources.len(), 1);
    }

    #[test]
    fn directory_names_compare_normalised_rdn_prefixes() {
        // limbo rfc5280::nc::permitted-dn-match, permitted-dn-mismatch,
        // permitted-dn-match-subject-san-mismatch
        let s = state(&[ca_nc(Some(&[dir(&cn("foo"))]), None)]);
        let foo = cert(&cn("foo"), &[(SAN, false, names(&[dir(&cn("foo"))]))]);
        assert!(flags(&s, &foo).is_empty());
        let not_foo = cert(
            &cn("not-foo"),
            &[(SAN, false, names(&[dir(&cn("not-foo"))]))],
        );
        assert_eq!(flags(&s, &not_foo), [NOT_PERMITTED, NOT_PERMITTED]);
        let subject_only = cert(&cn("not-foo"), &[(SAN, false, names(&[dir(&cn("foo"))]))]);
        assert_eq!(flags(&s, &subject_only), [NOT_PERMITTED]);
        // limbo rfc5280::nc::excluded-dn-match, excluded-dn-match-sub-mismatch
        let s = state(&[ca_nc(None, Some(&[dir(&cn("foo"))]))]);
        assert_eq!(flags(&s, &foo), [EXCLUDED, EXCLUDED]);
        let san_other = cert(&cn("foo"), &[(SAN, false, names(&[dir(&cn("not-foo"))]))]);
        assert_eq!(flags(&s, &san_other), [EXCLUDED]);

        // RFC 5280 7.1: case and whitespace runs do not matter, nor the
        // string type (PrintableString here against UTF8String).
        let printable = seq(&[tlv(
            0x31,
            &seq(&[oid("2.5.4.10"), tlv(0x13, b"  Example   CORP ")]),
        )]);
        let s = state(&[ca_nc(
            Some(&[dir(&name(&[
                &[("2.5.4.6", "US")],
                &[("2.5.4.10", "example corp")],
            ]))]),
            None,
        )]);
        let subject = name(&[
            &[("2.5.4.6", "us")],
            &[("2.5.4.10", "Example Corp")],
            &[("2.5.4.3", "leaf")],
        ]);
        assert!(flags(&s, &cert(&subject, &[])).is_empty());
        let wrong_order = name(&[&[("2.5.4.10", "Example Corp")], &[("2.5.4.6", "US")]]);
        assert_eq!(flags(&s, &cert(&wrong_order, &[])), [NOT_PERMITTED]);
        let s = state(&[ca_nc(Some(&[dir(&printable)]), None)]);
        let subject = name(&[&[("2.5.4.10", "example corp")], &[("2.5.4.3", "x")]]);
        assert!(flags(&s, &cert(&subject, &[])).is_empty());
        // A multi-valued RDN matches whatever the order of its attributes.
        let s = state(&[ca_nc(
            Some(&[dir(&name(&[&[("2.5.4.10", "A"), ("2.5.4.11", "B")]]))]),
            None,
        )]);
        let subject = name(&[&[("2.5.4.11", "b"), ("2.5.4.10", "a")]]);
        assert!(flags(&s, &cert(&subject, &[])).is_empty());
        // An empty subject is not checked (RFC 5280 4.2.1.10).
        assert!(flags(&s, &cert(&seq(&[]), &[(SAN, true, names(&[dns("a.com")]))])).is_empty());
    }

    #[test]
    fn self_issued_intermediates_are_skipped_but_not_a_final_one() {
        // limbo rfc5280::nc::permitted-self-issued, excluded-self-issued-leaf
        let s = state(&[ca_nc(Some(&[dns("example.com")]), None)]);
        let self_issued = cert_issued_by(
            &cn("not-example.com"),
            &cn("not-example.com"),
            &[ca(), (SAN, false, names(&[dns("not-example.com")]))],
        );
        assert!(self_issued.is_self_issued());
        let mut budget = BUDGET;
        assert!(s.check(&self_issued, true, &mut budget).unwrap().is_empty());
        assert_eq!(budget, BUDGET);
        assert_eq!(flags(&s, &self_issued), [NOT_PERMITTED]);
    }

    #[test]
    fn permitted_subtrees_of_successive_cas_intersect() {
        let foo_bar = ca_nc(
            Some(&[dns("foo.example.com"), dns("bar.example.com")]),
            None,
        );
        let bar = ca_nc(Some(&[dns("bar.example.com")]), None);
        // limbo rfc5280::nc::restrictive-permits-in-intermediates-narrows, -widens
        for order in [[&foo_bar, &bar], [&bar, &foo_bar]] {
            let s = state(&[order[0].clone(), order[1].clone()]);
            assert_eq!(flags(&s, &leaf(&[dns("foo.example.com")])), [NOT_PERMITTED]);
            assert!(flags(&s, &leaf(&[dns("x.bar.example.com")])).is_empty());
        }
        // A CA that constrains only IP addresses leaves DNS names to the other.
        let s = state(&[
            ca_nc(Some(&[dns("example.com")]), None),
            ca_nc(Some(&[ip(&[10, 0, 0, 0, 255, 0, 0, 0])]), None),
        ]);
        assert!(flags(&s, &leaf(&[dns("a.example.com"), ip(&[10, 1, 2, 3])])).is_empty());
    }

    #[test]
    fn intermediates_are_checked_like_leaves() {
        // limbo rfc5280::nc::intermediate-with-san-rejected-by-{root,intermediate}-nc
        let s = state(&[ca_nc(
            Some(&[dns("permitted.example.com")]),
            Some(&[dns("forbidden.example.com")]),
        )]);
        let ica = cert(
            &cn("ICA2"),
            &[ca(), (SAN, false, names(&[dns("forbidden.example.com")]))],
        );
        assert_eq!(flags(&s, &ica), [NOT_PERMITTED, EXCLUDED]);
    }

    #[test]
    fn malformed_names_lie_in_no_subtree() {
        // limbo rfc5280::nc::nc-permits-invalid-dns-san
        let s = state(&[ca_nc(Some(&[dns("example.com")]), None)]);
        let c = leaf(&[dns(".example.com"), dns("foo.example.com")]);
        let mut budget = BUDGET;
        let found = s.check(&c, false, &mut budget).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0.flag(), NOT_PERMITTED);
        assert!(found[0].1.contains("malformed"), "{}", found[0].1);
        for bad in [
            "*",
            "a.*.example.com",
            "foo..example.com",
            "a b.example.com",
            // The one DNS syntax (dns_name.rs): no underscore, no hyphen at
            // a label's edge.
            "foo_bar.example.com",
            "-foo.example.com",
        ] {
            assert_eq!(flags(&s, &leaf(&[dns(bad)])), [NOT_PERMITTED], "{bad}");
        }
        // limbo rfc5280::nc::nc-permits-invalid-ip-san
        let s = state(&[ca_nc(Some(&[ip(&[192, 0, 2, 0, 255, 255, 255, 0])]), None)]);
        let c = leaf(&[ip(&[192, 0, 2, 0, 255, 255, 255, 0]), ip(&[192, 0, 2, 1])]);
        assert_eq!(flags(&s, &c), [NOT_PERMITTED]);
        // limbo rfc5280::nc::nc-permits-invalid-email-san
        let s = state(&[ca_nc(Some(&[email("example.com")]), None)]);
        let c = leaf(&[
            email("good@example.com"),
            email("alsogood@example.com"),
            email("invalid@address@example.com"),
        ]);
        assert_eq!(flags(&s, &c), [NOT_PERMITTED]);
        // With excluded subtrees only, a malformed name cannot be cleared.
        let s = state(&[ca_nc(None, Some(&[dns("example.com")]))]);
        assert_eq!(flags(&s, &leaf(&[dns("bad..name")])), [EXCLUDED]);
        // A subjectAltName that does not decode cannot be checked.
        let c = cert(&cn("x"), &[(SAN, false, vec![0x30, 0x02, 0x82])]);
        assert_eq!(flags(&s, &c), [NOT_SUPPORTED]);
    }

    #[test]
    fn email_subtrees() {
        let permits = |constraint: &str, name: &str| {
            let s = state(&[ca_nc(Some(&[email(constraint)]), None)]);
            flags(&s, &leaf(&[email(name)])).is_empty()
        };
        // limbo rfc5280::nc::nc-permits-email-exact, nc-permits-email-domain
        assert!(permits("foo@example.com", "foo@example.com"));
        assert!(permits("foo@example.com", "foo@EXAMPLE.com"));
        assert!(!permits("foo@example.com", "Foo@example.com"));
        assert!(!permits("foo@example.com", "bar@example.com"));
        assert!(permits("example.com", "foo@example.com"));
        assert!(!permits("example.com", "foo@sub.example.com"));
        assert!(permits(".example.com", "foo@sub.example.com"));
        assert!(!permits(".example.com", "foo@example.com"));
        // limbo's literal-asterisk cases: `*` is a character, not a wildcard.
        assert!(permits("*@example.com", "*@example.com"));
        assert!(!permits("*@example.com", "user@example.com"));
        assert!(!permits("*@example.com", "*@subdomain.example.com"));
        assert!(permits("**@example.com", "**@example.com"));
        assert!(!permits("**@example.com", "*@example.com"));
        assert!(permits("user*@example.com", "user*@example.com"));
        assert!(permits("\"a@b\"@example.com", "\"a@b\"@example.com"));
        // The subject's emailAddress is an rfc822Name too.
        let s = state(&[ca_nc(Some(&[email("example.com")]), None)]);
        let subject = name(&[
            &[("2.5.4.3", "someone")],
            &[("1.2.840.113549.1.9.1", "someone@example.org")],
        ]);
        assert_eq!(flags(&s, &cert(&subject, &[])), [NOT_PERMITTED]);
        let subject = name(&[&[("1.2.840.113549.1.9.1", "someone@example.com")]]);
        assert!(flags(&s, &cert(&subject, &[])).is_empty());
    }

    #[test]
    fn uri_subtrees_constrain_the_host() {
        let permits = |constraint: &str, name: &str| {
            let s = state(&[ca_nc(Some(&[uri(constraint)]), None)]);
            flags(&s, &leaf(&[uri(name)])).is_empty()
        };
        assert!(permits("host.example.com", "https://host.example.com/path"));
        assert!(permits(
            "host.example.com",
            "https://user@HOST.example.com:8443?q#f"
        ));
        assert!(!permits(
            "host.example.com",
            "https://www.host.example.com/"
        ));
        assert!(permits(".example.com", "ldap://a.b.example.com"));
        assert!(!permits(".example.com", "ldap://example.com"));
        // RFC 5280 4.2.1.10: no authority, or an IP address as host: reject.
        assert!(!permits(".example.com", "urn:example.com"));
        assert!(!permits(".example.com", "https://[::1]/"));
        assert!(!permits(".example.com", "https://192.0.2.1/"));
        assert!(!permits(".example.com", "https://a.example.com:x/"));
    }

    #[test]
    fn forms_that_are_not_compared_are_reported_when_constrained() {
        // limbo rfc5280::nc::nc-forbids-othername, nc-forbids-othername-noop
        let s = state(&[ca_nc(
            Some(&[dns("example.com")]),
            Some(&[other("1.3.6.1.4.1.55738.666.3")]),
        )]);
        let with = leaf(&[dns("example.com"), other("1.3.6.1.4.1.55738.666.3")]);
        assert_eq!(flags(&s, &with), [NOT_SUPPORTED]);
        assert!(flags(&s, &leaf(&[dns("example.com")])).is_empty());
        // Unconstrained forms are not looked at at all.
        let s = state(&[ca_nc(Some(&[dns("example.com")]), None)]);
        assert!(flags(&s, &leaf(&[dns("example.com"), other("1.2.3.4")])).is_empty());
    }

    #[test]
    fn wildcard_names_are_checked_for_every_name_they_stand_for() {
        // limbo webpki::nc::nc-permits-dns-san-pattern
        let s = state(&[ca_nc(Some(&[dns("example.com")]), None)]);
        assert!(flags(&s, &leaf(&[dns("*.example.com")])).is_empty());
        // limbo cve::cve-2025-61727-nc-permits-variant
        let s = state(&[ca_nc(Some(&[dns("foo.example.com")]), None)]);
        assert_eq!(flags(&s, &leaf(&[dns("*.example.com")])), [NOT_PERMITTED]);
        assert!(flags(&s, &leaf(&[dns("*.foo.example.com")])).is_empty());
        // limbo cve::cve-2025-61727, rfc5280::nc::nc-forbids-dnsname-wildcard-san
        let s = state(&[ca_nc(
            Some(&[dns("example.com")]),
            Some(&[dns("bar.example.com")]),
        )]);
        assert_eq!(flags(&s, &leaf(&[dns("*.example.com")])), [EXCLUDED]);
        assert!(flags(&s, &leaf(&[dns("*.foo.example.com")])).is_empty());
        // `*.example.com` stands for no name two labels below.
        let s = state(&[ca_nc(None, Some(&[dns("a.bar.example.com")]))]);
        assert!(flags(&s, &leaf(&[dns("*.example.com")])).is_empty());
        let s = state(&[ca_nc(None, Some(&[dns("com")]))]);
        assert_eq!(flags(&s, &leaf(&[dns("*.example.com")])), [EXCLUDED]);
    }

    #[test]
    fn reports_name_the_certificate_and_the_subtrees() {
        let s = state(&[ca_nc(
            Some(&[dns("a.com"), dns("b.com"), dns("c.com"), dns("d.com")]),
            None,
        )]);
        let mut budget = BUDGET;
        let found = s.check(&leaf(&[dns("x.org")]), false, &mut budget).unwrap();
        let text = &found[0].1;
        assert!(text.contains("subjectAltName dNSName \"x.org\""), "{text}");
        assert!(text.contains("\"CN=Constraining CA\""), "{text}");
        assert!(
            text.contains("dNSName \"a.com\", dNSName \"b.com\""),
            "{text}"
        );
        assert!(text.contains("4 in all"), "{text}");
        assert!(text.contains("6.1.3 (b)"), "{text}");
        assert_eq!(budget, BUDGET - 4);
        assert_eq!(show_ip(&[10, 0, 0, 0, 255, 0, 0, 0], true), "10.0.0.0/8");
        assert_eq!(prefix_len(&[255, 255, 128, 0]), Some(17));
        assert_eq!(prefix_len(&[255, 0, 255, 0]), None);
        assert_eq!(prefix_len(&[254, 128, 0, 0]), None);
    }

    #[test]
    fn budget_counts_comparisons_and_stops_hostile_input() {
        let s = state(&[ca_nc(
            Some(&[dns("a.com"), dns("b.com")]),
            Some(&[dns("c.com")]),
        )]);
        let c = leaf(&[dns("x.b.com"), dns("y.b.com")]);
        // Two names, each: 2 permitted comparisons + 1 excluded.
        let mut budget = 6;
        assert!(s.check(&c, false, &mut budget).unwrap().is_empty());
        assert_eq!(budget, 0);
        let mut budget = 5;
        let err = s.check(&c, false, &mut budget).unwrap_err();
        assert_eq!(err.code, ResultCode::BudgetExhausted);
        let err = err.detail;
        assert!(err.contains("budget exhausted"), "{err}");

        // limbo pathological::nc-dos-*: 2049 permitted and 2048 excluded
        // subtrees against 2048 names and 2048 subject e-mail addresses.
        let mut permitted: Vec<Vec<u8>> = (0..2048).map(|i| dns(&format!("t{i}.test"))).collect();
        permitted.push(dns("test"));
        let excluded: Vec<Vec<u8>> = (0..2048).map(|i| dns(&format!("x{i}.test"))).collect();
        let s = state(&[ca_nc(Some(&permitted), Some(&excluded))]);
        let san: Vec<Vec<u8>> = (0..2048).map(|i| dns(&format!("t{i}.test"))).collect();
        let emails: Vec<String> = (0..2048).map(|i| format!("t{i}@test")).collect();
        let mut rdns: Vec<&[(&str, &str)]> = vec![&[("2.5.4.3", "t0.test")]];
        let attrs: Vec<[(&str, &str); 1]> = emails
            .iter()
            .map(|e| [("1.2.840.113549.1.9.1", e.as_str())])
            .collect();
        rdns.extend(attrs.iter().map(|a| &a[..]));
        let hostile = cert(&name(&rdns), &[(SAN, false, names(&san))]);
        let started = std::time::Instant::now();
        let mut budget = BUDGET;
        let err = s.check(&hostile, false, &mut budget).unwrap_err();
        assert_eq!(err.code, ResultCode::BudgetExhausted);
        let err = err.detail;
        assert!(err.contains("2048 names"), "{err}");
        assert!(err.len() < 600, "{err}");
        assert!(err.contains("4097 subtrees"), "{err}");
        assert_eq!(budget, 0);
        // Generous for an unoptimised build on a shared machine.
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        // The e-mail addresses alone meet no rfc822Name subtree: no cost.
        let no_san = cert(&name(&rdns), &[]);
        let mut budget = BUDGET;
        assert!(s.check(&no_san, false, &mut budget).unwrap().is_empty());
        assert_eq!(budget, BUDGET);
    }

    mod no_panic {
        use proptest::prelude::*;

        use super::*;

        /// Name text that mostly decodes as IA5String and reaches the parsers.
        const TEXT: &str = "[a-zA-Z0-9.*@:/?#\\[\\]_\"\\\\ -]{0,24}";

        fn general_name(kind: u8, text: &str, bytes: &[u8]) -> Vec<u8> {
            match kind % 7 {
                0 => dns(text),
                1 => email(text),
                2 => uri(text),
                3 => ip(bytes),
                4 => dir(&cn(text)),
                5 => other(if text.is_empty() { "1.2.3" } else { "1.2.3.4" }),
                _ => tlv(0x80 | (bytes.len() as u8 % 9), bytes),
            }
        }

        proptest! {
            #[test]
            fn arbitrary_constraints_and_names_never_panic(
                bases in prop::collection::vec((any::<u8>(), TEXT, prop::collection::vec(any::<u8>(), 0..34)), 0..5),
                excluded in prop::collection::vec((any::<u8>(), TEXT, prop::collection::vec(any::<u8>(), 0..34)), 0..5),
                san in prop::collection::vec((any::<u8>(), TEXT, prop::collection::vec(any::<u8>(), 0..17)), 0..5),
                email_attr in TEXT,
                budget in 0u32..64,
            ) {
                let build = |v: &[(u8, String, Vec<u8>)]| -> Vec<Vec<u8>> {
                    v.iter().map(|(k, t, b)| general_name(*k, t, b)).collect()
                };
                let (p, e) = (build(&bases), build(&excluded));
                let ca = cert(&cn("CA"), &[ca(), (NC, true, nc(
                    (!p.is_empty()).then_some(&p[..]),
                    (!e.is_empty()).then_some(&e[..]),
                ))]);
                let mut state = NameConstraintsState::new();
                let _ = state.add(&ca);
                let subject = name(&[&[("2.5.4.3", "leaf")], &[("1.2.840.113549.1.9.1", &email_attr)]]);
                let leaf = cert(&subject, &[(SAN, false, names(&build(&san)))]);
                let mut budget = budget;
                let _ = state.check(&leaf, false, &mut budget);
            }

            #[test]
            fn parsers_take_any_text(text in "\\PC{0,40}") {
                let _ = split_mailbox(&text);
                let _ = uri_host(&text);
                let _ = host_base(&text);
                let _ = dns_syntax(&text);
                let _ = dns_candidate(&text);
                let _ = email_candidate(&text);
            }
        }
    }
}
