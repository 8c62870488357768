import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// The same "zod" the deployed bundle takes (wrangler.toml [alias]), so the tests run production's zod.
// A root-relative path: Vite resolves it from the project root.
const zodSlim = "/src/lib/zod-slim/index.js";

export default defineConfig(async () => {
	// Relative to the project root, where npm runs vitest.
	const migrations = await readD1Migrations("migrations");
	return {
		resolve: { alias: [{ find: /^zod$/, replacement: zodSlim }] },
		plugins: [
			cloudflareTest({
				wrangler: { configPath: "./wrangler.toml" },
				miniflare: {
					bindings: {
						TEST_MIGRATIONS: migrations,
						// At least 32 characters each, as the Worker requires.
						ADMIN_TOKEN: "test-root-token-0123456789abcdefghij",
						SESSION_SECRET: "test-session-secret-0123456789abcdef",
						WEBHOOK_SECRETS_KEY: "test-webhook-secrets-key-0123456789ab",
						// As in production, whatever a local .dev.vars says; a test opts in per request.
						ALLOW_LOCAL_WEBHOOKS: "false",
					},
					// A second, empty database: the migration test builds an old schema with data in it.
					d1Databases: { MIGRATION_DB: "migration-test" },
					// A small budget, so a test reaches 429 in a few requests; wrangler.toml keeps
					// production's. Per key: only tests that use one API key this often see it.
					ratelimits: {
						RATE_LIMITER: { namespace_id: "1001", simple: { limit: 20, period: 60 } },
						// Failed authentications per address or key prefix: tests send their own
						// CF-Connecting-IP, so only they spend it.
						AUTH_LIMITER: { namespace_id: "1002", simple: { limit: 5, period: 60 } },
						// The write budget counts the root token too, which most tests write with: out of
						// their way here; its own test swaps in TEST_WRITE_LIMITER (5 per minute).
						WRITE_LIMITER: { namespace_id: "1003", simple: { limit: 1_000_000, period: 60 } },
						TEST_WRITE_LIMITER: { namespace_id: "1004", simple: { limit: 5, period: 60 } },
					},
				},
			}),
		],
		test: {
			setupFiles: ["./test/setup/apply-migrations.ts"],
			include: ["test/**/*.test.ts"],
			// Two cores run workerd, D1 and fast-check sweeps together: give slow machines room.
			testTimeout: 30_000,
			// One JSON line per request is the production log; in tests it only buries failures.
			onConsoleLog: (log: string) => !log.includes('"event":"request"'),
		},
	};
});
