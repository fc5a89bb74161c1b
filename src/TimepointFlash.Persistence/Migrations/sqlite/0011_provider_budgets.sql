-- 0011: nothing on SQLite. A SQLite deployment runs one process, which keeps its model-call budget
-- (PROVIDER_LIMITS) in memory (`BudgetStore.memory`); PostgreSQL shares it through the provider_budgets table.
SELECT 1;
