//! `sandesh serve`: the HTTP service. Every knob has a flag and a `SANDESH_*` variable; the
//! defaults are the constants in `sandesh_server::config`.

use crate::Setup;
use sandesh_server::config as defaults;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

#[derive(clap::Args)]
pub struct Args {
    /// Address to listen on; anything but loopback requires --api-key
    #[arg(long, env = "SANDESH_ADDR", default_value = defaults::DEFAULT_ADDR)]
    addr: SocketAddr,
    /// Bearer key required on the API routes (health probes and the webhook excepted)
    #[arg(long, env = "SANDESH_API_KEY", hide_env_values = true)]
    api_key: Option<String>,
    /// Routing rules (TOML; see docs/routes.example.toml); the route appears in every analysis
    #[arg(long, env = "SANDESH_ROUTES")]
    routes: Option<PathBuf>,
    /// Largest request body in bytes
    #[arg(long, env = "SANDESH_MAX_BODY_BYTES", default_value_t = defaults::DEFAULT_MAX_BODY_BYTES)]
    max_body_bytes: usize,
    /// Most messages in one batch
    #[arg(long, env = "SANDESH_MAX_BATCH", default_value_t = defaults::DEFAULT_MAX_BATCH)]
    max_batch: usize,
    /// Most characters in one message (the engine's limit)
    #[arg(long, env = "SANDESH_MAX_CHARS", default_value_t = sandesh::DEFAULT_MAX_CHARS,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    max_chars: usize,
    /// Most requests in flight; past it, 429 with Retry-After
    #[arg(long, env = "SANDESH_MAX_CONCURRENT", default_value_t = defaults::DEFAULT_MAX_CONCURRENT)]
    max_concurrent: usize,
    /// Longest time one request may take, in milliseconds (503 past it)
    #[arg(long, env = "SANDESH_REQUEST_TIMEOUT_MS", default_value_t = defaults::DEFAULT_REQUEST_TIMEOUT.as_millis() as u64)]
    request_timeout_ms: u64,
    /// Time requests in flight get to finish after Ctrl-C or SIGTERM, in milliseconds
    #[arg(long, env = "SANDESH_SHUTDOWN_GRACE_MS", default_value_t = defaults::DEFAULT_SHUTDOWN_GRACE.as_millis() as u64)]
    shutdown_grace_ms: u64,
    /// Log message texts (off by default: chats are private)
    #[arg(long, env = "SANDESH_LOG_TEXT")]
    log_text: bool,
    /// Log as JSON lines instead of key=value text
    #[arg(long, env = "SANDESH_LOG_JSON")]
    log_json: bool,
    /// WhatsApp Cloud API: the verify token typed into Meta's dashboard (enables the webhook)
    #[arg(long, env = "SANDESH_WHATSAPP_VERIFY_TOKEN", hide_env_values = true)]
    whatsapp_verify_token: Option<String>,
    /// WhatsApp Cloud API: the app secret; POSTs must then carry a valid X-Hub-Signature-256
    #[arg(
        long,
        env = "SANDESH_WHATSAPP_APP_SECRET",
        hide_env_values = true,
        requires = "whatsapp_verify_token"
    )]
    whatsapp_app_secret: Option<String>,
    /// Most webhook analyses waiting to be forwarded; past it the webhook answers 429
    #[arg(long, env = "SANDESH_FORWARD_QUEUE", default_value_t = defaults::DEFAULT_FORWARD_QUEUE)]
    forward_queue: usize,
    /// Most analyses being forwarded at once
    #[arg(long, env = "SANDESH_FORWARD_CONCURRENCY", default_value_t = defaults::DEFAULT_FORWARD_CONCURRENCY)]
    forward_concurrency: usize,
    /// Attempts per forwarded analysis, the first included
    #[arg(long, env = "SANDESH_FORWARD_ATTEMPTS", default_value_t = defaults::DEFAULT_FORWARD_ATTEMPTS)]
    forward_attempts: u32,
    /// Time one forwarding attempt may take, in milliseconds
    #[arg(long, env = "SANDESH_FORWARD_TIMEOUT_MS", default_value_t = defaults::DEFAULT_FORWARD_TIMEOUT.as_millis() as u64)]
    forward_timeout_ms: u64,
    /// Wait before the first forwarding retry, in milliseconds; it doubles for each further one
    #[arg(long, env = "SANDESH_FORWARD_BACKOFF_MS", default_value_t = defaults::DEFAULT_FORWARD_BACKOFF.as_millis() as u64)]
    forward_backoff_ms: u64,
    /// Key of the X-Sandesh-Signature-256 HMAC on forwarded analyses (unsigned without it)
    #[arg(long, env = "SANDESH_FORWARD_SECRET", hide_env_values = true)]
    forward_secret: Option<String>,
}

pub fn run(setup: &Setup, args: Args) -> anyhow::Result<()> {
    let config = sandesh_server::ServerConfig {
        addr: args.addr,
        api_key: args.api_key,
        max_body_bytes: args.max_body_bytes,
        max_batch: args.max_batch,
        max_concurrent: args.max_concurrent,
        request_timeout: Duration::from_millis(args.request_timeout_ms),
        shutdown_grace: Duration::from_millis(args.shutdown_grace_ms),
        log_text: args.log_text,
        whatsapp: args
            .whatsapp_verify_token
            .map(|verify_token| sandesh_server::WhatsAppConfig {
                verify_token,
                app_secret: args.whatsapp_app_secret,
            }),
        forward: sandesh_server::ForwardConfig {
            queue: args.forward_queue,
            concurrency: args.forward_concurrency,
            attempts: args.forward_attempts,
            timeout: Duration::from_millis(args.forward_timeout_ms),
            backoff: Duration::from_millis(args.forward_backoff_ms),
            secret: args.forward_secret,
        },
    };
    // Refuse a bad setting before loading anything.
    config.validate()?;
    sandesh_server::init_logging(args.log_json);
    let mut builder = crate::builder(setup).max_chars(args.max_chars);
    if let Some(path) = &args.routes {
        let routes = sandesh::routing::Routes::from_path(path)?;
        builder = builder.routes(routes);
    }
    let engine = builder.build()?;
    sandesh_server::run(config, engine)?;
    Ok(())
}
