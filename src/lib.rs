//! jalsa: supporters remix a campaign's official photos.
//!
//! The renderer ([`render`]) is pure: a template photo and captions become image bytes.
//! [`catalog`] reads the bundled official photos; [`cli`] is the command line.

pub mod areas;
pub mod blocklist;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod db;
pub mod error;
pub mod jobs;
pub mod limits;
pub mod photo;
pub mod remix;
pub mod render;
pub mod secret;
pub mod spreadsheet;
pub mod staff;
pub mod store;
pub mod web;
