//! One error type for the web layer: a status, a stable code and a message that names the
//! limit that failed. Internal detail is logged, never shown.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::remix::RemixError;
use crate::render::RenderError;

/// An error as a client sees it.
#[derive(Debug, Clone)]
pub struct AppError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable machine-readable code.
    pub code: &'static str,
    /// A sentence for people.
    pub message: String,
    /// Seconds to wait before trying again (503, 429).
    pub retry_after: Option<u64>,
}

impl AppError {
    /// An error with this status, code and message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> AppError {
        AppError {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    /// 404 for something that does not exist.
    pub fn not_found(what: impl Into<String>) -> AppError {
        AppError::new(StatusCode::NOT_FOUND, "not_found", what)
    }

    /// 400 for input that cannot be understood.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> AppError {
        AppError::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 500; the detail goes to the log only.
    pub fn internal(detail: impl std::fmt::Display) -> AppError {
        tracing::error!(%detail, "internal error");
        AppError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "something went wrong on our side; please try again",
        )
    }

    /// The same error, asking the client to wait `seconds`.
    pub fn retry_after(mut self, seconds: u64) -> AppError {
        self.retry_after = Some(seconds);
        self
    }

    fn headers(&self, response: &mut Response) {
        if let Some(s) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let body = json!({"error": {"code": self.code, "message": self.message}});
        let mut response = (self.status, axum::Json(body)).into_response();
        self.headers(&mut response);
        response
    }
}

impl From<crate::db::DbError> for AppError {
    /// A bad cursor is the client's; anything else is ours.
    fn from(e: crate::db::DbError) -> AppError {
        match e {
            crate::db::DbError::BadCursor => AppError::bad_request("bad_cursor", e.to_string()),
            e => AppError::internal(e),
        }
    }
}

impl From<RenderError> for AppError {
    fn from(e: RenderError) -> AppError {
        let status = match e {
            RenderError::BadWidth { .. } | RenderError::TooTall { .. } => StatusCode::BAD_REQUEST,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        };
        AppError::new(status, e.code(), e.to_string())
    }
}

impl From<RemixError> for AppError {
    fn from(e: RemixError) -> AppError {
        match e {
            RemixError::UnknownTemplate(_) => {
                AppError::new(StatusCode::NOT_FOUND, "unknown_template", e.to_string())
            }
            RemixError::RetiredTemplate(_) => {
                AppError::new(StatusCode::GONE, "template_retired", e.to_string())
            }
            RemixError::Blocked(_) => AppError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "caption_blocked",
                e.to_string(),
            ),
            RemixError::UnknownParent(_) => AppError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown_parent",
                e.to_string(),
            ),
            RemixError::Render(r) => r.into(),
            RemixError::Busy { retry_after } => {
                AppError::new(StatusCode::SERVICE_UNAVAILABLE, "busy", e.to_string())
                    .retry_after(retry_after)
            }
            RemixError::Store(_)
            | RemixError::Db(_)
            | RemixError::Crashed(_)
            | RemixError::Lost { .. } => AppError::internal(e),
        }
    }
}

/// The code for a body the server will not read at all, whatever the route.
const TOO_LARGE: &str = "too_large";

/// 413 naming the limit.
pub fn too_large() -> AppError {
    AppError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        TOO_LARGE,
        "the request body is larger than the 64 KB this accepts",
    )
}

impl From<axum::extract::rejection::JsonRejection> for AppError {
    fn from(e: axum::extract::rejection::JsonRejection) -> AppError {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return too_large();
        }
        AppError::new(e.status(), "bad_json", e.body_text())
    }
}

impl From<axum_extra::extract::FormRejection> for AppError {
    fn from(e: axum_extra::extract::FormRejection) -> AppError {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return too_large();
        }
        AppError::bad_request("bad_form", e.to_string())
    }
}

impl From<axum_extra::extract::QueryRejection> for AppError {
    fn from(e: axum_extra::extract::QueryRejection) -> AppError {
        AppError::bad_request("bad_query", e.to_string())
    }
}
