//! A blob store in a bucket of any S3-compatible service (AWS S3, MinIO, Ceph, R2 …), so that
//! several nodes share one set of assets. Blocking HTTP signed with SigV4, one object per key.

use std::time::Duration;

use sha2::{Digest, Sha256};
use ureq::http::{Response, Uri};

use super::AssetError;
use super::sigv4::{self, Credentials, EMPTY_PAYLOAD_SHA256};
use super::storage::{BlobStore, validate_key};

/// Bucket, addressing and credentials of an S3 blob store.
#[derive(Debug, Clone)]
pub struct S3Settings {
    pub bucket: String,
    /// Folder of the objects inside the bucket (`pim/assets`); empty for the bucket's root.
    pub prefix: String,
    /// `https://host[:port]`; `None` is AWS S3 in `region`.
    pub endpoint: Option<String>,
    pub region: String,
    /// `endpoint/bucket/key` rather than `bucket.endpoint/key` (MinIO and Ceph usually want it).
    pub path_style: bool,
    pub credentials: Credentials,
}

/// Larger objects are refused on read; uploads are bounded far lower by the asset limits.
const MAX_OBJECT_BYTES: u64 = 4 * 1024 * 1024 * 1024;
/// Attempts for a request that failed in transit or with a 5xx answer (all requests here are
/// idempotent, so repeating one is safe).
const ATTEMPTS: u32 = 3;
/// The readiness probe must answer before a load balancer gives up on it.
const CHECK_TIMEOUT: Duration = Duration::from_secs(5);
/// Requests without a body to move: deletions and uploads run them while holding the change-log
/// lock, so a stalled service must not hold it for the length of a large transfer.
const SMALL_TIMEOUT: Duration = Duration::from_secs(30);
/// Requests that move an object's bytes.
const TRANSFER_TIMEOUT: Duration = Duration::from_secs(300);

pub struct S3BlobStore {
    agent: ureq::Agent,
    bucket: String,
    prefix: String,
    scheme: String,
    /// `host[:port]` that requests go to and sign, with the bucket in front when virtual-hosted.
    authority: String,
    /// The path before an object's name: the endpoint's own path, then the bucket when
    /// path-style; starts and ends with `/`.
    base_path: String,
    region: String,
    credentials: Credentials,
}

impl std::fmt::Debug for S3BlobStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3BlobStore")
            .field("bucket", &self.bucket)
            .field("url", &self.url(""))
            .finish_non_exhaustive()
    }
}

/// What one request came back with.
enum Answer {
    Ok(Response<ureq::Body>),
    NotFound,
}

impl S3BlobStore {
    pub fn new(settings: S3Settings) -> Result<Self, AssetError> {
        let invalid = |reason: String| AssetError::Remote {
            bucket: settings.bucket.clone(),
            key: String::new(),
            reason,
        };
        let endpoint = settings
            .endpoint
            .clone()
            .unwrap_or_else(|| format!("https://s3.{}.amazonaws.com", settings.region));
        let uri: Uri = endpoint
            .parse()
            .map_err(|e| invalid(format!("invalid endpoint {endpoint:?}: {e}")))?;
        let scheme = match uri.scheme_str() {
            Some(s @ ("http" | "https")) => s.to_owned(),
            _ => {
                return Err(invalid(format!(
                    "invalid endpoint {endpoint:?}: use an http:// or https:// URL"
                )));
            }
        };
        let host = uri
            .authority()
            .filter(|a| !a.as_str().contains('@'))
            .ok_or_else(|| invalid(format!("invalid endpoint {endpoint:?}: no host")))?
            .as_str();
        let endpoint_path = uri.path().trim_matches('/');
        let mut base_path = String::from("/");
        if !endpoint_path.is_empty() {
            base_path.push_str(endpoint_path);
            base_path.push('/');
        }
        let authority = if settings.path_style {
            base_path.push_str(&sigv4::uri_encode_path(&settings.bucket));
            base_path.push('/');
            host.to_owned()
        } else {
            format!("{}.{host}", settings.bucket)
        };
        let prefix = settings.prefix.trim_matches('/');
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(10)))
            .timeout_global(Some(TRANSFER_TIMEOUT))
            .build()
            .into();
        Ok(Self {
            agent,
            prefix: if prefix.is_empty() {
                String::new()
            } else {
                format!("{prefix}/")
            },
            bucket: settings.bucket,
            scheme,
            authority,
            base_path,
            region: settings.region,
            credentials: settings.credentials,
        })
    }

    /// The object's name in the bucket.
    fn object(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    fn url(&self, path: &str) -> String {
        format!("{}://{}{path}", self.scheme, self.authority)
    }

    fn error(&self, key: &str, reason: impl Into<String>) -> AssetError {
        AssetError::Remote {
            bucket: self.bucket.clone(),
            key: if key.is_empty() {
                String::new()
            } else {
                self.object(key)
            },
            reason: reason.into(),
        }
    }

    /// Sends a signed request for `key` (the bucket itself when empty), retrying transient
    /// failures; a 404 is `NotFound`, other unsuccessful answers are errors with S3's reason.
    fn send(
        &self,
        method: &str,
        key: &str,
        body: &[u8],
        timeout: Option<Duration>,
    ) -> Result<Answer, AssetError> {
        let path = if key.is_empty() {
            self.base_path.clone()
        } else {
            format!(
                "{}{}",
                self.base_path,
                sigv4::uri_encode_path(&self.object(key))
            )
        };
        let payload_sha256 = if body.is_empty() {
            EMPTY_PAYLOAD_SHA256.to_owned()
        } else {
            hex::encode(Sha256::digest(body))
        };
        // A probe, which brings its own timeout, is tried once: the load balancer asks again.
        let attempts = if timeout.is_some() { 1 } else { ATTEMPTS };
        let timeout = timeout.unwrap_or(match method {
            "GET" | "PUT" => TRANSFER_TIMEOUT,
            _ => SMALL_TIMEOUT,
        });
        let mut last_failure = String::new();
        for attempt in 0..attempts {
            if attempt > 0 {
                std::thread::sleep(Duration::from_millis(200 * 4u64.pow(attempt - 1)));
            }
            let response = match self.attempt(method, &path, body, &payload_sha256, timeout) {
                Ok(response) => response,
                Err(err) => {
                    last_failure = err.to_string();
                    tracing::warn!(bucket = %self.bucket, key, method, attempt, error = %err, "s3 request failed");
                    continue;
                }
            };
            let status = response.status();
            if status.is_success() {
                return Ok(Answer::Ok(response));
            }
            if status.as_u16() == 404 {
                return Ok(Answer::NotFound);
            }
            let reason = reason(response);
            if !status.is_server_error() {
                return Err(self.error(key, reason));
            }
            tracing::warn!(bucket = %self.bucket, key, method, attempt, reason, "s3 request failed");
            last_failure = reason;
        }
        Err(self.error(key, format!("{last_failure} (after {attempts} attempts)")))
    }

    fn attempt(
        &self,
        method: &str,
        path: &str,
        body: &[u8],
        payload_sha256: &str,
        timeout: Duration,
    ) -> Result<Response<ureq::Body>, ureq::Error> {
        let now = chrono::Utc::now();
        let date = sigv4::amz_date(now);
        let mut headers = vec![
            ("host", self.authority.as_str()),
            ("x-amz-content-sha256", payload_sha256),
            ("x-amz-date", date.as_str()),
        ];
        if let Some(token) = &self.credentials.session_token {
            headers.push(("x-amz-security-token", token.as_str()));
        }
        let authorization = sigv4::authorization(
            &self.credentials,
            &self.region,
            now,
            &sigv4::Request {
                method,
                path,
                headers: &headers,
                payload_sha256,
            },
        );
        headers.push(("authorization", authorization.as_str()));
        let url = self.url(path);
        macro_rules! signed {
            ($builder:expr) => {{
                let mut builder = $builder;
                for (name, value) in &headers {
                    builder = builder.header(*name, *value);
                }
                builder.config().timeout_global(Some(timeout)).build()
            }};
        }
        match method {
            "PUT" => signed!(self.agent.put(&url)).send(body),
            "GET" => signed!(self.agent.get(&url)).call(),
            "HEAD" => signed!(self.agent.head(&url)).call(),
            "DELETE" => signed!(self.agent.delete(&url)).call(),
            other => unreachable!("the blob store sends no {other} requests"),
        }
    }
}

/// S3's error code and message from an error answer's XML body, else the HTTP status.
fn reason(mut response: Response<ureq::Body>) -> String {
    let status = response.status();
    let body = response
        .body_mut()
        .with_config()
        .limit(64 * 1024)
        .read_to_string()
        .unwrap_or_default();
    let element = |name: &str| {
        let start = body.find(&format!("<{name}>"))? + name.len() + 2;
        let end = body[start..].find(&format!("</{name}>"))? + start;
        Some(body[start..end].trim().to_owned())
    };
    match (element("Code"), element("Message")) {
        (Some(code), Some(message)) => format!("{} {code}: {message}", status.as_u16()),
        (Some(code), None) => format!("{} {code}", status.as_u16()),
        _ => status.to_string(),
    }
}

impl BlobStore for S3BlobStore {
    /// One PUT: S3 makes an object visible whole or not at all.
    fn put(&self, key: &str, data: &[u8]) -> Result<(), AssetError> {
        validate_key(key)?;
        match self.send("PUT", key, data, None)? {
            Answer::Ok(_) => {
                tracing::debug!(bucket = %self.bucket, key, bytes = data.len(), "stored blob");
                Ok(())
            }
            Answer::NotFound => Err(self.error(key, "404: the bucket does not exist")),
        }
    }

    fn get(&self, key: &str) -> Result<Vec<u8>, AssetError> {
        validate_key(key)?;
        match self.send("GET", key, &[], None)? {
            Answer::Ok(mut response) => response
                .body_mut()
                .with_config()
                .limit(MAX_OBJECT_BYTES)
                .read_to_vec()
                .map_err(|e| self.error(key, format!("reading the object failed: {e}"))),
            Answer::NotFound => Err(AssetError::NotFound(key.to_owned())),
        }
    }

    fn exists(&self, key: &str) -> Result<bool, AssetError> {
        validate_key(key)?;
        Ok(matches!(self.send("HEAD", key, &[], None)?, Answer::Ok(_)))
    }

    fn delete(&self, key: &str) -> Result<(), AssetError> {
        validate_key(key)?;
        // AWS answers 204 for a missing key; some compatible services answer 404.
        self.send("DELETE", key, &[], None)?;
        Ok(())
    }

    /// A HEAD on the bucket: it exists and the credentials may use it.
    fn check(&self) -> Result<(), AssetError> {
        match self.send("HEAD", "", &[], Some(CHECK_TIMEOUT))? {
            Answer::Ok(_) => Ok(()),
            Answer::NotFound => Err(self.error("", "404: the bucket does not exist")),
        }
    }

    fn describe(&self) -> &'static str {
        "s3"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(endpoint: Option<&str>, path_style: bool, prefix: &str) -> S3Settings {
        S3Settings {
            bucket: "catalog".into(),
            prefix: prefix.into(),
            endpoint: endpoint.map(String::from),
            region: "eu-central-1".into(),
            path_style,
            credentials: Credentials {
                access_key_id: "id".into(),
                secret_access_key: "secret".into(),
                session_token: None,
            },
        }
    }

    fn object_url(store: &S3BlobStore, key: &str) -> String {
        store.url(&format!(
            "{}{}",
            store.base_path,
            sigv4::uri_encode_path(&store.object(key))
        ))
    }

    #[test]
    fn addressing_styles_and_prefixes() {
        let aws = S3BlobStore::new(settings(None, false, "")).unwrap();
        assert_eq!(
            object_url(&aws, "ab.thumb64.png"),
            "https://catalog.s3.eu-central-1.amazonaws.com/ab.thumb64.png"
        );

        let minio =
            S3BlobStore::new(settings(Some("http://minio:9000/"), true, "/pim/assets/")).unwrap();
        assert_eq!(
            object_url(&minio, "ab"),
            "http://minio:9000/catalog/pim/assets/ab"
        );
        assert_eq!(minio.url(&minio.base_path), "http://minio:9000/catalog/");

        let proxied =
            S3BlobStore::new(settings(Some("https://files.example/s3"), false, "x")).unwrap();
        assert_eq!(
            object_url(&proxied, "ab"),
            "https://catalog.files.example/s3/x/ab"
        );
    }

    #[test]
    fn bad_endpoints_are_refused() {
        for endpoint in [
            "minio:9000",
            "ftp://minio",
            "http://user:pw@minio",
            "not a url",
        ] {
            let err = S3BlobStore::new(settings(Some(endpoint), true, "")).unwrap_err();
            assert!(
                err.to_string().contains("invalid endpoint"),
                "{endpoint}: {err}"
            );
        }
    }
}
