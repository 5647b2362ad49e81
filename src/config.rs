//! Every setting in one place: its default, its environment variable and its flag.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Settings shared by `serve`, `gc` and the other commands that touch storage.
#[derive(Debug, Clone, clap::Args)]
pub struct Settings {
    /// Address to listen on.
    #[arg(
        long,
        env = "JALSA_LISTEN",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub listen: SocketAddr,
    /// Public base URL for absolute links in share tags (default http://<listen>).
    #[arg(long, env = "JALSA_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,
    /// Where the SQLite file and local blobs live.
    #[arg(long, env = "JALSA_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,
    /// Blob store: file://DIR (default file://<data-dir>/blobs), memory://, s3://bucket/prefix,
    /// gs://bucket/prefix, az://container/prefix.
    #[arg(long, env = "JALSA_STORAGE", global = true)]
    pub storage: Option<String>,
    /// Metadata database: sqlite://FILE (default sqlite://<data-dir>/jalsa.db) or postgres://...
    #[arg(long, env = "JALSA_DATABASE", global = true)]
    pub database: Option<String>,
    /// The folder of bundled official photos.
    #[arg(
        long,
        env = "JALSA_TEMPLATES",
        default_value = "templates",
        global = true
    )]
    pub templates: PathBuf,
    /// New remixes per minute per client; 0 turns the limit off.
    #[arg(long, env = "JALSA_RATE_LIMIT", default_value_t = 30, global = true)]
    pub rate_limit: u32,
    /// pre: nothing reaches the gallery until staff approve it; post: approved at once.
    #[arg(
        long,
        env = "JALSA_MODERATION",
        value_enum,
        default_value = "pre",
        global = true
    )]
    pub moderation: crate::remix::Moderation,
    /// What a caption with a blocked phrase does: hold it for review, or refuse it.
    #[arg(
        long,
        env = "JALSA_BLOCKLIST_ACTION",
        value_enum,
        default_value = "hold",
        global = true
    )]
    pub blocklist_action: crate::remix::BlockAction,
}

impl Settings {
    /// The blob store URL, defaulted under the data dir.
    pub fn storage_url(&self) -> String {
        self.storage
            .clone()
            .unwrap_or_else(|| format!("file://{}", self.data_dir.join("blobs").display()))
    }

    /// The database URL, defaulted under the data dir.
    pub fn database_url(&self) -> String {
        self.database
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("jalsa.db").display()))
    }

    /// The public base URL without a trailing slash.
    pub fn public_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.listen))
            .trim_end_matches('/')
            .to_owned()
    }
}
