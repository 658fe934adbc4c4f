//! The server over real sockets: validation in its three body forms,
//! health, the archive API with its tokens, and the operations limits.

mod common;

use std::thread::sleep;
use std::time::Duration;

use common::*;
use serde_json::Value;
use validate::Timestamp;
use validate::validator::Validator;

/// The report the library gives in process for the same JSON and time.
fn in_process(request: &Value) -> Value {
    let policy = validate_server::load_policy_file(&example("policy.json")).unwrap();
    let report = Validator::new(policy)
        .validate_json(&request.to_string(), AT.parse::<Timestamp>().unwrap());
    serde_json::to_value(report).unwrap()
}

#[test]
fn json_urlencoded_and_multipart_give_the_library_report() {
    let server = TestServer::start("");
    let dir = tempfile::tempdir().unwrap();
    for (name, request) in requests(dir.path()) {
        let expected = in_process(&request);
        // Every request here is a valid signature or chain: the comparison
        // is between full reports with signers and certificates.
        assert_eq!(
            expected["opResult"]["resultStatus"], 0,
            "{name}: {expected}"
        );
        assert_eq!(expected["policy"]["resultStatus"], 0, "{name}: {expected}");

        let (status, json) =
            post_json(&server.url("/validate/example"), None, &request.to_string());
        assert_eq!((status, &json), (200, &expected), "{name} as JSON");

        let form = url_encoded(&request);
        let (status, text, ct) = post(
            &server.url("/validate/example"),
            "application/x-www-form-urlencoded",
            None,
            form.as_bytes(),
        );
        assert!(ct.starts_with("application/json"));
        assert_eq!(
            (status, serde_json::from_str::<Value>(&text).unwrap()),
            (200, expected.clone()),
            "{name} urlencoded"
        );

        let fields: Vec<(&str, &str)> = request
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str().unwrap()))
            .collect();
        let body = multipart(&fields, &[]);
        let (status, text, _) = post(&server.url("/validate"), &multipart_type(), None, &body);
        assert_eq!(
            (status, serde_json::from_str::<Value>(&text).unwrap()),
            (200, expected),
            "{name} multipart, default tenant"
        );
    }
}

#[test]
fn a_tampered_signature_is_a_finding_with_http_200() {
    let server = TestServer::start("");
    let dir = tempfile::tempdir().unwrap();
    let (_, mut request) = requests(dir.path()).remove(0);
    request["signedText"] = Value::from(b64(b"another document"));
    let expected = in_process(&request);
    assert_eq!(expected["policy"]["resultStatus"], 2, "{expected}");
    let (status, json) = post_json(&server.url("/validate/example"), None, &request.to_string());
    assert_eq!((status, json), (200, expected));
    // A request the core cannot process is also a report, as `validate request` prints.
    for bad in [
        "{",
        r#"{"signatureType":"CAdES","sig":"x"}"#,
        r#"{"signatureType":"Nope"}"#,
    ] {
        let expected = serde_json::to_value(
            Validator::new(validate_server::load_policy_file(&example("policy.json")).unwrap())
                .validate_json(bad, AT.parse().unwrap()),
        )
        .unwrap();
        assert_eq!(expected["opResult"]["resultStatus"], 2);
        assert_eq!(
            post_json(&server.url("/validate/example"), None, bad),
            (200, expected),
            "{bad}"
        );
    }
}

#[test]
fn multipart_pdf_file_becomes_the_requests_pdf_file() {
    let server = TestServer::start("");
    let pdf = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
    let fields = [
        ("signatureType", "PAdES"),
        ("pdfFilename", "doc.pdf"),
        ("pdfPassword", "secret"),
    ];
    let body = multipart(&fields, &[("pdfFile", "doc.pdf", pdf)]);
    let (status, text, _) = post(
        &server.url("/validate/example"),
        &multipart_type(),
        None,
        &body,
    );
    let as_json = serde_json::json!({
        "signatureType": "PAdES", "pdfFilename": "doc.pdf", "pdfPassword": "secret", "pdfFile": b64(pdf),
    });
    assert_eq!(
        (status, serde_json::from_str::<Value>(&text).unwrap()),
        (200, in_process(&as_json))
    );
    // The file part is the request's pdfFile field: sent twice, the core
    // refuses the duplicate field by that name.
    let twice = multipart(
        &fields,
        &[("pdfFile", "a.pdf", pdf), ("pdfFile", "b.pdf", pdf)],
    );
    let (status, text, _) = post(
        &server.url("/validate/example"),
        &multipart_type(),
        None,
        &twice,
    );
    assert_eq!(status, 200);
    assert!(text.contains("duplicate field `pdfFile`"), "{text}");
    // A text part that is not UTF-8 is refused, not replaced.
    let bad = multipart(&[], &[("signature", "x", b"\xff\xfe")]);
    let (status, text, _) = post(
        &server.url("/validate/example"),
        &multipart_type(),
        None,
        &bad,
    );
    assert_eq!(status, 400, "{text}");
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["error"], "invalid_request");
}

#[test]
fn bad_requests_get_the_error_body() {
    let server = TestServer::start("");
    let (status, text, _) = post(&server.url("/validate/example"), "text/plain", None, b"x");
    assert_eq!(status, 415, "{text}");
    assert_eq!(
        serde_json::from_str::<Value>(&text).unwrap()["error"],
        "unsupported_media_type"
    );
    let (status, json) = post_json(&server.url("/validate/nobody"), None, "{}");
    assert_eq!(
        (status, json["error"].as_str()),
        (404, Some("unknown_tenant"))
    );
    let (status, text, ct) = get(&server.url("/validate/example"));
    assert_eq!(status, 405);
    assert!(ct.starts_with("application/json"), "{ct}");
    let body: Value = serde_json::from_str(&text).unwrap();
    assert!(body["error_description"].is_string());
    let (status, text, _) = post(
        &server.url("/validate/example"),
        "application/x-www-form-urlencoded",
        None,
        b"signedText=%FF",
    );
    assert_eq!(status, 400, "{text}");
}

#[test]
fn health_endpoints() {
    let server = TestServer::start("");
    let (status, text, _) = get(&server.url("/healthcheck"));
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(status, 200);
    assert_eq!(
        body,
        serde_json::json!({"version": validate::report::VERSION, "status": "UP"})
    );

    let (status, text, _) = get(&server.url("/health/example"));
    assert_eq!(status, 200);
    let before: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(before["status"], "OK", "{before}");
    assert_eq!(before["info"]["policyName"], "example");
    assert_eq!(before["info"]["policyVersion"], "1.0.0");
    assert_eq!(before["info"]["validationLevel"], 1);
    assert_eq!(before["info"]["date"], AT);
    assert_eq!(
        before["statistics"]["signatureValidationCounter"]["success"],
        0
    );

    // Statistics are those of the moment, not of the last probe.
    let dir = tempfile::tempdir().unwrap();
    let (_, request) = requests(dir.path()).remove(0);
    post_json(&server.url("/validate/example"), None, &request.to_string());
    post_json(&server.url("/validate/example"), None, "{");
    let (_, text, _) = get(&server.url("/health/example"));
    let after: Value = serde_json::from_str(&text).unwrap();
    let counter = &after["statistics"]["signatureValidationCounter"];
    assert_eq!(
        (counter["success"].as_u64(), counter["failure"].as_u64()),
        (Some(1), Some(1)),
        "{after}"
    );
    assert_eq!(counter["lastValidation"], AT);

    let (status, text, _) = get(&server.url("/health/nobody"));
    assert_eq!(status, 404, "{text}");
}

fn retrieve(server: &TestServer, token: Option<&str>, body: &str) -> (u16, Value) {
    post_json(
        &server.url("/vedsdk/Codesign/RetrieveArchiveEntries"),
        token,
        body,
    )
}

#[test]
fn archive_tokens_scopes_and_auditors() {
    let server = TestServer::start("");
    server.fill_archive();

    let (status, all) = retrieve(&server, Some(ADMIN), "{}");
    assert_eq!(status, 200, "{all}");
    assert_eq!(all["TotalCount"], 6);
    assert_eq!(all["Success"], true);
    assert_eq!(all["PageNumber"], 1);

    // An empty body is every filter left out.
    let (status, empty) = retrieve(&server, Some(ADMIN), "");
    assert_eq!((status, empty["TotalCount"].as_u64()), (200, Some(6)));

    let (status, mine) = retrieve(&server, Some(AUDITOR), "{}");
    assert_eq!(status, 200);
    assert_eq!(mine["TotalCount"], 4);
    for entry in mine["ArchiveResults"].as_array().unwrap() {
        assert_eq!(entry["Project"], "\\VED\\Code Signing\\Projects\\Example");
    }
    // Asking for another project's entries does not widen the auditor's view.
    let other = r#"{"ArchiveFilter": {"ProjectDNs": ["\\VED\\Code Signing\\Projects\\Other"]}}"#;
    assert_eq!(retrieve(&server, Some(ADMIN), other).1["TotalCount"], 2);
    assert_eq!(retrieve(&server, Some(AUDITOR), other).1["TotalCount"], 0);

    let paged = r#"{"ArchiveFilter": {"ClientLibraryName": "pk%"}, "PageSize": 2, "Page": 2}"#;
    let (status, page) = retrieve(&server, Some(ADMIN), paged);
    assert_eq!(status, 200);
    assert_eq!(
        (
            page["TotalCount"].as_u64(),
            page["ArchiveResults"].as_array().unwrap().len()
        ),
        (Some(3), 1)
    );

    for (token, why) in [(None, "no header"), (Some("wrong"), "unknown token")] {
        let (status, body) = retrieve(&server, token, "{}");
        assert_eq!(
            (status, body["error"].as_str()),
            (401, Some("invalid_token")),
            "{why}"
        );
    }
    let response = agent()
        .post(&server.url("/vedsdk/Codesign/RetrieveArchiveEntries"))
        .header("Authorization", "Basic ZXhhbXBsZS1hZG1pbg==")
        .header("Content-Type", "application/json")
        .send("{}")
        .unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(
        response.headers()["www-authenticate"],
        "Bearer error=\"invalid_token\""
    );

    let (status, body) = retrieve(&server, Some(NOSCOPE), "{}");
    assert_eq!(
        (status, body["error"].as_str()),
        (403, Some("insufficient_scope")),
        "{body}"
    );
    // The recorder may record but not read; the reader may not record.
    assert_eq!(retrieve(&server, Some(RECORDER), "{}").0, 403);
    let (status, _) = post_json(
        &server.url("/vedsdk/Codesign/RecordArchiveEntries"),
        Some(ADMIN),
        r#"{"ArchiveEntries": []}"#,
    );
    assert_eq!(status, 403);

    for bad in [
        r#"{"PageSize": 0}"#,
        r#"{"ArchiveFilter": {"NoSuchKey": "x"}}"#,
        r#"[1, 2]"#,
        "{",
    ] {
        let (status, body) = retrieve(&server, Some(ADMIN), bad);
        assert_eq!(status, 400, "{bad}: {body}");
        let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["error", "error_description"], "{bad}");
    }
}

#[test]
fn oversized_bodies_get_413() {
    let server = TestServer::start("max_body_bytes = 4096");
    let big = format!(
        r#"{{"signatureType":"X509","signature":"{}"}}"#,
        "A".repeat(8192)
    );
    let (status, body) = post_json(&server.url("/validate/example"), None, &big);
    assert_eq!(
        (status, body["error"].as_str()),
        (413, Some("payload_too_large")),
        "{body}"
    );
    // Without Content-Length (chunked), the limit is found while reading.
    let mut raw = Raw::connect(server.addr);
    raw.send(b"POST /validate/example HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
    for _ in 0..3 {
        raw.send(format!("800\r\n{}\r\n", "A".repeat(0x800)).as_bytes());
    }
    raw.send(b"0\r\n\r\n");
    let (status, text) = raw.response();
    assert_eq!(status, 413, "{text}");
    // Under the limit, the same server answers.
    let (status, _) = post_json(
        &server.url("/validate/example"),
        None,
        r#"{"signatureType":"X509"}"#,
    );
    assert_eq!(status, 200);
}

#[test]
fn slow_clients_are_cut_off() {
    let server = TestServer::start(
        "header_read_timeout_secs = 0.5\nbody_read_timeout_secs = 0.5\nrequest_timeout_secs = 5.0",
    );
    // A body that trickles in: cut off at the body deadline with 408.
    let mut raw = Raw::connect(server.addr);
    raw.send(b"POST /validate/example HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"sig");
    let started = std::time::Instant::now();
    for _ in 0..3 {
        sleep(Duration::from_millis(300));
        let _ = raw.0.write_all(b"n");
    }
    let (status, body) = raw.response();
    assert_eq!(status, 408, "{body}");
    assert!(started.elapsed() < Duration::from_secs(3));
    // Headers that never end: the connection is closed with no response
    // (or hyper's 408) after the header timeout.
    let mut raw = Raw::connect(server.addr);
    raw.send(b"POST /validate/example HTTP/1.1\r\nHost: x\r\n");
    let started = std::time::Instant::now();
    let (status, _) = raw.response();
    assert!(status == 0 || status == 408, "{status}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

use std::io::Write as _;

#[test]
fn a_saturated_server_answers_503() {
    let server = TestServer::start("max_concurrent_requests = 1");
    // The first request holds the only slot while its body is incomplete.
    let body = r#"{"signatureType":"X509"}"#;
    let mut first = Raw::connect(server.addr);
    first.send(
        format!(
            "POST /validate/example HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{}",
            body.len(),
            &body[..5]
        )
        .as_bytes(),
    );
    sleep(Duration::from_millis(300));
    let (status, json) = post_json(&server.url("/validate/example"), None, body);
    assert_eq!(
        (status, json["error"].as_str()),
        (503, Some("overloaded")),
        "{json}"
    );
    // Monitoring is outside the limit.
    assert_eq!(get(&server.url("/healthcheck")).0, 200);
    first.send(&body.as_bytes()[5..]);
    assert_eq!(first.response().0, 200);
    // The slot is free again.
    assert_eq!(
        post_json(&server.url("/validate/example"), None, body).0,
        200
    );
}

#[test]
fn shutdown_lets_in_flight_requests_finish() {
    let mut server = TestServer::start("shutdown_grace_secs = 10.0");
    let body = r#"{"signatureType":"X509"}"#;
    let mut in_flight = Raw::connect(server.addr);
    in_flight.send(
        format!(
            "POST /validate/example HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{}",
            body.len(),
            &body[..5]
        )
        .as_bytes(),
    );
    sleep(Duration::from_millis(200));
    server.begin_stop();
    sleep(Duration::from_millis(300));
    // No new connection is accepted.
    assert!(std::net::TcpStream::connect(server.addr).is_err());
    in_flight.send(&body.as_bytes()[5..]);
    let (status, text) = in_flight.response();
    assert_eq!(status, 200, "{text}");
    let report: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        report["opResult"]["resultStatus"], 2,
        "an X509 request without certificates: {report}"
    );
    server.stop();
}

#[test]
fn metrics_count_requests_and_verdicts() {
    let server = TestServer::start("");
    let dir = tempfile::tempdir().unwrap();
    let (_, request) = requests(dir.path()).remove(0);
    post_json(&server.url("/validate/example"), None, &request.to_string());
    post_json(&server.url("/validate/example"), None, "{");
    let (status, text, ct) = get(&server.url("/metrics"));
    assert_eq!(status, 200);
    assert!(ct.starts_with("application/openmetrics-text"), "{ct}");
    for line in [
        r#"validate_validations_total{tenant="example",verdict="success"} 1"#,
        r#"validate_validations_total{tenant="example",verdict="error"} 1"#,
        r#"validate_http_requests_total{route="/validate/{tenant}",method="POST",status="200"} 2"#,
        r#"validate_http_request_duration_seconds_count{route="/validate/{tenant}"} 2"#,
    ] {
        assert!(text.lines().any(|l| l == line), "{line} not in\n{text}");
    }
    assert!(text.ends_with("# EOF\n"));
}

#[test]
fn https_with_a_test_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let path = |f: &str| dir.path().join(f).to_str().unwrap().to_string();
    std::fs::write(
        path("ext.cnf"),
        "[ca]\nbasicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign\n\
         [srv]\nbasicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature\n\
         extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n",
    )
    .unwrap();
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        &path("ca.key"),
        "-out",
        &path("ca.pem"),
        "-subj",
        "/CN=Test CA",
        "-days",
        "2",
        "-extensions",
        "ca",
        "-config",
        &path("ext.cnf"),
    ]);
    openssl(&[
        "req",
        "-new",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        &path("server.key"),
        "-out",
        &path("server.csr"),
        "-subj",
        "/CN=localhost",
    ]);
    openssl(&[
        "x509",
        "-req",
        "-in",
        &path("server.csr"),
        "-CA",
        &path("ca.pem"),
        "-CAkey",
        &path("ca.key"),
        "-CAcreateserial",
        "-out",
        &path("server.pem"),
        "-days",
        "2",
        "-extfile",
        &path("ext.cnf"),
        "-extensions",
        "srv",
    ]);
    let server = TestServer::start_with(
        "",
        &format!(
            "[tls]\ncertificate = '{}'\nkey = '{}'\n",
            path("server.pem"),
            path("server.key")
        ),
    );
    let ca = std::fs::read(path("ca.pem")).unwrap();
    let roots = vec![ureq::tls::Certificate::from_pem(&ca).unwrap()];
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .tls_config(
            ureq::tls::TlsConfig::builder()
                .root_certs(ureq::tls::RootCerts::Specific(std::sync::Arc::new(roots)))
                .build(),
        )
        .build()
        .into();
    let mut response = agent.get(&server.url("/healthcheck")).call().unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = serde_json::from_str(&response.body_mut().read_to_string().unwrap()).unwrap();
    assert_eq!(body["status"], "UP");
    let dir2 = tempfile::tempdir().unwrap();
    let (_, request) = requests(dir2.path()).remove(0);
    let mut response = agent
        .post(&server.url("/validate/example"))
        .header("Content-Type", "application/json")
        .send(request.to_string())
        .unwrap();
    let report: Value =
        serde_json::from_str(&response.body_mut().read_to_string().unwrap()).unwrap();
    assert_eq!(report, in_process(&request));
    // Plain HTTP to the TLS port gets no HTTP answer.
    let plain = agent
        .get(&format!("http://{}/healthcheck", server.addr))
        .call();
    assert!(plain.is_err() || plain.unwrap().status() != 200);
    // A client that does not trust the test CA refuses the server.
    assert!(
        common::agent()
            .get(&server.url("/healthcheck"))
            .call()
            .is_err()
    );
}

#[test]
fn the_openapi_document_names_every_endpoint_the_server_has() {
    let server = TestServer::start("");
    server.fill_archive();
    let (status, text, ct) = get(&server.url("/openapi.json"));
    assert_eq!(status, 200);
    assert!(ct.starts_with("application/json"));
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["openapi"], "3.0.3");
    let mut paths: Vec<(String, String)> = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            paths.push((method.clone(), path.clone()));
        }
    }
    paths.sort();
    let expected = [
        ("get", "/health/{tenant}"),
        ("get", "/healthcheck"),
        ("get", "/metrics"),
        ("get", "/openapi.json"),
        ("post", "/validate"),
        ("post", "/validate/{tenant}"),
        ("post", "/vedsdk/Codesign/RecordArchiveEntries"),
        ("post", "/vedsdk/Codesign/RetrieveArchiveEntries"),
    ];
    let got: Vec<(&str, &str)> = paths
        .iter()
        .map(|(m, p)| (m.as_str(), p.as_str()))
        .collect();
    assert_eq!(got, expected);
    // Each documented operation is routed (neither 404 nor 405) and every
    // status it answers is one the document lists for it.
    for (method, path) in expected {
        let url = server.url(&path.replace("{tenant}", "example"));
        let (status, _, _) = match method {
            "get" => get(&url),
            _ => post(&url, "application/json", Some(ADMIN), b"{}"),
        };
        let documented = &doc["paths"][path][method]["responses"];
        assert!(
            documented.get(status.to_string()).is_some(),
            "{method} {path}: {status} not documented"
        );
        assert!(status != 404 && status != 405, "{method} {path}: {status}");
    }
}
