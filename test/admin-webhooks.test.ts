import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { signIn, visit } from "./support/admin";
import { api } from "./support/api";
import { createKey } from "./support/keys";

let cookie: string;
let csrf: string;

beforeAll(async () => {
	({ cookie, csrf } = await signIn());
});

afterEach(() => {
	vi.restoreAllMocks();
});

describe("admin webhooks page", () => {
	it("lists endpoints with their recent deliveries, and a retry button queues one again", async () => {
		// The queue consumer may run meanwhile: its receiver answers 200.
		vi.spyOn(globalThis, "fetch").mockResolvedValue(new Response("ok"));
		const hook = await api("POST", "/api/webhooks", {
			body: { url: "https://receiver.example.com/admin-test", events: ["*"] },
		});
		expect(hook.status).toBe(201);
		const id = "msg_admin0000000000000000000000001";
		await env.DB.batch([
			env.DB.prepare(
				"INSERT INTO changes (calendar_id, type, resource_id, op, event, data, at) VALUES (1, 'occurrence', 1, 'deleted', 'occurrence.deleted', NULL, ?)",
			).bind(Date.now()),
			env.DB.prepare(
				"INSERT INTO webhook_deliveries (id, webhook_id, change_seq, event, status, attempts, created_at) VALUES (?, ?, last_insert_rowid(), 'occurrence.deleted', 'dead', 8, ?)",
			).bind(id, hook.body.id, Date.now()),
		]);
		const page = await visit("/admin/webhooks", { cookie });
		expect(page.status).toBe(200);
		expect(page.html).toContain("https://receiver.example.com/admin-test");
		expect(page.html).toContain(id);
		expect(page.html).toContain(`Retry ${id}`);

		const retried = await visit(`/admin/webhooks/${hook.body.id}/deliveries/${id}/retry`, {
			cookie,
			form: { csrf },
		});
		expect(retried.status).toBe(303);
		expect(retried.location).toBe("/admin/webhooks?done=retried");
		const row = await env.DB.prepare("SELECT status FROM webhook_deliveries WHERE id = ?")
			.bind(id)
			.first<{ status: string }>();
		expect(["queued", "delivered"]).toContain(row?.status);
	});

	it("is for admins only", async () => {
		const key = await createKey(["read", "write"]);
		const session = await signIn(key.key);
		const page = await visit("/admin/webhooks", { cookie: session.cookie });
		expect(page.status).toBe(403);
		expect(page.html).not.toContain("receiver.example.com");
	});
});
