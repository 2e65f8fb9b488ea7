//! The `pim` binary itself: the first administrator on first start, and `pim user` and
//! `pim token` (tokens made on the command line work against the service).

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use pim::app::AppState;
use pim::auth::Role;
use pim::config::Config;
use tempfile::TempDir;

fn pim(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pim"));
    command
        .arg("--data-dir")
        .arg(dir)
        .env("PIM_LOG_LEVEL", "info")
        .env_remove("PIM_ADMIN_PASSWORD")
        .env_remove("DATABASE_URL")
        .env_remove("PIM_DATABASE_URL");
    command
}

/// Runs `pim serve` until it listens, then stops it; returns what it wrote to stderr.
fn serve_once(dir: &Path) -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = pim(dir)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (send, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if send.send(line).is_err() {
                break;
            }
        }
    });
    let mut seen = String::new();
    while let Ok(line) = lines.recv_timeout(Duration::from_secs(60)) {
        seen.push_str(&line);
        seen.push('\n');
        if line.contains("pim is listening") {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        seen.contains("pim is listening"),
        "serve never listened:\n{seen}"
    );
    seen
}

#[test]
fn first_start_creates_one_admin_and_prints_the_password_once() {
    let dir = TempDir::new().unwrap();
    let first = serve_once(dir.path());
    assert!(first.contains("created the first admin"), "{first}");
    let password = first
        .lines()
        .find_map(|l| l.trim().strip_prefix("password: "))
        .expect("the password is printed")
        .to_string();
    let second = serve_once(dir.path());
    assert!(!second.contains("created the first admin"), "{second}");

    let state = AppState::open(Config {
        data_dir: dir.path().to_path_buf(),
        ..Config::default()
    })
    .unwrap();
    let signed = state
        .accounts
        .sign_in("admin@pim.local", &password, "127.0.0.1")
        .unwrap();
    assert_eq!(signed.user.role, Role::Admin);
}

#[test]
fn users_and_tokens_from_the_command_line() {
    let dir = TempDir::new().unwrap();
    let mut create = pim(dir.path())
        .args([
            "user",
            "create",
            "--email",
            "ops@test.local",
            "--role",
            "catalog_manager",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(create.stdin.take().unwrap(), "a password from stdin").unwrap();
    let created = create.wait_with_output().unwrap();
    assert!(created.status.success());
    let text = String::from_utf8(created.stdout).unwrap();
    assert!(text.contains("created user ops@test.local"), "{text}");
    assert!(
        !text.contains("password (shown once)"),
        "a given password is not echoed"
    );

    let token = pim(dir.path())
        .args([
            "token",
            "create",
            "--name",
            "erp",
            "--role",
            "viewer",
            "--owner",
            "ops@test.local",
        ])
        .output()
        .unwrap();
    assert!(
        token.status.success(),
        "{}",
        String::from_utf8_lossy(&token.stderr)
    );
    let secret = String::from_utf8(token.stdout).unwrap().trim().to_string();
    assert!(secret.starts_with("pim_"), "{secret}");

    let listed = pim(dir.path()).args(["token", "list"]).output().unwrap();
    let listed = String::from_utf8(listed.stdout).unwrap();
    assert!(
        listed.contains("erp") && listed.contains("active"),
        "{listed}"
    );
    assert!(!listed.contains(&secret));

    let bad = pim(dir.path())
        .args([
            "user",
            "create",
            "--email",
            "x@test.local",
            "--role",
            "root",
        ])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("catalog_manager"));
    let no_supplier = pim(dir.path())
        .args([
            "user",
            "create",
            "--email",
            "s@test.local",
            "--role",
            "supplier",
        ])
        .output()
        .unwrap();
    assert!(!no_supplier.status.success());
    assert!(String::from_utf8_lossy(&no_supplier.stderr).contains("supplier"));

    let state = AppState::open(Config {
        data_dir: dir.path().to_path_buf(),
        ..Config::default()
    })
    .unwrap();
    let who = state.accounts.authenticate_token(&secret).unwrap();
    assert_eq!(who.role, Role::Viewer);
    assert_eq!(who.email, "ops@test.local");
    let id = state.accounts.tokens().unwrap()[0].id;
    let revoked = pim(dir.path())
        .args(["token", "revoke", &id.to_string()])
        .output()
        .unwrap();
    assert!(revoked.status.success());
    let fresh = AppState::open(Config {
        data_dir: dir.path().to_path_buf(),
        ..Config::default()
    })
    .unwrap();
    assert!(fresh.accounts.authenticate_token(&secret).is_err());
}

#[test]
fn quality_report_and_recompute_on_the_demo_catalog() {
    let dir = TempDir::new().unwrap();
    let demo = pim(dir.path()).arg("demo").output().unwrap();
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    let recompute = pim(dir.path())
        .args(["quality", "recompute"])
        .output()
        .unwrap();
    assert!(
        recompute.status.success(),
        "{}",
        String::from_utf8_lossy(&recompute.stderr)
    );
    let text = String::from_utf8(recompute.stdout).unwrap();
    assert!(
        text.contains("recomputed quality of 361 products"),
        "{text}"
    );
    let report = pim(dir.path())
        .args([
            "quality",
            "report",
            "--channel",
            "google_shopping",
            "--locale",
            "en_US",
        ])
        .output()
        .unwrap();
    assert!(report.status.success());
    let text = String::from_utf8(report.stdout).unwrap();
    assert!(
        text.contains("google_shopping / en_US: 361 products"),
        "{text}"
    );
    assert!(
        text.contains("image_500"),
        "the demo's image rule is reported: {text}"
    );
    for wrong in [["--channel", "nowhere"], ["--locale", "xx_XX"]] {
        let refused = pim(dir.path())
            .args(["quality", "report"])
            .args(wrong)
            .output()
            .unwrap();
        assert!(!refused.status.success());
    }
}
