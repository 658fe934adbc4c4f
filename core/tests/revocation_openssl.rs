//! Revocation against data and servers made by OpenSSL in the test itself:
//! CRLs from `openssl ca -gencrl`, OCSP responses from OpenSSL's responder
//! (`openssl ocsp -index`), served over HTTP on 127.0.0.1, plus servers that
//! hang, answer garbage or redirect forever. Verdicts are compared with
//! `openssl verify -crl_check` and the `openssl ocsp` client.

mod revocation_support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use revocation_support::{Behaviour, Pki, Server, openssl_status};
use validate::Timestamp;
use validate::crypto::DigestAlgorithm;
use validate::path::ChainStatusFlags;
use validate::revocation::{
    CertId, Crl, HttpFetcher, NoExtraSigners, OcspRequest, OcspResponse, RevocationMode,
    RevocationOptions, RevocationReason, RevocationSource, RevocationSources, RevocationStatus,
    UnknownReason, check_revocation,
};

fn options(offline: bool) -> RevocationOptions {
    let mut options = RevocationOptions::at(Timestamp::now());
    options.mode = RevocationMode::Hard;
    options.offline = offline;
    options
}

/// What OpenSSL's OCSP client says about `name`: good, revoked or unknown.
fn openssl_ocsp_client(pki: &Pki, name: &str, url: &str) -> String {
    let cert = format!("{name}.pem");
    let (_, out) = openssl_status(
        &pki.dir.0,
        &[
            "ocsp",
            "-issuer",
            "ca.pem",
            "-cert",
            &cert,
            "-url",
            url,
            "-CAfile",
            "ca.pem",
            "-no_nonce",
        ],
    );
    assert!(out.contains("Response verify OK"), "{out}");
    let line = out
        .lines()
        .find(|l| l.starts_with(&format!("{cert}: ")))
        .unwrap_or_else(|| panic!("{out}"));
    line[cert.len() + 2..].trim().to_string()
}

#[test]
fn crls_from_openssl_ca_match_openssl_verify() {
    let pki = Pki::new("crl", "http://127.0.0.1:1/", "http://127.0.0.1:1/ca.crl");
    let ca = pki.cert("ca");
    let pem = Crl::from_pem_or_der(&pki.read("ca.crl.pem")).unwrap();
    let der = Crl::from_der(&pki.read("ca.crl")).unwrap();
    assert_eq!(pem.der(), der.der());
    assert_eq!(der.len(), 1);
    assert_eq!(der.version(), 2);
    assert!(der.crl_number().is_some() && der.authority_key_id().is_some());
    let sources = RevocationSources::new().with_crls([der]);
    for name in ["good", "revoked", "unknown"] {
        let status = check_revocation(
            &pki.cert(name),
            &ca,
            &sources,
            &options(true),
            &NoExtraSigners,
        );
        let (openssl_ok, out) = openssl_status(
            &pki.dir.0,
            &[
                "verify",
                "-crl_check",
                "-CAfile",
                "ca.pem",
                "-CRLfile",
                "ca.crl.pem",
                &format!("{name}.pem"),
            ],
        );
        assert_eq!(
            status.is_good(),
            openssl_ok,
            "{name}: ours {status}, openssl {out}"
        );
        assert_eq!(
            status.is_revoked(),
            out.contains("certificate revoked"),
            "{name}: {out}"
        );
        if name == "revoked" {
            assert!(matches!(
                status,
                RevocationStatus::Revoked {
                    source: RevocationSource::Crl,
                    reason: Some(RevocationReason::KeyCompromise),
                    ..
                }
            ));
            assert_eq!(status.chain_status_flags(), ChainStatusFlags::REVOKED);
        }
    }
    // The CRL's signature was verified once for three certificates.
    assert_eq!(sources.memo().len(), 1);
}

#[test]
fn crl_signed_by_another_ca_is_unusable() {
    let pki = Pki::new("crl-a", "http://127.0.0.1:1/", "http://127.0.0.1:1/ca.crl");
    let other = Pki::new("crl-b", "http://127.0.0.1:1/", "http://127.0.0.1:1/ca.crl");
    // other's CRL re-signed claims: take its DER and present it for pki's certs:
    // the issuer name differs, so it is simply not in scope.
    let sources =
        RevocationSources::new().with_crls([Crl::from_der(&other.read("ca.crl")).unwrap()]);
    let status = check_revocation(
        &pki.cert("revoked"),
        &pki.cert("ca"),
        &sources,
        &options(true),
        &NoExtraSigners,
    );
    assert!(
        matches!(
            status,
            RevocationStatus::Unknown {
                reason: UnknownReason::NoInformation,
                ..
            }
        ),
        "{status}"
    );
    // A CRL whose signature was altered is a finding, not a crash.
    let mut der = pki.read("ca.crl");
    let last = der.len() - 3;
    der[last] ^= 0x55;
    let crl = Crl::from_der(&der).unwrap();
    let sources = RevocationSources::new().with_crls([crl]);
    let status = check_revocation(
        &pki.cert("good"),
        &pki.cert("ca"),
        &sources,
        &options(true),
        &NoExtraSigners,
    );
    match &status {
        RevocationStatus::Unknown {
            reason: UnknownReason::Unusable,
            details,
        } => {
            assert!(
                details.iter().any(|d| d.contains("signature")),
                "{details:?}"
            )
        }
        other => panic!("{other}"),
    }
    let (ok, _) = openssl_status(
        &pki.dir.0,
        &[
            "verify",
            "-crl_check",
            "-CAfile",
            "ca.pem",
            "-CRLfile",
            "ca.crl.pem",
            "good.pem",
        ],
    );
    assert!(ok);
}

#[test]
fn ocsp_responses_from_openssl_responder() {
    let pki = Pki::new("ocsp", "http://127.0.0.1:1/", "http://127.0.0.1:1/ca.crl");
    let ca = pki.cert("ca");
    for hash in [DigestAlgorithm::Sha1, DigestAlgorithm::Sha256] {
        for signer in ["responder", "ca"] {
            for name in ["good", "revoked", "unknown"] {
                let cert = pki.cert(name);
                let request = OcspRequest::new(vec![CertId::new(&cert, &ca, hash)])
                    .to_der()
                    .unwrap();
                let response = OcspResponse::from_der(&pki.ocsp_respond(&request, signer)).unwrap();
                let sources = RevocationSources::new().with_ocsp_responses([response]);
                let status =
                    check_revocation(&cert, &ca, &sources, &options(true), &NoExtraSigners);
                let what = format!("{name} ({hash}, signed by {signer}): {status}");
                match name {
                    "good" => assert!(
                        matches!(
                            status,
                            RevocationStatus::Good {
                                source: RevocationSource::Ocsp,
                                next_update: Some(_),
                                ..
                            }
                        ),
                        "{what}"
                    ),
                    "revoked" => assert!(
                        matches!(
                            status,
                            RevocationStatus::Revoked {
                                source: RevocationSource::Ocsp,
                                reason: Some(RevocationReason::KeyCompromise),
                                ..
                            }
                        ),
                        "{what}"
                    ),
                    _ => assert!(
                        matches!(
                            status,
                            RevocationStatus::Unknown {
                                reason: UnknownReason::ResponderUnknown,
                                ..
                            }
                        ),
                        "{what}"
                    ),
                }
            }
        }
    }
}

#[test]
fn ocsp_responses_from_unauthorised_signers_or_tampered_are_unusable() {
    let pki = Pki::new(
        "ocsp-bad",
        "http://127.0.0.1:1/",
        "http://127.0.0.1:1/ca.crl",
    );
    let ca = pki.cert("ca");
    let good = pki.cert("good");
    let request = OcspRequest::new(vec![CertId::new(&good, &ca, DigestAlgorithm::Sha1)])
        .to_der()
        .unwrap();
    // Signed by a leaf without id-kp-OCSPSigning.
    let response = OcspResponse::from_der(&pki.ocsp_respond(&request, "revoked")).unwrap();
    let sources = RevocationSources::new().with_ocsp_responses([response]);
    let status = check_revocation(&good, &ca, &sources, &options(true), &NoExtraSigners);
    match &status {
        RevocationStatus::Unknown {
            reason: UnknownReason::Unusable,
            details,
        } => {
            assert!(
                details.iter().any(|d| d.contains("OCSPSigning")),
                "{details:?}"
            )
        }
        other => panic!("{other}"),
    }
    // A tampered signature.
    let mut der = pki.ocsp_respond(&request, "responder");
    let response = OcspResponse::from_der(&der).unwrap();
    let sig_len = response.basic().unwrap().signature().raw_bytes().len();
    let position = der
        .windows(sig_len)
        .position(|w| w == response.basic().unwrap().signature().raw_bytes())
        .unwrap();
    der[position + sig_len / 2] ^= 0x01;
    let response = OcspResponse::from_der(&der).unwrap();
    let sources = RevocationSources::new().with_ocsp_responses([response]);
    let status = check_revocation(&good, &ca, &sources, &options(true), &NoExtraSigners);
    assert!(
        matches!(
            status,
            RevocationStatus::Unknown {
                reason: UnknownReason::Unusable,
                ..
            }
        ),
        "{status}"
    );
    // A response from another CA's responder answers for other certificates.
    let other = Pki::new(
        "ocsp-other",
        "http://127.0.0.1:1/",
        "http://127.0.0.1:1/ca.crl",
    );
    let response = OcspResponse::from_der(&other.ocsp_respond(&request, "responder")).unwrap();
    let sources = RevocationSources::new().with_ocsp_responses([response]);
    let status = check_revocation(&good, &ca, &sources, &options(true), &NoExtraSigners);
    assert!(!status.is_good(), "{status}");
    // Too old for the validation time: nextUpdate (60 minutes) has passed.
    let response = OcspResponse::from_der(&pki.ocsp_respond(&request, "responder")).unwrap();
    let sources = RevocationSources::new().with_ocsp_responses([response]);
    let mut later = options(true);
    later.time = Timestamp::from_unix_seconds(Timestamp::now().unix_seconds() + 2 * 3600);
    let status = check_revocation(&good, &ca, &sources, &later, &NoExtraSigners);
    assert!(
        matches!(
            status,
            RevocationStatus::Unknown {
                reason: UnknownReason::Unusable,
                ..
            }
        ),
        "{status}"
    );
    later.next_update_grace = 3 * 3600;
    assert!(check_revocation(&good, &ca, &sources, &later, &NoExtraSigners).is_good());
}

/// The certificates' AIA and CDP name servers on 127.0.0.1: OpenSSL's
/// responder behind one, the CA's CRL on the other.
struct Online {
    pki: Pki,
    ocsp: Server,
    crl: Server,
}

fn online(name: &str) -> Online {
    let slot = Arc::new(Mutex::new(None));
    let ocsp = Server::start(Behaviour::Ocsp {
        dir: slot.clone(),
        signer: "responder".into(),
    });
    let files = Arc::new(Mutex::new(Vec::new()));
    let crl = Server::start(Behaviour::Files(files.clone()));
    let pki = Pki::new(name, &ocsp.url("/"), &crl.url("/ca.crl"));
    *slot.lock().unwrap() = Some(pki.dir.0.clone());
    files
        .lock()
        .unwrap()
        .push(("/ca.crl".to_string(), pki.read("ca.crl")));
    Online { pki, ocsp, crl }
}

#[test]
fn ocsp_and_crl_over_http_match_openssl() {
    let o = online("http");
    let ca = o.pki.cert("ca");
    let sources = RevocationSources::new().with_fetcher(Arc::new(HttpFetcher::default()));
    let opts = options(false);
    for name in ["good", "revoked", "unknown"] {
        let status = check_revocation(&o.pki.cert(name), &ca, &sources, &opts, &NoExtraSigners);
        let openssl = openssl_ocsp_client(&o.pki, name, &o.ocsp.url("/"));
        match name {
            "good" => assert!(
                status.is_good() && status.source() == Some(RevocationSource::Ocsp),
                "{status}"
            ),
            "revoked" => assert!(
                status.is_revoked() && status.source() == Some(RevocationSource::Ocsp),
                "{status}"
            ),
            // The responder does not know it; the CRL (not listing it) decides.
            _ => assert!(
                status.is_good() && status.source() == Some(RevocationSource::Crl),
                "{status}"
            ),
        }
        assert_eq!(openssl, name, "openssl's client");
    }
    // One responder exchange per certificate asked about (openssl's client
    // asked three more), one CRL download for all.
    assert_eq!(o.ocsp.count(), 6);
    assert_eq!(o.crl.count(), 1);
    // Cached: asking again costs no exchange.
    for name in ["good", "revoked", "unknown"] {
        check_revocation(&o.pki.cert(name), &ca, &sources, &opts, &NoExtraSigners);
    }
    assert_eq!(
        o.ocsp.count(),
        7,
        "only the unknown certificate is asked again"
    );
    assert_eq!(o.crl.count(), 1);
    // CRLs first when asked.
    let mut crl_first = opts.clone();
    crl_first.prefer_ocsp = false;
    let status = check_revocation(
        &o.pki.cert("revoked"),
        &ca,
        &sources,
        &crl_first,
        &NoExtraSigners,
    );
    assert!(
        status.is_revoked() && status.source() == Some(RevocationSource::Crl),
        "{status}"
    );
    // Offline: nothing given, nothing fetched.
    let status = check_revocation(
        &o.pki.cert("good"),
        &ca,
        &sources,
        &options(true),
        &NoExtraSigners,
    );
    assert!(
        matches!(
            status,
            RevocationStatus::Unknown {
                reason: UnknownReason::NoInformation,
                ..
            }
        ),
        "{status}"
    );
    assert_eq!(
        RevocationMode::Soft.verdict(&status),
        validate::revocation::RevocationVerdict::Warning
    );
    assert_eq!(
        RevocationMode::Hard.verdict(&status),
        validate::revocation::RevocationVerdict::Reject
    );
}

#[test]
fn ocsp_nonce_is_sent_and_checked() {
    let o = online("nonce");
    let ca = o.pki.cert("ca");
    let sources = RevocationSources::new().with_fetcher(Arc::new(HttpFetcher::default()));
    let mut opts = options(false);
    opts.ocsp_nonce = true;
    for _ in 0..2 {
        let status = check_revocation(&o.pki.cert("good"), &ca, &sources, &opts, &NoExtraSigners);
        assert!(
            status.is_good() && status.source() == Some(RevocationSource::Ocsp),
            "{status}"
        );
    }
    assert_eq!(o.ocsp.count(), 2, "with a nonce, no cached answer is used");
    // A response without the nonce (made for a request without one) is refused.
    let good = o.pki.cert("good");
    let request = OcspRequest::new(vec![CertId::new(&good, &ca, DigestAlgorithm::Sha1)])
        .with_nonce(vec![1; 16]);
    let echoed =
        OcspResponse::from_der(&o.pki.ocsp_respond(&request.to_der().unwrap(), "responder"))
            .unwrap();
    assert!(echoed.basic().unwrap().nonce().is_some());
}

#[test]
fn dead_slow_and_garbage_servers_cost_at_most_the_timeout() {
    let hang = Server::start(Behaviour::Hang);
    let garbage = Server::start(Behaviour::Garbage);
    let pki = Pki::new("bad-servers", &hang.url("/"), &garbage.url("/ca.crl"));
    let ca = pki.cert("ca");
    let fetcher = HttpFetcher::new(Duration::from_secs(1), 1 << 20, 1 << 16, 3);
    let sources = RevocationSources::new().with_fetcher(Arc::new(fetcher));
    let started = Instant::now();
    let status = check_revocation(
        &pki.cert("good"),
        &ca,
        &sources,
        &options(false),
        &NoExtraSigners,
    );
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(4), "{elapsed:?}");
    match &status {
        RevocationStatus::Unknown { details, .. } => {
            assert!(
                details.iter().any(|d| d.contains("timed out")),
                "{details:?}"
            );
            assert!(
                details.iter().any(|d| d.contains("unreadable")),
                "{details:?}"
            );
        }
        other => panic!("{other}"),
    }
    assert_eq!(
        RevocationMode::Hard.verdict(&status),
        validate::revocation::RevocationVerdict::Reject
    );

    // A redirect loop and a closed port: retrieval failed, OfflineRevocation.
    let redirect = Server::start(Behaviour::RedirectLoop);
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let pki = Pki::new(
        "offline-servers",
        &redirect.url("/ocsp"),
        &format!("http://127.0.0.1:{closed}/ca.crl"),
    );
    let fetcher = HttpFetcher::new(Duration::from_secs(2), 1 << 20, 1 << 16, 3);
    let sources = RevocationSources::new().with_fetcher(Arc::new(fetcher));
    let status = check_revocation(
        &pki.cert("good"),
        &pki.cert("ca"),
        &sources,
        &options(false),
        &NoExtraSigners,
    );
    match &status {
        RevocationStatus::Unknown {
            reason: UnknownReason::Offline,
            details,
        } => {
            assert!(
                details.iter().any(|d| d.contains("redirects")),
                "{details:?}"
            );
            assert!(
                details.iter().any(|d| d.contains("connection failed")),
                "{details:?}"
            );
        }
        other => panic!("{other}"),
    }
    assert_eq!(
        status.chain_status_flags().bits(),
        ChainStatusFlags::REVOCATION_STATUS_UNKNOWN.bits()
            | ChainStatusFlags::OFFLINE_REVOCATION.bits()
    );
    assert!(redirect.count() >= 2);
}

/// Checks per second with the status cached (one fetch, then the cache and
/// the signature memo) against fetching from OpenSSL's responder every time
/// (a nonce defeats the cache). Printed for the closing note.
#[test]
fn throughput_cached_versus_fetched() {
    let o = online("throughput");
    let ca = o.pki.cert("ca");
    let good = o.pki.cert("good");
    let sources = RevocationSources::new().with_fetcher(Arc::new(HttpFetcher::default()));
    let cached = options(false);
    assert!(check_revocation(&good, &ca, &sources, &cached, &NoExtraSigners).is_good());
    const CACHED: u32 = 2000;
    let started = Instant::now();
    for _ in 0..CACHED {
        assert!(check_revocation(&good, &ca, &sources, &cached, &NoExtraSigners).is_good());
    }
    let cached_time = started.elapsed();
    let mut fetched = options(false);
    fetched.ocsp_nonce = true;
    const FETCHED: u32 = 20;
    let started = Instant::now();
    for _ in 0..FETCHED {
        assert!(check_revocation(&good, &ca, &sources, &fetched, &NoExtraSigners).is_good());
    }
    let fetched_time = started.elapsed();
    assert_eq!(o.ocsp.count(), 1 + FETCHED as usize);
    // OpenSSL's client for the same question, one process per check.
    let started = Instant::now();
    for _ in 0..5 {
        assert_eq!(
            openssl_ocsp_client(&o.pki, "good", &o.ocsp.url("/")),
            "good"
        );
    }
    let openssl_time = started.elapsed() / 5;
    eprintln!(
        "OCSP status checks: cached {:.0}/s ({:?} each); fetched each time {:.1}/s ({:?} each, \
         OpenSSL's responder run per request); openssl ocsp client {openssl_time:?} per check",
        f64::from(CACHED) / cached_time.as_secs_f64(),
        cached_time / CACHED,
        f64::from(FETCHED) / fetched_time.as_secs_f64(),
        fetched_time / FETCHED,
    );
}

#[test]
fn version_1_crls_are_read() {
    let pki = Pki::new("v1", "http://127.0.0.1:1/", "http://127.0.0.1:1/ca.crl");
    pki.gencrl_v1();
    let crl = Crl::from_der(&pki.read("v1.crl")).unwrap();
    assert_eq!(crl.version(), 1);
    assert!(crl.crl_number().is_none());
    let sources = RevocationSources::new().with_crls([crl]);
    let ca = pki.cert("ca");
    let revoked = check_revocation(
        &pki.cert("revoked"),
        &ca,
        &sources,
        &options(true),
        &NoExtraSigners,
    );
    // A v1 CRL has no entry extensions: revoked, reason not stated.
    assert!(
        matches!(revoked, RevocationStatus::Revoked { reason: None, .. }),
        "{revoked}"
    );
    assert!(
        check_revocation(
            &pki.cert("good"),
            &ca,
            &sources,
            &options(true),
            &NoExtraSigners
        )
        .is_good()
    );
}

#[test]
fn delegated_responder_without_nocheck_is_checked_against_crls() {
    let pki = Pki::new(
        "checked-responder",
        "http://127.0.0.1:1/",
        "http://127.0.0.1:1/ca.crl",
    );
    pki.add_checked_responder("fine", false);
    pki.add_checked_responder("fired", true);
    let ca = pki.cert("ca");
    let good = pki.cert("good");
    let request = OcspRequest::new(vec![CertId::new(&good, &ca, DigestAlgorithm::Sha1)])
        .to_der()
        .unwrap();
    let crl = Crl::from_der(&pki.read("ca.crl")).unwrap();
    for (signer, accepted) in [("fine", true), ("fired", false)] {
        let response = OcspResponse::from_der(&pki.ocsp_respond(&request, signer)).unwrap();
        let sources = RevocationSources::new().with_ocsp_responses([response]);
        let mut sources = sources;
        sources.add_crl(Arc::new(crl.clone()));
        let status = check_revocation(&good, &ca, &sources, &options(true), &NoExtraSigners);
        // Either way the certificate is good: OCSP decides when the responder
        // is accepted, the CRL when it is not.
        assert!(status.is_good(), "{signer}: {status}");
        let expected = if accepted {
            RevocationSource::Ocsp
        } else {
            RevocationSource::Crl
        };
        assert_eq!(status.source(), Some(expected), "{signer}: {status}");
    }
}
