import type { D1Migration } from "cloudflare:test";

declare global {
	namespace Cloudflare {
		interface Env {
			TEST_MIGRATIONS: D1Migration[];
			/** A 5-per-minute write budget, swapped in for WRITE_LIMITER by its test. */
			TEST_WRITE_LIMITER: RateLimit;
			/** Empty until a test migrates it (test/calendars.test.ts). */
			MIGRATION_DB: D1Database;
		}
	}
}
