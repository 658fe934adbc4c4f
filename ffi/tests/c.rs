//! Compiles the C programs of tests/c with gcc against include/validate.h
//! and both libraries (libvalidate.a and libvalidate.so), then runs them
//! under valgrind (no leaks, no invalid reads or writes). Also compiles and
//! runs the README's C example, which must equal tests/c/example.c.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

/// target/<profile>: where cargo put libvalidate.{a,so} (this test binary
/// is in its deps/ folder). Cargo does not build a cdylib/staticlib for an
/// integration test, so `cargo build -p validate-ffi` must come first
/// (tests/run-all.sh does it); a missing or stale library fails here.
fn lib_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap().parent().unwrap().to_path_buf();
    let sources = ["ffi/src/lib.rs", "ffi/src/api.rs"].map(|s| {
        std::fs::metadata(repo().join(s))
            .unwrap()
            .modified()
            .unwrap()
    });
    for lib in ["libvalidate.so", "libvalidate.a"] {
        let built = std::fs::metadata(dir.join(lib))
            .and_then(|m| m.modified())
            .unwrap_or_else(|_| panic!("{lib} is missing: run cargo build -p validate-ffi first"));
        assert!(
            sources.iter().all(|s| *s <= built),
            "{lib} is older than ffi/src: run cargo build -p validate-ffi first"
        );
    }
    dir
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{cmd:?} failed:\n{text}");
    text
}

fn gcc(source: &Path, out: &Path, static_link: bool) {
    let lib = lib_dir();
    let mut cmd = Command::new("gcc");
    cmd.args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-g", "-pthread"])
        .arg("-I")
        .arg(repo().join("include"))
        .arg(source)
        .arg("-o")
        .arg(out);
    if static_link {
        cmd.arg(lib.join("libvalidate.a"))
            .args(["-lpthread", "-ldl", "-lm"]);
    } else {
        cmd.arg("-L")
            .arg(&lib)
            .arg(format!("-Wl,-rpath,{}", lib.display()))
            .arg("-lvalidate");
    }
    run(&mut cmd);
}

fn valgrind(program: &Path, args: &[&Path]) -> String {
    run(Command::new("valgrind")
        .current_dir(repo())
        .args([
            "--quiet",
            "--leak-check=full",
            "--show-leak-kinds=definite,indirect,possible",
            "--errors-for-leak-kinds=definite,indirect,possible",
            "--error-exitcode=1",
        ])
        .arg(program)
        .args(args))
}

fn work_dir(name: &str) -> PathBuf {
    let dir = lib_dir().join("c-tests").join(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn test_program(static_link: bool) {
    let name = if static_link { "static" } else { "dynamic" };
    let work = work_dir(name);
    let examples = repo().join("examples");
    // A raw RSA PKCS#1 v1.5 signature over the content, made by OpenSSL.
    run(Command::new("openssl")
        .args(["dgst", "-sha256", "-sign"])
        .arg(examples.join("chain/leaf.key"))
        .arg("-out")
        .arg(work.join("raw.sig"))
        .arg(examples.join("signatures/content.txt")));
    let exe = work.join("test_validate");
    gcc(&repo().join("tests/c/test_validate.c"), &exe, static_link);
    let out = valgrind(&exe, &[&examples, &work]);
    println!("{out}");
    assert!(out.contains(" passed, 0 failed"), "{out}");
}

#[test]
fn c_program_against_the_static_library() {
    test_program(true);
}

#[test]
fn c_program_against_the_shared_library() {
    test_program(false);
}

#[test]
fn readme_c_example_compiles_and_runs() {
    let example = std::fs::read_to_string(repo().join("tests/c/example.c")).unwrap();
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    assert!(
        readme.contains(&format!("```c\n{example}```")),
        "the README's C example differs from tests/c/example.c"
    );
    let work = work_dir("example");
    let exe = work.join("example");
    gcc(&repo().join("tests/c/example.c"), &exe, false);
    let out = valgrind(&exe, &[]);
    assert!(
        out.contains("\"opResult\":{\"resultStatus\":0},\"policy\":{\"resultStatus\":0"),
        "{out}"
    );
}

#[test]
fn install_layout_works_with_pkg_config() {
    let prefix = work_dir("install");
    run(Command::new("bash")
        .arg(repo().join("ffi/install.sh"))
        .args(["--profile", "debug", "--no-build"])
        .arg(&prefix)
        .env("CARGO_TARGET_DIR", lib_dir().parent().unwrap()));
    for file in [
        "include/validate.h",
        "lib/libvalidate.so",
        "lib/libvalidate.a",
        "lib/cmake/validate/validateConfig.cmake",
    ] {
        assert!(prefix.join(file).exists(), "{file} not installed");
    }
    let flags = run(Command::new("pkg-config")
        .args(["--cflags", "--libs", "validate"])
        .env("PKG_CONFIG_PATH", prefix.join("lib/pkgconfig")));
    let exe = prefix.join("example");
    let mut cmd = Command::new("gcc");
    cmd.arg(repo().join("tests/c/example.c"))
        .arg("-o")
        .arg(&exe)
        .args(flags.split_whitespace())
        .arg(format!("-Wl,-rpath,{}", prefix.join("lib").display()));
    run(&mut cmd);
    let out = run(Command::new(&exe).current_dir(repo()));
    assert!(
        out.contains("\"opResult\":{\"resultStatus\":0},\"policy\":{\"resultStatus\":0"),
        "{out}"
    );
}

#[test]
fn install_layout_works_with_cmake() {
    if Command::new("cmake").arg("--version").output().is_err() {
        println!("cmake is not installed: skipped (.ci/run installs it)");
        return;
    }
    let prefix = work_dir("cmake-install");
    run(Command::new("bash")
        .arg(repo().join("ffi/install.sh"))
        .args(["--profile", "debug", "--no-build"])
        .arg(&prefix)
        .env("CARGO_TARGET_DIR", lib_dir().parent().unwrap()));
    let build = work_dir("cmake-build");
    run(Command::new("cmake")
        .arg("-S")
        .arg(repo().join("tests/c/cmake"))
        .arg("-B")
        .arg(&build)
        .arg(format!("-DCMAKE_PREFIX_PATH={}", prefix.display())));
    run(Command::new("cmake").arg("--build").arg(&build));
    for exe in ["example_shared", "example_static"] {
        let out = run(Command::new(build.join(exe)).current_dir(repo()));
        assert!(
            out.contains("\"opResult\":{\"resultStatus\":0},\"policy\":{\"resultStatus\":0"),
            "{exe}: {out}"
        );
    }
}
