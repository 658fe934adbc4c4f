//! A 100,000-entry CRL made by `openssl ca -gencrl` in the test: parsed
//! once, its signature verified once, then one map lookup per certificate.
//! Prints the costs beside OpenSSL's (`openssl crl -noout` parse,
//! `openssl verify -crl_check` for one certificate) in the same run.

mod revocation_support;

use std::io::Write;
use std::time::Instant;

use revocation_support::{Pki, openssl_status};
use validate::Timestamp;
use validate::cert::SerialNumber;
use validate::revocation::{
    Crl, NoExtraSigners, RevocationMode, RevocationOptions, RevocationSources, check_revocation,
};

const ENTRIES: u32 = 100_000;

#[test]
fn hundred_thousand_entries_parse_once_then_lookups() {
    let pki = Pki::new("large", "http://127.0.0.1:1/", "http://127.0.0.1:1/ca.crl");
    // Add 100,000 revoked serials to the CA database, then sign a CRL of it.
    {
        let mut index = std::fs::OpenOptions::new()
            .append(true)
            .open(pki.path("index.txt"))
            .unwrap();
        let mut text = String::new();
        for i in 0..ENTRIES {
            text.push_str(&format!(
                "R\t351231000000Z\t240101000000Z,keyCompromise\t{:08X}\tunknown\t/CN=bulk{i}\n",
                0x0100_0000 + i
            ));
        }
        index.write_all(text.as_bytes()).unwrap();
    }
    pki.gencrl();
    let der = pki.read("ca.crl");

    let started = Instant::now();
    let crl = Crl::from_der(&der).unwrap();
    let parse = started.elapsed();
    assert_eq!(crl.len(), ENTRIES as usize + 1);

    let ca = pki.cert("ca");
    let issuer = ca.subject().clone();
    let started = Instant::now();
    let mut found = 0;
    for i in 0..ENTRIES {
        let serial = SerialNumber::from_bytes((0x0100_0000 + i).to_be_bytes().to_vec());
        found += usize::from(crl.find(&serial, &issuer).is_some());
    }
    let lookups = started.elapsed();
    assert_eq!(found, ENTRIES as usize);
    assert!(
        crl.find(&SerialNumber::from_bytes(vec![0x7F, 0x7F]), &issuer)
            .is_none()
    );

    let sources = RevocationSources::new().with_crls([crl]);
    let mut options = RevocationOptions::at(Timestamp::now());
    options.mode = RevocationMode::Hard;
    options.offline = true;
    let good = pki.cert("good");
    let revoked = pki.cert("revoked");
    let started = Instant::now();
    assert!(check_revocation(&good, &ca, &sources, &options, &NoExtraSigners).is_good());
    let first_check = started.elapsed();
    let started = Instant::now();
    const CHECKS: u32 = 1000;
    for _ in 0..CHECKS / 2 {
        assert!(check_revocation(&good, &ca, &sources, &options, &NoExtraSigners).is_good());
        assert!(check_revocation(&revoked, &ca, &sources, &options, &NoExtraSigners).is_revoked());
    }
    let checks = started.elapsed();
    assert_eq!(
        sources.memo().len(),
        1,
        "the CRL signature is verified once"
    );

    let started = Instant::now();
    let (ok, out) = openssl_status(
        &pki.dir.0,
        &["crl", "-inform", "DER", "-in", "ca.crl", "-noout"],
    );
    let openssl_parse = started.elapsed();
    assert!(ok, "{out}");
    let started = Instant::now();
    let (ok, out) = openssl_status(
        &pki.dir.0,
        &[
            "verify",
            "-crl_check",
            "-CAfile",
            "ca.pem",
            "-CRLfile",
            "ca.crl.pem",
            "revoked.pem",
        ],
    );
    let openssl_verify = started.elapsed();
    assert!(!ok && out.contains("certificate revoked"), "{out}");

    eprintln!(
        "100,000-entry CRL ({} bytes, {} build): parse {parse:?}; {ENTRIES} lookups {lookups:?} ({:?} each); \
         first check (signature) {first_check:?}; {CHECKS} further checks {checks:?} ({:?} each); \
         openssl crl -noout (process, parse) {openssl_parse:?}; openssl verify -crl_check (process, parse, verify) {openssl_verify:?}",
        der.len(),
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
        lookups / ENTRIES,
        checks / CHECKS,
    );
}
