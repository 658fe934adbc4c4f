//! DNS-name syntax, the one place for it: the "preferred name syntax" of
//! RFC 1034 3.5 with RFC 1123 2.1's relaxation (a label may start with a
//! digit), which RFC 5280 4.2.1.6 requires of a subjectAltName dNSName and
//! 4.2.1.10 of dNSName constraints, and which the hosts of rfc822Name and
//! URI names and constraints (RFC 5280 4.2.1.10) and the peer name asked of
//! a server (RFC 6125 6.2, the reference identifier) are read with.
//!
//! Decision on the underscore: not allowed, anywhere. RFC 5280 4.2.1.6
//! names the preferred syntax, whose labels hold letters, digits and
//! hyphens only, and the CA/Browser Forum Baseline Requirements (7.1.2.7.12,
//! in force since 2019) forbid it in certificates; a name with one is a
//! malformed name, which lies in no name-constraint subtree (and so is
//! reported against permitted and excluded subtrees alike) and matches no
//! peer name. Wildcards, trailing periods and IP-address look-alikes are
//! the callers' rules, each cited where it is applied.

use std::fmt;

/// How a name fails the preferred name syntax.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DnsSyntaxError {
    /// Empty, or over 253 octets (RFC 1034 3.1).
    Length,
    /// An empty label or one over 63 octets (RFC 1034 3.1).
    LabelLength,
    /// An underscore (RFC 5280 4.2.1.6, RFC 1034 3.5).
    Underscore,
    /// Another character than a letter, digit or hyphen (RFC 1034 3.5).
    Character,
    /// A label starting or ending with a hyphen (RFC 1034 3.5).
    Hyphen,
}

impl fmt::Display for DnsSyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DnsSyntaxError::Length => "a DNS name is 1 to 253 characters (RFC 1034 3.1)",
            DnsSyntaxError::LabelLength => "labels are 1 to 63 characters (RFC 1034 3.1)",
            DnsSyntaxError::Underscore => {
                "underscore is not allowed in a host name (RFC 5280 4.2.1.6 preferred name \
                 syntax, RFC 1034 3.5, BR 7.1.2.7.12)"
            }
            DnsSyntaxError::Character => {
                "labels hold letters, digits and hyphens only (RFC 1034 3.5, RFC 1123 2.1)"
            }
            DnsSyntaxError::Hyphen => {
                "a label neither starts nor ends with a hyphen (RFC 1034 3.5)"
            }
        })
    }
}

/// Checks `name` (no wildcard, no trailing period) against the preferred
/// name syntax.
pub(crate) fn check(name: &str) -> Result<(), DnsSyntaxError> {
    if name.is_empty() || name.len() > 253 {
        return Err(DnsSyntaxError::Length);
    }
    for label in name.split('.') {
        if label.is_empty() || label.len() > 63 {
            return Err(DnsSyntaxError::LabelLength);
        }
        if label.contains('_') {
            return Err(DnsSyntaxError::Underscore);
        }
        if !label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err(DnsSyntaxError::Character);
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(DnsSyntaxError::Hyphen);
        }
    }
    Ok(())
}

/// True when the last label is all digits: the name would be read as an
/// IPv4 address (RFC 1123 2.1: a top-level domain is alphabetic).
pub(crate) fn last_label_numeric(name: &str) -> bool {
    name.rsplit('.')
        .next()
        .is_some_and(|label| !label.is_empty() && label.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preferred_name_syntax() {
        for ok in [
            "example.com",
            "a.b-c.d",
            "1password.com",
            "xn--bcher-kva.example",
            "A.COM",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
        let long_label = "a".repeat(64);
        let long_name = vec!["a".repeat(63); 4].join(".");
        for (bad, why) in [
            ("", DnsSyntaxError::Length),
            (long_name.as_str(), DnsSyntaxError::Length),
            (long_label.as_str(), DnsSyntaxError::LabelLength),
            ("a..b", DnsSyntaxError::LabelLength),
            ("example.com.", DnsSyntaxError::LabelLength),
            ("foo_bar.example.com", DnsSyntaxError::Underscore),
            ("_dmarc.example.com", DnsSyntaxError::Underscore),
            ("*.example.com", DnsSyntaxError::Character),
            ("a b.com", DnsSyntaxError::Character),
            ("-a.com", DnsSyntaxError::Hyphen),
            ("a-.com", DnsSyntaxError::Hyphen),
        ] {
            assert_eq!(check(bad), Err(why), "{bad:?}");
        }
        assert!(last_label_numeric("1.2.3.4"));
        assert!(!last_label_numeric("host.example"));
    }
}
