//! One error type for the service's callers: a stable code, a message and the offending field.
//! The code decides the HTTP status and the GraphQL `extensions.code`; layers below map into it.

use serde::Serialize;

/// Stable, documented error codes. Clients match on these, never on messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    Validation,
    NotFound,
    Conflict,
    BadRequest,
    Unauthenticated,
    Forbidden,
    RateLimited,
    PayloadTooLarge,
    Unavailable,
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Validation => "VALIDATION",
            ErrorCode::NotFound => "NOT_FOUND",
            ErrorCode::Conflict => "CONFLICT",
            ErrorCode::BadRequest => "BAD_REQUEST",
            ErrorCode::Unauthenticated => "UNAUTHENTICATED",
            ErrorCode::Forbidden => "FORBIDDEN",
            ErrorCode::RateLimited => "RATE_LIMITED",
            ErrorCode::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            ErrorCode::Unavailable => "UNAVAILABLE",
            ErrorCode::Internal => "INTERNAL",
        }
    }

    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::Validation | ErrorCode::BadRequest => 400,
            ErrorCode::Unauthenticated => 401,
            ErrorCode::Forbidden => 403,
            ErrorCode::RateLimited => 429,
            ErrorCode::NotFound => 404,
            ErrorCode::Conflict => 409,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::Unavailable => 503,
            ErrorCode::Internal => 500,
        }
    }
}

/// One problem with one field of the input.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldError {
    pub code: ErrorCode,
    /// Dotted path of the offending input field, e.g. `values.name.en_US`.
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(code: ErrorCode, field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code,
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Validation, field, message)
    }

    pub fn conflict(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Conflict, field, message)
    }

    pub fn not_found(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, field, message)
    }

    /// Prefixes the field path, for errors found inside a nested input.
    pub fn under(mut self, prefix: &str) -> Self {
        self.field = if self.field.is_empty() {
            prefix.to_string()
        } else {
            format!("{prefix}.{}", self.field)
        };
        self
    }
}

/// The error every service function returns.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input was refused; nothing was written.
    #[error("{}", describe(.0))]
    Invalid(Vec<FieldError>),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    BadRequest(String),
    /// No credentials, or credentials that are invalid or expired.
    #[error("{0}")]
    Unauthenticated(String),
    /// The caller's role does not allow the action; nothing was read or written.
    #[error("{0}")]
    Forbidden(String),
    /// The request or an uploaded file is larger than the configured limit.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// Too many attempts; try again later.
    #[error("{0}")]
    RateLimited(String),
    #[error("{0}")]
    Unavailable(String),
    #[error("database error: {0}")]
    Database(#[from] diesel::result::Error),
    #[error("database pool error: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    #[error("{0}")]
    Internal(String),
}

fn describe(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| {
            if e.field.is_empty() {
                e.message.clone()
            } else {
                format!("{}: {}", e.field, e.message)
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

impl Error {
    pub fn field(error: FieldError) -> Self {
        Error::Invalid(vec![error])
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Invalid(errors) => errors.first().map_or(ErrorCode::Validation, |e| e.code),
            Error::NotFound(_) => ErrorCode::NotFound,
            Error::BadRequest(_) => ErrorCode::BadRequest,
            Error::Unauthenticated(_) => ErrorCode::Unauthenticated,
            Error::Forbidden(_) => ErrorCode::Forbidden,
            Error::RateLimited(_) => ErrorCode::RateLimited,
            Error::PayloadTooLarge(_) => ErrorCode::PayloadTooLarge,
            Error::Unavailable(_) => ErrorCode::Unavailable,
            Error::Database(_) | Error::Pool(_) | Error::Internal(_) => ErrorCode::Internal,
        }
    }

    /// The field errors behind this error; a single unnamed one for the other kinds.
    pub fn field_errors(&self) -> Vec<FieldError> {
        match self {
            Error::Invalid(errors) => errors.clone(),
            other => vec![FieldError::new(other.code(), "", other.public_message())],
        }
    }

    /// The message shown to callers: internal details stay in the logs.
    pub fn public_message(&self) -> String {
        match self.code() {
            ErrorCode::Internal => "internal error".to_string(),
            _ => self.to_string(),
        }
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::Internal(format!("json: {e}"))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl actix_web::ResponseError for Error {
    fn status_code(&self) -> actix_web::http::StatusCode {
        actix_web::http::StatusCode::from_u16(self.code().http_status())
            .unwrap_or(actix_web::http::StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> actix_web::HttpResponse {
        if self.code() == ErrorCode::Internal {
            tracing::error!(error = %self, "request failed");
        }
        let first = self.field_errors().into_iter().next();
        let body = serde_json::json!({
            "code": self.code().as_str(),
            "message": self.public_message(),
            "field": first.map(|e| e.field).filter(|f| !f.is_empty()),
            "errors": self.field_errors(),
        });
        actix_web::HttpResponse::build(self.status_code()).json(body)
    }
}
