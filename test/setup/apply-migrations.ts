import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

// Setup files may run more than once; applyD1Migrations skips what is already applied.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);

// The partial index the range query is shaped for (src/occurrences/overlap.ts). It is requested
// from the lead as a migration; IF NOT EXISTS makes this line a no-op once the migration lands.
await env.DB.exec(
	"CREATE INDEX IF NOT EXISTS occurrences_long_start_idx ON occurrences (start_at) WHERE duration_minutes > 120",
);
