//! Encrypted files: the standard security handler (ISO 32000-1 7.6.3,
//! 7.6.4; ISO 32000-2 7.6.4) revisions 2-6 with RC4, AES-128 (AESV2) and
//! AES-256 (AESV3), RustCrypto ciphers and SASLprep (RFC 4013) for R6.
//!
//! What is decrypted (ISO 32000-2 7.6.1): the strings and streams of
//! indirect objects, each with its object's key; not the encryption
//! dictionary, not cross-reference streams, not the strings inside object
//! streams (the stream is decrypted whole), not the `/Contents` of a
//! signature dictionary, not an unencrypted `/Metadata` stream. The
//! signature check needs none of it: the ByteRange bytes are hashed as
//! they are in the file.

use aes::cipher::block_padding::{NoPadding, Pkcs7};
use aes::cipher::{BlockCipherDecrypt, BlockModeDecrypt, BlockModeEncrypt, KeyInit, KeyIvInit};
use md5::{Digest, Md5};
use rc4::{Rc4, StreamCipher};
use sha2::{Sha256, Sha384, Sha512};

use super::document::Document;
use super::findings::{PdfCode, PdfError, PdfResult};
use super::object::{Dict, ObjRef, Object, name_text};

/// ISO 32000-1 7.6.3.3 Algorithm 2 step a: the padding string.
const PAD: [u8; 32] = [
    0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA, 0x01, 0x08,
    0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A,
];

/// How strings or streams are encrypted (a crypt filter's /CFM, 7.6.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    Identity,
    Rc4,
    AesV2,
    AesV3,
}

/// The file key and the methods of an opened file.
#[derive(Debug, Clone)]
pub(crate) struct Decryptor {
    key: Vec<u8>,
    strings: Method,
    streams: Method,
    encrypt_metadata: bool,
    /// The encryption dictionary's own object, never decrypted.
    dictionary: Option<ObjRef>,
}

fn unsupported(detail: impl Into<String>) -> PdfError {
    PdfError {
        code: PdfCode::EncryptionUnsupported,
        detail: detail.into(),
    }
}

fn string_of<'d>(dict: &'d Dict, key: &[u8]) -> PdfResult<&'d [u8]> {
    match dict.get(key) {
        Some(Object::Str(s)) => Ok(&s.bytes),
        _ => Err(PdfError::malformed(format!(
            "the encryption dictionary's /{} is missing or not a string (ISO 32000-1 7.6.3.2 table 21)",
            String::from_utf8_lossy(key)
        ))),
    }
}

fn md5(parts: &[&[u8]]) -> [u8; 16] {
    let mut h = Md5::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

fn rc4(key: &[u8], data: &mut [u8]) -> PdfResult<()> {
    let mut c = Rc4::new_from_slice(key)
        .map_err(|_| unsupported(format!("an RC4 key of {} bytes", key.len())))?;
    c.apply_keystream(data);
    Ok(())
}

/// The password padded or truncated to 32 bytes (Algorithm 2 step a).
fn padded(password: &[u8]) -> [u8; 32] {
    let mut out = PAD;
    let n = password.len().min(32);
    out[..n].copy_from_slice(&password[..n]);
    out[n..].copy_from_slice(&PAD[..32 - n]);
    out
}

/// The parameters of a standard handler of revision 2-4.
struct Rc4Params<'d> {
    revision: i64,
    key_len: usize,
    o: &'d [u8],
    u: &'d [u8],
    p: i64,
    id0: &'d [u8],
    encrypt_metadata: bool,
}

impl Rc4Params<'_> {
    /// Algorithm 2: the file key from a (padded) user password.
    fn file_key(&self, padded_password: &[u8; 32]) -> Vec<u8> {
        let p = (self.p as u32).to_le_bytes();
        let no_metadata: &[u8] = if self.revision >= 4 && !self.encrypt_metadata {
            &[0xff; 4]
        } else {
            &[]
        };
        let mut hash = md5(&[
            padded_password,
            &self.o[..32.min(self.o.len())],
            &p,
            self.id0,
            no_metadata,
        ]);
        if self.revision >= 3 {
            for _ in 0..50 {
                hash = md5(&[&hash[..self.key_len]]);
            }
        }
        hash[..self.key_len].to_vec()
    }

    /// Algorithms 4-6: the file key when `padded_password` is the user
    /// password.
    fn user(&self, padded_password: &[u8; 32]) -> PdfResult<Option<Vec<u8>>> {
        let key = self.file_key(padded_password);
        let matches = if self.revision == 2 {
            let mut u = PAD;
            rc4(&key, &mut u)?;
            self.u.get(..32) == Some(&u[..])
        } else {
            let mut u = md5(&[&PAD, self.id0]);
            for i in 0..20u8 {
                let k: Vec<u8> = key.iter().map(|b| b ^ i).collect();
                rc4(&k, &mut u)?;
            }
            self.u.get(..16) == Some(&u[..])
        };
        Ok(matches.then_some(key))
    }

    /// Algorithm 7: the file key when `password` is the owner password
    /// (it decrypts /O into the user password).
    fn owner(&self, password: &[u8]) -> PdfResult<Option<Vec<u8>>> {
        let mut hash = md5(&[&padded(password)]);
        if self.revision >= 3 {
            for _ in 0..50 {
                hash = md5(&[&hash]);
            }
        }
        let key = &hash[..self.key_len];
        let Some(o) = self.o.get(..32) else {
            return Ok(None);
        };
        let mut user = [0u8; 32];
        user.copy_from_slice(o);
        if self.revision == 2 {
            rc4(key, &mut user)?;
        } else {
            for i in (0..20u8).rev() {
                let k: Vec<u8> = key.iter().map(|b| b ^ i).collect();
                rc4(&k, &mut user)?;
            }
        }
        self.user(&user)
    }
}

fn aes128_cbc_encrypt(key: &[u8], iv: &[u8], data: &mut [u8]) -> PdfResult<()> {
    let enc = cbc::Encryptor::<aes::Aes128>::new_from_slices(key, iv)
        .map_err(|_| unsupported("AES-128 key or IV size"))?;
    let len = data.len();
    enc.encrypt_padded::<NoPadding>(data, len)
        .map_err(|_| PdfError::malformed("AES-128 data is not whole blocks"))?;
    Ok(())
}

/// ISO 32000-2 7.6.4.3.4 Algorithm 2.B (R6), or plain SHA-256 (R5).
fn hash_v5(revision: i64, password: &[u8], salt: &[u8], udata: &[u8]) -> PdfResult<[u8; 32]> {
    let mut k: Vec<u8> = Sha256::new()
        .chain_update(password)
        .chain_update(salt)
        .chain_update(udata)
        .finalize()
        .to_vec();
    if revision == 5 {
        let mut out = [0u8; 32];
        out.copy_from_slice(&k);
        return Ok(out);
    }
    let mut round: u32 = 0;
    loop {
        round += 1;
        let unit = password.len() + k.len() + udata.len();
        let mut e = Vec::with_capacity(unit * 64);
        for _ in 0..64 {
            e.extend_from_slice(password);
            e.extend_from_slice(&k);
            e.extend_from_slice(udata);
        }
        aes128_cbc_encrypt(&k[..16], &k[16..32], &mut e)?;
        // The first 16 bytes as a big-endian number mod 3: 256 = 1 mod 3,
        // so the sum of the bytes mod 3.
        let selector = e[..16].iter().map(|&b| u32::from(b)).sum::<u32>() % 3;
        k = match selector {
            0 => Sha256::digest(&e).to_vec(),
            1 => Sha384::digest(&e).to_vec(),
            _ => Sha512::digest(&e).to_vec(),
        };
        let last = u32::from(e[e.len() - 1]);
        if round >= 64 && last + 32 <= round {
            break;
        }
    }
    let mut out = [0u8; 32];
    out.copy_from_slice(&k[..32]);
    Ok(out)
}

fn aes256_cbc_zero_iv_decrypt(key: &[u8], data: &[u8]) -> PdfResult<Vec<u8>> {
    let dec = cbc::Decryptor::<aes::Aes256>::new_from_slices(key, &[0u8; 16])
        .map_err(|_| unsupported("AES-256 key size"))?;
    let mut buf = data.to_vec();
    let n = dec
        .decrypt_padded::<NoPadding>(&mut buf)
        .map_err(|_| PdfError::malformed("/OE or /UE is not whole AES blocks"))?
        .len();
    buf.truncate(n);
    Ok(buf)
}

/// The parameters of a standard handler of revision 5 or 6.
struct AesV3Params<'d> {
    revision: i64,
    o: &'d [u8],
    u: &'d [u8],
    oe: &'d [u8],
    ue: &'d [u8],
}

impl AesV3Params<'_> {
    /// Algorithm 2.A: the file key from a prepared password (owner first,
    /// then user).
    fn file_key(&self, password: &[u8]) -> PdfResult<Option<Vec<u8>>> {
        let (Some(o), Some(u)) = (self.o.get(..48), self.u.get(..48)) else {
            return Err(PdfError::malformed(
                "/O or /U of a revision 5/6 handler is shorter than 48 bytes (ISO 32000-2 7.6.4.4.7)",
            ));
        };
        if hash_v5(self.revision, password, &o[32..40], u)? == o[..32] {
            let k = hash_v5(self.revision, password, &o[40..48], u)?;
            return self.unwrap(&k, self.oe, "OE").map(Some);
        }
        if hash_v5(self.revision, password, &u[32..40], &[])? == u[..32] {
            let k = hash_v5(self.revision, password, &u[40..48], &[])?;
            return self.unwrap(&k, self.ue, "UE").map(Some);
        }
        Ok(None)
    }

    fn unwrap(&self, key: &[u8], wrapped: &[u8], name: &str) -> PdfResult<Vec<u8>> {
        let wrapped = wrapped.get(..32).ok_or_else(|| {
            PdfError::malformed(format!(
                "/{name} is shorter than 32 bytes (ISO 32000-2 7.6.4.4.7)"
            ))
        })?;
        aes256_cbc_zero_iv_decrypt(key, wrapped)
    }
}

/// ISO 32000-2 7.6.4.4.12 Algorithm 13: /Perms, decrypted with the file
/// key, repeats /P and carries "adb"; a mismatch means the encryption
/// dictionary was altered.
fn check_perms(key: &[u8], perms: &[u8], p: i64) -> PdfResult<()> {
    let cipher = aes::Aes256::new_from_slice(key).map_err(|_| unsupported("AES-256 key size"))?;
    let block: [u8; 16] = perms
        .get(..16)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| {
            PdfError::malformed("/Perms is shorter than 16 bytes (ISO 32000-2 7.6.4.4.9)")
        })?;
    let mut block = block.into();
    cipher.decrypt_block(&mut block);
    if &block[9..12] != b"adb" || block[..4] != (p as u32).to_le_bytes() {
        return Err(PdfError::malformed(
            "/Perms does not decrypt to /P and \"adb\" with the file key (ISO 32000-2 7.6.4.4.12 Algorithm 13): the encryption dictionary was altered",
        ));
    }
    Ok(())
}

/// The password as the handler wants it: for R5/R6 the SASLprep of its
/// UTF-8 text, at most 127 bytes (ISO 32000-2 7.6.4.3.3); for R2-R4 the
/// bytes given, and their Latin-1 form when they are UTF-8 text that
/// has one (PDFDocEncoding agrees with Latin-1 on letters, 7.6.4.3.1).
fn candidates(revision: i64, password: &[u8]) -> Vec<Vec<u8>> {
    let text = std::str::from_utf8(password).ok();
    if revision >= 5 {
        let mut p = match text.map(stringprep::saslprep) {
            Some(Ok(p)) => p.into_owned().into_bytes(),
            Some(Err(_)) => return Vec::new(),
            None => password.to_vec(),
        };
        p.truncate(127);
        return vec![p];
    }
    let mut out = vec![password.to_vec()];
    if let Some(t) = text
        && !t.is_ascii()
        && let Ok(latin1) = t
            .chars()
            .map(|c| u8::try_from(u32::from(c)))
            .collect::<Result<Vec<u8>, _>>()
    {
        out.push(latin1);
    }
    out
}

fn method_of(cfm: Option<&[u8]>) -> PdfResult<Method> {
    match cfm {
        None | Some(b"None") => Ok(Method::Identity),
        Some(b"V2") => Ok(Method::Rc4),
        Some(b"AESV2") => Ok(Method::AesV2),
        Some(b"AESV3") => Ok(Method::AesV3),
        Some(other) => Err(unsupported(format!(
            "crypt filter method /CFM {} (ISO 32000-1 7.6.5 table 25)",
            name_text(other)
        ))),
    }
}

/// ISO 32000-1 7.6.5: /StmF or /StrF names a crypt filter of /CF, or
/// /Identity (the default).
fn crypt_filter(dict: &Dict, key: &[u8]) -> PdfResult<Method> {
    let name = dict.name(key).unwrap_or(b"Identity");
    if name == b"Identity" {
        return Ok(Method::Identity);
    }
    let filter = match dict.get(b"CF") {
        Some(Object::Dict(cf)) => cf.get(name).and_then(Object::as_dict),
        _ => None,
    }
    .ok_or_else(|| {
        PdfError::malformed(format!(
            "/{} names the crypt filter {}, which /CF does not define",
            String::from_utf8_lossy(key),
            name_text(name)
        ))
    })?;
    method_of(filter.name(b"CFM"))
}

impl Decryptor {
    /// Opens the encryption dictionary `enc` of a file whose first /ID
    /// string is `id0` with `password` (`None`: the empty user password).
    fn open(enc: &Dict, id0: &[u8], password: Option<&[u8]>) -> PdfResult<Self> {
        match enc.name(b"Filter") {
            Some(b"Standard") => {}
            Some(other) => {
                return Err(unsupported(format!(
                    "the security handler {} (only /Standard, ISO 32000-1 7.6.3)",
                    name_text(other)
                )));
            }
            None => {
                return Err(PdfError::malformed(
                    "the encryption dictionary has no /Filter",
                ));
            }
        }
        let int = |key: &[u8]| enc.get(key).and_then(Object::as_int);
        let v = int(b"V").unwrap_or(0);
        let revision = int(b"R")
            .ok_or_else(|| PdfError::malformed("the encryption dictionary has no integer /R"))?;
        let p = int(b"P").ok_or_else(|| {
            PdfError::malformed("the encryption dictionary's /P is missing or not an integer")
        })?;
        let encrypt_metadata = !matches!(enc.get(b"EncryptMetadata"), Some(Object::Bool(false)));
        let (strings, streams) = match v {
            1 | 2 => (Method::Rc4, Method::Rc4),
            4 | 5 => (crypt_filter(enc, b"StrF")?, crypt_filter(enc, b"StmF")?),
            other => {
                return Err(unsupported(format!(
                    "encryption /V {other} (1, 2, 4 and 5 are defined, ISO 32000-2 7.6.2 table 20)"
                )));
            }
        };
        let given = password.unwrap_or(b"");
        let key = match revision {
            2..=4 => {
                // Table 21: /Length in bits, 40 to 128, 40 by default
                // (V 4 handlers use 128-bit keys).
                let bits = int(b"Length").unwrap_or(if v == 4 { 128 } else { 40 });
                let key_len = if revision == 2 {
                    5
                } else {
                    (bits / 8) as usize
                };
                if !(40..=128).contains(&bits) || bits % 8 != 0 {
                    return Err(PdfError::malformed(format!(
                        "encryption /Length {bits} (40 to 128 bits in steps of 8)"
                    )));
                }
                let params = Rc4Params {
                    revision,
                    key_len,
                    o: string_of(enc, b"O")?,
                    u: string_of(enc, b"U")?,
                    p,
                    id0,
                    encrypt_metadata,
                };
                let mut found = None;
                for c in candidates(revision, given) {
                    if let Some(k) = params.user(&padded(&c))? {
                        found = Some(k);
                        break;
                    }
                    if let Some(k) = params.owner(&c)? {
                        found = Some(k);
                        break;
                    }
                }
                found
            }
            5 | 6 => {
                let params = AesV3Params {
                    revision,
                    o: string_of(enc, b"O")?,
                    u: string_of(enc, b"U")?,
                    oe: string_of(enc, b"OE")?,
                    ue: string_of(enc, b"UE")?,
                };
                let mut found = None;
                for c in candidates(revision, given) {
                    if let Some(k) = params.file_key(&c)? {
                        found = Some(k);
                        break;
                    }
                }
                if let Some(k) = &found
                    && revision == 6
                {
                    check_perms(k, string_of(enc, b"Perms")?, p)?;
                }
                found
            }
            other => {
                return Err(unsupported(format!(
                    "standard security handler revision /R {other} (2 to 6)"
                )));
            }
        };
        let Some(key) = key else {
            return Err(match password {
                None => PdfError {
                    code: PdfCode::PasswordMissing,
                    detail: format!(
                        "the file is encrypted (standard security handler R{revision}) and the empty user password does not open it: give its password"
                    ),
                },
                Some(_) => PdfError {
                    code: PdfCode::PasswordWrong,
                    detail: format!(
                        "the password is neither the user nor the owner password of this file (standard security handler R{revision}, ISO 32000-2 7.6.4.4)"
                    ),
                },
            });
        };
        Ok(Decryptor {
            key,
            strings,
            streams,
            encrypt_metadata,
            dictionary: None,
        })
    }

    /// ISO 32000-1 7.6.2 Algorithm 1: the key of object `r`.
    fn object_key(&self, r: ObjRef, method: Method) -> Vec<u8> {
        if method == Method::AesV3 {
            return self.key.clone();
        }
        let num = r.num.to_le_bytes();
        let generation = r.generation.to_le_bytes();
        let salt: &[u8] = if method == Method::AesV2 {
            b"sAlT"
        } else {
            b""
        };
        let hash = md5(&[&self.key, &num[..3], &generation, salt]);
        hash[..(self.key.len() + 5).min(16)].to_vec()
    }

    fn decrypt(&self, r: ObjRef, method: Method, data: &[u8], what: &str) -> PdfResult<Vec<u8>> {
        match method {
            Method::Identity => Ok(data.to_vec()),
            Method::Rc4 => {
                let mut out = data.to_vec();
                rc4(&self.object_key(r, method), &mut out)?;
                Ok(out)
            }
            Method::AesV2 | Method::AesV3 => {
                // 7.6.2: a 16-byte IV, then CBC blocks with PKCS#7
                // padding. An empty string written as nothing (or as
                // the IV alone) is tolerated, as pyHanko does.
                if data.len() <= 16 {
                    if data.is_empty() || data.len() == 16 {
                        return Ok(Vec::new());
                    }
                    return Err(PdfError::malformed(format!(
                        "{what} of object {r}: {} bytes of AES data, less than an IV and a block",
                        data.len()
                    )));
                }
                let key = self.object_key(r, method);
                let (iv, body) = data.split_at(16);
                let mut buf = body.to_vec();
                let n = if key.len() == 32 {
                    cbc::Decryptor::<aes::Aes256>::new_from_slices(&key, iv)
                        .map_err(|_| unsupported("AES-256 key size"))?
                        .decrypt_padded::<Pkcs7>(&mut buf)
                        .map(<[u8]>::len)
                } else {
                    cbc::Decryptor::<aes::Aes128>::new_from_slices(&key, iv)
                        .map_err(|_| unsupported("AES-128 key size"))?
                        .decrypt_padded::<Pkcs7>(&mut buf)
                        .map(<[u8]>::len)
                }
                .map_err(|_| {
                    PdfError::malformed(format!(
                        "{what} of object {r} does not decrypt: not whole AES blocks or bad padding (ISO 32000-1 7.6.2)"
                    ))
                })?;
                buf.truncate(n);
                Ok(buf)
            }
        }
    }

    /// Decrypts the strings of indirect object `r` in place (7.6.1).
    pub fn decrypt_object(&self, r: ObjRef, object: &mut Object) -> PdfResult<()> {
        if self.dictionary == Some(r) || self.strings == Method::Identity {
            return Ok(());
        }
        // 7.5.8.2: cross-reference streams are not encrypted.
        if object.as_dict().and_then(|d| d.name(b"Type")) == Some(b"XRef") {
            return Ok(());
        }
        self.strings_in(r, object)
    }

    fn strings_in(&self, r: ObjRef, object: &mut Object) -> PdfResult<()> {
        match object {
            Object::Str(s) => s.bytes = self.decrypt(r, self.strings, &s.bytes, "a string")?,
            Object::Array(items) => {
                for item in items {
                    self.strings_in(r, item)?;
                }
            }
            Object::Dict(d) => self.strings_in_dict(r, d)?,
            Object::Stream(s) => self.strings_in_dict(r, &mut s.dict)?,
            _ => {}
        }
        Ok(())
    }

    fn strings_in_dict(&self, r: ObjRef, dict: &mut Dict) -> PdfResult<()> {
        // ISO 32000-2 7.6.1: a signature dictionary's /Contents is not
        // encrypted (its /Type is /Sig or /DocTimeStamp, or it has a
        // /ByteRange, 12.8.1 table 255).
        let signature = matches!(dict.name(b"Type"), Some(b"Sig" | b"DocTimeStamp"))
            || dict.get(b"ByteRange").is_some();
        for (key, value) in dict.0.iter_mut() {
            if signature && key.as_slice() == b"Contents" {
                continue;
            }
            self.strings_in(r, value)?;
        }
        Ok(())
    }

    /// Decrypts the raw data of stream `r` with dictionary `dict`.
    pub fn decrypt_stream(&self, r: ObjRef, dict: &Dict, raw: Vec<u8>) -> PdfResult<Vec<u8>> {
        if self.dictionary == Some(r) {
            return Ok(raw);
        }
        match dict.name(b"Type") {
            // 7.5.8.2: cross-reference streams are not encrypted; 7.6.3.2
            // table 21: /EncryptMetadata false leaves /Metadata in clear.
            Some(b"XRef") => return Ok(raw),
            Some(b"Metadata") if !self.encrypt_metadata => return Ok(raw),
            _ => {}
        }
        let first_filter = match dict.get(b"Filter") {
            Some(Object::Name(n)) => Some(n.as_slice()),
            Some(Object::Array(a)) => match a.first() {
                Some(Object::Name(n)) => Some(n.as_slice()),
                _ => None,
            },
            _ => None,
        };
        if first_filter == Some(b"Crypt") {
            return Err(unsupported(format!(
                "stream {r} names its own crypt filter (/Filter /Crypt, ISO 32000-1 7.4.10)"
            )));
        }
        self.decrypt(r, self.streams, &raw, "the stream data")
    }
}

/// Opens an encrypted file with `password`; `Ok(false)` when the file is
/// not encrypted. Every revision must name the same encryption
/// dictionary (an update cannot re-encrypt what came before).
pub(crate) fn unlock(doc: &mut Document<'_>, password: Option<&[u8]>) -> PdfResult<bool> {
    let last = doc.last();
    let Some(enc) = doc.trailer(last).get(b"Encrypt").cloned() else {
        if let Some(r) = (0..last).find(|&r| doc.trailer(r).get(b"Encrypt").is_some()) {
            return Err(PdfError::malformed(format!(
                "revision {r} is encrypted but the last revision's trailer has no /Encrypt"
            )));
        }
        return Ok(false);
    };
    for r in 0..last {
        if doc.trailer(r).get(b"Encrypt") != Some(&enc) {
            return Err(unsupported(format!(
                "revision {r} and the last revision name different encryption dictionaries"
            )));
        }
    }
    let dict = doc
        .dict(&enc, last)?
        .ok_or_else(|| PdfError::malformed("the trailer's /Encrypt is not a dictionary"))?;
    // 7.5.5 table 15: /ID is required in an encrypted file; its first
    // string enters the R2-R4 key.
    let id0 = match doc.trailer(last).get(b"ID") {
        Some(Object::Array(a)) => match a.first() {
            Some(Object::Str(s)) => s.bytes.clone(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    let mut decryptor = Decryptor::open(&dict, &id0, password)?;
    decryptor.dictionary = enc.as_ref();
    doc.set_decryptor(decryptor);
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_and_object_keys() {
        assert_eq!(padded(b""), PAD);
        let p = padded(b"abc");
        assert_eq!(&p[..3], b"abc");
        assert_eq!(&p[3..], &PAD[..29]);
        let d = Decryptor {
            key: vec![1, 2, 3, 4, 5],
            strings: Method::Rc4,
            streams: Method::Rc4,
            encrypt_metadata: true,
            dictionary: None,
        };
        // Algorithm 1: n + 5 bytes of MD5(key, num LE 3, gen LE 2).
        let r = ObjRef {
            num: 0x0a0b0c,
            generation: 2,
        };
        let key = d.object_key(r, Method::Rc4);
        assert_eq!(key, md5(&[&[1, 2, 3, 4, 5, 0x0c, 0x0b, 0x0a, 2, 0]])[..10]);
        let aes = d.object_key(r, Method::AesV2);
        assert_eq!(
            aes,
            md5(&[&[1, 2, 3, 4, 5, 0x0c, 0x0b, 0x0a, 2, 0], b"sAlT"])[..10]
        );
    }

    #[test]
    fn saslprep_of_r6_passwords() {
        // RFC 4013 3: U+00AD (soft hyphen) maps to nothing; U+2168
        // (ROMAN NUMERAL NINE) to "IX" by NFKC; control characters are refused.
        assert_eq!(candidates(6, "I\u{ad}X".as_bytes()), vec![b"IX".to_vec()]);
        assert_eq!(candidates(6, "\u{2168}".as_bytes()), vec![b"IX".to_vec()]);
        assert!(candidates(6, "a\u{7}".as_bytes()).is_empty());
        assert_eq!(candidates(6, &[b'x'; 200])[0].len(), 127);
        assert_eq!(
            candidates(4, "caf\u{e9}".as_bytes()),
            vec!["caf\u{e9}".as_bytes().to_vec(), b"caf\xe9".to_vec()]
        );
    }

    #[test]
    fn aes_strings_need_whole_blocks() {
        let d = Decryptor {
            key: vec![7; 32],
            strings: Method::AesV3,
            streams: Method::AesV3,
            encrypt_metadata: true,
            dictionary: None,
        };
        let r = ObjRef {
            num: 1,
            generation: 0,
        };
        assert!(d.decrypt(r, Method::AesV3, &[], "s").unwrap().is_empty());
        assert!(
            d.decrypt(r, Method::AesV3, &[0; 16], "s")
                .unwrap()
                .is_empty()
        );
        assert!(d.decrypt(r, Method::AesV3, &[0; 20], "s").is_err());
        // Encrypt a block, then decrypt it back.
        let mut buf = b"hello, world\x04\x04\x04\x04".to_vec();
        let iv = [9u8; 16];
        cbc::Encryptor::<aes::Aes256>::new_from_slices(&[7; 32], &iv)
            .unwrap()
            .encrypt_padded::<NoPadding>(&mut buf, 16)
            .unwrap();
        let mut data = iv.to_vec();
        data.extend_from_slice(&buf);
        assert_eq!(
            d.decrypt(r, Method::AesV3, &data, "s").unwrap(),
            b"hello, world"
        );
        // A flipped last byte breaks the padding.
        let n = data.len();
        data[n - 1] ^= 0x55;
        assert!(d.decrypt(r, Method::AesV3, &data, "s").is_err());
    }

    /// pypdf's encrypted files (tests/pades/pypdf, made by qpdf from
    /// unencrypted.pdf, passwords from pypdf's tests/test_encryption.py):
    /// once opened, the /Info strings and the decoded page content equal
    /// the unencrypted file's (strings, streams and keys right).
    mod pypdf {
        use super::super::super::document::Document;
        use super::super::super::limits::PdfLimits;
        use super::super::super::source::Source;
        use super::*;

        macro_rules! file {
            ($name:literal) => {
                include_bytes!(concat!("../../../tests/pades/pypdf/", $name)).as_slice()
            };
        }

        /// The /Info /Author and /CreationDate and the first page's
        /// decoded content.
        fn read(bytes: &[u8], password: Option<&[u8]>) -> PdfResult<(bool, Vec<u8>, Vec<u8>)> {
            let mut cursor = std::io::Cursor::new(bytes.to_vec());
            let mut doc = Document::open(Source::new(&mut cursor)?, PdfLimits::default())?;
            let encrypted = unlock(&mut doc, password)?;
            let last = doc.last();
            let info = doc
                .dict(doc.trailer(last).get(b"Info").unwrap(), last)?
                .unwrap();
            let text = |k: &[u8]| match info.get(k) {
                Some(Object::Str(s)) => s.bytes.clone(),
                other => panic!("{other:?}"),
            };
            let mut info_text = text(b"Author");
            info_text.extend(text(b"CreationDate"));
            let pages = doc
                .dict(doc.catalog(last)?.get(b"Pages").unwrap(), last)?
                .unwrap();
            let Some(Object::Array(kids)) = pages.get(b"Kids").cloned() else {
                panic!("kids")
            };
            let page = doc.dict(&kids[0], last)?.unwrap();
            let Some(Object::Stream(content)) =
                doc.resolve(page.get(b"Contents").unwrap(), last)?
            else {
                panic!("content")
            };
            Ok((encrypted, info_text, doc.stream_data(&content)?))
        }

        #[test]
        fn every_revision_opens_to_the_same_document() {
            let plain = read(file!("unencrypted.pdf"), None).unwrap();
            assert!(!plain.0);
            assert_eq!(&plain.1[..5], b"cheng");
            assert!(plain.2.len() > 100, "the page content decodes");
            let pw: &[u8] = b"asdfzxcv";
            /// A file's name, bytes and password.
            type Case<'a> = (&'a str, &'a [u8], Option<&'a [u8]>);
            let cases: &[Case<'_>] = &[
                ("r2-empty-password", file!("r2-empty-password.pdf"), None),
                ("r3-empty-password", file!("r3-empty-password.pdf"), None),
                ("r2-user-password", file!("r2-user-password.pdf"), Some(pw)),
                (
                    "r2-owner-password",
                    file!("r2-owner-password.pdf"),
                    Some(pw),
                ),
                (
                    "r2-owner-password (empty user)",
                    file!("r2-owner-password.pdf"),
                    None,
                ),
                ("r3-user-password", file!("r3-user-password.pdf"), Some(pw)),
                ("r4-user-password", file!("r4-user-password.pdf"), Some(pw)),
                (
                    "r4-owner-password",
                    file!("r4-owner-password.pdf"),
                    Some(pw),
                ),
                (
                    "r4-aes-user-password",
                    file!("r4-aes-user-password.pdf"),
                    Some(pw),
                ),
                ("r5-empty-password", file!("r5-empty-password.pdf"), None),
                ("r5-user-password", file!("r5-user-password.pdf"), Some(pw)),
                (
                    "r5-owner-password",
                    file!("r5-owner-password.pdf"),
                    Some(pw),
                ),
                ("r6-empty-password", file!("r6-empty-password.pdf"), None),
                ("r6-user-password", file!("r6-user-password.pdf"), Some(pw)),
                (
                    "r6-owner-password",
                    file!("r6-owner-password.pdf"),
                    Some(pw),
                ),
                (
                    "r6-both-passwords (user)",
                    file!("r6-both-passwords.pdf"),
                    Some(b"foo"),
                ),
                (
                    "r6-both-passwords (owner)",
                    file!("r6-both-passwords.pdf"),
                    Some(b"bar"),
                ),
            ];
            for (name, bytes, password) in cases {
                let got = read(bytes, *password).unwrap_or_else(|e| panic!("{name}: {e:?}"));
                assert!(got.0, "{name}: encrypted");
                assert_eq!(got.1, plain.1, "{name}: /Info strings");
                assert_eq!(got.2, plain.2, "{name}: page content");
            }
        }

        #[test]
        fn aesv2_without_key_length_opens() {
            // pypdf test_aesv2_without_length_in_encrypt_dict: the empty
            // user password, one page.
            let mut cursor = std::io::Cursor::new(file!("r4-aes-v2-no-key-length.pdf").to_vec());
            let mut doc =
                Document::open(Source::new(&mut cursor).unwrap(), PdfLimits::default()).unwrap();
            assert!(unlock(&mut doc, None).unwrap());
            let last = doc.last();
            let pages = doc
                .dict(doc.catalog(last).unwrap().get(b"Pages").unwrap(), last)
                .unwrap()
                .unwrap();
            assert_eq!(pages.get(b"Count").and_then(Object::as_int), Some(1));
        }

        #[test]
        fn cleartext_metadata_is_read_as_it_is() {
            // qpdf --encrypt foo bar 256 --cleartext-metadata (pypdf
            // test_xmp_metadata_with_cleartext_metadata).
            let mut cursor = std::io::Cursor::new(file!("r6-cleartext-metadata.pdf").to_vec());
            let mut doc =
                Document::open(Source::new(&mut cursor).unwrap(), PdfLimits::default()).unwrap();
            assert!(unlock(&mut doc, Some(b"foo")).unwrap());
            let last = doc.last();
            let catalog = doc.catalog(last).unwrap();
            let Some(Object::Stream(m)) = doc
                .resolve(catalog.get(b"Metadata").unwrap(), last)
                .unwrap()
            else {
                panic!("metadata")
            };
            assert!(doc.stream_data(&m).unwrap().starts_with(b"<?xpacket"));
        }

        #[test]
        fn wrong_and_missing_passwords_are_input_errors() {
            let code = |bytes: &[u8], pw: Option<&[u8]>| read(bytes, pw).unwrap_err().code;
            for bytes in [
                file!("r2-user-password.pdf"),
                file!("r3-user-password.pdf"),
                file!("r4-aes-user-password.pdf"),
                file!("r6-both-passwords.pdf"),
            ] {
                assert_eq!(code(bytes, None), PdfCode::PasswordMissing);
                assert_eq!(code(bytes, Some(b"asdfzxcV")), PdfCode::PasswordWrong);
                assert_eq!(code(bytes, Some(b"")), PdfCode::PasswordWrong);
            }
            // qpdf --encrypt asdfzxcv "" 256: for R5/R6 the owner password
            // stays empty (qpdf --show-encryption --password= opens them
            // too), so only a wrong one is refused.
            for bytes in [file!("r5-user-password.pdf"), file!("r6-user-password.pdf")] {
                assert!(read(bytes, None).unwrap().0);
                assert_eq!(code(bytes, Some(b"asdfzxcV")), PdfCode::PasswordWrong);
            }
        }

        #[test]
        fn altered_perms_are_refused() {
            // Algorithm 13: /Perms must decrypt to /P; qpdf wrote /P -4.
            let bytes = file!("r6-empty-password.pdf");
            let mut altered = bytes.to_vec();
            let pos = altered
                .windows(6)
                .position(|w| w == b"/P -4 ")
                .expect("/P -4");
            altered[pos..pos + 6].copy_from_slice(b"/P -8 ");
            let e = read(&altered, None).unwrap_err();
            assert_eq!(e.code, PdfCode::Malformed, "{}", e.detail);
        }
    }
}
