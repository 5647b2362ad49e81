//! Errors as a client sees them, rendered by one layer: under `/api` the JSON problem body
//! ([`AppError`]'s own answer), elsewhere a readable page in the request's language
//! ([`PageError`], written on the way out by [`render_pages`]).

use askama::Template as Page;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

use super::i18n::{Lang, Locale};
use crate::error::{AppError, ErrorBody};

/// A page-flavoured error: the same status, a readable page instead of JSON.
pub struct PageError(pub AppError);

impl<E: Into<AppError>> From<E> for PageError {
    fn from(e: E) -> PageError {
        PageError(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        error_page(&self.0)
    }
}

#[derive(Page)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    l: &'a Locale,
    title: &'a str,
    message: &'a str,
}

/// An error a page answers with, still to be written in the page's language:
/// [`render_pages`] writes it.
#[derive(Clone)]
pub struct Failure(AppError);

/// A readable page for an error, with its status (rendered in the request's language on
/// the way out).
pub fn error_page(e: &AppError) -> Response {
    e.log();
    let mut response = (
        e.status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
    )
        .into_response();
    if let Some(s) = e.retry_after {
        response.headers_mut().insert(header::RETRY_AFTER, s.into());
    }
    response.extensions_mut().insert(Failure(e.clone()));
    response
}

/// The error page of `failure` in `l`'s language, keeping `response`'s status and headers.
fn render_failure(l: &Locale, Failure(e): Failure, response: Response) -> Response {
    let title = l.t(match e.status {
        StatusCode::NOT_FOUND => "error-title-not-found",
        StatusCode::GONE => "error-title-gone",
        StatusCode::TOO_MANY_REQUESTS => "error-title-slow-down",
        StatusCode::SERVICE_UNAVAILABLE => "error-title-busy",
        s if s.is_client_error() => "error-title-client",
        _ => "error-title-server",
    });
    let message = l.error(&e);
    let body = ErrorPage {
        l,
        title: &title,
        message: &message,
    }
    .render()
    .unwrap_or(message);
    let (parts, _) = response.into_parts();
    Response::from_parts(parts, axum::body::Body::from(body))
}

/// The answer to a supporter's form that was refused: for the page's own script (which
/// keeps the form as it is) the error in the page's language as JSON; for a plain form,
/// the form again from `page` (given the reason), with the refusal's status. Our own
/// failures get the error page.
pub fn refused_form(
    l: Locale,
    mut refused: AppError,
    json: bool,
    page: impl FnOnce(Locale, String) -> Result<Html<String>, PageError>,
) -> Result<Response, PageError> {
    if json {
        refused.message = l.error(&refused);
        return Ok(refused.into_response());
    }
    if !refused.status.is_client_error() {
        return Err(PageError(refused));
    }
    let message = l.error(&refused);
    Ok(form_again(&refused, page(l, message)?))
}

/// A form shown again after a refusal: with the refusal's status and, for a limit, its
/// `Retry-After`, so the supporter keeps what they typed and learns why.
pub fn form_again(refused: &AppError, page: Html<String>) -> Response {
    let mut response = (refused.status, page).into_response();
    if let Some(s) = refused.retry_after {
        response.headers_mut().insert(header::RETRY_AFTER, s.into());
    }
    response
}

/// A page rendered, or a 500 page if its template fails.
pub fn html(page: impl Page) -> Result<Html<String>, PageError> {
    page.render()
        .map(Html)
        .map_err(|e| PageError(AppError::internal(e)))
}

/// Writes the readable page of an error a handler or layer answered with, in the request's
/// language (or the service's, for paths that speak none).
pub async fn render_pages(State(default): State<Lang>, request: Request, next: Next) -> Response {
    // Pictures and the API carry no locale: nothing is made for them unless they fail.
    let chosen = request.extensions().get::<Locale>().cloned();
    let mut response = next.run(request).await;
    if let Some(failure) = response.extensions_mut().remove::<Failure>() {
        let locale = chosen.unwrap_or_else(|| Locale::of(default));
        response = render_failure(&locale, failure, response);
    }
    response
}

/// The refusals every route that reads a JSON body shares.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)] // A description of answers, never built.
pub(crate) enum JsonRefusals {
    /// Not JSON at all.
    #[response(status = 400, description = "A body that is not JSON")]
    NotJson(ErrorBody),
    /// Not sent as JSON.
    #[response(status = 415, description = "A body not sent as application/json")]
    WrongType(ErrorBody),
    /// JSON of the wrong shape.
    #[response(
        status = 422,
        description = "A body of the wrong shape, or values refused, named"
    )]
    WrongShape(ErrorBody),
}
