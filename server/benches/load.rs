//! Load test of the server on loopback (docs/benchmarks.md, "HTTP service").
//!
//! The same validation request (the example detached CAdES signature, RSA
//! 2048, 3-certificate chain) is sent through HTTP by `wrk` (Debian package
//! `wrk`) to a server started here on 127.0.0.1:0, and validated in process
//! by a `Validator` of the same policy on one thread per core (its best
//! rate: more threads only contend for the validator's caches); the two alternate in rounds (HTTP, in-process, HTTP, ...) so a
//! change of machine load affects both. Every run is bounded in time and
//! targets loopback only.
//!
//! `cargo bench -p validate-server --bench load -- [--rounds N] [--seconds S]
//! [--connections C] [--soak SECONDS]`
//!
//! Each side is measured by wall-clock rate and by rate per CPU-second of
//! this process (utime + stime from /proc/self/stat, 100 Hz ticks; wrk's
//! own CPU is not counted): on a machine shared with other work the second
//! does not depend on the share of the cores each side got.
//!
//! Prints one line per round, then `ratio http/in-process = X (min Y, max Z)`
//! for both measures,
//! the worst p99 latency and the error count; with `--soak`, RSS samples of
//! this process (the server) every 10 s during a long HTTP run.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use base64ct::{Base64, Encoding};
use validate::Timestamp;
use validate::validator::Validator;

const AT: &str = "2027-01-01T00:00:00Z";

struct Args {
    rounds: usize,
    seconds: u64,
    connections: usize,
    threads: Option<usize>,
    workers: Option<usize>,
    validation_threads: Option<usize>,
    soak: u64,
}

fn args() -> Args {
    let mut args = Args {
        rounds: 5,
        seconds: 10,
        connections: 8,
        threads: None,
        workers: None,
        validation_threads: None,
        soak: 0,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || {
            it.next()
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or_else(|| panic!("{a} needs a number"))
        };
        match a.as_str() {
            "--rounds" => args.rounds = value() as usize,
            "--seconds" => args.seconds = value(),
            "--connections" => args.connections = value() as usize,
            "--soak" => args.soak = value(),
            "--in-process-threads" => args.threads = Some(value() as usize),
            "--workers" => args.workers = Some(value() as usize),
            "--validation-threads" => args.validation_threads = Some(value() as usize),
            // `cargo bench` passes --bench.
            _ => {}
        }
    }
    // Bounded: a run never exceeds an hour.
    assert!(args.rounds as u64 * args.seconds * 2 + args.soak <= 3600);
    args
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn request_json() -> String {
    let read = |p: &str| std::fs::read(repo().join("examples").join(p)).unwrap();
    serde_json::json!({
        "signatureType": "CAdES",
        "signedText": Base64::encode_string(&read("signatures/content.txt")),
        "signedTextPack": "BASE64",
        "signature": Base64::encode_string(&read("signatures/detached.p7s")),
    })
    .to_string()
}

/// What one `wrk` run measured.
struct WrkRun {
    rate: f64,
    p99_ms: f64,
    errors: u64,
}

fn wrk(url: &str, script: &Path, seconds: u64, connections: usize) -> WrkRun {
    let out = Command::new("wrk")
        .args(["-t", "1", "-c", &connections.to_string(), "-d"])
        .arg(format!("{seconds}s"))
        .args(["--latency", "--timeout", "10s", "-s"])
        .arg(script)
        .arg(url)
        .output()
        .expect("wrk (apt-get install wrk)");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "wrk: {text}");
    let field = |prefix: &str| {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(prefix).map(|v| v.trim().to_string()))
    };
    let rate: f64 = field("Requests/sec:").unwrap().parse().unwrap();
    let p99 = field("99%").unwrap();
    let p99_ms = if let Some(v) = p99.strip_suffix("us") {
        v.parse::<f64>().unwrap() / 1000.0
    } else if let Some(v) = p99.strip_suffix("ms") {
        v.parse().unwrap()
    } else {
        p99.strip_suffix('s').unwrap().parse::<f64>().unwrap() * 1000.0
    };
    let non_2xx = field("Non-2xx or 3xx responses:").map_or(0, |v| v.parse().unwrap());
    let socket: u64 = field("Socket errors:").map_or(0, |v| {
        v.split(',')
            .map(|part| {
                part.split_whitespace()
                    .last()
                    .unwrap()
                    .parse::<u64>()
                    .unwrap()
            })
            .sum()
    });
    WrkRun {
        rate,
        p99_ms,
        errors: non_2xx + socket,
    }
}

fn in_process(validator: &Arc<Validator>, json: &Arc<String>, seconds: u64, threads: usize) -> f64 {
    let at: Timestamp = AT.parse().unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let count = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let workers: Vec<_> = (0..threads)
        .map(|_| {
            let (validator, json, stop, count) = (
                Arc::clone(validator),
                Arc::clone(json),
                Arc::clone(&stop),
                Arc::clone(&count),
            );
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let report = validator.validate_json(&json, at);
                    assert!(report.is_acceptable());
                    count.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs(seconds));
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.join().unwrap();
    }
    count.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64()
}

/// CPU seconds (user + system) this process has used.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    // Fields after the command name in parentheses: state is field 3,
    // utime 14 and stime 15 (proc(5)), in clock ticks of 1/100 s.
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    ticks as f64 / 100.0
}

/// Runs `work`, returning its result and the CPU seconds it took.
fn with_cpu<T>(work: impl FnOnce() -> T) -> (T, f64) {
    let before = cpu_seconds();
    let out = work();
    (out, cpu_seconds() - before)
}

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap()
}

fn main() {
    let args = args();
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let threads = args.threads.unwrap_or(cores);
    let dir = std::env::temp_dir().join(format!("validate-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let json = request_json();
    let body = dir.join("request.json");
    std::fs::write(&body, &json).unwrap();
    let script = dir.join("post.lua");
    std::fs::write(
        &script,
        format!(
            "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\n\
             local f = io.open(\"{}\", \"rb\")\nwrk.body = f:read(\"*a\")\nf:close()\n",
            body.display()
        ),
    )
    .unwrap();
    let config = format!(
        "listen = \"127.0.0.1:0\"\n[tenants.example]\npolicy = '{}'\noffline = true\n\
         validation_time = \"{AT}\"\n[limits]\nvalidation_threads = {}\n",
        repo().join("examples/policy.json").display(),
        args.validation_threads.unwrap_or(cores),
    );
    let config = validate_server::Config::from_toml(&config, &dir).unwrap();

    let runtime = match args.workers {
        // `validate serve`'s runtime, unless --workers asks for another.
        None => validate_server::runtime().unwrap(),
        Some(workers) => tokio::runtime::Builder::new_multi_thread()
            .worker_threads(workers)
            .enable_all()
            .build()
            .unwrap(),
    };
    let server = runtime
        .block_on(validate_server::Server::bind(config))
        .unwrap();
    let url = format!("http://{}/validate/example", server.local_addr());
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let serving = runtime.spawn(server.run(async {
        let _ = stop_rx.await;
    }));

    let policy = validate_server::load_policy_file(&repo().join("examples/policy.json")).unwrap();
    let validator = Arc::new(Validator::new(policy));
    let json = Arc::new(json);
    // The request is a valid signature, and the server answers the same
    // report: the figures are of full validations on both sides.
    let local = validator.validate_json(&json, AT.parse().unwrap());
    assert!(local.is_acceptable());
    let mut response = ureq::post(&url)
        .header("Content-Type", "application/json")
        .send(json.as_bytes())
        .unwrap();
    let served: serde_json::Value =
        serde_json::from_str(&response.body_mut().read_to_string().unwrap()).unwrap();
    assert_eq!(served, serde_json::to_value(&local).unwrap());

    println!(
        "load: {} rounds of {} s, wrk 1 thread {} connections, in-process {threads} threads, {cores} cores",
        args.rounds, args.seconds, args.connections
    );
    // Warm-up of both sides (caches, connections, the blocking pool).
    wrk(&url, &script, 2, args.connections);
    in_process(&validator, &json, 2, threads);
    let (mut ratios, mut cpu_ratios, mut p99s, mut errors) =
        (Vec::new(), Vec::new(), Vec::new(), 0);
    let seconds = args.seconds as f64;
    for round in 1..=args.rounds {
        let (http, http_cpu) = with_cpu(|| wrk(&url, &script, args.seconds, args.connections));
        let (local, local_cpu) = with_cpu(|| in_process(&validator, &json, args.seconds, threads));
        // Requests per CPU-second: rate x wall time / CPU time.
        let (http_per_cpu, local_per_cpu) =
            (http.rate * seconds / http_cpu, local * seconds / local_cpu);
        println!(
            "round {round}: http {:.0}/s ({http_per_cpu:.0}/cpu-s, p99 {:.2} ms, {} errors), \
             in-process {local:.0}/s ({local_per_cpu:.0}/cpu-s), ratio {:.3} (per cpu-s {:.3})",
            http.rate,
            http.p99_ms,
            http.errors,
            http.rate / local,
            http_per_cpu / local_per_cpu
        );
        ratios.push(http.rate / local);
        cpu_ratios.push(http_per_cpu / local_per_cpu);
        p99s.push(http.p99_ms);
        errors += http.errors;
    }
    let summary = |name: &str, values: &[f64]| {
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        let min = values.iter().cloned().fold(f64::INFINITY, f64::min);
        let max = values.iter().cloned().fold(0.0, f64::max);
        println!("ratio {name} http/in-process = {mean:.3} (min {min:.3}, max {max:.3})");
    };
    summary("throughput", &ratios);
    summary("per-cpu-second", &cpu_ratios);
    println!(
        "p99 latency: worst round {:.2} ms; errors: {errors}",
        p99s.iter().cloned().fold(0.0, f64::max)
    );

    if args.soak > 0 {
        let soak = args.soak;
        let (url2, script2, c) = (url.clone(), script.clone(), args.connections);
        let load = std::thread::spawn(move || wrk(&url2, &script2, soak, c));
        let start = Instant::now();
        let mut samples = Vec::new();
        while start.elapsed() < Duration::from_secs(soak) {
            samples.push((start.elapsed().as_secs(), rss_kib()));
            std::thread::sleep(Duration::from_secs(10));
        }
        let run = load.join().unwrap();
        let line: Vec<String> = samples
            .iter()
            .map(|(t, kib)| format!("{t}s:{:.1}", *kib as f64 / 1024.0))
            .collect();
        println!(
            "soak {soak} s: {:.0}/s, p99 {:.2} ms, {} errors",
            run.rate, run.p99_ms, run.errors
        );
        println!("soak RSS MiB: {}", line.join(" "));
        let after_warmup: Vec<u64> = samples.iter().skip(1).map(|s| s.1).collect();
        if let (Some(first), Some(peak)) = (after_warmup.first(), after_warmup.iter().max()) {
            println!(
                "soak RSS growth after the first sample: {:.1} MiB (first {:.1}, peak {:.1})",
                (*peak as f64 - *first as f64) / 1024.0,
                *first as f64 / 1024.0,
                *peak as f64 / 1024.0
            );
        }
    }
    let _ = stop_tx.send(());
    runtime.block_on(serving).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
