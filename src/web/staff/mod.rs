//! The staff area: sign-in, the moderation queue, the official photo manager, the caption
//! blocklist, API tokens and the audit log; pages behind a session cookie with a CSRF token
//! on every form, and the same actions as JSON behind bearer tokens. One file per area;
//! `routes` names them all, `session` holds what they share (who is asking, CSRF, the
//! audit record).

pub(crate) mod areas;
pub(crate) mod audit;
mod auth;
pub(crate) mod blocklist;
mod dashboard;
pub(crate) mod queue;
pub(crate) mod reach;
mod routes;
mod session;
pub(crate) mod templates;
pub(crate) mod tokens;

pub use routes::router;
pub(crate) use session::{
    ApiStaff, AuditQuery, Csrf, CsrfForm, CursorQuery, DEVICE_COOKIE, LOGIN_CSRF_COOKIE,
    SESSION_COOKIE, StaffForm, StaffUser, check_csrf, csrf_form, internal, record,
};
