//! The command line, as `shared/API.md` names it.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use clap::{Args, Parser, Subcommand};

use crate::catalog::Catalog;
use crate::config::Settings;
use crate::db::Db;
use crate::remix::{Remixer, default_render_slots};
use crate::render::{
    Color, FontChoice, Format, Outline, Remix, Renderer, Style, Template, output_size,
};
use crate::store::Blobs;

/// Supporters remix the campaign's official photos.
#[derive(Debug, Parser)]
#[command(name = "jalsa", version, about)]
pub struct Cli {
    /// What to do; without one, `serve`.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Settings every command shares.
    #[command(flatten)]
    pub settings: Settings,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the service (the default).
    Serve,
    /// Render one remix to a file: no server, no storage.
    Render(RenderArgs),
    /// List the templates: id, title, size, boxes.
    Templates,
    /// Render distinct remixes in process and print timings as one JSON line.
    Bench(BenchArgs),
    /// Remove blobs no remix or template refers to.
    Gc(GcArgs),
    /// Check every remix, rendition, template photo and blob: present, matching its hash,
    /// referred to; with --repair, draw lost pictures again and remove orphans.
    Verify(VerifyArgs),
    /// Staff accounts and API tokens.
    Staff(StaffArgs),
    /// Copy this install's metadata and blobs to other backends (e.g. PostgreSQL and S3).
    Migrate(MigrateArgs),
    /// Fill an empty database with made-up remixes and a year of their reach, to measure
    /// the dashboard at a campaign's size; prints what it wrote as one JSON line.
    FillReach(FillArgs),
}

/// `jalsa fill-reach`.
#[derive(Debug, Args)]
pub struct FillArgs {
    /// Remixes to make, spread evenly over the period.
    #[arg(long, default_value_t = 1_000_000)]
    remixes: u64,
    /// The period in days, ending now.
    #[arg(long, default_value_t = 365, value_parser = clap::value_parser!(u32).range(1..=3660))]
    days: u32,
    /// The seed of the made-up numbers: the same seed, the same campaign.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

/// `jalsa migrate`.
#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The database to copy to, e.g. postgres://user@host/db.
    #[arg(long)]
    to_database: String,
    /// The blob store to copy to, e.g. s3://bucket/prefix.
    #[arg(long)]
    to_storage: String,
}

/// `jalsa staff`.
#[derive(Debug, Args)]
pub struct StaffArgs {
    #[command(subcommand)]
    action: StaffAction,
}

/// What to do with a staff account.
#[derive(Debug, Subcommand)]
enum StaffAction {
    /// Create a staff account; the password is read from stdin (one line).
    Add {
        /// The account's name.
        name: String,
    },
    /// Print a new API token for the account (shown once).
    Token {
        /// The account's name.
        name: String,
    },
}

/// `jalsa verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Draw lost or damaged pictures again (checked against their hashes) and remove
    /// orphan blobs older than the grace period.
    #[arg(long)]
    repair: bool,
    /// Orphan blobs younger than this many minutes are left alone (a write may be in flight).
    #[arg(long, default_value_t = 60)]
    grace_minutes: u64,
}

/// `jalsa gc`.
#[derive(Debug, Args)]
pub struct GcArgs {
    /// Only list what would be removed.
    #[arg(long)]
    dry_run: bool,
    /// Keep unreferenced blobs younger than this many minutes (a write may be in flight).
    #[arg(long, default_value_t = 60)]
    grace_minutes: u64,
}

/// Which photo to remix.
#[derive(Debug, Args)]
#[group(multiple = false)]
pub struct Source {
    /// A bundled template's id.
    #[arg(long)]
    pub template: Option<String>,
    /// Any photo (JPEG, PNG or WebP), with a caption box at the top and one at the bottom.
    #[arg(long)]
    pub photo: Option<PathBuf>,
}

/// `jalsa render`.
#[derive(Debug, Args)]
pub struct RenderArgs {
    #[command(flatten)]
    source: Source,
    /// A caption; repeat it for each text box, in the template's box order.
    #[arg(long = "text")]
    texts: Vec<String>,
    /// jpg, png or webp; default from the output file's extension, else jpg.
    #[arg(long)]
    format: Option<Format>,
    /// Output width in pixels (the height keeps the photo's shape).
    #[arg(long)]
    width: Option<u32>,
    /// Caption fill: a colour name or #RRGGBB (default: the box's, white).
    #[arg(long)]
    color: Option<Color>,
    /// Caption outline: a colour name, #RRGGBB or none (default: the box's, black).
    #[arg(long)]
    outline: Option<Outline>,
    /// auto, anton, noto-sans, nastaliq or naskh (default auto: by script of each run).
    #[arg(long)]
    font: Option<FontChoice>,
    /// Keep the captions' letter case instead of uppercasing them.
    #[arg(long)]
    keep_case: bool,
    /// Write the 1200x630 link-preview card instead of the remix.
    #[arg(long)]
    card: bool,
    /// The file to write.
    #[arg(short, long)]
    output: PathBuf,
}

/// `jalsa bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    #[command(flatten)]
    source: Source,
    /// How many distinct remixes.
    #[arg(long, default_value_t = 200)]
    count: usize,
    /// Output width in pixels.
    #[arg(long)]
    width: Option<u32>,
    /// jpg, png or webp.
    #[arg(long, default_value = "jpg")]
    format: Format,
    /// Framed pictures instead of caption remixes: this frame (the first bundled frame when
    /// no id is given), with `--photo FILE` as the supporter's photo (a generated
    /// 12-megapixel phone JPEG when none).
    #[arg(long, num_args = 0..=1, default_missing_value = "", conflicts_with = "template")]
    frame: Option<String>,
    /// With `--frame`: also write the photo used (the generated one, unless `--photo`) to
    /// this file, to send it to a server (`loadtest/frames.sh`).
    #[arg(long, requires = "frame")]
    write_photo: Option<PathBuf>,
}

/// Runs the command line; the error is one line for stderr.
pub fn run(cli: Cli) -> Result<(), String> {
    let templates = cli.settings.templates.clone();
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => runtime()?.block_on(serve(&cli.settings)),
        Command::Render(args) => render(&templates, args),
        Command::Templates => list(&templates),
        Command::Bench(args) => bench(&templates, args),
        Command::Gc(args) => runtime()?.block_on(gc(&cli.settings, args)),
        Command::Verify(args) => runtime()?.block_on(verify(&cli.settings, args)),
        Command::Staff(args) => runtime()?.block_on(staff(&cli.settings, args)),
        Command::Migrate(args) => runtime()?.block_on(migrate(&cli.settings, args)),
        Command::FillReach(args) => runtime()?.block_on(fill_reach(&cli.settings, args)),
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))
}

/// Opens the configured blob store and database.
pub async fn open_stores(settings: &Settings) -> Result<Remixer, String> {
    let blobs = Blobs::open(&settings.storage_url()).map_err(|e| e.to_string())?;
    let db = Db::connect(&settings.database_url())
        .await
        .map_err(|e| e.to_string())?;
    let slots = settings.render_slots.unwrap_or_else(default_render_slots);
    let queue = settings.max_queue.unwrap_or(64 * slots);
    let mut remixer = Remixer::new(blobs, db, slots, queue);
    remixer.set_max_wait(settings.max_queue_wait);
    Ok(remixer)
}

async fn serve(settings: &Settings) -> Result<(), String> {
    use tracing_subscriber::EnvFilter;
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .try_init();
    let remixer = open_with_templates(settings).await?;
    remixer.set_policy(crate::remix::Policy {
        moderation: settings.moderation,
        block_action: settings.blocklist_action,
        blocklist: Default::default(),
    });
    remixer
        .reload_blocklist()
        .await
        .map_err(|e| e.to_string())?;
    remixer.set_counting(settings.count_reach);
    let limits = crate::web::Limits {
        remix: crate::limits::Limit::per_minute(settings.rate_limit),
        login: crate::limits::Limit::per_minute(settings.login_limit),
        report: crate::limits::Limit::per_hour(settings.report_limit),
        upload: crate::limits::Limit::per_minute(settings.upload_limit),
        password_checks: settings.password_checks.max(1),
        upload_memory: usize::try_from(settings.upload_memory_mb.saturating_mul(1 << 20))
            .unwrap_or(usize::MAX),
    };
    let config = crate::web::Config {
        limits,
        trusted_proxies: settings.trusted_proxies.clone(),
        request_timeout: settings.request_timeout,
        upload_stall: settings.upload_stall_timeout,
        language: settings.language,
        picture_cache_bytes: settings.picture_cache_mb.saturating_mul(1024 * 1024),
        ..crate::web::Config::new(&settings.public_url())
    };
    let state = crate::web::AppState::new(std::sync::Arc::new(remixer), config);
    let server = crate::web::server::ServerLimits {
        header_timeout: settings.header_timeout,
        idle_timeout: settings.idle_timeout,
        max_connections: settings.max_connections,
        shutdown_timeout: settings.shutdown_timeout,
    };
    crate::web::serve(state, settings.listen, server)
        .await
        .map_err(|e| format!("{}: {e}", settings.listen))
}

async fn staff(settings: &Settings, args: StaffArgs) -> Result<(), String> {
    let db = Db::connect(&settings.database_url())
        .await
        .map_err(|e| e.to_string())?;
    match args.action {
        StaffAction::Add { name } => {
            let mut password = String::new();
            std::io::stdin()
                .read_line(&mut password)
                .map_err(|e| format!("cannot read the password from stdin: {e}"))?;
            let password = password.trim_end_matches(['\r', '\n']);
            crate::staff::add_staff(&db, &name, password)
                .await
                .map_err(|e| e.to_string())?;
            crate::staff::audit(&db, &name, "staff.add", &name, "command line")
                .await
                .map_err(|e| e.to_string())?;
            eprintln!("created staff account {name}");
        }
        StaffAction::Token { name } => {
            let (secret, info) = crate::staff::create_token(&db, &name)
                .await
                .map_err(|e| e.to_string())?;
            crate::staff::audit(&db, &name, "token.create", &info.id, "command line")
                .await
                .map_err(|e| e.to_string())?;
            println!("{secret}");
        }
    }
    Ok(())
}

async fn migrate(settings: &Settings, args: MigrateArgs) -> Result<(), String> {
    let from_blobs = Blobs::open(&settings.storage_url()).map_err(|e| e.to_string())?;
    let from_db = Db::connect(&settings.database_url())
        .await
        .map_err(|e| e.to_string())?;
    let to_blobs = Blobs::open(&args.to_storage).map_err(|e| e.to_string())?;
    let to_db = Db::connect(&args.to_database)
        .await
        .map_err(|e| e.to_string())?;
    let report = crate::jobs::migrate::migrate(&from_db, &from_blobs, &to_db, &to_blobs).await?;
    for (table, source, target) in &report.tables {
        println!("{table}: {source} rows in the source, {target} in the target");
    }
    println!(
        "blobs: {} in the source, {} copied now, every one checked by its hash in the target",
        report.blobs, report.blobs_copied
    );
    Ok(())
}

/// The stores, with the bundled templates registered and every stored one loaded.
async fn fill_reach(settings: &Settings, args: FillArgs) -> Result<(), String> {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("info"))
        .try_init();
    let remixer = open_with_templates(settings).await?;
    let templates: Vec<String> = remixer
        .templates()
        .iter()
        .map(|t| t.id.to_string())
        .collect();
    let areas = remixer
        .db()
        .list_areas(false)
        .await
        .map_err(|e| e.to_string())?;
    let cities: Vec<String> = areas
        .iter()
        .filter(|a| a.parent.is_empty())
        .map(|a| a.id.clone())
        .collect();
    let constituencies: Vec<(String, String)> = areas
        .iter()
        .filter(|a| !a.parent.is_empty())
        .map(|a| (a.id.clone(), a.parent.clone()))
        .collect();
    let plan = crate::jobs::fill::Plan {
        remixes: args.remixes,
        days: args.days,
        seed: args.seed,
    };
    let filled = crate::jobs::fill::fill(remixer.db(), &plan, &templates, &cities, &constituencies)
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "{}",
        serde_json::to_string(&filled).map_err(|e| e.to_string())?
    );
    Ok(())
}

async fn open_with_templates(settings: &Settings) -> Result<Remixer, String> {
    let catalog = load_catalog(&settings.templates)?;
    let remixer = open_stores(settings).await?;
    remixer
        .register_catalog(&settings.templates, &catalog)
        .await
        .map_err(|e| e.to_string())?;
    remixer
        .load_stored_templates()
        .await
        .map_err(|e| e.to_string())?;
    Ok(remixer)
}

async fn verify(settings: &Settings, args: VerifyArgs) -> Result<(), String> {
    // Bundled photos are stored again if missing, as at every start; then every template
    // is loaded, so lost pictures can be drawn again.
    let remixer = open_with_templates(settings).await?;
    let grace = std::time::Duration::from_secs(args.grace_minutes * 60);
    let report = crate::jobs::verify::verify(&remixer, args.repair, grace)
        .await
        .map_err(|e| e.to_string())?;
    for line in &report.problems {
        println!("{line}");
    }
    println!(
        "checked {} remixes, {} renditions, {} templates, {} blobs: {} problems, {} repaired, {} left",
        report.remixes,
        report.renditions,
        report.templates,
        report.blobs,
        report.problems.len(),
        report.repaired,
        report.unrepaired
    );
    if report.unrepaired > 0 {
        let hint = if args.repair {
            ""
        } else {
            "; run jalsa verify --repair"
        };
        return Err(format!("{} problems left{hint}", report.unrepaired));
    }
    Ok(())
}

async fn gc(settings: &Settings, args: GcArgs) -> Result<(), String> {
    let remixer = open_stores(settings).await?;
    let grace = std::time::Duration::from_secs(args.grace_minutes * 60);
    let report = remixer
        .gc(grace, args.dry_run)
        .await
        .map_err(|e| e.to_string())?;
    let verb = if args.dry_run {
        "would remove"
    } else {
        "removed"
    };
    for key in &report.removed {
        println!("{verb} {key}");
    }
    println!(
        "examined {} blobs; {verb} {} ({} bytes); kept {} unreferenced blobs younger than {} minutes",
        report.examined,
        report.removed.len(),
        report.bytes,
        report.too_recent,
        args.grace_minutes
    );
    Ok(())
}

fn load_catalog(dir: &std::path::Path) -> Result<Catalog, String> {
    Catalog::load(dir).map_err(|e| e.to_string())
}

fn source(dir: &std::path::Path, source: &Source) -> Result<Arc<Template>, String> {
    if let Some(path) = &source.photo {
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        if crate::photo::is_cut_short(&bytes) {
            let e = crate::photo::UploadError::Truncated;
            return Err(format!("{}: {e}", path.display()));
        }
        return Template::from_photo(&bytes)
            .map(Arc::new)
            .map_err(|e| format!("{}: {e}", path.display()));
    }
    let catalog = load_catalog(dir)?;
    match &source.template {
        Some(id) => catalog.get(id).cloned().ok_or_else(|| {
            let ids: Vec<_> = catalog.all().iter().map(|t| t.id.to_string()).collect();
            format!("no template {id:?}; there are: {}", ids.join(", "))
        }),
        // Frames take a supporter's photo: `--frame`.
        None => catalog
            .all()
            .iter()
            .find(|t| t.frame.is_none())
            .cloned()
            .ok_or_else(|| format!("{} holds no templates", dir.display())),
    }
}

fn render(dir: &std::path::Path, args: RenderArgs) -> Result<(), String> {
    if args.source.template.is_none() && args.source.photo.is_none() {
        return Err("say what to remix: --template ID or --photo FILE".into());
    }
    let template = source(dir, &args.source)?;
    let format = args
        .format
        .or_else(|| Format::from_path(&args.output))
        .unwrap_or(Format::Jpeg);
    let remix = Remix {
        captions: args.texts,
        style: Style {
            color: args.color,
            outline: args.outline,
            font: args.font,
            uppercase: args.keep_case.then_some(false),
        },
        format,
        width: args.width,
    };
    let renderer = Renderer::new();
    let rendered = if args.card {
        renderer.render_card(&template, &remix)
    } else {
        renderer.render(&template, &remix)
    }
    .map_err(|e| e.to_string())?;
    // Write beside the target and rename, so a failed run never leaves half a file.
    let partial = args.output.with_extension("partial");
    std::fs::write(&partial, &rendered.bytes)
        .and_then(|()| std::fs::rename(&partial, &args.output))
        .map_err(|e| {
            let _ = std::fs::remove_file(&partial);
            format!("{}: {e}", args.output.display())
        })
}

fn list(dir: &std::path::Path) -> Result<(), String> {
    let catalog = load_catalog(dir)?;
    println!("{:<16} {:<32} {:>10} {:>6}", "ID", "TITLE", "SIZE", "BOXES");
    for t in catalog.all() {
        let (w, h) = t.size();
        println!(
            "{:<16} {:<32} {:>10} {:>6}",
            t.id,
            t.spec.title,
            format!("{w}x{h}"),
            t.spec.boxes.len()
        );
    }
    Ok(())
}

/// Captions that differ on every remix, so nothing is reused between them.
fn bench_captions(i: usize, boxes: usize) -> Vec<String> {
    const WORDS: [&str; 12] = [
        "hope",
        "change",
        "ballot",
        "jalsa",
        "youth",
        "vote",
        "tomorrow",
        "together",
        "rally",
        "justice",
        "priceless",
        "future",
    ];
    let top = format!("{} is {} #{i}", WORDS[i % 12], WORDS[(i / 12 + 3) % 12]);
    let bottom = format!(
        "for everything else there is the {} {}",
        WORDS[(i + 5) % 12],
        i * 7
    );
    [top, bottom].into_iter().take(boxes.max(1)).collect()
}

fn bench(dir: &std::path::Path, args: BenchArgs) -> Result<(), String> {
    if args.count == 0 {
        return Err("--count must be at least 1".into());
    }
    if let Some(frame) = &args.frame {
        return bench_frame(
            dir,
            frame,
            args.source.photo.as_deref(),
            args.write_photo.as_deref(),
            args.count,
        );
    }
    let template = source(dir, &args.source)?;
    output_size(&template, args.width).map_err(|e| e.to_string())?;
    let renderer = Renderer::new();
    let remix = |i| Remix {
        captions: bench_captions(i, template.spec.boxes.len()),
        style: Style::default(),
        format: args.format,
        width: args.width,
    };
    // The first render scales and encodes the photo once, as a server does at start-up.
    renderer
        .render(&template, &remix(args.count))
        .map_err(|e| e.to_string())?;
    let mut times = Vec::with_capacity(args.count);
    for i in 0..args.count {
        let remix = remix(i);
        let start = Instant::now();
        renderer
            .render(&template, &remix)
            .map_err(|e| e.to_string())?;
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    print_times(times);
    Ok(())
}

/// Framed pictures made in process, one after another on one core: the supporter's photo
/// read (at a reduced scale where the JPEG allows), cut a little differently each time,
/// drawn under the frame, and encoded.
fn bench_frame(
    dir: &std::path::Path,
    frame: &str,
    photo: Option<&std::path::Path>,
    write_photo: Option<&std::path::Path>,
    count: usize,
) -> Result<(), String> {
    let catalog = load_catalog(dir)?;
    let frames: Vec<_> = catalog.all().iter().filter(|t| t.frame.is_some()).collect();
    let frame = match frame {
        "" => frames
            .first()
            .copied()
            .ok_or_else(|| format!("{} holds no frames", dir.display()))?,
        id => frames
            .iter()
            .copied()
            .find(|t| t.id.as_str() == id)
            .ok_or_else(|| {
                let ids: Vec<_> = frames.iter().map(|t| t.id.to_string()).collect();
                format!("no frame {id:?}; there are: {}", ids.join(", "))
            })?,
    };
    let bytes = match photo {
        Some(path) => std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?,
        None => crate::photo::sample_phone_photo(),
    };
    if let Some(path) = write_photo {
        std::fs::write(path, &bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let renderer = Renderer::new();
    let make = |i: usize| -> Result<(), String> {
        // A slightly different crop each time, as supporters place their photos.
        let shift = (i % 10) as f64 * 0.01;
        let crop = crate::photo::Crop {
            x: 0.1 + shift,
            y: 0.05,
            width: 0.6,
            height: 0.8,
        };
        let pixels = crate::photo::framed_photo(&bytes, Some(crop), frame.size())
            .map_err(|e| e.to_string())?;
        let captions: Vec<String> = (0..frame.spec.boxes.len().min(1))
            .map(|_| format!("Supporter {i}"))
            .collect();
        renderer
            .render_framed(frame, pixels, &captions)
            .map_err(|e| e.to_string())?;
        Ok(())
    };
    make(count)?;
    let mut times = Vec::with_capacity(count);
    for i in 0..count {
        let start = Instant::now();
        make(i)?;
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    print_times(times);
    Ok(())
}

/// `{"count","median_ms","p99_ms","per_core_per_s"}` of a run's times in milliseconds.
fn print_times(mut times: Vec<f64>) {
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    times.sort_by(f64::total_cmp);
    let pick = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    println!(
        "{}",
        serde_json::json!({
            "count": times.len(),
            "median_ms": (pick(0.5) * 1000.0).round() / 1000.0,
            "p99_ms": (pick(0.99) * 1000.0).round() / 1000.0,
            "per_core_per_s": (1000.0 / mean).round(),
        })
    );
}
