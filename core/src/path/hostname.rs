//! Server identity for the WebPKI profile: the subjectAltName a server
//! certificate must carry (RFC 5280 4.2.1.6, CA/Browser Forum Baseline
//! Requirements 7.1.2.7.12 and 7.1.4.3) and how the name a client connected
//! to is matched against it (RFC 6125 6.4). The subject CN is never matched.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use der::asn1::ObjectIdentifier;
use x509_cert::ext::pkix::name::GeneralName;

use crate::cert::extensions::oid;
use crate::cert::{Certificate, ExtensionValue};

use super::dns_name::{self, last_label_numeric};
use super::findings::{Finding, ResultCode};

/// commonName (X.520).
const COMMON_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");

/// The name a client expects the server to have (RFC 6125 "reference
/// identifier").
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PeerName {
    /// A host name: lowercase, without a trailing period.
    Dns(String),
    Ip(IpAddr),
}

/// Parses an IP literal (IPv4 dotted-decimal as RFC 3986 3.2.2 writes it:
/// four decimal octets without leading zeros; or IPv6, RFC 4291 2.2) or else
/// a DNS host name in the one syntax of `dns_name.rs` (letters, digits and
/// hyphens, no underscore; one trailing period allowed; a last label of
/// digits only is a malformed IPv4 address). `Err` is the PeerNameMismatch
/// finding: a peer name that is no name matches no certificate.
impl FromStr for PeerName {
    type Err = Finding;

    fn from_str(s: &str) -> Result<Self, Finding> {
        if let Some(v4) = parse_ipv4(s) {
            return Ok(PeerName::Ip(IpAddr::V4(v4)));
        }
        if s.contains(':') {
            return s
                .parse::<Ipv6Addr>()
                .map(|v6| PeerName::Ip(IpAddr::V6(v6)))
                .map_err(|_| {
                    Finding::unplaced(
                        ResultCode::PeerNameMismatch,
                        format!(
                            "peer name {} is not an IPv6 address (RFC 4291 2.2)",
                            quoted(s)
                        ),
                    )
                });
        }
        let name = s.strip_suffix('.').unwrap_or(s);
        let bad = |why: &str| {
            Finding::unplaced(
                ResultCode::PeerNameMismatch,
                format!("peer name {} is not a host name: {why}", quoted(s)),
            )
        };
        dns_name::check(name).map_err(|why| bad(&why.to_string()))?;
        if last_label_numeric(name) {
            return Err(bad(
                "the last label is all digits, so it would be an IPv4 address, and it is not \
                 dotted-decimal (RFC 1123 2.1, RFC 3986 3.2.2)",
            ));
        }
        Ok(PeerName::Dns(name.to_ascii_lowercase()))
    }
}

impl fmt::Display for PeerName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PeerName::Dns(name) => write!(f, "DNS name {name}"),
            PeerName::Ip(ip) => write!(f, "IP address {ip}"),
        }
    }
}

/// Dotted-decimal IPv4 (RFC 3986 3.2.2 dec-octet): exactly four decimal
/// octets, no leading zero, none over 255. No octal, hex or short forms.
fn parse_ipv4(s: &str) -> Option<Ipv4Addr> {
    let mut octets = [0u8; 4];
    let mut parts = s.split('.');
    for octet in &mut octets {
        let part = parts.next()?;
        let digits_ok = !part.is_empty()
            && part.len() <= 3
            && part.bytes().all(|b| b.is_ascii_digit())
            && (part == "0" || !part.starts_with('0'));
        if !digits_ok {
            return None;
        }
        *octet = part.parse().ok()?;
    }
    if parts.next().is_some() {
        return None;
    }
    Some(Ipv4Addr::from(octets))
}

/// `text` quoted and escaped for a report, cut to 200 characters: names in
/// hostile certificates can be tens of kilobytes.
fn quoted(text: &str) -> String {
    match text.char_indices().nth(200) {
        Some((end, _)) => format!("{:?}...", &text[..end]),
        None => format!("{text:?}"),
    }
}

/// Checks that the leaf's subjectAltName is well formed for the WebPKI
/// profile:
/// - present, decodable and not empty (BR 7.1.2.7.12, RFC 5280 4.2.1.6);
/// - critical exactly when the subject is empty (RFC 5280 4.2.1.6, BR
///   7.1.2.7.12);
/// - every dNSName a host name in preferred name syntax, with a wildcard
///   only as the whole leftmost label and never over an ICANN public suffix
///   (one over a private-section suffix passes but never matches, see
///   [`check_dns_id`]);
/// - every iPAddress 4 or 16 octets;
/// - a subject CN is not a mis-encoded copy of a SAN entry (BR 7.1.4.3, see
///   [`check_common_name`]).
///
/// `Err` is the InvalidSubjectAltName finding (for the end entity).
pub(crate) fn check_server_san(cert: &Certificate) -> Result<(), Finding> {
    let ext = cert.extension(&oid::SUBJECT_ALT_NAME).ok_or_else(|| {
        invalid_san(
            "no subjectAltName: a server certificate names its hosts there, and the subject CN \
             is never used (BR 7.1.2.7.12, RFC 6125 6.4.4)",
        )
    })?;
    let names = san_entries(cert, ResultCode::InvalidSubjectAltName)?;
    // RFC 5280 4.2.1.6: GeneralNames ::= SEQUENCE SIZE (1..MAX).
    if names.is_empty() {
        return Err(invalid_san(
            "subjectAltName holds no name (RFC 5280 4.2.1.6)",
        ));
    }
    let subject_empty = cert.subject().is_empty();
    // RFC 5280 4.2.1.6: "If the subject field contains an empty sequence
    // [...] the subjectAltName extension [...] MUST be critical."
    if subject_empty && !ext.critical() {
        return Err(invalid_san(
            "the subject is empty and subjectAltName is not critical (RFC 5280 4.2.1.6)",
        ));
    }
    // BR 7.1.2.7.12: otherwise the extension MUST NOT be critical.
    if !subject_empty && ext.critical() {
        return Err(invalid_san(
            "the subject is not empty and subjectAltName is critical (BR 7.1.2.7.12)",
        ));
    }
    for name in names {
        match name {
            GeneralName::DnsName(dns) => check_dns_id(dns.as_str())?,
            // RFC 5280 4.2.1.6: four octets for IPv4, sixteen for IPv6.
            GeneralName::IpAddress(octets) if ip_text(octets.as_bytes()).is_none() => {
                return Err(invalid_san(format!(
                    "subjectAltName iPAddress of {} octets; it is 4 (IPv4) or 16 (IPv6) \
                     (RFC 5280 4.2.1.6)",
                    octets.as_bytes().len()
                )));
            }
            _ => {}
        }
    }
    check_common_name(cert, names)
}

/// The server certificate's subjectAltName breaks RFC 5280 4.2.1.6 or the
/// Baseline Requirements.
fn invalid_san(detail: impl Into<String>) -> Finding {
    Finding::unplaced(ResultCode::InvalidSubjectAltName, detail)
}

/// BR 7.1.4.3 asks that a subject CN copy a subjectAltName entry: a
/// dNSName character for character, an iPAddress as RFC 3986 3.2.2 (IPv4)
/// or RFC 5952 4 (IPv6) text. The parts enforced here are those that can
/// only come from a mis-encoded copy:
/// - a CN that reads as an IP address in any notation (hex, leading zeros,
///   upper case, uncompressed) is the canonical text of a SAN iPAddress;
/// - a CN that equals a SAN dNSName but for letter case is a violation;
/// - a CN host name with non-ASCII characters is a U-label rendering, which
///   BR 7.1.4.3 forbids.
///
/// A CN naming some other host is not rejected: x509-limbo's own valid
/// server certificates carry `CN=example.com` beside unrelated SANs.
fn check_common_name(cert: &Certificate, names: &[GeneralName]) -> Result<(), Finding> {
    for cn in cert
        .subject()
        .attributes()
        .filter(|a| a.oid() == COMMON_NAME)
    {
        let Some(text) = cn.text() else {
            continue;
        };
        let bad = |why: &str| {
            Err(invalid_san(format!(
                "the subject CN {} {why} (BR 7.1.4.3)",
                quoted(text)
            )))
        };
        if looks_like_ip(text) {
            let copied = names.iter().any(|name| match name {
                GeneralName::IpAddress(octets) => {
                    ip_text(octets.as_bytes()).is_some_and(|t| t == text)
                }
                _ => false,
            });
            if !copied {
                return bad(
                    "reads as an IP address but is not a subjectAltName iPAddress written as \
                     RFC 3986 3.2.2 / RFC 5952 4 text",
                );
            }
            continue;
        }
        let case_only = names.iter().any(|name| match name {
            GeneralName::DnsName(dns) => {
                dns.as_str() != text && dns.as_str().eq_ignore_ascii_case(text)
            }
            _ => false,
        });
        if case_only {
            return bad("differs from a subjectAltName dNSName in letter case; it is a copy");
        }
        if text.contains('.') && !text.is_ascii() && !text.contains(char::is_whitespace) {
            return bad(
                "is a host name in Unicode; dNSNames are copied with their A-labels (xn--)",
            );
        }
        // BR 7.1.4.3 wants the CN to be a copy of a SAN entry. A host-name CN
        // that names no SAN dNSName nor a parent domain of one names a host
        // the certificate does not cover; a parent-domain CN (x509-limbo's
        // valid certificates use CN=example.com beside foo.bar.example.com)
        // is tolerated. Without any SAN dNSName there is nothing to compare.
        let dns: Vec<&str> = names
            .iter()
            .filter_map(|name| match name {
                GeneralName::DnsName(dns) => Some(dns.as_str()),
                _ => None,
            })
            .collect();
        let host_like = text.contains('.') && !text.contains(char::is_whitespace);
        if host_like && !dns.is_empty() {
            let lower = text.to_ascii_lowercase();
            let covered = dns.iter().any(|d| {
                let d = d.to_ascii_lowercase();
                d == lower || d.ends_with(&format!(".{lower}"))
            });
            if !covered {
                return bad(
                    "names a host that is neither a subjectAltName dNSName nor its parent domain",
                );
            }
        }
    }
    Ok(())
}

/// True for IPv6 text and for the IPv4 notations `inet_aton` accepts: one
/// to four dot-separated decimal, octal (leading 0) or hex (0x) numbers.
fn looks_like_ip(text: &str) -> bool {
    if text.contains(':') {
        return text.parse::<Ipv6Addr>().is_ok();
    }
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() <= 4
        && parts.iter().all(|part| {
            let hex = part.strip_prefix("0x").or_else(|| part.strip_prefix("0X"));
            match hex {
                Some(digits) => !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_hexdigit()),
                None => !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()),
            }
        })
}

/// The canonical text of a 4- or 16-octet address: dotted-decimal, or RFC
/// 5952 (lowercase, longest zero run compressed), as `std` writes them.
fn ip_text(octets: &[u8]) -> Option<String> {
    match octets.len() {
        4 => <[u8; 4]>::try_from(octets)
            .ok()
            .map(|a| Ipv4Addr::from(a).to_string()),
        16 => <[u8; 16]>::try_from(octets)
            .ok()
            .map(|a| Ipv6Addr::from(a).to_string()),
        _ => None,
    }
}

/// The decoded subjectAltName entries; `Err` is a finding of `code`, the
/// rule the caller checks (the server profile, or the peer name).
fn san_entries(cert: &Certificate, code: ResultCode) -> Result<&[GeneralName], Finding> {
    let problem = |detail: String| Err(Finding::unplaced(code, detail));
    match cert.extension(&oid::SUBJECT_ALT_NAME).map(|e| e.value()) {
        Some(ExtensionValue::SubjectAltName(san)) => Ok(&san.0),
        Some(ExtensionValue::Malformed(why)) => problem(format!(
            "subjectAltName does not decode: {why} (RFC 5280 4.2.1.6)"
        )),
        Some(_) => problem("subjectAltName is not a GeneralNames value".into()),
        None => problem(
            "no subjectAltName: the peer name is matched against it only, never against the \
             subject CN (RFC 6125 6.4.4)"
                .into(),
        ),
    }
}

/// A presented dNSName as the WebPKI accepts it: a host name in preferred
/// name syntax (RFC 5280 4.2.1.6, RFC 1034 3.5, RFC 1123 2.1: letters,
/// digits and hyphens, no underscore), not an IP address, and a wildcard
/// only as `*.` followed by a name of two labels or more that is not an
/// ICANN public suffix (RFC 6125 6.4.3, BR 1.6.1 "Wildcard Domain Name",
/// BR 3.2.2.6).
///
/// A wildcard over a suffix of the List's private section
/// (`*.s3.amazonaws.com`, `*.github.io`) is accepted here, because the
/// suffix's owner may hold it (real S3 certificates do), but it never
/// matches a peer name: see [`dns_matches`].
fn check_dns_id(name: &str) -> Result<(), Finding> {
    let bad = |why: &str| invalid_san(format!("subjectAltName dNSName {}: {why}", quoted(name)));
    let (wildcard, host) = match name.strip_prefix("*.") {
        Some(base) => (true, base),
        None => (false, name),
    };
    if host.contains('*') {
        return Err(bad(
            "a wildcard is allowed only as the whole leftmost label, before a domain \
             (RFC 6125 6.4.3, BR 1.6.1)",
        ));
    }
    dns_name::check(host).map_err(|why| bad(&why.to_string()))?;
    if last_label_numeric(host) {
        return Err(bad(
            "an IP address is not a DNS name; it belongs in an iPAddress entry (RFC 5280 4.2.1.6)",
        ));
    }
    if wildcard {
        let lower = host.to_ascii_lowercase();
        // BR 3.2.2.6: no wildcard over a registry-controlled domain (the
        // ICANN section of the Public Suffix List, or a top-level domain the
        // List does not know).
        let suffix = public_suffix(&lower);
        if !host.contains('.') || suffix.is_some_and(|t| t != psl::Type::Private) {
            return Err(bad(&format!(
                "a wildcard over the public suffix {lower:?} (BR 3.2.2.6)"
            )));
        }
    }
    Ok(())
}

/// When `name` (lowercase) is itself a public suffix: the List's section
/// it comes from (ICANN for a top-level domain the List does not know).
fn public_suffix(name: &str) -> Option<psl::Type> {
    let suffix = psl::suffix(name.as_bytes())?;
    (suffix.as_bytes() == name.as_bytes()).then(|| suffix.typ().unwrap_or(psl::Type::Icann))
}

/// Succeeds when a subjectAltName entry matches the peer name (RFC 6125
/// 6.4): a dNSName equal to it ignoring ASCII case, or a wildcard standing
/// for exactly its leftmost label; an iPAddress with the same octets. The
/// subject CN is never used (RFC 6125 6.4.4 as the WebPKI applies it), and a
/// dNSName that [`check_server_san`] would reject never matches. `Err` is
/// the PeerNameMismatch finding (for the end entity).
pub(crate) fn matches_peer_name(cert: &Certificate, peer: &PeerName) -> Result<(), Finding> {
    let names = san_entries(cert, ResultCode::PeerNameMismatch)?;
    let matched = names.iter().any(|name| match (name, peer) {
        (GeneralName::DnsName(presented), PeerName::Dns(reference)) => {
            dns_matches(presented.as_str(), reference)
        }
        (GeneralName::IpAddress(octets), PeerName::Ip(IpAddr::V4(v4))) => {
            octets.as_bytes() == v4.octets()
        }
        (GeneralName::IpAddress(octets), PeerName::Ip(IpAddr::V6(v6))) => {
            octets.as_bytes() == v6.octets()
        }
        _ => false,
    });
    if matched {
        return Ok(());
    }
    let mut presented: Vec<String> = names
        .iter()
        .filter_map(|name| match name {
            GeneralName::DnsName(dns) => Some(format!("dNSName {}", quoted(dns.as_str()))),
            GeneralName::IpAddress(octets) => Some(format!(
                "iPAddress {}",
                ip_text(octets.as_bytes()).unwrap_or_else(|| "(malformed)".into())
            )),
            _ => None,
        })
        .collect();
    const SHOWN: usize = 5;
    if presented.len() > SHOWN {
        let more = presented.len() - SHOWN;
        presented.truncate(SHOWN);
        presented.push(format!("{more} more"));
    }
    let presented = if presented.is_empty() {
        "none of DNS or IP form".to_string()
    } else {
        presented.join(", ")
    };
    Err(Finding::unplaced(
        ResultCode::PeerNameMismatch,
        format!(
            "{peer} matches no subjectAltName entry ({presented}); the subject CN is never used \
             (RFC 6125 6.4)"
        ),
    ))
}

/// RFC 6125 6.4.1 and 6.4.3: `reference` is lowercase.
fn dns_matches(presented: &str, reference: &str) -> bool {
    if check_dns_id(presented).is_err() {
        return false;
    }
    let presented = presented.to_ascii_lowercase();
    match presented.strip_prefix("*.") {
        // The wildcard stands for exactly one whole leftmost label, and never
        // for names registered under a public suffix of either section of
        // the List (RFC 6125 6.4.3 lets clients refuse such wildcards; each
        // name below `github.io` or `s3.amazonaws.com` has its own owner).
        Some(base) => {
            public_suffix(base).is_none()
                && reference
                    .split_once('.')
                    .is_some_and(|(first, rest)| !first.is_empty() && rest == base)
        }
        None => presented == reference,
    }
}

#[cfg(test)]
mod tests {
    use super::super::name_constraints::test_der::*;
    use super::*;

    fn leaf_with(subject: &[u8], critical: bool, san: &[Vec<u8>]) -> Certificate {
        cert(subject, &[(SAN, critical, names(san))])
    }

    /// `CN=<first DNS entry>`-free leaf: empty subject, critical SAN.
    fn leaf(san: &[Vec<u8>]) -> Certificate {
        leaf_with(&seq(&[]), true, san)
    }

    fn peer(s: &str) -> PeerName {
        s.parse().unwrap()
    }

    /// The server-profile check, its finding's detail once its code is
    /// checked.
    fn check_server_san(cert: &Certificate) -> Result<(), String> {
        super::check_server_san(cert).map_err(|f| {
            assert_eq!(f.code, ResultCode::InvalidSubjectAltName, "{f:?}");
            f.detail
        })
    }

    /// The peer-name match, its finding's detail once its code is checked.
    fn matches_peer_name(cert: &Certificate, peer: &PeerName) -> Result<(), String> {
        super::matches_peer_name(cert, peer).map_err(|f| {
            assert_eq!(f.code, ResultCode::PeerNameMismatch, "{f:?}");
            f.detail
        })
    }

    #[test]
    fn peer_names_parse_strictly() {
        assert_eq!(
            peer("192.168.1.1"),
            PeerName::Ip("192.168.1.1".parse().unwrap())
        );
        assert_eq!(peer("0.0.0.0"), PeerName::Ip("0.0.0.0".parse().unwrap()));
        assert_eq!(peer("::1"), PeerName::Ip("::1".parse().unwrap()));
        assert_eq!(
            peer("2001:DB8::8A2E:370:7334"),
            PeerName::Ip("2001:db8::8a2e:370:7334".parse().unwrap())
        );
        assert_eq!(peer("Example.COM."), PeerName::Dns("example.com".into()));
        assert_eq!(peer("localhost"), PeerName::Dns("localhost".into()));
        // The one DNS syntax (dns_name.rs): no underscore in a host name.
        let err = "foo_bar.example.com".parse::<PeerName>().unwrap_err();
        assert_eq!(err.code, ResultCode::PeerNameMismatch);
        assert!(err.detail.contains("underscore"), "{err:?}");
        // Hex is a valid-looking label, not an address.
        assert_eq!(peer("0xC0A80101"), PeerName::Dns("0xc0a80101".into()));
        let long_label = "a".repeat(64);
        for bad in [
            "",
            ".",
            "192.168.001.001",
            "192.168.1",
            "256.1.1.1",
            "1.2.3.4.5",
            "a..b",
            "*.example.com",
            "exa mple.com",
            "[::1]",
            "::g",
            "é.example",
            long_label.as_str(),
        ] {
            assert!(bad.parse::<PeerName>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn server_san_must_be_present_well_formed_and_rightly_critical() {
        // limbo webpki::san::no-san
        let no_san = cert(&cn("example.com"), &[]);
        let err = check_server_san(&no_san).unwrap_err();
        assert!(err.contains("no subjectAltName"), "{err}");
        // limbo rfc5280::san::malformed
        let malformed = cert(&cn("example.com"), &[(SAN, false, vec![0x30, 0x05, 0x82])]);
        assert!(
            check_server_san(&malformed)
                .unwrap_err()
                .contains("does not decode")
        );
        let empty = cert(&cn("example.com"), &[(SAN, false, seq(&[]))]);
        assert!(check_server_san(&empty).is_err());
        // limbo rfc5280::san::noncritical-with-empty-subject
        let err =
            check_server_san(&leaf_with(&seq(&[]), false, &[dns("example.com")])).unwrap_err();
        assert!(err.contains("4.2.1.6"), "{err}");
        // limbo webpki::san::san-critical-with-nonempty-subject
        let err = check_server_san(&leaf_with(&cn("example.com"), true, &[dns("example.com")]))
            .unwrap_err();
        assert!(err.contains("7.1.2.7.12"), "{err}");
        // limbo webpki::san::exact-dns-san, cve::cve-2024-0567 (empty subject)
        check_server_san(&leaf_with(&cn("example.com"), false, &[dns("example.com")])).unwrap();
        check_server_san(&leaf(&[dns("cve-2024-0567.example.com")])).unwrap();
        // limbo webpki::san::exact-localhost-ip-san
        check_server_san(&leaf(&[ip(&[127, 0, 0, 1])])).unwrap();
        let mut v6 = [0u8; 16];
        v6[15] = 1;
        check_server_san(&leaf(&[ip(&v6)])).unwrap();
        // limbo rfc5280::nc::nc-permits-invalid-ip-san (a network in a SAN)
        assert!(check_server_san(&leaf(&[ip(&[192, 0, 2, 0, 255, 255, 255, 0])])).is_err());
        // Other forms are tolerated.
        check_server_san(&leaf(&[dns("a.example.com"), email("x@example.com")])).unwrap();
    }

    #[test]
    fn server_dns_names_follow_preferred_syntax_and_wildcard_rules() {
        for good in [
            "example.com",
            "EXAMPLE.com",
            "a-b.example.com",
            "xn--n3h.com",
            "*.example.com",
            "*.example.co.uk",
            "*.foo.github.io",
            "*.example.internal",
            // The suffix's owner may hold these (limbo online::s3.amazonaws.com).
            "*.s3.amazonaws.com",
            "*.github.io",
            "localhost",
        ] {
            check_server_san(&leaf(&[dns(good)])).unwrap_or_else(|e| panic!("{good}: {e}"));
        }
        for (bad, why) in [
            // limbo rfc5280::san::underscore-dns
            ("foo_bar.example.com", "underscore"),
            // limbo rfc5280::san::ip-in-dns
            ("8.8.8.8", "IP address"),
            // limbo webpki::san::san-wildcard-only, san-wildcard-only-tld
            ("*", "leftmost"),
            // limbo webpki::san::public-suffix-wildcard-san
            ("*.com", "public suffix"),
            // limbo webpki::san::public-suffix-multi-label-wildcard-san
            ("*.co.uk", "public suffix"),
            ("*.internal", "public suffix"),
            ("*.uk", "public suffix"),
            // limbo webpki::san::wildcard-embedded-leftmost-san
            ("ba*.example.com", "leftmost"),
            // limbo webpki::san::wildcard-not-in-leftmost-san
            ("foo.*.example.com", "leftmost"),
            // limbo webpki::san::wildcard-embedded-ulabel-san
            ("xn--*-1b3c148a.example.com", "leftmost"),
            ("*.*.example.com", "leftmost"),
            ("**.example.com", "leftmost"),
            ("-a.example.com", "hyphen"),
            ("example.com.", "1 to 63"),
            (".example.com", "1 to 63"),
            ("a b.example.com", "letters"),
        ] {
            let err = check_server_san(&leaf(&[dns("example.com"), dns(bad)])).expect_err(bad);
            assert!(err.contains(why), "{bad}: {err}");
        }
        // limbo webpki::san::unicode-emoji-san: not an IA5String, so the
        // extension does not decode.
        let emoji = leaf(&[tlv(0x82, "😜.example.com".as_bytes())]);
        assert!(
            check_server_san(&emoji)
                .unwrap_err()
                .contains("does not decode")
        );
    }

    #[test]
    fn common_name_must_not_be_a_mis_encoded_copy_of_a_san_entry() {
        let ok =
            |subject: &str, san: Vec<u8>| check_server_san(&leaf_with(&cn(subject), false, &[san]));
        ok("example.com", dns("example.com")).unwrap();
        ok("192.168.1.1", ip(&[192, 168, 1, 1])).unwrap();
        let v6: Ipv6Addr = "2001:db8::1:0:0:1".parse().unwrap();
        ok("2001:db8::1:0:0:1", ip(&v6.octets())).unwrap();
        // limbo's valid server certificates carry CN=example.com beside
        // other names (webpki::san::leftmost-wildcard-san, exact-localhost-ip-san).
        ok("example.com", dns("*.example.com")).unwrap();
        ok("example.com", ip(&[127, 0, 0, 1])).unwrap();
        ok("Example Server", dns("a.example.com")).unwrap();
        // limbo webpki::cn::case-mismatch, utf8-vs-punycode-mismatch
        assert!(ok("Example.COM", dns("example.com")).is_err());
        let err = ok("test-測試.com", dns("xn--test--wg5h0h.com")).unwrap_err();
        assert!(err.contains("A-labels"), "{err}");
        // limbo webpki::cn::ipv4-hex-mismatch, ipv4-leading-zeros-mismatch
        assert!(ok("0xC0A80101", ip(&[192, 168, 1, 1])).is_err());
        assert!(ok("192.168.001.001", ip(&[192, 168, 1, 1])).is_err());
        assert!(ok("10.0.0.1", ip(&[192, 168, 1, 1])).is_err());
        assert!(ok("10.0.0.1", dns("example.com")).is_err());
        // limbo webpki::cn::ipv6-uppercase-mismatch, ipv6-uncompressed-mismatch,
        // ipv6-non-rfc5952-mismatch
        let v6: Ipv6Addr = "2001:db8::8a2e:370:7334".parse().unwrap();
        assert!(ok("2001:DB8::8A2E:370:7334", ip(&v6.octets())).is_err());
        let v6: Ipv6Addr = "2001:db8::1".parse().unwrap();
        assert!(ok("2001:0db8:0000:0000:0000:0000:0000:0001", ip(&v6.octets())).is_err());
        let v6: Ipv6Addr = "2001:db8::1:0:0:1".parse().unwrap();
        let err = ok("2001:db8:0:0:1:0:0:1", ip(&v6.octets())).unwrap_err();
        assert!(err.contains("7.1.4.3"), "{err}");
        // Every CN is looked at.
        let two = name(&[
            &[("2.5.4.3", "a.example.com")],
            &[("2.5.4.3", "A.example.com")],
        ]);
        let c = leaf_with(&two, false, &[dns("a.example.com")]);
        assert!(check_server_san(&c).is_err());
        assert!(looks_like_ip("1.2.3.4") && looks_like_ip("0x7f.1") && looks_like_ip("::1"));
        let long = format!("{}.example.com", "a".repeat(300));
        assert!(check_server_san(&leaf(&[dns(&long)])).unwrap_err().len() < 400);
        assert!(!looks_like_ip("example.com") && !looks_like_ip("1.2.3.4.5") && !looks_like_ip(""));
    }

    #[test]
    fn dns_peer_names_match_exactly_or_by_one_wildcard_label() {
        let c = leaf(&[dns("example.com")]);
        // limbo webpki::san::exact-dns-san, mismatch-domain-san,
        // mismatch-subdomain-apex-san
        matches_peer_name(&c, &peer("example.com")).unwrap();
        matches_peer_name(&c, &peer("EXAMPLE.com.")).unwrap();
        assert!(matches_peer_name(&c, &peer("example2.com")).is_err());
        assert!(matches_peer_name(&c, &peer("abc.example.com")).is_err());
        let c = leaf(&[dns("abc.example.com")]);
        // limbo webpki::san::mismatch-subdomain-san, mismatch-apex-subdomain-san
        assert!(matches_peer_name(&c, &peer("def.example.com")).is_err());
        assert!(matches_peer_name(&c, &peer("example.com")).is_err());
        let c = leaf(&[dns("*.Example.com")]);
        // limbo webpki::san::leftmost-wildcard-san, wildcard-match-across-labels-san
        matches_peer_name(&c, &peer("foo.example.com")).unwrap();
        assert!(matches_peer_name(&c, &peer("foo.bar.example.com")).is_err());
        assert!(matches_peer_name(&c, &peer("example.com")).is_err());
        // Malformed or over-broad presented names never match.
        for (presented, reference) in [
            ("ba*.example.com", "baz.example.com"),
            ("foo.*.example.com", "foo.bar.example.com"),
            (
                "xn--*-1b3c148a.example.com",
                "xn--bliss-1b3c148a.example.com",
            ),
            ("*.com", "example.com"),
            ("*.co.uk", "example.co.uk"),
            // limbo webpki::san::public-suffix-private-namespace-wildcard-san
            ("*.s3.amazonaws.com", "example.s3.amazonaws.com"),
            ("*.github.io", "someone.github.io"),
            ("*", "com"),
        ] {
            let c = leaf(&[dns(presented)]);
            assert!(
                matches_peer_name(&c, &peer(reference)).is_err(),
                "{presented}"
            );
        }
    }

    #[test]
    fn ip_peer_names_match_octets_and_never_the_cn() {
        let c = leaf_with(&cn("192.168.1.1"), false, &[ip(&[127, 0, 0, 1])]);
        matches_peer_name(&c, &peer("127.0.0.1")).unwrap();
        let err = matches_peer_name(&c, &peer("192.168.1.1")).unwrap_err();
        assert!(err.contains("iPAddress 127.0.0.1"), "{err}");
        assert!(err.contains("CN is never used"), "{err}");
        // An IPv4-mapped IPv6 address is a different name.
        assert!(matches_peer_name(&c, &peer("::ffff:127.0.0.1")).is_err());
        // A DNS name does not match an IP entry holding the same text, and
        // the reverse (limbo rfc5280::san::ip-in-dns).
        assert!(matches_peer_name(&c, &peer("localhost")).is_err());
        let c = leaf(&[dns("8.8.8.8")]);
        assert!(matches_peer_name(&c, &peer("8.8.8.8")).is_err());
        let mut v6 = [0u8; 16];
        v6[15] = 1;
        let c = leaf(&[ip(&v6)]);
        matches_peer_name(&c, &peer("::1")).unwrap();
        matches_peer_name(&c, &peer("0:0:0:0:0:0:0:1")).unwrap();
        // limbo webpki::san::no-san: the CN is never a fallback.
        let c = cert(&cn("example.com"), &[]);
        assert!(matches_peer_name(&c, &peer("example.com")).is_err());
    }

    mod no_panic {
        use proptest::prelude::*;

        use super::*;

        const TEXT: &str = "[a-zA-Z0-9.*:_ -]{0,24}";

        proptest! {
            #[test]
            fn any_text_parses_or_fails_cleanly(text in "\\PC{0,40}") {
                let _ = text.parse::<PeerName>();
                let _ = check_dns_id(&text);
                let _ = looks_like_ip(&text);
                let _ = dns_matches(&text, &text.to_ascii_lowercase());
            }

            #[test]
            fn arbitrary_sans_never_panic(
                entries in prop::collection::vec((any::<bool>(), TEXT, prop::collection::vec(any::<u8>(), 0..17)), 0..5),
                common_name in "\\PC{0,30}",
                reference in TEXT,
                critical in any::<bool>(),
            ) {
                let san: Vec<Vec<u8>> = entries
                    .iter()
                    .map(|(is_dns, text, octets)| if *is_dns { dns(text) } else { ip(octets) })
                    .collect();
                let c = leaf_with(&cn(&common_name), critical, &san);
                let _ = check_server_san(&c);
                if let Ok(peer) = reference.parse::<PeerName>() {
                    let _ = matches_peer_name(&c, &peer);
                }
            }
        }
    }
}
