//! A real S3 server for tests: s3s over a temporary directory (s3s-fs), on 127.0.0.1, checking
//! SigV4 signatures, on a runtime of its own so any test (sync or async) can start one.

use std::path::PathBuf;

use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder as ConnBuilder;
use s3s::auth::SimpleAuth;
use s3s::service::S3ServiceBuilder;
use tempfile::TempDir;

pub const ACCESS_KEY: &str = "pim-test-key";
pub const SECRET_KEY: &str = "pim-test-secret";
pub const BUCKET: &str = "pim-assets";

pub struct S3Server {
    /// `http://127.0.0.1:PORT`
    pub endpoint: String,
    dir: TempDir,
    runtime: Option<tokio::runtime::Runtime>,
}

impl S3Server {
    /// Serves one empty bucket, `BUCKET`.
    pub fn start() -> S3Server {
        let dir = TempDir::new().unwrap();
        std::fs::create_dir(dir.path().join(BUCKET)).unwrap();
        let mut builder = S3ServiceBuilder::new(s3s_fs::FileSystem::new(dir.path()).unwrap());
        builder.set_auth(SimpleAuth::from_single(ACCESS_KEY, SECRET_KEY));
        let service = builder.build().into_shared();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        runtime.spawn(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            while let Ok((socket, _)) = listener.accept().await {
                let service = service.clone();
                tokio::spawn(async move {
                    let _ = ConnBuilder::new(TokioExecutor::new())
                        .serve_connection(TokioIo::new(socket), service)
                        .await;
                });
            }
        });
        S3Server {
            endpoint,
            dir,
            runtime: Some(runtime),
        }
    }

    /// Where the server keeps the object named `name` of `BUCKET`.
    pub fn object_path(&self, name: &str) -> PathBuf {
        self.dir.path().join(BUCKET).join(name)
    }

    /// Names of the objects in `BUCKET` under `folder` (one level), sorted.
    pub fn objects(&self, folder: &str) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.dir.path().join(BUCKET).join(folder))
            .map(|entries| {
                entries
                    .map(|e| e.unwrap())
                    .filter(|e| e.file_type().unwrap().is_file())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }
}

impl Drop for S3Server {
    /// Tests may end inside an async runtime, where a runtime cannot be dropped by blocking.
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}
