//! What the server does beside its users' requests: the probes and metrics ask whether the
//! database answers and how full its queues are; the background loops purge expired sessions,
//! keep the audit log's statistics and deliver webhooks; the demonstration and the benchmarks
//! store a generated data set.

use tiendo_store::Result;

use crate::Service;

impl Service {
    /// Whether the database answers (`/healthz`, `/readyz`): its data version.
    pub async fn data_version(&self) -> Result<i64> {
        self.db.data_version().await
    }

    /// Connections open and idle in the pool (`/metrics`).
    pub fn pool_connections(&self) -> (u32, usize) {
        let pool = self.db.pool();
        (pool.size(), pool.num_idle())
    }

    /// Mail waiting and imports running (`/metrics`).
    pub async fn queue_sizes(&self) -> Result<tiendo_store::reminders::QueueSizes> {
        self.db.queue_sizes().await
    }

    /// Looks at the audit log's statistics (PostgreSQL analyses it as it grows).
    pub async fn keep_log_statistics(&self) -> Result<bool> {
        self.db.keep_log_statistics().await
    }

    /// Purges expired sessions and old failed log-ins.
    pub async fn purge_expired(&self) -> Result<u64> {
        self.db.purge_expired().await
    }

    /// Delivers the webhooks' outbox for as long as the server runs.
    pub fn spawn_webhooks(&self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(crate::webhooks::run(self.db.clone()))
    }

    /// Stores a generated data set (the demonstration's, a benchmark's) in one transaction.
    pub async fn insert_generated(
        &self,
        g: &tiendo_store::bulk::Generated,
        progress: tiendo_store::bulk::Progress<'_>,
    ) -> Result<tiendo_store::bulk::BulkSummary> {
        self.db.bulk_insert(g, progress).await
    }
}
