//! `los`: the server and the operator's command line.

mod config;

use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, anyhow, bail};
use clap::{Args, Parser, Subcommand};
use jiff::SignedDuration;
use los_app::accounts::{NewAccountInput, Operator};
use los_app::{App, AuthSettings, RequestContext, SystemClock};
use los_core::Error;
use los_store::audit::VerifyError;
use los_store::{DatabaseUrl, Store, StoreOptions};
use los_web::{AppState, WebConfig};

use crate::config::Config;

/// Los: care coordination for people with substance-use problems.
#[derive(Debug, Parser)]
#[command(name = "los", version, about, long_about = None)]
struct Cli {
    /// A TOML configuration file (its keys are those of the `LOS_…` variables, lower-case).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Database URL, e.g. sqlite://./los-data/los.db or postgres://user@host/db [env: LOS_DATABASE_URL]
    #[arg(long, global = true, value_name = "URL")]
    database: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the web server (applies pending migrations first).
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load the demo organisations and one account per role (idempotent).
    Demo(DemoArgs),
    /// Manage staff accounts.
    #[command(subcommand)]
    Account(AccountCommand),
    /// Work with the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
}

#[derive(Debug, Args)]
struct DemoArgs {
    /// `town`: one municipality's service chain (the default); `national`: 356 municipalities,
    /// 200,000 persons, a million referrals, two million decisions, 80,000 plans and five million
    /// audit events on top of it, for measuring Los at the size of a country (takes minutes).
    #[arg(long, value_enum, default_value = "town")]
    scale: DemoScale,
    /// Seed of the national data (the same seed gives the same installation).
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum DemoScale {
    Town,
    National,
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Address to listen on [env: LOS_LISTEN] [default: 127.0.0.1:8080]
    #[arg(long, value_name = "ADDR")]
    listen: Option<String>,
    /// Separate address for Prometheus /metrics [env: LOS_METRICS_LISTEN]
    #[arg(long, value_name = "ADDR")]
    metrics_listen: Option<String>,
    /// Migrate, load demo data, print the demo logins and serve; the second factor is offered, not forced.
    #[arg(long)]
    demo: bool,
}

#[derive(Debug, Subcommand)]
enum AccountCommand {
    /// Create an account with one role in one organisation.
    Create(CreateAccountArgs),
    /// Disable an account; its sessions end at once.
    Disable { username: String },
    /// Enable a disabled account.
    Enable { username: String },
    /// Remove an account's second factor so it must enrol again at next login.
    #[command(name = "reset-2fa")]
    Reset2fa { username: String },
    /// Issue a personal access token for an integration; it is printed once.
    Token(TokenArgs),
}

#[derive(Debug, Args)]
struct CreateAccountArgs {
    #[arg(long)]
    username: String,
    /// Full name as shown to others.
    #[arg(long)]
    name: String,
    /// Organisation id, or its exact name.
    #[arg(long)]
    organization: String,
    /// admin, leader, caseworker or analyst
    #[arg(long)]
    role: String,
    /// nb, sv or en
    #[arg(long, default_value = "nb")]
    locale: String,
    /// Read the password from the first line of standard input; otherwise one is generated and printed.
    #[arg(long)]
    password_stdin: bool,
}

#[derive(Debug, Args)]
struct TokenArgs {
    username: String,
    /// What the token is for, e.g. the name of the integration.
    #[arg(long)]
    name: String,
    /// Days until it expires (1–366); no expiry when absent.
    #[arg(long)]
    days: Option<i64>,
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Check the hash chain; exit code 0 if intact, 1 naming the first broken sequence number.
    Verify,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("los: cannot start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("los: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn load_config(cli: &Cli) -> anyhow::Result<Config> {
    let mut config = Config::load(cli.config.as_deref())?;
    if let Some(url) = &cli.database {
        config.database_url = url.clone();
    }
    if let Command::Serve(args) = &cli.command {
        if let Some(listen) = &args.listen {
            config.listen = listen.clone();
        }
        if let Some(metrics) = &args.metrics_listen {
            config.metrics_listen = Some(metrics.clone());
        }
    }
    Ok(config)
}

fn init_logging(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = if config.log_format == "json" { builder.json().try_init() } else { builder.try_init() };
}

async fn open_store(config: &Config) -> anyhow::Result<Store> {
    let url = DatabaseUrl::parse(&config.database_url)?;
    let options = StoreOptions { max_connections: config.max_connections, ..StoreOptions::default() };
    let store = Store::connect(&url, &options).await.with_context(|| format!("database {}", url.redacted()))?;
    store.migrate().await?;
    Ok(store)
}

fn app(store: Store, config: &Config, demo: bool) -> App {
    let auth = AuthSettings {
        idle_timeout: SignedDuration::from_mins(config.idle_timeout_minutes),
        absolute_timeout: SignedDuration::from_hours(config.absolute_timeout_hours),
        demo,
        ..AuthSettings::default()
    };
    App::new(store, Arc::new(SystemClock), auth)
}

fn cli_context() -> RequestContext {
    RequestContext { request_id: Some("cli".into()), client_address: None }
}

fn describe(error: Error) -> anyhow::Error {
    match error {
        Error::Invalid(fields) => {
            anyhow!("{}", fields.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))
        }
        other => anyhow!("{other}"),
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let config = load_config(&cli)?;
    init_logging(&config);
    match cli.command {
        Command::Serve(args) => serve(config, args.demo).await,
        Command::Migrate => {
            open_store(&config).await?;
            println!("database is up to date");
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo(args) => {
            let app = app(open_store(&config).await?, &config, true);
            if args.scale == DemoScale::National {
                let figures = app
                    .load_national_demo(los_app::demo_national::NationalScale::NATIONAL, args.seed)
                    .await
                    .map_err(describe)?;
                println!(
                    "national demo loaded in {} s: {} regions, {} municipalities, {} organisations, {} services, \
                     {} accounts, {} persons, {} episodes, {} referrals ({} steps), {} decisions, {} plans, {} audit events, \
                     {} housing units, {} stays, {} tally entries",
                    figures.seconds,
                    figures.regions,
                    figures.municipalities,
                    figures.organizations,
                    figures.services,
                    figures.accounts,
                    figures.persons,
                    figures.episodes,
                    figures.referrals,
                    figures.referral_steps,
                    figures.decisions,
                    figures.plans,
                    figures.audit_events,
                    figures.housing_units,
                    figures.stays,
                    figures.tally_entries
                );
                println!("national logins: koordinator-9001 … koordinator-9356, leder-9001 … leder-9356");
            }
            print_demo_logins(&app.load_demo().await.map_err(describe)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Account(command) => account(config, command).await,
        Command::Audit(AuditCommand::Verify) => {
            let app = app(open_store(&config).await?, &config, false);
            match app.verify_audit_chain().await {
                Ok(count) => {
                    println!("audit chain intact: {count} events verified");
                    Ok(ExitCode::SUCCESS)
                }
                Err(VerifyError::Broken(link)) => {
                    eprintln!("audit chain BROKEN at sequence number {}: {:?}", link.seq, link.kind);
                    Ok(ExitCode::FAILURE)
                }
                Err(VerifyError::Store(error)) => Err(describe(error)),
            }
        }
    }
}

fn print_demo_logins(logins: &[los_app::demo::DemoLogin]) {
    println!("Demo logins (password for all: {}):", los_app::demo::DEMO_PASSWORD);
    for login in logins {
        println!("  {:<12} {:<11} {}", login.username, login.role.code(), login.organization);
    }
}

async fn find_organization(app: &App, raw: &str) -> anyhow::Result<String> {
    if raw.parse::<los_core::ids::OrganizationId>().is_ok() {
        return Ok(raw.to_string());
    }
    let all = app.list_organizations().await.map_err(describe)?;
    all.into_iter()
        .find(|o| o.name == raw)
        .map(|o| o.id.to_string())
        .ok_or_else(|| anyhow!("no organisation has the id or name {raw:?}"))
}

async fn account(config: Config, command: AccountCommand) -> anyhow::Result<ExitCode> {
    let app = app(open_store(&config).await?, &config, false);
    let ctx = cli_context();
    match command {
        AccountCommand::Create(args) => {
            let organization = find_organization(&app, &args.organization).await?;
            let (password, generated) = if args.password_stdin {
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line).context("cannot read the password from standard input")?;
                (line.trim_end_matches(['\r', '\n']).to_string(), false)
            } else {
                (los_app::secrets::random_token(), true)
            };
            let input = NewAccountInput {
                username: args.username.clone(),
                display_name: args.name,
                password: password.clone(),
                locale: Some(args.locale),
                organization,
                role: args.role,
            };
            let id = app.create_account(&ctx, Operator::CommandLine, &input).await.map_err(describe)?;
            println!("created account {} ({id})", args.username.trim().to_lowercase());
            if generated {
                println!("initial password (shown once): {password}");
            }
            println!("the second factor is set up at first login");
        }
        AccountCommand::Disable { username } => {
            let account = app.find_account(&username).await.map_err(describe)?;
            app.set_account_disabled(&ctx, Operator::CommandLine, account.id, true).await.map_err(describe)?;
            println!("disabled {}; its sessions have ended", account.username);
        }
        AccountCommand::Enable { username } => {
            let account = app.find_account(&username).await.map_err(describe)?;
            app.set_account_disabled(&ctx, Operator::CommandLine, account.id, false).await.map_err(describe)?;
            println!("enabled {}", account.username);
        }
        AccountCommand::Reset2fa { username } => {
            let account = app.find_account(&username).await.map_err(describe)?;
            app.reset_second_factor(&ctx, Operator::CommandLine, account.id).await.map_err(describe)?;
            println!("second factor of {} removed; it enrols again at next login", account.username);
        }
        AccountCommand::Token(args) => {
            let account = app.find_account(&args.username).await.map_err(describe)?;
            let created = app.create_token_for(&ctx, account.id, &args.name, args.days).await.map_err(describe)?;
            println!(
                "token for {} ({} as {}), shown once:",
                account.username,
                created.token.organization_id,
                created.token.role.code()
            );
            println!("{}", created.secret);
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn serve(config: Config, demo: bool) -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    let listen = config.listen_address()?;
    let secure_cookies = config.secure_cookies(demo)?;
    let store = open_store(&config).await?;
    let app = app(store.clone(), &config, demo);
    if demo {
        print_demo_logins(&app.load_demo().await.map_err(describe)?);
    }
    let web = WebConfig { secure_cookies, hsts: config.hsts, demo, body_limit_bytes: config.body_limit_kib * 1024 };
    let state = AppState::new(app.clone(), web).await.map_err(describe)?;
    let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("cannot listen on {listen}"))?;
    if let Some(metrics) = &config.metrics_listen {
        let address: std::net::SocketAddr =
            metrics.parse().with_context(|| format!("metrics address {metrics:?} is not HOST:PORT"))?;
        if address == listen {
            bail!("the metrics address must differ from the listen address");
        }
        let _ = los_web::prometheus_handle();
        let metrics_listener =
            tokio::net::TcpListener::bind(address).await.with_context(|| format!("cannot listen on {address}"))?;
        tokio::spawn(async move {
            if let Err(error) = axum::serve(metrics_listener, los_web::metrics_router()).await {
                tracing::error!(%error, "metrics listener stopped");
            }
        });
        tracing::info!(%address, "metrics served");
    }
    tokio::spawn(sweep_sessions(app));
    tracing::info!(%listen, backend = store.backend().name(), demo, secure_cookies, startup_ms = started.elapsed().as_millis() as u64, "los is ready");
    println!("Los is listening on http://{listen}");
    los_web::serve(listener, state, shutdown_signal()).await.context("server stopped")?;
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

/// Removes expired sessions every few minutes; expiry is also checked on every request.
async fn sweep_sessions(app: App) {
    let mut interval = tokio::time::interval(std::time::Duration::from_secs(300));
    loop {
        interval.tick().await;
        let now = app.now();
        let result = async {
            let mut tx = app.store.write().await?;
            let removed = los_store::sessions::delete_expired(
                &mut tx,
                now - app.auth.idle_timeout,
                now - app.auth.absolute_timeout,
            )
            .await?;
            tx.commit().await.map_err(los_store::map_sqlx)?;
            Ok::<u64, Error>(removed)
        }
        .await;
        if let Err(error) = result {
            tracing::warn!(%error, "could not remove expired sessions");
        }
    }
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
