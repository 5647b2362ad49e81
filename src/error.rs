//! One error type for the web layer: a status, a stable code and a message that names the
//! limit that failed. Internal detail is logged, never shown.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::remix::RemixError;
use crate::render::RenderError;

/// The stable error codes clients match on (`{"error": {"code": ...}}`), each with the
/// HTTP status it always goes out with, so a code and its status are never paired by hand.
/// Every code has a message id `error-{code}` in both Fluent files, and the OpenAPI
/// document lists them all (tests/contract.rs and the unit test below check both).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Code {
    /// A request this route cannot read, when no more precise code applies.
    BadRequest,
    /// A request line and headers over the listener's limit.
    HeadersTooLarge,
    /// A new remix asked for by a page on another site.
    CrossSite,
    /// An address over the listener's limit.
    UriTooLong,
    /// The path exists but not for this method.
    MethodNotAllowed,
    /// The request took too long to arrive.
    Timeout,
    /// An upload stopped moving (no progress for the stall timeout).
    UploadStalled,
    /// A JSON body that cannot be read.
    BadJson,
    /// A JSON body that reads, but not as this route's fields and types.
    InvalidJson,
    /// A form that cannot be read.
    BadForm,
    /// A query string that cannot be read.
    BadQuery,
    /// A style option that does not exist.
    BadStyle,
    /// A gallery or audit cursor that is not one this server made.
    BadCursor,
    /// A template status that does not exist.
    BadStatus,
    /// A multipart upload that cannot be read.
    BadUpload,
    /// A photo that is not an image this accepts.
    BadPhoto,
    /// A photo over the size limits.
    PhotoTooLarge,
    /// No photo was sent.
    PhotoMissing,
    /// An iPhone's HEIC photo: the message says which formats work.
    PhotoHeic,
    /// An SVG drawing, not a photo.
    PhotoSvg,
    /// A file that is a photo and something else at once.
    PhotoPolyglot,
    /// A file of a kind not taken (GIF, BMP, text...).
    PhotoNotAccepted,
    /// A photo cut short in transit or damaged.
    PhotoDamaged,
    /// More than 40 megapixels, by its header.
    PhotoTooManyPixels,
    /// Too small a photo.
    PhotoTooSmall,
    /// A photo that would take too much memory or time to read (a progressive JPEG's
    /// scans, a large WebP), or a kind of JPEG no camera writes.
    PhotoTooCostly,
    /// A crop rectangle outside the photo.
    BadCrop,
    /// No published frame with that id.
    UnknownFrame,
    /// A CSV import with bad rows: each named; nothing imported.
    BadRows,
    /// No area with that id (or a retired one).
    UnknownArea,
    /// A template's words or boxes that cannot be used.
    InvalidTemplate,
    /// A template id already taken.
    TemplateExists,
    /// An area id already taken.
    AreaExists,
    /// A form field that cannot be used.
    Invalid,
    /// No such template.
    UnknownTemplate,
    /// The template takes no new remixes.
    TemplateRetired,
    /// No such parent remix.
    UnknownParent,
    /// A caption holds a phrase the campaign refuses.
    CaptionBlocked,
    /// A report reason holds a phrase the campaign refuses.
    ReasonBlocked,
    /// Nothing at this address.
    NotFound,
    /// The campaign removed this remix.
    Removed,
    /// Its maker deleted this remix with their private link.
    Deleted,
    /// Too many pictures being made: come back after `Retry-After`.
    Busy,
    /// Too many requests from this client: come back after `Retry-After`.
    RateLimited,
    /// More of something than a request may carry.
    TooMany,
    /// A body larger than this route reads.
    TooLarge,
    /// A body in a format this route does not read.
    UnsupportedMediaType,
    /// A remix asked for again after its maker deleted that very picture.
    PictureDeleted,
    /// A remix asked for again after the campaign removed that very picture.
    PictureRemoved,
    /// A stored picture lost from storage that cannot be drawn again to its bytes.
    PictureLost,
    /// A `Range` that starts past the end of the picture.
    RangeNotSatisfiable,
    /// No valid staff session or token.
    Unauthorized,
    /// A staff form without the session's anti-forgery token.
    Csrf,
    /// Our failure; the detail is in the log.
    Internal,
    /// More captions than the photo has boxes.
    TooManyCaptions,
    /// A caption over the length limit.
    CaptionTooLong,
    /// A caption that does not fit its box even at the smallest size.
    CaptionDoesNotFit,
    /// A caption with more lines than its box takes.
    TooManyLines,
    /// A character none of the fonts can draw.
    UnsupportedCharacter,
    /// An output width outside the limits (or a picture that would be too tall).
    BadWidth,
}

impl Code {
    /// Every code, for the tests that check each is documented and translated.
    pub const ALL: &[Code] = &[
        Code::BadRequest,
        Code::HeadersTooLarge,
        Code::CrossSite,
        Code::UriTooLong,
        Code::MethodNotAllowed,
        Code::Timeout,
        Code::UploadStalled,
        Code::BadJson,
        Code::InvalidJson,
        Code::BadForm,
        Code::BadQuery,
        Code::BadStyle,
        Code::BadCursor,
        Code::BadStatus,
        Code::BadUpload,
        Code::BadPhoto,
        Code::PhotoTooLarge,
        Code::PhotoMissing,
        Code::PhotoHeic,
        Code::PhotoSvg,
        Code::PhotoPolyglot,
        Code::PhotoNotAccepted,
        Code::PhotoDamaged,
        Code::PhotoTooManyPixels,
        Code::PhotoTooSmall,
        Code::PhotoTooCostly,
        Code::BadCrop,
        Code::UnknownFrame,
        Code::BadRows,
        Code::UnknownArea,
        Code::InvalidTemplate,
        Code::TemplateExists,
        Code::AreaExists,
        Code::Invalid,
        Code::UnknownTemplate,
        Code::TemplateRetired,
        Code::UnknownParent,
        Code::CaptionBlocked,
        Code::ReasonBlocked,
        Code::NotFound,
        Code::Removed,
        Code::Deleted,
        Code::Busy,
        Code::RateLimited,
        Code::TooMany,
        Code::TooLarge,
        Code::UnsupportedMediaType,
        Code::PictureDeleted,
        Code::PictureRemoved,
        Code::PictureLost,
        Code::RangeNotSatisfiable,
        Code::Unauthorized,
        Code::Csrf,
        Code::Internal,
        Code::TooManyCaptions,
        Code::CaptionTooLong,
        Code::CaptionDoesNotFit,
        Code::TooManyLines,
        Code::UnsupportedCharacter,
        Code::BadWidth,
    ];

    /// The code as clients see it, e.g. `caption_too_long`.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::BadRequest => "bad_request",
            Code::HeadersTooLarge => "headers_too_large",
            Code::CrossSite => "cross_site",
            Code::UriTooLong => "uri_too_long",
            Code::MethodNotAllowed => "method_not_allowed",
            Code::Timeout => "timeout",
            Code::UploadStalled => "upload_stalled",
            Code::BadJson => "bad_json",
            Code::InvalidJson => "invalid_json",
            Code::BadForm => "bad_form",
            Code::BadQuery => "bad_query",
            Code::BadStyle => "bad_style",
            Code::BadCursor => "bad_cursor",
            Code::BadStatus => "bad_status",
            Code::BadUpload => "bad_upload",
            Code::BadPhoto => "bad_photo",
            Code::PhotoTooLarge => "photo_too_large",
            Code::PhotoMissing => "photo_missing",
            Code::PhotoHeic => "photo_heic",
            Code::PhotoSvg => "photo_svg",
            Code::PhotoPolyglot => "photo_polyglot",
            Code::PhotoNotAccepted => "photo_not_accepted",
            Code::PhotoDamaged => "photo_damaged",
            Code::PhotoTooManyPixels => "photo_too_many_pixels",
            Code::PhotoTooSmall => "photo_too_small",
            Code::PhotoTooCostly => "photo_too_costly",
            Code::BadCrop => "bad_crop",
            Code::UnknownFrame => "unknown_frame",
            Code::BadRows => "bad_rows",
            Code::UnknownArea => "unknown_area",
            Code::InvalidTemplate => "invalid_template",
            Code::TemplateExists => "template_exists",
            Code::AreaExists => "area_exists",
            Code::Invalid => "invalid",
            Code::UnknownTemplate => "unknown_template",
            Code::TemplateRetired => "template_retired",
            Code::UnknownParent => "unknown_parent",
            Code::CaptionBlocked => "caption_blocked",
            Code::ReasonBlocked => "reason_blocked",
            Code::NotFound => "not_found",
            Code::Removed => "removed",
            Code::Deleted => "deleted",
            Code::Busy => "busy",
            Code::RateLimited => "rate_limited",
            Code::TooMany => "too_many",
            Code::TooLarge => "too_large",
            Code::UnsupportedMediaType => "unsupported_media_type",
            Code::PictureDeleted => "picture_deleted",
            Code::PictureRemoved => "picture_removed",
            Code::PictureLost => "picture_lost",
            Code::RangeNotSatisfiable => "range_not_satisfiable",
            Code::Unauthorized => "unauthorized",
            Code::Csrf => "csrf",
            Code::Internal => "internal",
            Code::TooManyCaptions => "too_many_captions",
            Code::CaptionTooLong => "caption_too_long",
            Code::CaptionDoesNotFit => "caption_does_not_fit",
            Code::TooManyLines => "too_many_lines",
            Code::UnsupportedCharacter => "unsupported_character",
            Code::BadWidth => "bad_width",
        }
    }

    /// The HTTP status this code always goes out with.
    pub fn status(self) -> StatusCode {
        match self {
            Code::BadRequest
            | Code::BadJson
            | Code::BadForm
            | Code::BadQuery
            | Code::BadStyle
            | Code::BadCursor
            | Code::BadStatus
            | Code::BadUpload
            | Code::BadWidth => StatusCode::BAD_REQUEST,
            Code::HeadersTooLarge => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            Code::CrossSite | Code::Csrf => StatusCode::FORBIDDEN,
            Code::UriTooLong => StatusCode::URI_TOO_LONG,
            Code::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Code::Timeout | Code::UploadStalled => StatusCode::REQUEST_TIMEOUT,
            Code::InvalidJson
            | Code::BadPhoto
            | Code::PhotoMissing
            | Code::PhotoHeic
            | Code::PhotoSvg
            | Code::PhotoPolyglot
            | Code::PhotoNotAccepted
            | Code::PhotoDamaged
            | Code::PhotoTooManyPixels
            | Code::PhotoTooSmall
            | Code::PhotoTooCostly
            | Code::BadCrop
            | Code::BadRows
            | Code::UnknownArea
            | Code::InvalidTemplate
            | Code::Invalid
            | Code::UnknownParent
            | Code::CaptionBlocked
            | Code::ReasonBlocked
            | Code::TooMany
            | Code::TooManyCaptions
            | Code::CaptionTooLong
            | Code::CaptionDoesNotFit
            | Code::TooManyLines
            | Code::UnsupportedCharacter => StatusCode::UNPROCESSABLE_ENTITY,
            Code::PhotoTooLarge | Code::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Code::UnknownFrame | Code::UnknownTemplate | Code::NotFound => StatusCode::NOT_FOUND,
            Code::TemplateExists | Code::AreaExists => StatusCode::CONFLICT,
            Code::TemplateRetired
            | Code::Removed
            | Code::Deleted
            | Code::PictureDeleted
            | Code::PictureRemoved => StatusCode::GONE,
            Code::Busy => StatusCode::SERVICE_UNAVAILABLE,
            Code::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            Code::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Code::PictureLost | Code::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            Code::RangeNotSatisfiable => StatusCode::RANGE_NOT_SATISFIABLE,
            Code::Unauthorized => StatusCode::UNAUTHORIZED,
        }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
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
    /// Stable and machine-readable, e.g. `caption_too_long`; each code always comes with
    /// the same HTTP status.
    pub code: Code,
    /// A sentence for people, naming the limit that failed.
    pub message: String,
}

/// An error as a client sees it.
#[derive(Debug, Clone)]
pub struct AppError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable machine-readable code.
    pub code: Code,
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
    /// An error with this code (and so its status) and message.
    pub fn new(code: Code, message: impl Into<String>) -> AppError {
        AppError {
            status: code.status(),
            code,
            message: message.into(),
            retry_after: None,
            args: vec![],
            detail: None,
        }
    }

    /// 404 for something that does not exist.
    pub fn not_found(what: impl Into<String>) -> AppError {
        AppError::new(Code::NotFound, what)
    }

    /// 404 for a template that does not exist (or is not published yet).
    pub fn unknown_template(id: &str) -> AppError {
        AppError::new(Code::UnknownTemplate, format!("no template {id:?}"))
    }

    /// 500; the detail goes to the log (once, when the answer is sent), never to the client.
    pub fn internal(detail: impl std::fmt::Display) -> AppError {
        AppError {
            detail: Some(detail.to_string()),
            ..AppError::new(
                Code::Internal,
                "something went wrong on our side; please try again",
            )
        }
    }

    /// Logs our own failures; a client's mistakes are not worth a line each.
    pub fn log(&self) {
        if let Some(detail) = &self.detail {
            tracing::error!(%detail, code = self.code.as_str(), "internal error");
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
                code: self.code,
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
            crate::db::DbError::BadCursor => AppError::new(Code::BadCursor, e.to_string()),
            e => AppError::internal(e),
        }
    }
}

impl From<crate::staff::StaffError> for AppError {
    fn from(e: crate::staff::StaffError) -> AppError {
        use crate::staff::StaffError;
        match e {
            StaffError::Invalid(m) => AppError::new(Code::Invalid, m),
            StaffError::Busy => AppError::new(
                Code::Busy,
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
        let code = match &e {
            U::TooLarge { .. } => Code::PhotoTooLarge,
            U::Empty => Code::PhotoMissing,
            U::Heic => Code::PhotoHeic,
            U::Svg => Code::PhotoSvg,
            U::Polyglot(_) => Code::PhotoPolyglot,
            U::BadCrop(_) => Code::BadCrop,
            U::BadFrame(_) => Code::InvalidTemplate,
            U::TooSmall { .. } => Code::PhotoTooSmall,
            U::TooCostly(_) => Code::PhotoTooCostly,
            U::Truncated | U::Photo(P::Damaged(_)) => Code::PhotoDamaged,
            U::Photo(P::TooManyPixels { .. }) => Code::PhotoTooManyPixels,
            U::Photo(P::NotAnImage | P::NotAccepted { .. }) => Code::PhotoNotAccepted,
        };
        AppError::new(code, e.to_string())
    }
}

impl From<RenderError> for AppError {
    fn from(e: RenderError) -> AppError {
        let code = match e {
            RenderError::TooManyCaptions { .. } => Code::TooManyCaptions,
            RenderError::CaptionTooLong { .. } => Code::CaptionTooLong,
            RenderError::DoesNotFit { .. } => Code::CaptionDoesNotFit,
            RenderError::TooManyLines { .. } => Code::TooManyLines,
            RenderError::Unsupported { .. } => Code::UnsupportedCharacter,
            RenderError::BadWidth { .. } | RenderError::TooTall { .. } => Code::BadWidth,
        };
        let error = AppError::new(code, e.to_string());
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
            RemixError::UnknownTemplate(_) => AppError::new(Code::UnknownTemplate, e.to_string()),
            RemixError::RetiredTemplate(_) => AppError::new(Code::TemplateRetired, e.to_string()),
            RemixError::Blocked(_) => AppError::new(Code::CaptionBlocked, e.to_string()),
            RemixError::UnknownParent(_) => AppError::new(Code::UnknownParent, e.to_string()),
            RemixError::BadTemplate { .. } => AppError::new(Code::InvalidTemplate, e.to_string()),
            RemixError::Render(r) => r.into(),
            RemixError::Upload(u) => u.into(),
            RemixError::UnknownArea(_) | RemixError::WrongConstituency { .. } => {
                AppError::new(Code::UnknownArea, e.to_string())
            }
            RemixError::UnknownFrame(_) => AppError::new(Code::UnknownFrame, e.to_string()),
            RemixError::PictureDeleted(_) => AppError::new(Code::PictureDeleted, e.to_string()),
            RemixError::PictureRemoved(_) => AppError::new(Code::PictureRemoved, e.to_string()),
            RemixError::Busy { retry_after } => {
                AppError::new(Code::Busy, e.to_string()).retry_after(retry_after)
            }
            RemixError::Store(_)
            | RemixError::Db(_)
            | RemixError::Crashed(_)
            | RemixError::TemplateFile { .. } => AppError::internal(e),
            // Our failure too, but not one that asking again mends: say so.
            RemixError::Lost { .. } => AppError {
                detail: Some(e.to_string()),
                ..AppError::new(
                    Code::PictureLost,
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
        Code::TooLarge,
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
                Code::UnsupportedMediaType,
                "send the body as JSON, with Content-Type: application/json",
            );
        }
        // JSON that reads but has the wrong fields or types is 422; JSON that does not
        // read at all, 400.
        let code = if e.status() == StatusCode::UNPROCESSABLE_ENTITY {
            Code::InvalidJson
        } else {
            Code::BadJson
        };
        AppError::new(code, e.body_text())
    }
}

impl From<axum_extra::extract::FormRejection> for AppError {
    fn from(e: axum_extra::extract::FormRejection) -> AppError {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return too_large();
        }
        AppError::new(Code::BadForm, e.to_string())
    }
}

impl From<axum_extra::extract::QueryRejection> for AppError {
    fn from(e: axum_extra::extract::QueryRejection) -> AppError {
        AppError::new(Code::BadQuery, e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_render_error_goes_out_under_the_code_the_renderer_names() {
        let errors = [
            RenderError::TooManyCaptions { given: 3, boxes: 2 },
            RenderError::CaptionTooLong {
                index: 1,
                chars: 300,
            },
            RenderError::DoesNotFit {
                index: 1,
                min_size: 12,
            },
            RenderError::TooManyLines {
                index: 1,
                lines: 5,
                max: 3,
            },
            RenderError::Unsupported {
                index: 1, ch: '☃'
            },
            RenderError::BadWidth { width: 9000 },
            RenderError::TooTall { height: 9000 },
        ];
        for e in errors {
            let named = e.code();
            let answer = AppError::from(e);
            assert_eq!(answer.code.as_str(), named);
            assert_eq!(answer.status, answer.code.status());
        }
    }
}
