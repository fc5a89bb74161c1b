-- 0011: the model-call budget shared by every replica (PROVIDER_LIMITS). One row per bucket (`provider` or
-- `provider:model`) holding its levels and when they were last brought up to date; one atomic upsert per call
-- refills, takes and records whether it granted (`BudgetStores.postgres`), and no lock is held across the provider
-- call. Limits are configuration, not data: every take passes them, so a changed limit applies at once.

CREATE TABLE IF NOT EXISTS provider_budgets (
    bucket    text              PRIMARY KEY,
    requests  double precision  NOT NULL,
    tokens    double precision  NOT NULL,
    at        timestamptz       NOT NULL,
    granted   boolean           NOT NULL DEFAULT false
);
