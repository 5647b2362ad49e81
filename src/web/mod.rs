//! The service: axum on tokio, one router per area.
//!
//! The files form layers, each using only those below it: `router` (routes, layers,
//! serve) over the handlers (`pages`, `frames`, `images`, `api`, `staff`), over what
//! handlers share (`state`, `extract`, `admission`, `problem`, `i18n`), over leaves
//! (`proxies`, `upload`, `pictures`, `assets`, `site_files`, `memory`, `server`).

pub mod admission;
pub mod api;
pub mod assets;
pub mod extract;
pub mod frames;
pub mod i18n;
pub mod images;
pub mod memory;
pub(crate) mod openapi;
pub mod pages;
pub mod pictures;
pub mod problem;
pub mod proxies;
pub mod router;
pub mod server;
pub mod site_files;
pub(crate) mod staff;
pub mod state;
pub mod upload;

pub use proxies::TrustedProxies;
pub use router::{app, serve};
pub use state::{App, AppState, Config, DEFAULT_PICTURE_CACHE, Limits, peer};
