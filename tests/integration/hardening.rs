//! The malformed-input suite: 76 broken, hostile or unreadable inputs, each made in a
//! temp dir and checked by the built binary next to a good export. Each must exit 2 with a
//! load error that names the file, the line (when the file has text) and what was
//! expected; the good export's findings must still be reported; no run may panic, hang or
//! leak a secret in any output format; and every run is capped at 512 MiB of address space,
//! so the gigabyte inputs pass only if they are handled without being read whole.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::TempDir;

/// An input that is a syntax or type error for a good reason, with a secret in it where a
/// leak could happen.
const GOOD: &str = "fixtures/rules/key-restriction-missing/bad-no-policy.json";
const GOOD_RULE: &str = "key-restriction-missing";
const CANARY: &str = "CANARY";
const MEMORY_LIMIT_KIB: u64 = 512 * 1024;
/// Every output format: JSON first (its errors are checked in detail), then the others for
/// the exit code and the canary.
const FORMATS: [&str; 10] = [
    "json", "human", "concise", "sarif", "github", "gitlab", "junit", "markdown", "csv", "html",
];

/// How a case is made.
enum Make {
    Bytes(Vec<u8>),
    /// A file of this many bytes of `"  \n"`, written at test time.
    Whitespace(u64),
    /// A sparse file of this many NUL bytes.
    Sparse(u64),
    Fifo,
    Symlink(&'static str),
    /// A path below a regular file (`good.json/x.json`).
    BelowAFile,
    Missing,
    /// An absolute path outside the temp dir (`/proc/self/mem`, `/dev/null`), linked to.
    LinkTo(&'static str),
}

struct Case {
    name: &'static str,
    make: Make,
    /// Put in a directory that is walked (else named on the command line).
    walked: bool,
    /// The file has text, so its error has a line.
    has_line: bool,
}

fn text(name: &'static str, content: &str) -> Case {
    bytes(name, content.as_bytes().to_vec())
}

fn bytes(name: &'static str, content: Vec<u8>) -> Case {
    Case {
        name,
        make: Make::Bytes(content),
        walked: false,
        has_line: true,
    }
}

fn no_text(name: &'static str, make: Make, walked: bool) -> Case {
    Case {
        name,
        make,
        walked,
        has_line: false,
    }
}

fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if bom {
        out.extend_from_slice(if big_endian {
            &[0xFE, 0xFF]
        } else {
            &[0xFF, 0xFE]
        });
    }
    for unit in text.encode_utf16() {
        out.extend_from_slice(&if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        });
    }
    out
}

fn cases() -> Vec<Case> {
    let key = r#"{"guid": "k1", "name": "k", "source_crn": "crn:v1:bluemix:public:logdnaat:us-south:a/acct:inst::", "crn": "crn:v1:bluemix:public:logdnaat:us-south:a/acct:inst:resource-key:k1""#;
    let mut utf32 = vec![0xFF, 0xFE, 0, 0];
    for ch in "{\"serviceids\": []}".chars() {
        utf32.extend_from_slice(&(ch as u32).to_le_bytes());
    }
    let mut sparse_doc = b"\xEF\xBB\xBF".to_vec();
    sparse_doc
        .extend_from_slice(b"{\"apikeys\": [{\"id\": \"ApiKey-1\", \"apikey\": \"CANARY\"}]} \x00");
    let mut latin1_secret =
        format!("{{\"apikeys\": [{{\"id\": \"ApiKey-1\",\n\"apikey\": \"{CANARY}").into_bytes();
    latin1_secret.extend_from_slice(b"\xE9\"}]}");
    let mut all_bytes: Vec<u8> = (0..=255u8).collect();
    all_bytes.rotate_left(1);
    vec![
        // Cut short.
        text(
            "truncated-object.json",
            r#"{"serviceids": [{"id": "ServiceId-1", "name": "x""#,
        ),
        text(
            "truncated-secret.json",
            &format!(r#"{{"resources": [{key}, "credentials": {{"apikey": "{CANARY}-cut"#),
        ),
        text(
            "truncated-list.yaml",
            "serviceids:\n  - id: ServiceId-1\n    name: [a, b\n",
        ),
        text(
            "unterminated-quote.yaml",
            "apikeys:\n  - id: ApiKey-1\n    apikey: \"CANARY\n",
        ),
        // Not JSON.
        text("trailing-garbage.json", "{\"serviceids\": []} and more"),
        text(
            "missing-comma.json",
            "{\"serviceids\": [{\"id\": \"ServiceId-1\" \"name\": \"x\"}]}",
        ),
        text("single-quotes.json", "{'serviceids': []}"),
        text("trailing-comma.json", "{\"serviceids\": [],}"),
        text("comment.json", "{\"serviceids\": [] // exported today\n}"),
        text(
            "bad-escape.json",
            r#"{"serviceids": [{"id": "ServiceId-1", "name": "a\qb"}]}"#,
        ),
        text(
            "lone-surrogate.json",
            r#"{"serviceids": [{"id": "ServiceId-1", "name": "\ud800"}]}"#,
        ),
        text(
            "raw-control-char.json",
            "{\"serviceids\": [{\"id\": \"Service\u{1}Id\"}]}",
        ),
        text(
            "nan.json",
            "{\"rows_count\": NaN, \"next_url\": null, \"resources\": []}",
        ),
        text(
            "infinity.json",
            "{\"rows_count\": Infinity, \"next_url\": null, \"resources\": []}",
        ),
        text(
            "huge-exponent.json",
            "{\"rows_count\": 1e999, \"next_url\": null, \"resources\": []}",
        ),
        text(
            "hex-number.json",
            "{\"rows_count\": 0x10, \"next_url\": null, \"resources\": []}",
        ),
        text("unquoted-key.json", "{serviceids: []}"),
        text("bare-word.json", "{\"serviceids\": [nope]}"),
        // Too deep or too big once expanded.
        text(
            "deep-arrays.json",
            &format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)),
        ),
        text("deep-objects.json", &"{\"a\": ".repeat(50_000)),
        text(
            "deep-block.yaml",
            &(0..300)
                .map(|depth| format!("{}a:\n", "  ".repeat(depth)))
                .collect::<String>(),
        ),
        text(
            "deep-flow.yaml",
            &format!("a: {}{}\n", "[".repeat(5000), "]".repeat(5000)),
        ),
        text(
            "alias-bomb.yaml",
            "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n",
        ),
        // YAML that is not one plain document.
        text(
            "two-documents.yaml",
            "---\nserviceids: []\n---\napikeys: []\n",
        ),
        text("tab-indent.yaml", "serviceids:\n\t- id: ServiceId-1\n"),
        text(
            "bad-indent.yaml",
            "serviceids:\n  - id: ServiceId-1\n   name: x\n",
        ),
        text("unknown-tag.yaml", "serviceids:\n  - !Ref x\n"),
        text("int-keys.yaml", "1: x\n2: y\n"),
        // Duplicate members: which one would IBM read?
        text(
            "duplicate-member.json",
            r#"{"serviceids": [{"id": "ServiceId-1", "locked": true, "locked": false}]}"#,
        ),
        text(
            "duplicate-secret.json",
            &format!(
                r#"{{"apikeys": [{{"id": "ApiKey-1", "apikey": "{CANARY}-1", "apikey": "{CANARY}-2"}}]}}"#
            ),
        ),
        text(
            "duplicate-list.json",
            "{\"serviceids\": [], \"serviceids\": []}",
        ),
        text(
            "duplicate-member.yaml",
            "serviceids:\n  - id: ServiceId-1\n    locked: true\n    locked: false\n",
        ),
        // Encodings.
        bytes(
            "bom-then-broken.json",
            b"\xEF\xBB\xBF{\n  \"serviceids\": [\n    {\"id\": \"ServiceId-1\",}\n  ]\n}\n"
                .to_vec(),
        ),
        text(
            "crlf-broken.json",
            "{\r\n  \"serviceids\": [\r\n    {\"id\": \"ServiceId-1\" \"x\"}\r\n  ]\r\n}\r\n",
        ),
        text(
            "crlf-broken.yaml",
            "serviceids:\r\n  - id: ServiceId-1\r\n    name: [a\r\n",
        ),
        bytes(
            "latin1.json",
            b"{\"serviceids\": [{\"id\": \"ServiceId-1\", \"name\": \"caf\xE9\"}]}".to_vec(),
        ),
        bytes("latin1-near-secret.json", latin1_secret),
        bytes(
            "utf16le-bom.json",
            utf16("{\"serviceids\": []}", false, true),
        ),
        bytes(
            "utf16be-bom.json",
            utf16("{\"serviceids\": []}", true, true),
        ),
        bytes(
            "utf16le-no-bom.json",
            utf16("{\"serviceids\": []}", false, false),
        ),
        bytes(
            "utf16-secret.yaml",
            utf16(&format!("apikeys:\n  - apikey: {CANARY}\n"), false, true),
        ),
        bytes("utf32le-bom.json", utf32),
        bytes("nul-start.json", vec![0; 64]),
        bytes("nul-inside.json", b"{\"serviceids\": [\x00]}".to_vec()),
        bytes("nul-after-secret.json", sparse_doc),
        bytes("png.json", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec()),
        bytes("all-bytes.json", all_bytes),
        bytes(
            "gzip.json",
            b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03".to_vec(),
        ),
        // Nothing in it.
        text("empty.json", ""),
        text("whitespace.yaml", " \n\t\r\n  \n"),
        bytes("only-bom.json", b"\xEF\xBB\xBF".to_vec()),
        Case {
            name: "gigabyte-of-whitespace.json",
            make: Make::Whitespace(1 << 30),
            walked: true,
            has_line: true,
        },
        Case {
            name: "gigabyte-sparse.json",
            make: Make::Sparse(1 << 30),
            walked: false,
            has_line: true,
        },
        // Well-formed, but not what an export holds.
        text("scalar.json", "42"),
        text("string.yaml", "just some text\n"),
        text(
            "other-object.json",
            "{\"name\": \"my-app\", \"version\": \"1.0.0\"}",
        ),
        text(
            "list-not-array.json",
            "{\"serviceids\": {\"id\": \"ServiceId-1\"}}",
        ),
        text(
            "items-not-objects.json",
            "{\"serviceids\": [5, \"ServiceId-1\"]}",
        ),
        text(
            "locked-not-bool-by-a-secret.json",
            &format!(
                r#"{{"apikeys": [{{"id": "ApiKey-1", "apikey": "{CANARY}", "locked": "yes"}}]}}"#
            ),
        ),
        text(
            "huge-integer-for-bool.json",
            r#"{"serviceids": [{"id": "ServiceId-1", "locked": 123456789012345678901234567890}]}"#,
        ),
        text(
            "roles-not-list.json",
            r#"{"policies": [{"id": "p1", "subjects": [], "roles": "Administrator", "resources": []}]}"#,
        ),
        text(
            "policy-id-number.json",
            r#"{"policies": [{"id": 42, "subjects": [], "roles": []}]}"#,
        ),
        text(
            "credentials-string.json",
            &format!(
                r#"{{"resources": [{key}, "credentials": "{CANARY}"}}], "rows_count": 1, "next_url": null}}"#
            ),
        ),
        text(
            "service-id-without-id.yaml",
            "serviceids:\n  - name: nameless\n",
        ),
        text(
            "instance-without-crn.json",
            r#"{"rows_count": 1, "next_url": null, "resources": [{"name": "x", "state": "active"}]}"#,
        ),
        text(
            "members-without-group.json",
            r#"{"members": [{"iam_id": "IBMid-1", "type": "user"}], "total_count": 1}"#,
        ),
        text(
            "cli-array-mixed.json",
            r#"[{"id": "ServiceId-1", "iam_id": "iam-ServiceId-1"}, 7, {"unknown": true}]"#,
        ),
        // Paths that cannot be read.
        no_text("fifo.json", Make::Fifo, false),
        no_text("walked-fifo.json", Make::Fifo, true),
        no_text(
            "dangling-link.json",
            Make::Symlink("does-not-exist.json"),
            false,
        ),
        no_text(
            "walked-dangling-link.json",
            Make::Symlink("does-not-exist.json"),
            true,
        ),
        no_text("self-link.json", Make::Symlink("self-link.json"), false),
        no_text("below-a-file.json", Make::BelowAFile, false),
        no_text("missing.json", Make::Missing, false),
        no_text("proc-mem.json", Make::LinkTo("/proc/self/mem"), true),
        no_text("device.json", Make::LinkTo("/dev/null"), false),
    ]
}

/// Runs the binary with an address-space cap and a deadline; `None` when it hung.
fn run_capped(args: &[&Path]) -> Option<(i32, String, String)> {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {MEMORY_LIMIT_KIB}; exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_iamlint"))
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sh runs");
    // Drain both pipes while waiting, so a large output cannot block the child.
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut text);
            }
            String::from_utf8_lossy(&text).into_owned()
        })
    };
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|pipe| Box::new(pipe) as Box<dyn Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|pipe| Box::new(pipe) as Box<dyn Read + Send>),
    );
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Some((
        status.code().unwrap_or(-1),
        stdout.join().unwrap_or_default(),
        stderr.join().unwrap_or_default(),
    ))
}

/// Makes the case in `dir`; returns what to pass on the command line and the file name
/// the error must carry.
fn make(case: &Case, dir: &Path) -> (PathBuf, String) {
    let parent = if case.walked {
        dir.join(format!("walk-{}", case.name))
    } else {
        dir.to_path_buf()
    };
    std::fs::create_dir_all(&parent).expect("the test case is created");
    let path = parent.join(case.name);
    match &case.make {
        Make::Bytes(content) => std::fs::write(&path, content).expect("the test case is created"),
        Make::Whitespace(size) => {
            use std::io::Write;
            let mut file = std::io::BufWriter::new(
                std::fs::File::create(&path).expect("the test case is created"),
            );
            let block = "  \n".repeat(1 << 18);
            let mut written = 0u64;
            while written < *size {
                let take = (block.len() as u64).min(size - written) as usize;
                file.write_all(&block.as_bytes()[..take])
                    .expect("the test case is created");
                written += take as u64;
            }
            file.flush().expect("the test case is created");
        }
        Make::Sparse(size) => std::fs::File::create(&path)
            .expect("the test case is created")
            .set_len(*size)
            .expect("the test case is created"),
        Make::Fifo => {
            let status = Command::new("mkfifo")
                .arg(&path)
                .status()
                .expect("mkfifo runs");
            assert!(status.success());
        }
        Make::Symlink(target) => {
            std::os::unix::fs::symlink(target, &path).expect("the test case is created")
        }
        Make::LinkTo(target) => {
            std::os::unix::fs::symlink(target, &path).expect("the test case is created")
        }
        Make::BelowAFile => {
            let file = parent.join("a-file.json");
            std::fs::write(&file, "{}").expect("the test case is created");
            let below = file.join(case.name);
            let name = below.display().to_string();
            return (below, name);
        }
        Make::Missing => {}
    }
    let name = path.display().to_string();
    let argument = if case.walked { parent } else { path };
    (argument, name)
}

#[test]
fn every_malformed_input_is_a_located_load_error_and_the_rest_is_still_checked() {
    let dir = TempDir::new("hardening");
    let cases = cases();
    assert!(cases.len() >= 50, "the suite has {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let (argument, file) = make(case, &dir.0);
        // A case holding a secret runs in every format; the others in JSON and human.
        let secret = match &case.make {
            Make::Bytes(content) => content
                .windows(CANARY.len())
                .any(|window| window == CANARY.as_bytes()),
            _ => false,
        };
        let formats = if secret { &FORMATS[..] } else { &FORMATS[..2] };
        for &format in formats {
            let args = [
                Path::new("check"),
                Path::new("--no-config"),
                Path::new("--format"),
                Path::new(format),
                Path::new(GOOD),
                &argument,
            ];
            let Some((code, stdout, stderr)) = run_capped(&args) else {
                failures.push(format!("{}: hung", case.name));
                continue;
            };
            if stdout.contains(CANARY) || stderr.contains(CANARY) {
                failures.push(format!("{} ({format}): leaks a secret", case.name));
            }
            if code != 2 {
                failures.push(format!(
                    "{} ({format}): exit {code}, stderr {stderr}",
                    case.name
                ));
                continue;
            }
            if format != "json" {
                continue;
            }
            let output: serde_json::Value = match serde_json::from_str(&stdout) {
                Ok(output) => output,
                Err(error) => {
                    failures.push(format!("{}: output is not JSON ({error})", case.name));
                    continue;
                }
            };
            let errors = output["errors"].as_array().cloned().unwrap_or_default();
            let ours: Vec<&serde_json::Value> = errors
                .iter()
                .filter(|error| error["file"] == file.as_str())
                .collect();
            if ours.is_empty() || ours.len() != errors.len() {
                failures.push(format!(
                    "{}: errors name other files: {errors:?}",
                    case.name
                ));
            }
            for error in ours {
                let message = error["message"].as_str().unwrap_or_default();
                if !message
                    .split(|c: char| !c.is_alphanumeric())
                    .any(|word| word == "expected")
                {
                    failures.push(format!(
                        "{}: message says nothing expected: {message}",
                        case.name
                    ));
                }
                if case.has_line && error["line"].as_u64().is_none() {
                    failures.push(format!("{}: no line: {message}", case.name));
                }
            }
            let good_found = output["findings"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|finding| finding["rule"] == GOOD_RULE);
            if !good_found {
                failures.push(format!(
                    "{}: the good file's findings are missing",
                    case.name
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// What a one-line (compact) service ID export of `count` items looks like, as `curl` saves
/// `GET /v1/serviceids`: every item on the one line.
fn compact_service_ids(count: usize) -> String {
    let items: Vec<String> = (0..count)
        .map(|at| {
            format!(
                r#"{{"id":"ServiceId-{at:08x}-0000-4000-8000-000000000000","iam_id":"iam-ServiceId-{at:08x}-0000-4000-8000-000000000000","entity_tag":"1-0a1b2c3d","crn":"crn:v1:bluemix:public:iam-identity::a/c0ffee00c0ffee00c0ffee00c0ffee00::serviceid:ServiceId-{at:08x}-0000-4000-8000-000000000000","locked":true,"created_at":"2024-03-05T09:12+0000","modified_at":"2024-03-05T09:12+0000","account_id":"c0ffee00c0ffee00c0ffee00c0ffee00","name":"svc-{at}","description":"compact export"}}"#
            )
        })
        .collect();
    format!(
        r#"{{"offset":0,"limit":{count},"serviceids":[{}]}}"#,
        items.join(",")
    )
}

/// A line longer than miette can draw (past column 65,535) must not panic: the snippet is a
/// window of the line with the true column in its header, whether the place is a syntax
/// error at the end of a one-line file or a finding at its end, and the other file's
/// findings are still reported.
#[test]
fn one_line_files_past_column_65535_are_drawn_as_windows() {
    let dir = TempDir::new("long-lines");
    let good = std::fs::read_to_string(GOOD).expect("good fixture");
    let whole = compact_service_ids(300);
    assert!(whole.len() > 70_000 && !whole.contains('\n'));
    // A syntax error at the very end: a trailing comma before the closing brackets.
    let broken = format!("{},]}}", &whole[..whole.len() - 2]);
    // A finding at the very end: the last service ID is unlocked.
    let unlocked = {
        let at = whole.rfind(r#""locked":true"#).unwrap_or(0);
        format!("{}\"locked\":false{}", &whole[..at], &whole[at + 13..])
    };
    for (name, text, code) in [("broken.json", &broken, 2), ("unlocked.json", &unlocked, 1)] {
        let path = dir.0.join(name);
        std::fs::write(&path, text).expect("write");
        let good_path = dir.0.join("good.json");
        std::fs::write(&good_path, &good).expect("write");
        for format in FORMATS {
            let run = crate::common::run(&[
                "check",
                "--format",
                format,
                path.to_str().unwrap_or_default(),
                good_path.to_str().unwrap_or_default(),
            ]);
            assert_eq!(run.code, code, "{name} {format}: {}", run.stderr);
            assert!(run.stdout.contains(GOOD_RULE), "{name} {format}");
            // Bounded: no copy of the line (an item from its middle is in no window).
            let output = format!("{}{}", run.stdout, run.stderr);
            assert!(!output.contains("svc-150\""), "{name} {format}");
            // SARIF carries every rule's documentation (over 100 KB, growing with the
            // rules); a copy of the line would add more than 70 KB to what the good file
            // alone gives.
            let alone = crate::common::run(&[
                "check",
                "--format",
                format,
                good_path.to_str().unwrap_or_default(),
            ]);
            let alone = alone.stdout.len() + alone.stderr.len();
            assert!(
                output.len() < alone + 50_000,
                "{name} {format}: {} bytes, {alone} for the good file alone",
                output.len()
            );
        }
    }
    // The human snippets: a window with the true line and column.
    let run = crate::common::run(&["check", dir.0.join("broken.json").to_str().unwrap_or("")]);
    let column = broken.len() - 1;
    assert!(
        run.stdout.contains(&format!("broken.json:1:{column}]")),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains('…'), "{}", run.stdout);
}

/// The hostile name of issue 12 (`evil\u001b[2J\u001b]0;PWNED\u0007name\u202etxt`, and
/// more controls and bidi characters in a description) on an API key and a service ID, in
/// a pretty and a compact export: no output format may carry a control or bidi character
/// raw, JUnit stays valid XML, and human snippets show the source lines escaped.
#[test]
fn control_and_bidi_characters_never_reach_an_output_raw() {
    let dir = TempDir::new("hostile");
    let summary = dir.0.join("summary.md");
    let summary_path = summary.to_str().unwrap_or_default();
    let raw = |character: char| {
        iamlint::report::safe::is_unsafe(character) && !matches!(character, '\n' | '\r' | '\t')
    };
    let mut outputs = Vec::new();
    for format in FORMATS {
        let run = crate::common::run_with(
            &["check", "--format", format, "fixtures/hostile"],
            &[("GITHUB_STEP_SUMMARY", summary_path)],
        );
        assert_eq!(run.code, 1, "{format}: {}", run.stderr);
        if format == "junit" {
            let parsed = roxmltree::Document::parse(&run.stdout);
            assert!(parsed.is_ok(), "{parsed:?}\n{}", run.stdout);
        }
        if format == "human" {
            assert!(
                run.stdout
                    .contains(r"evil\u{1b}[2J\u{1b}]0;PWNED\u{7}name\u{202e}txt")
            );
            // The snippet of the compact file's (pretty-printed) line, and of the raw file.
            assert!(
                run.stdout
                    .contains(r#""name": "evil\u001b[2J\u001b]0;PWNED\u0007name\u{202e}txt""#)
            );
        }
        outputs.push((format.to_owned(), run.stdout));
        outputs.push((format!("{format} stderr"), run.stderr));
    }
    outputs.push((
        "github summary".to_owned(),
        std::fs::read_to_string(&summary).unwrap_or_default(),
    ));
    for format in ["html", "markdown"] {
        let run = crate::common::run(&["report", "--format", format, "fixtures/hostile"]);
        outputs.push((format!("report {format}"), run.stdout));
    }
    for (format, output) in &outputs {
        let found: Vec<char> = output.chars().filter(|&c| raw(c)).collect();
        assert!(found.is_empty(), "{format}: {found:?}");
    }
    // JSON keeps the exact value (written as escapes).
    let run = crate::common::run(&["check", "--format", "json", "fixtures/hostile"]);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap_or_default();
    let text = value.to_string();
    assert!(
        text.contains("evil\\u001b[2J\\u001b]0;PWNED\\u0007name\u{202e}txt"),
        "{text}"
    );
}
