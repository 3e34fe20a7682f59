use std::sync::Arc;

use los_app::App;

/// Settings of the web edge.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// `Secure` cookies with the `__Host-` prefix. Off only for plain-HTTP localhost.
    pub secure_cookies: bool,
    /// Served behind TLS: send HSTS.
    pub hsts: bool,
    /// Demo installation: banner on every page.
    pub demo: bool,
    pub body_limit_bytes: usize,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self { secure_cookies: true, hsts: false, demo: false, body_limit_bytes: 64 * 1024 }
    }
}

impl WebConfig {
    pub fn session_cookie(&self) -> &'static str {
        if self.secure_cookies { "__Host-los_session" } else { "los_session" }
    }

    /// The anonymous cookie that anchors the CSRF token of forms shown before login.
    pub fn pre_session_cookie(&self) -> &'static str {
        if self.secure_cookies { "__Host-los_pre" } else { "los_pre" }
    }

    pub fn language_cookie(&self) -> &'static str {
        if self.secure_cookies { "__Host-los_lang" } else { "los_lang" }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub config: Arc<WebConfig>,
    /// Key for CSRF tokens; shared by all app servers through the database.
    pub csrf_key: Arc<Vec<u8>>,
}

impl AppState {
    /// Loads (or creates on first start) the installation's CSRF key.
    pub async fn new(app: App, config: WebConfig) -> Result<Self, los_core::Error> {
        let fresh = hex_key();
        let mut tx = app.store.write().await?;
        let key = los_store::settings::get_or_insert(&mut tx, "csrf_key", &fresh).await?;
        tx.commit().await.map_err(los_store::map_sqlx)?;
        Ok(Self { app, config: Arc::new(config), csrf_key: Arc::new(key.into_bytes()) })
    }
}

fn hex_key() -> String {
    los_app::secrets::random_token()
}
