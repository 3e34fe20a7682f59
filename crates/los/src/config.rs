//! Configuration: defaults, then an optional TOML file, then `LOS_…` environment variables,
//! then command-line flags. Unknown keys are refused so a typo never silently does nothing.

use std::net::SocketAddr;
use std::path::Path;

use anyhow::{Context, bail};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

pub const DEFAULT_DATABASE_URL: &str = "sqlite://./los-data/los.db";
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `sqlite://PATH` or `postgres://…`.
    pub database_url: String,
    pub listen: String,
    /// Where `/metrics` is served; not served when absent.
    pub metrics_listen: Option<String>,
    /// `Secure` + `__Host-` cookies. Only a loopback listener may turn this off.
    pub secure_cookies: Option<bool>,
    /// Send HSTS: set when Los is reached over HTTPS.
    pub hsts: bool,
    pub idle_timeout_minutes: i64,
    pub absolute_timeout_hours: i64,
    pub max_connections: u32,
    pub body_limit_kib: usize,
    /// `text` or `json`.
    pub log_format: String,
}

// The database URL may hold a password: keep it out of Debug output.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let url = los_store::DatabaseUrl::parse(&self.database_url)
            .map(|u| u.redacted())
            .unwrap_or_else(|_| "<invalid>".into());
        f.debug_struct("Config")
            .field("database_url", &url)
            .field("listen", &self.listen)
            .field("metrics_listen", &self.metrics_listen)
            .field("secure_cookies", &self.secure_cookies)
            .field("hsts", &self.hsts)
            .finish_non_exhaustive()
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            database_url: DEFAULT_DATABASE_URL.into(),
            listen: DEFAULT_LISTEN.into(),
            metrics_listen: None,
            secure_cookies: None,
            hsts: false,
            idle_timeout_minutes: 30,
            absolute_timeout_hours: 12,
            max_connections: 16,
            body_limit_kib: 64,
            log_format: "text".into(),
        }
    }
}

impl Config {
    /// Defaults → file → environment. Variables named `LOS_TEST_…` belong to the test suite
    /// and are not configuration.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Config> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(file) = file {
            if !file.exists() {
                bail!("the configuration file {} does not exist", file.display());
            }
            figment = figment.merge(Toml::file(file));
        }
        figment =
            figment.merge(Env::prefixed("LOS_").filter(|key| !key.as_str().to_ascii_lowercase().starts_with("test_")));
        let config: Config = figment.extract().context("invalid configuration")?;
        config.check()?;
        Ok(config)
    }

    pub fn check(&self) -> anyhow::Result<()> {
        if !matches!(self.log_format.as_str(), "text" | "json") {
            bail!("log_format must be \"text\" or \"json\", not {:?}", self.log_format);
        }
        if !(1..=24 * 60).contains(&self.idle_timeout_minutes) {
            bail!("idle_timeout_minutes must be between 1 and 1440");
        }
        if !(1..=7 * 24).contains(&self.absolute_timeout_hours) {
            bail!("absolute_timeout_hours must be between 1 and 168");
        }
        if !(1..=10_240).contains(&self.body_limit_kib) {
            bail!("body_limit_kib must be between 1 and 10240");
        }
        if self.max_connections == 0 {
            bail!("max_connections must be at least 1");
        }
        Ok(())
    }

    pub fn listen_address(&self) -> anyhow::Result<SocketAddr> {
        self.listen.parse().with_context(|| format!("listen address {:?} is not HOST:PORT", self.listen))
    }

    /// Secure cookies unless explicitly turned off; turning them off is only allowed on a
    /// loopback address (plain HTTP on the developer's own machine).
    pub fn secure_cookies(&self, demo: bool) -> anyhow::Result<bool> {
        let loopback = self.listen_address()?.ip().is_loopback();
        match self.secure_cookies {
            Some(false) if !loopback => {
                bail!("secure_cookies = false is only allowed when listening on a loopback address")
            }
            Some(value) => Ok(value),
            // A demo on this machine is reached over plain http://127.0.0.1.
            None => Ok(!(demo && loopback)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insecure_cookies_only_on_loopback() {
        let mut config = Config { secure_cookies: Some(false), ..Config::default() };
        assert!(!config.secure_cookies(false).unwrap());
        config.listen = "0.0.0.0:8080".into();
        assert!(config.secure_cookies(false).is_err());
        config.secure_cookies = None;
        assert!(config.secure_cookies(true).unwrap());
    }

    #[test]
    fn debug_hides_database_password() {
        let config = Config { database_url: "postgres://los:hunter2@db/los".into(), ..Config::default() };
        assert!(!format!("{config:?}").contains("hunter2"));
    }

    #[test]
    fn unknown_file_keys_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("los.toml");
        std::fs::write(&path, "listen = \"127.0.0.1:9000\"\nlisten_adress = \"x\"\n").unwrap();
        let error = Config::load(Some(&path)).unwrap_err();
        assert!(format!("{error:#}").contains("listen_adress"), "{error:#}");
        std::fs::write(&path, "listen = \"127.0.0.1:9000\"\n").unwrap();
        assert_eq!(Config::load(Some(&path)).unwrap().listen, "127.0.0.1:9000");
    }
}
