import { describe, expect, it } from "vitest";
import { clientNetwork } from "../../src/auth/failure-budget";
import { signInAttempt } from "../admin-helpers";
import { api, d1Usage, ROOT_TOKEN } from "../helpers";
import { createKey, expectProblem, fetchWithVars } from "./support";

// vitest.config.ts gives AUTH_LIMITER 5 failures a minute. Its windows follow the wall clock, so
// a test that happens to straddle a minute boundary may see one more failure pass.
const BUDGET = 5;
const randomByte = () => Math.floor(Math.random() * 256);
/** An address no other test uses (198.18.0.0/15 is set aside for benchmarks, RFC 2544). */
const freshAddress = () => `198.${18 + (randomByte() % 2)}.${randomByte()}.${randomByte()}`;

const from = (address: string, token: string, path = "/api/patterns?limit=1") =>
	api("GET", path, { token, headers: { "CF-Connecting-IP": address } });

/** Sends failures until the first 429; answers how many passed as 401 before it, and the 429. */
async function failUntilLimited(send: (attempt: number) => ReturnType<typeof api>) {
	for (let attempt = 0; attempt < 3 * BUDGET; attempt++) {
		const response = await send(attempt);
		if (response.status === 429) return { failures: attempt, limited: response };
		expect(response.status, JSON.stringify(response.body)).toBe(401);
	}
	throw new Error("no 429 after three budgets of failures");
}

describe("failed authentication budget (AUTH_LIMITER)", () => {
	it("answers 429 with Retry-After once an address spent its failures, even to the right root token", async () => {
		const address = freshAddress();
		const { failures, limited } = await failUntilLimited((attempt) =>
			from(address, `guess-${attempt}-of-the-root-token-0123456789`),
		);
		expect(failures).toBeGreaterThanOrEqual(BUDGET);
		expect(failures).toBeLessThanOrEqual(2 * BUDGET);
		const problem = expectProblem(limited, 429, "rate_limited");
		expect(problem.detail).toMatch(/failed authentications.*retry after \d+ seconds/);
		expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThan(0);
		// The guesser learns nothing more: the right token from the same address is refused too.
		expectProblem(await from(address, ROOT_TOKEN), 429, "rate_limited");
		// Another address, the operator's, is not affected.
		expect((await from(freshAddress(), ROOT_TOKEN)).status).toBe(200);
	});

	it("refuses a limited address before any D1 work", async () => {
		const address = freshAddress();
		const first = await from(address, `cal_${"Q".repeat(43)}`);
		expect(first.status).toBe(401);
		expect(d1Usage(first).queries).toBe(1);
		await failUntilLimited((attempt) => from(address, `cal_${String(attempt).padEnd(43, "w")}`));
		const key = await createKey(["read"]);
		const blocked = await from(address, key.key);
		expectProblem(blocked, 429, "rate_limited");
		expect(d1Usage(blocked).queries).toBe(0);
		expect((await from(freshAddress(), key.key)).status).toBe(200);
	});

	it("counts only failures: a client using a valid key or the root token spends nothing", async () => {
		const address = freshAddress();
		const key = await createKey(["read"]);
		for (let sent = 0; sent < 3 * BUDGET; sent++) {
			expect((await from(address, sent % 2 ? key.key : ROOT_TOKEN)).status).toBe(200);
		}
		const { failures } = await failUntilLimited((attempt) => from(address, `wrong-${attempt}`));
		expect(failures).toBeGreaterThanOrEqual(BUDGET);
	});

	it("limits a revoked key replayed from many addresses, by its prefix", async () => {
		const { id, key } = await createKey(["read"]);
		await api("DELETE", `/api/keys/${id}`);
		const { failures } = await failUntilLimited(() => from(freshAddress(), key));
		expect(failures).toBeGreaterThanOrEqual(BUDGET);
		// The failure that spent the budget was looked up; the next one is not.
		const replayed = await from(freshAddress(), key);
		expectProblem(replayed, 429, "rate_limited");
		expect(d1Usage(replayed).queries).toBe(0);
		const other = await createKey(["read"]);
		expect((await from(freshAddress(), other.key)).status).toBe(200);
	});

	it("counts an IPv6 client by its /64", async () => {
		const block = `2001:db8:${randomByte().toString(16)}:${randomByte().toString(16)}`;
		await failUntilLimited((attempt) => from(`${block}::${attempt + 1}`, "wrong-root-guess"));
		expectProblem(await from(`${block}:ffff::9`, ROOT_TOKEN), 429, "rate_limited");
		expect((await from(`${block.replace("db8", "db9")}::1`, ROOT_TOKEN)).status).toBe(200);
		expect(clientNetwork("2001:DB8:0:0a:1:2:3:4")).toBe("2001:db8:0:a::/64");
		expect(clientNetwork("::1")).toBe("0:0:0:0::/64");
		expect(clientNetwork("203.0.113.9")).toBe("203.0.113.9");
	});

	it("applies to the console's sign-in form too", async () => {
		const address = freshAddress();
		let status = 401;
		let attempts = 0;
		while (status === 401 && attempts < 3 * BUDGET) {
			status = (await signInAttempt(`wrong-${attempts++}`, address)).status;
		}
		expect(status).toBe(429);
		expect(attempts).toBeGreaterThan(BUDGET);
		expect((await signInAttempt(ROOT_TOKEN, address)).status).toBe(429);
		expect((await signInAttempt(ROOT_TOKEN, freshAddress())).status).toBe(303);
	});
});

describe("a weak ADMIN_TOKEN", () => {
	const weak = { ADMIN_TOKEN: "short-root-token" };

	it("turns the root token off with a clear 503, whatever secret is sent for it", async () => {
		for (const secret of [weak.ADMIN_TOKEN, "another-guess"]) {
			const response = await fetchWithVars(weak, "/api/patterns", {
				headers: { Authorization: `Bearer ${secret}` },
			});
			expect(response.status).toBe(503);
			expect(response.headers.get("Content-Type")).toBe("application/problem+json");
			const problem = (await response.json()) as { detail: string };
			expect(problem.detail).toContain("ADMIN_TOKEN must be at least 32 characters");
		}
	});

	it("leaves API keys working", async () => {
		const key = await createKey(["read"]);
		const response = await fetchWithVars(weak, "/api/patterns?limit=1", {
			headers: { Authorization: `Bearer ${key.key}` },
		});
		expect(response.status).toBe(200);
	});
});
