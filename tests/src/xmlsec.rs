//! XML signatures made by `xmlsec1 --sign` (Debian package xmlsec1) with the
//! example chain, for the XML signature tests.

use std::path::Path;
use std::process::Command;

use crate::repo_root;

/// Signs `template` (a document holding `ds:Signature` templates) with
/// xmlsec1 and the example leaf (RSA, or the EC leaf when `ec`), the
/// intermediate going into X509Data beside the leaf; `id_attrs` declares,
/// as (attribute, `[namespace:]element`), the attributes xmlsec1 must take
/// as identifiers. The template and the signed document are written in
/// `dir` as `NAME.tmpl.xml` and `NAME.xml`; a Reference to a relative file
/// name (a detached signature) reads that file in `dir`.
pub fn xmlsec_sign(
    dir: &Path,
    name: &str,
    template: &str,
    ec: bool,
    id_attrs: &[(&str, &str)],
) -> Vec<u8> {
    let chain = |n: &str| repo_root().join("examples/chain").join(n);
    let input = dir.join(format!("{name}.tmpl.xml"));
    let output = dir.join(format!("{name}.xml"));
    std::fs::write(&input, template).unwrap();
    let (key, cert) = if ec {
        ("leaf-ec.key", "leaf-ec.pem")
    } else {
        ("leaf.key", "leaf.pem")
    };
    let keys = format!(
        "{},{},{}",
        chain(key).display(),
        chain(cert).display(),
        chain("intermediate.pem").display()
    );
    let mut cmd = Command::new("xmlsec1");
    cmd.current_dir(dir).args([
        "--sign",
        "--privkey-pem",
        &keys,
        "--enabled-reference-uris",
        "empty,same-doc,local,remote",
    ]);
    for (attr, node) in id_attrs {
        cmd.arg(format!("--id-attr:{attr}")).arg(node);
    }
    let out = cmd
        .arg("--output")
        .arg(&output)
        .arg(&input)
        .output()
        .expect("running xmlsec1 (apt-get install xmlsec1)");
    assert!(
        out.status.success(),
        "xmlsec1 --sign {name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read(&output).unwrap()
}
