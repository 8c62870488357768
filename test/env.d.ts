import type { D1Migration } from "cloudflare:test";

declare global {
	namespace Cloudflare {
		interface Env {
			TEST_MIGRATIONS: D1Migration[];
			/** Empty until a test migrates it (test/calendars.test.ts). */
			MIGRATION_DB: D1Database;
		}
	}
}
