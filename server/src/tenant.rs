//! Tenants: one `Validator` per policy, its clock, and the health document
//! its background prober keeps (the seed's `/health/<tenant>`).

use std::sync::{Arc, RwLock};
use std::time::Duration;

use validate::Timestamp;
use validate::validator::{PolicyHealth, Validator};

use crate::config::TenantConfig;
use crate::files::{load_policy_file, revocation_sources};

/// One tenant.
pub(crate) struct Tenant {
    pub(crate) name: String,
    pub(crate) validator: Arc<Validator>,
    /// A fixed validation time (`validation_time` in the configuration).
    pinned: Option<Timestamp>,
    health_interval: Duration,
    /// The last probe's document; statistics are refreshed when served.
    health: RwLock<Arc<PolicyHealth>>,
}

impl Tenant {
    /// Loads the tenant's policy and runs its first health probe (which, at
    /// revocation levels, may fetch: done before the server listens, never
    /// on a request).
    pub(crate) fn load(name: &str, config: &TenantConfig) -> Result<Tenant, String> {
        let policy = load_policy_file(&config.policy).map_err(|e| format!("tenant {name}: {e}"))?;
        let sources = revocation_sources(&config.crls, config.offline)
            .map_err(|e| format!("tenant {name}: {e}"))?;
        let validator = Arc::new(Validator::new(policy).with_revocation_sources(sources));
        let pinned = config.validation_time;
        let first = validator.policy_health(pinned.unwrap_or_else(Timestamp::now));
        Ok(Tenant {
            name: name.to_string(),
            validator,
            pinned,
            health_interval: config.health_interval,
            health: RwLock::new(Arc::new(first)),
        })
    }

    /// The validation time of a request arriving now.
    pub(crate) fn now(&self) -> Timestamp {
        self.pinned.unwrap_or_else(Timestamp::now)
    }

    /// The health document: the last probe's notes and status with the
    /// statistics of this moment.
    pub(crate) fn health(&self) -> PolicyHealth {
        let cached = self.health.read().unwrap_or_else(|p| p.into_inner());
        let mut doc = PolicyHealth::clone(&cached);
        drop(cached);
        let stats = self.validator.statistics();
        let counter = &mut doc.statistics.signature_validation_counter;
        counter.success = stats.success;
        counter.failure = stats.failure;
        counter.last_validation = stats.last_validation;
        doc
    }

    /// Probes every `health_interval` until the task is aborted; each probe
    /// runs on the blocking pool (it may fetch CRLs and OCSP responses), and
    /// the next one starts only after it ends, so probes never pile up.
    pub(crate) async fn probe_forever(self: Arc<Self>) {
        let mut ticker = tokio::time::interval(self.health_interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // The first tick is immediate; the first probe was made at load.
        ticker.tick().await;
        loop {
            ticker.tick().await;
            let tenant = Arc::clone(&self);
            let probe =
                tokio::task::spawn_blocking(move || tenant.validator.policy_health(tenant.now()))
                    .await;
            match probe {
                Ok(doc) => {
                    tracing::debug!(tenant = %self.name, status = %doc.status, "health probe");
                    *self.health.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(doc);
                }
                Err(e) => tracing::error!(tenant = %self.name, error = %e, "health probe failed"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> TenantConfig {
        let policy =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/policy.json");
        TenantConfig {
            policy,
            crls: Vec::new(),
            offline: true,
            validation_time: Some("2027-01-01T00:00:00Z".parse().unwrap()),
            health_interval: Duration::from_secs(5),
        }
    }

    fn mark_stale(tenant: &Tenant) {
        let mut doc = tenant.health();
        doc.status = "STALE".into();
        *tenant.health.write().unwrap() = Arc::new(doc);
    }

    #[tokio::test(start_paused = true)]
    async fn the_prober_replaces_the_document_at_its_cadence_only() {
        let tenant = Arc::new(Tenant::load("t", &config()).unwrap());
        assert_eq!(tenant.health().status, "OK");
        mark_stale(&tenant);
        let prober = tokio::spawn(Arc::clone(&tenant).probe_forever());
        tokio::time::sleep(Duration::from_millis(4_900)).await;
        assert_eq!(
            tenant.health().status,
            "STALE",
            "probed before its interval"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
        // The probe runs on the blocking pool, in real time.
        for _ in 0..500 {
            if tenant.health().status == "OK" {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
            tokio::task::yield_now().await;
        }
        assert_eq!(
            tenant.health().status,
            "OK",
            "not probed after its interval"
        );
        // And again one interval later, not before.
        mark_stale(&tenant);
        tokio::time::sleep(Duration::from_millis(4_500)).await;
        assert_eq!(tenant.health().status, "STALE");
        prober.abort();
    }
}
