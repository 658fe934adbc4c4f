//! Signed material the tests make with OpenSSL from the example chain
//! (`examples/chain/`), with fixed dates so that no verdict depends on the
//! clock: RFC 3161 tokens, CRLs.

use std::path::Path;

use crate::{openssl, repo_root};

/// genTime of every token [`timestamp_token`] makes: inside the validity of
/// the example chain.
pub const GEN_TIME: i64 = 1_811_808_000; // 2027-06-01T00:00:00Z

fn chain(name: &str) -> String {
    repo_root()
        .join("examples/chain")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// A TSTInfo (RFC 3161 2.4.2) over the SHA-256 of `data` with genTime
/// [`GEN_TIME`], DER.
pub fn tst_info_der(data: &[u8], serial: u8) -> Vec<u8> {
    use crate::der_tree::Node;
    use sha2::Digest;
    let oid = |dotted: &str| {
        Node::primitive(
            0x06,
            der::asn1::ObjectIdentifier::new_unwrap(dotted).as_bytes(),
        )
    };
    Node::constructed(
        0x30,
        vec![
            Node::primitive(0x02, &[1]),
            oid("1.2.3.4.1"),
            Node::constructed(
                0x30,
                vec![
                    Node::constructed(
                        0x30,
                        vec![oid("2.16.840.1.101.3.4.2.1"), Node::primitive(0x05, &[])],
                    ),
                    Node::primitive(0x04, &sha2::Sha256::digest(data)),
                ],
            ),
            Node::primitive(0x02, &[serial]),
            Node::primitive(0x18, b"20270601000000Z"),
            Node::constructed(0x30, vec![Node::primitive(0x02, &[1])]),
        ],
    )
    .encode()
}

/// An RFC 3161 token over `data` from the example TSA, made in `dir`
/// (`name` names the files): the TSTInfo is built here (genTime fixed;
/// `openssl ts -reply` stamps the current time) and signed by OpenSSL as a
/// TSA signs it (`cms -sign -cades`: id-ct-TSTInfo content, ESS
/// signing-certificate-v2); `openssl ts -verify` checks it at genTime.
pub fn timestamp_token(dir: &Path, data: &[u8], name: &str) -> Vec<u8> {
    let p = |n: &str| dir.join(n).to_string_lossy().into_owned();
    let data_path = p(&format!("{name}.bin"));
    std::fs::write(&data_path, data).unwrap();
    let tst = p(&format!("{name}.tstinfo"));
    std::fs::write(&tst, tst_info_der(data, name.len() as u8)).unwrap();
    let token = p(&format!("{name}.tst"));
    openssl(&[
        "cms",
        "-sign",
        "-binary",
        "-nodetach",
        "-cades",
        "-md",
        "sha256",
        "-econtent_type",
        "1.2.840.113549.1.9.16.1.4",
        "-in",
        &tst,
        "-signer",
        &chain("tsa.pem"),
        "-inkey",
        &chain("tsa.key"),
        "-certfile",
        &chain("intermediate.pem"),
        "-outform",
        "DER",
        "-out",
        &token,
    ])
    .unwrap();
    let untrusted = p("tsa-chain.pem");
    std::fs::write(
        &untrusted,
        [
            std::fs::read(chain("tsa.pem")).unwrap(),
            std::fs::read(chain("intermediate.pem")).unwrap(),
        ]
        .concat(),
    )
    .unwrap();
    openssl(&[
        "ts",
        "-verify",
        "-token_in",
        "-in",
        &token,
        "-data",
        &data_path,
        "-CAfile",
        &chain("root.pem"),
        "-untrusted",
        &untrusted,
        "-attime",
        &GEN_TIME.to_string(),
    ])
    .unwrap_or_else(|e| panic!("openssl ts -verify: {e}"));
    std::fs::read(&token).unwrap()
}

/// A CRL (PEM) signed by the example CA `ca` (`root` or `intermediate`),
/// made in `dir`, with thisUpdate 2026-12-01 and nextUpdate 2046-01-01,
/// revoking the certificates `revoked` (PEM files) on 2026-12-01 with
/// keyCompromise.
pub fn crl(dir: &Path, ca: &str, revoked: &[&str], out: &str) {
    let db = dir.join(format!("crl-{ca}"));
    let _ = std::fs::remove_dir_all(&db);
    std::fs::create_dir_all(&db).unwrap();
    // The CA database, written here so that every revocation date is fixed
    // (2026-12-01; `openssl ca -revoke` would record the current time).
    let mut index = String::new();
    for file in revoked {
        let out = openssl(&[
            "x509", "-in", file, "-noout", "-serial", "-subject", "-nameopt", "compat",
        ])
        .unwrap();
        let field = |key: &str| {
            out.lines()
                .find_map(|l| l.strip_prefix(key))
                .unwrap_or_else(|| panic!("{file}: no {key}"))
                .to_string()
        };
        index.push_str(&format!(
            "R\t460101000000Z\t261201000000Z,keyCompromise\t{}\tunknown\t{}\n",
            field("serial="),
            field("subject=")
        ));
    }
    std::fs::write(db.join("index.txt"), index).unwrap();
    std::fs::write(db.join("crlnumber"), "01\n").unwrap();
    let config = db.join("ca.cnf");
    std::fs::write(
        &config,
        format!(
            "[ca]\ndefault_ca = test\n[test]\ndatabase = {d}/index.txt\ncrlnumber = {d}/crlnumber\ndefault_md = sha256\ncrl_extensions = crl_ext\n[crl_ext]\nauthorityKeyIdentifier = keyid:always\n",
            d = db.display()
        ),
    )
    .unwrap();
    let config = config.to_string_lossy().into_owned();
    let (cert, key) = (chain(&format!("{ca}.pem")), chain(&format!("{ca}.key")));
    openssl(&[
        "ca",
        "-gencrl",
        "-config",
        &config,
        "-cert",
        &cert,
        "-keyfile",
        &key,
        "-crl_lastupdate",
        "20261201000000Z",
        "-crl_nextupdate",
        "20460101000000Z",
        "-out",
        out,
    ])
    .unwrap();
}

/// The signed body part (canonical CRLF, without the CRLF that belongs to
/// the boundary, RFC 1847 2.1) and the decoded signature of a
/// multipart/signed S/MIME message (the PKITS messages).
pub fn split_smime(path: &Path) -> (Vec<u8>, Vec<u8>) {
    use base64ct::{Base64, Encoding};
    let text = std::fs::read_to_string(path).unwrap();
    let boundary = text
        .split("boundary=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap();
    let parts: Vec<&str> = text.split(&format!("--{boundary}")).collect();
    let signed = parts[1]
        .strip_prefix("\r\n")
        .or_else(|| parts[1].strip_prefix('\n'))
        .unwrap();
    let signed = signed
        .strip_suffix("\r\n")
        .or_else(|| signed.strip_suffix('\n'))
        .unwrap();
    let canonical = signed.replace("\r\n", "\n").replace('\n', "\r\n");
    let sig_part = parts[2];
    let body_start = sig_part
        .find("\r\n\r\n")
        .map(|i| i + 4)
        .or_else(|| sig_part.find("\n\n").map(|i| i + 2))
        .unwrap();
    let b64: String = sig_part[body_start..]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    (canonical.into_bytes(), Base64::decode_vec(&b64).unwrap())
}
