//! One error type for the web layer: a status, a stable code and a message that names the
//! limit that failed. Internal detail is logged, never shown.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::remix::RemixError;
use crate::render::RenderError;

/// The stable error codes clients match on (`{"error": {"code": ...}}`), in one place so a
/// code is never misspelt at a call site. The renderer's own codes come from
/// [`RenderError::code`].
pub mod code {
    /// A request this route cannot read, when no more precise code applies.
    pub const BAD_REQUEST: &str = "bad_request";
    /// A request line and headers over the listener's limit.
    pub const HEADERS_TOO_LARGE: &str = "headers_too_large";
    /// A new remix asked for by a page on another site.
    pub const CROSS_SITE: &str = "cross_site";
    /// An address over the listener's limit.
    pub const URI_TOO_LONG: &str = "uri_too_long";
    /// The path exists but not for this method.
    pub const METHOD_NOT_ALLOWED: &str = "method_not_allowed";
    /// The request took too long to arrive.
    pub const TIMEOUT: &str = "timeout";
    /// An upload stopped moving (no progress for the stall timeout).
    pub const UPLOAD_STALLED: &str = "upload_stalled";
    /// A JSON body that cannot be read.
    pub const BAD_JSON: &str = "bad_json";
    /// A form that cannot be read.
    pub const BAD_FORM: &str = "bad_form";
    /// A query string that cannot be read.
    pub const BAD_QUERY: &str = "bad_query";
    /// A style option that does not exist.
    pub const BAD_STYLE: &str = "bad_style";
    /// A gallery or audit cursor that is not one this server made.
    pub const BAD_CURSOR: &str = "bad_cursor";
    /// A template status that does not exist.
    pub const BAD_STATUS: &str = "bad_status";
    /// A multipart upload that cannot be read.
    pub const BAD_UPLOAD: &str = "bad_upload";
    /// A photo that is not an image this accepts.
    pub const BAD_PHOTO: &str = "bad_photo";
    /// A photo over the size limits.
    pub const PHOTO_TOO_LARGE: &str = "photo_too_large";
    /// No photo was sent.
    pub const PHOTO_MISSING: &str = "photo_missing";
    /// An iPhone's HEIC photo: the message says which formats work.
    pub const PHOTO_HEIC: &str = "photo_heic";
    /// An SVG drawing, not a photo.
    pub const PHOTO_SVG: &str = "photo_svg";
    /// A file that is a photo and something else at once.
    pub const PHOTO_POLYGLOT: &str = "photo_polyglot";
    /// A file of a kind not taken (GIF, BMP, text...).
    pub const PHOTO_NOT_ACCEPTED: &str = "photo_not_accepted";
    /// A photo cut short in transit or damaged.
    pub const PHOTO_DAMAGED: &str = "photo_damaged";
    /// More than 40 megapixels, by its header.
    pub const PHOTO_TOO_MANY_PIXELS: &str = "photo_too_many_pixels";
    /// Too small a photo.
    pub const PHOTO_TOO_SMALL: &str = "photo_too_small";
    /// A photo that would take too much memory or time to read (a progressive JPEG's
    /// scans, a large WebP), or a kind of JPEG no camera writes.
    pub const PHOTO_TOO_COSTLY: &str = "photo_too_costly";
    /// A crop rectangle outside the photo.
    pub const BAD_CROP: &str = "bad_crop";
    /// No published frame with that id.
    pub const UNKNOWN_FRAME: &str = "unknown_frame";
    /// A CSV import with bad rows: each named; nothing imported.
    pub const BAD_ROWS: &str = "bad_rows";
    /// No area with that id (or a retired one).
    pub const UNKNOWN_AREA: &str = "unknown_area";
    /// A template's words or boxes that cannot be used.
    pub const INVALID_TEMPLATE: &str = "invalid_template";
    /// A template id already taken.
    pub const TEMPLATE_EXISTS: &str = "template_exists";
    /// A form field that cannot be used.
    pub const INVALID: &str = "invalid";
    /// No such template.
    pub const UNKNOWN_TEMPLATE: &str = "unknown_template";
    /// The template takes no new remixes.
    pub const TEMPLATE_RETIRED: &str = "template_retired";
    /// No such parent remix.
    pub const UNKNOWN_PARENT: &str = "unknown_parent";
    /// A caption holds a phrase the campaign refuses.
    pub const CAPTION_BLOCKED: &str = "caption_blocked";
    /// A report reason holds a phrase the campaign refuses.
    pub const REASON_BLOCKED: &str = "reason_blocked";
    /// Nothing at this address.
    pub const NOT_FOUND: &str = "not_found";
    /// The campaign removed this remix.
    pub const REMOVED: &str = "removed";
    /// Its maker deleted this remix with their private link.
    pub const DELETED: &str = "deleted";
    /// Too many pictures being made: come back after `Retry-After`.
    pub const BUSY: &str = "busy";
    /// Too many requests from this client: come back after `Retry-After`.
    pub const RATE_LIMITED: &str = "rate_limited";
    /// More of something than a request may carry.
    pub const TOO_MANY: &str = "too_many";
    /// A body larger than this route reads.
    pub const TOO_LARGE: &str = "too_large";
    /// A body in a format this route does not read.
    pub const UNSUPPORTED_MEDIA_TYPE: &str = "unsupported_media_type";
    /// A remix asked for again after its maker deleted that very picture.
    pub const PICTURE_DELETED: &str = "picture_deleted";
    /// A remix asked for again after the campaign removed that very picture.
    pub const PICTURE_REMOVED: &str = "picture_removed";
    /// A stored picture lost from storage that cannot be drawn again to its bytes.
    pub const PICTURE_LOST: &str = "picture_lost";
    /// A `Range` that starts past the end of the picture.
    pub const RANGE_NOT_SATISFIABLE: &str = "range_not_satisfiable";
    /// No valid staff session or token.
    pub const UNAUTHORIZED: &str = "unauthorized";
    /// A staff form without the session's anti-forgery token.
    pub const CSRF: &str = "csrf";
    /// Our failure; the detail is in the log.
    pub const INTERNAL: &str = "internal";
}

/// The body of every error answer: `{"error": {"code": ..., "message": ...}}`.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
#[schema(as = Error)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable and machine-readable, e.g. `caption_too_long`.
    pub code: String,
    /// A sentence for people, naming the limit that failed.
    pub message: String,
}

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
    /// Named values for the translated message a page shows (`error-{code}` in the
    /// Fluent files), e.g. which caption was too long.
    pub args: Vec<(&'static str, String)>,
    /// For our own failures: what went wrong, for the log only.
    detail: Option<String>,
}

impl AppError {
    /// An error with this status, code and message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> AppError {
        AppError {
            status,
            code,
            message: message.into(),
            retry_after: None,
            args: vec![],
            detail: None,
        }
    }

    /// 404 for something that does not exist.
    pub fn not_found(what: impl Into<String>) -> AppError {
        AppError::new(StatusCode::NOT_FOUND, code::NOT_FOUND, what)
    }

    /// 400 for input that cannot be understood.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> AppError {
        AppError::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 404 for a template that does not exist (or is not published yet).
    pub fn unknown_template(id: &str) -> AppError {
        AppError::new(
            StatusCode::NOT_FOUND,
            code::UNKNOWN_TEMPLATE,
            format!("no template {id:?}"),
        )
    }

    /// 500; the detail goes to the log (once, when the answer is sent), never to the client.
    pub fn internal(detail: impl std::fmt::Display) -> AppError {
        AppError {
            detail: Some(detail.to_string()),
            ..AppError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                code::INTERNAL,
                "something went wrong on our side; please try again",
            )
        }
    }

    /// Logs our own failures; a client's mistakes are not worth a line each.
    pub fn log(&self) {
        if let Some(detail) = &self.detail {
            tracing::error!(%detail, code = self.code, "internal error");
        }
    }

    /// The same error, saying `message` instead (translated for a page, say).
    pub fn with_message(mut self, message: impl Into<String>) -> AppError {
        self.message = message.into();
        self
    }

    /// The same error, with a value its translated message names.
    pub fn with_arg(mut self, name: &'static str, value: impl ToString) -> AppError {
        self.args.push((name, value.to_string()));
        self
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
        self.log();
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_owned(),
                message: self.message.clone(),
            },
        };
        let mut response = (self.status, axum::Json(body)).into_response();
        self.headers(&mut response);
        response
    }
}

impl From<crate::db::DbError> for AppError {
    /// A bad cursor is the client's; anything else is ours.
    fn from(e: crate::db::DbError) -> AppError {
        match e {
            crate::db::DbError::BadCursor => AppError::bad_request(code::BAD_CURSOR, e.to_string()),
            e => AppError::internal(e),
        }
    }
}

impl From<crate::staff::StaffError> for AppError {
    fn from(e: crate::staff::StaffError) -> AppError {
        use crate::staff::StaffError;
        match e {
            StaffError::Invalid(m) => {
                AppError::new(StatusCode::UNPROCESSABLE_ENTITY, code::INVALID, m)
            }
            StaffError::Busy => AppError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                code::BUSY,
                "Many people are signing in right now; try again in a few seconds.",
            )
            .retry_after(2),
            StaffError::Db(e) => e.into(),
        }
    }
}

impl From<crate::photo::UploadError> for AppError {
    fn from(e: crate::photo::UploadError) -> AppError {
        use crate::photo::UploadError as U;
        use crate::render::template::PhotoError as P;
        let (status, code) = match &e {
            U::TooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, code::PHOTO_TOO_LARGE),
            U::Empty => (StatusCode::UNPROCESSABLE_ENTITY, code::PHOTO_MISSING),
            U::Heic => (StatusCode::UNPROCESSABLE_ENTITY, code::PHOTO_HEIC),
            U::Svg => (StatusCode::UNPROCESSABLE_ENTITY, code::PHOTO_SVG),
            U::Polyglot(_) => (StatusCode::UNPROCESSABLE_ENTITY, code::PHOTO_POLYGLOT),
            U::BadCrop(_) => (StatusCode::UNPROCESSABLE_ENTITY, code::BAD_CROP),
            U::BadFrame(_) => (StatusCode::UNPROCESSABLE_ENTITY, code::INVALID_TEMPLATE),
            U::TooSmall { .. } => (StatusCode::UNPROCESSABLE_ENTITY, code::PHOTO_TOO_SMALL),
            U::TooCostly(_) => (StatusCode::UNPROCESSABLE_ENTITY, code::PHOTO_TOO_COSTLY),
            U::Truncated | U::Photo(P::Damaged(_)) => {
                (StatusCode::UNPROCESSABLE_ENTITY, code::PHOTO_DAMAGED)
            }
            U::Photo(P::TooManyPixels { .. }) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                code::PHOTO_TOO_MANY_PIXELS,
            ),
            U::Photo(P::NotAnImage | P::NotAccepted { .. }) => {
                (StatusCode::UNPROCESSABLE_ENTITY, code::PHOTO_NOT_ACCEPTED)
            }
        };
        AppError::new(status, code, e.to_string())
    }
}

impl From<RenderError> for AppError {
    fn from(e: RenderError) -> AppError {
        let status = match e {
            RenderError::BadWidth { .. } | RenderError::TooTall { .. } => StatusCode::BAD_REQUEST,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        };
        let error = AppError::new(status, e.code(), e.to_string());
        match e {
            RenderError::TooManyCaptions { given, boxes } => {
                error.with_arg("given", given).with_arg("boxes", boxes)
            }
            RenderError::CaptionTooLong { index, chars } => error
                .with_arg("index", index)
                .with_arg("chars", chars)
                .with_arg("max", crate::render::MAX_CAPTION_CHARS),
            RenderError::DoesNotFit { index, .. } => error.with_arg("index", index),
            RenderError::TooManyLines { index, lines, max } => error
                .with_arg("index", index)
                .with_arg("lines", lines)
                .with_arg("max", max),
            RenderError::Unsupported { index, ch } => error
                .with_arg("index", index)
                .with_arg("char", format!("“{ch}” ({})", crate::render::codepoint(ch))),
            RenderError::BadWidth { .. } | RenderError::TooTall { .. } => error,
        }
    }
}

impl From<RemixError> for AppError {
    fn from(e: RemixError) -> AppError {
        match e {
            RemixError::UnknownTemplate(_) => {
                AppError::new(StatusCode::NOT_FOUND, code::UNKNOWN_TEMPLATE, e.to_string())
            }
            RemixError::RetiredTemplate(_) => {
                AppError::new(StatusCode::GONE, code::TEMPLATE_RETIRED, e.to_string())
            }
            RemixError::Blocked(_) => AppError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                code::CAPTION_BLOCKED,
                e.to_string(),
            ),
            RemixError::UnknownParent(_) => AppError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                code::UNKNOWN_PARENT,
                e.to_string(),
            ),
            RemixError::BadTemplate { .. } => AppError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                code::INVALID_TEMPLATE,
                e.to_string(),
            ),
            RemixError::Render(r) => r.into(),
            RemixError::Upload(u) => u.into(),
            RemixError::UnknownArea(_) | RemixError::WrongConstituency { .. } => AppError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                code::UNKNOWN_AREA,
                e.to_string(),
            ),
            RemixError::UnknownFrame(_) => {
                AppError::new(StatusCode::NOT_FOUND, code::UNKNOWN_FRAME, e.to_string())
            }
            RemixError::PictureDeleted(_) => {
                AppError::new(StatusCode::GONE, code::PICTURE_DELETED, e.to_string())
            }
            RemixError::PictureRemoved(_) => {
                AppError::new(StatusCode::GONE, code::PICTURE_REMOVED, e.to_string())
            }
            RemixError::Busy { retry_after } => {
                AppError::new(StatusCode::SERVICE_UNAVAILABLE, code::BUSY, e.to_string())
                    .retry_after(retry_after)
            }
            RemixError::Store(_)
            | RemixError::Db(_)
            | RemixError::Crashed(_)
            | RemixError::TemplateFile { .. } => AppError::internal(e),
            // Our failure too, but not one that asking again mends: say so.
            RemixError::Lost { .. } => AppError {
                detail: Some(e.to_string()),
                ..AppError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    code::PICTURE_LOST,
                    "this picture is missing from storage and cannot be drawn again to the \
                     same bytes; asking again will not bring it back",
                )
            },
        }
    }
}

/// 413 naming the limit.
pub fn too_large() -> AppError {
    AppError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        code::TOO_LARGE,
        "the request body is larger than the 64 KB this accepts",
    )
}

impl From<axum::extract::rejection::JsonRejection> for AppError {
    fn from(e: axum::extract::rejection::JsonRejection) -> AppError {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return too_large();
        }
        if e.status() == StatusCode::UNSUPPORTED_MEDIA_TYPE {
            return AppError::new(
                e.status(),
                code::UNSUPPORTED_MEDIA_TYPE,
                "send the body as JSON, with Content-Type: application/json",
            );
        }
        AppError::new(e.status(), code::BAD_JSON, e.body_text())
    }
}

impl From<axum_extra::extract::FormRejection> for AppError {
    fn from(e: axum_extra::extract::FormRejection) -> AppError {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return too_large();
        }
        AppError::bad_request(code::BAD_FORM, e.to_string())
    }
}

impl From<axum_extra::extract::QueryRejection> for AppError {
    fn from(e: axum_extra::extract::QueryRejection) -> AppError {
        AppError::bad_request(code::BAD_QUERY, e.to_string())
    }
}
