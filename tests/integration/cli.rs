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
use pim::import::BATCH;
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

/// `pim import`: an Akeneo export migrated in one command, a supplier feed dry-run then
/// imported with a rejected row (exit code 2, reasons printed).
#[test]
fn import_commands() {
    let dir = TempDir::new().unwrap();
    let akeneo =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/reference/akeneo/catalog_modeling");
    let out = pim(dir.path())
        .args(["import", "--format", "akeneo"])
        .arg(&akeneo)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("imported products.csv: 242 rows — 242 created"),
        "{stdout}"
    );

    let run = |args: &[&str]| {
        let out = pim(dir.path()).args(args).output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (code, _) = run(&[
        "supplier",
        "save",
        "acme",
        "--name",
        "Acme",
        "--contact",
        "Ann <ann@acme.test>",
    ]);
    assert_eq!(code, Some(0));
    let profile = dir.path().join("profile.json");
    std::fs::write(
        &profile,
        r#"{"sku": {"column": "Art"}, "values": [{"attribute": "weight", "column": "Weight", "unit": "GRAM"}]}"#,
    )
    .unwrap();
    let (code, stdout) = run(&[
        "supplier",
        "profile",
        "acme",
        "main",
        profile.to_str().unwrap(),
    ]);
    assert_eq!(
        (code, stdout.trim()),
        (Some(0), "profile main of acme is at version 1")
    );
    let feed = dir.path().join("feed.csv");
    std::fs::write(&feed, "Art;Weight\n1111111111;\n1111111112;heavy\n").unwrap();
    let (code, stdout) = run(&[
        "import",
        feed.to_str().unwrap(),
        "--supplier",
        "acme",
        "--dry-run",
    ]);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(
        stdout.contains(
            "dry run of feed.csv: 2 rows — 0 created, 0 updated, 1 unchanged, 1 rejected"
        ),
        "{stdout}"
    );
    let (code, stdout) = run(&["import", feed.to_str().unwrap(), "--supplier", "acme"]);
    assert_eq!(code, Some(2), "{stdout}");
    assert!(
        stdout.contains("line 3: Weight \"heavy\": \"heavy\" is not a number"),
        "{stdout}"
    );
    let (_, listed) = run(&["supplier", "list"]);
    assert!(
        listed.contains("acme") && listed.contains("main@1"),
        "{listed}"
    );
}

/// `kill -9` in the middle of an import: the catalog holds whole batches only; the run is then
/// reported failed, and running it again completes it without duplicates.
#[test]
fn killed_import_keeps_whole_batches_and_completes_when_run_again() {
    let dir = TempDir::new().unwrap();
    let feed = dir.path().join("feed.csv");
    let out = pim(dir.path())
        .args(["generate", "--products", "12000", "--models-only", "--csv"])
        .arg(&feed)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut child = pim(dir.path())
        .args(["import", "--format", "akeneo"])
        .arg(&feed)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let state = AppState::open_without_indexer(Config {
        data_dir: dir.path().to_path_buf(),
        ..Config::default()
    })
    .unwrap();
    let importer = state.importer.clone();
    let started = std::time::Instant::now();
    loop {
        let runs = importer.imports(None, 1).unwrap();
        if runs.first().is_some_and(|r| r.rows_read >= BATCH as i64) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the import never got going"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let run = importer.imports(None, 1).unwrap().remove(0);
    assert_eq!(
        run.state, "running",
        "the dead process could not record anything"
    );
    let stored = state.catalog.count_products(&Default::default()).unwrap();
    assert_eq!(
        stored % BATCH as i64,
        0,
        "{stored} products: a batch was half written"
    );
    assert!(
        stored >= run.rows_created,
        "{stored} < {}",
        run.rows_created
    );
    // Its heartbeat is old: the server's watchdog would mark it after two minutes.
    let later = pim::service::now() + chrono::Duration::seconds(1);
    let failed = state
        .catalog
        .db()
        .write(|conn| pim::store::imports::fail_stale(conn, later, later))
        .unwrap();
    assert_eq!(failed, vec![run.id]);
    let again = importer.rerun(run.id, false, "test").unwrap();
    let counts = importer
        .execute(again, &pim::store::changes::Origin::cli(), &mut |_| {})
        .unwrap();
    assert_eq!(counts.rows_created + counts.rows_unchanged, 12000);
    assert_eq!(counts.rows_unchanged, stored);
    assert_eq!(
        state.catalog.count_products(&Default::default()).unwrap(),
        12000
    );
}
