// Budgets for failed authentication, per client address and per API-key prefix, through the
// AUTH_LIMITER Rate Limiting binding. A Rate Limiting binding has no "peek": every limit() call
// counts. So only failures call it (a correct root token or key never spends budget), and a
// budget that ran out is remembered in this isolate until its window ends. While it lasts, the
// address (or prefix) is answered 429 before its secret is compared with ADMIN_TOKEN or looked
// up in D1: an over-budget guesser learns nothing, not even from the right guess, and costs no
// D1 work. An isolate learns of a spent budget from the limiter on its first failure after it
// ran out, so a guesser spread over many isolates gains at most one evaluated guess per isolate.
import type { Db } from "../db/client";
import type { ApiKeyRow } from "../db/schema";
import { ApiError } from "../http/problem";
import { findApiKey, looksLikeApiKey } from "../keys/service";
import { secretsEqual } from "../lib/crypto";

/** Failures per address (and per key prefix) per window; wrangler.toml sets AUTH_LIMITER's. */
export const AUTH_WINDOW_SECONDS = 60;
/** Remembered over-budget keys; beyond this many, the oldest are forgotten first. */
const MAX_REMEMBERED = 10_000;

const overBudgetUntil = new Map<string, number>();

/** The limiter keys a presented secret counts against. */
export function failureKeys(address: string | undefined, secret: string): string[] {
	const keys: string[] = [];
	// Cloudflare sets CF-Connecting-IP on every request from the internet; only local tools and
	// tests call without it, and they are not counted per address.
	if (address) keys.push(`addr:${clientNetwork(address)}`);
	// The stored prefix of an API key ("cal_" and six characters, 36 random bits): a replayed
	// revoked key, or guesses aimed at one key, from many addresses at once.
	if (secret.startsWith("cal_")) keys.push(`prefix:${secret.slice(0, 10)}`);
	return keys;
}

/**
 * An IPv4 address as it is; an IPv6 address by its /64, the block one subscriber is routed
 * (RFC 6177), so rotating addresses inside it buys no extra guesses.
 */
export function clientNetwork(address: string): string {
	if (!address.includes(":")) return address;
	const [head = "", tail = ""] = address.toLowerCase().split("::");
	const left = head ? head.split(":") : [];
	const right = tail ? tail.split(":") : [];
	const groups = address.includes("::")
		? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right]
		: left;
	return `${groups
		.slice(0, 4)
		.map((group) => group.replace(/^0+(?=.)/, ""))
		.join(":")}::/64`;
}

const rateLimited = (until: number, now: number) => {
	const seconds = Math.max(1, Math.ceil((until - now) / 1000));
	return new ApiError(
		"rate_limited",
		`Too many failed authentications from this client; retry after ${seconds} seconds.`,
		{ headers: { "Retry-After": String(seconds) } },
	);
};

/** Throws 429 when one of the keys spent its budget in this window; costs no I/O. */
export function assertNotOverBudget(keys: string[], now: number) {
	for (const key of keys) {
		const until = overBudgetUntil.get(key);
		if (until === undefined) continue;
		if (until > now) throw rateLimited(until, now);
		overBudgetUntil.delete(key);
	}
}

/**
 * Counts one failed authentication against each key. Returns the 429 to answer when a budget
 * is spent (and remembers it for the rest of the window), or undefined to answer 401.
 */
export async function countFailure(
	limiter: RateLimit,
	keys: string[],
	now: number,
): Promise<ApiError | undefined> {
	const results = await Promise.all(keys.map((key) => limiter.limit({ key })));
	const spent = keys.filter((_, index) => !results[index]?.success);
	if (spent.length === 0) return undefined;
	// The window is the limiter's; its end is not exposed, so the full period is the safe bound.
	const until = now + AUTH_WINDOW_SECONDS * 1000;
	for (const key of spent) remember(key, until);
	return rateLimited(until, now);
}

function remember(key: string, until: number) {
	overBudgetUntil.delete(key);
	overBudgetUntil.set(key, until);
	while (overBudgetUntil.size > MAX_REMEMBERED) {
		const oldest = overBudgetUntil.keys().next().value;
		if (oldest === undefined) break;
		overBudgetUntil.delete(oldest);
	}
}

/** ADMIN_TOKEN shorter than this is refused: the root token is then off, with a clear 503. */
export const MIN_SECRET_LENGTH = 32;

let loggedWeak = false;

/** The root token when it is strong enough; undefined when unset or weak (never throws). */
export const strongRootToken = (env: Env): string | undefined =>
	env.ADMIN_TOKEN && env.ADMIN_TOKEN.length >= MIN_SECRET_LENGTH ? env.ADMIN_TOKEN : undefined;

/**
 * The root token, if one is configured. A weak one (under MIN_SECRET_LENGTH characters) throws
 * 503 to every request that could be presenting it, and is logged once per isolate.
 */
export function rootToken(env: Env): string | undefined {
	const token = env.ADMIN_TOKEN;
	if (!token) return undefined;
	if (token.length >= MIN_SECRET_LENGTH) return token;
	if (!loggedWeak) {
		loggedWeak = true;
		console.error(
			JSON.stringify({
				event: "config_error",
				error: `ADMIN_TOKEN is ${token.length} characters; at least ${MIN_SECRET_LENGTH} are required. The root token is refused until it is replaced.`,
			}),
		);
	}
	throw new ApiError(
		"unavailable",
		`The root token is disabled: ADMIN_TOKEN must be at least ${MIN_SECRET_LENGTH} characters (e.g. \`openssl rand -base64 32\`). API keys still work.`,
	);
}

/**
 * What a presented secret is: the root token, a live API key, or nothing (a failure, counted).
 * One path for /api and the console's sign-in: 429 before anything is compared when the client
 * (or the key prefix) is over budget, and 429 for the failure that spends the budget.
 */
export async function verifySecret(
	env: Env,
	db: Db,
	secret: string,
	address: string | undefined,
	now: number,
): Promise<{ root: true } | { root: false; key: ApiKeyRow } | undefined> {
	const limited = failureKeys(address, secret);
	assertNotOverBudget(limited, now);
	// A secret shaped like an API key still works when a weak ADMIN_TOKEN turned the root off.
	const root = looksLikeApiKey(secret) ? strongRootToken(env) : rootToken(env);
	if (root && (await secretsEqual(secret, root))) return { root: true };
	const key = await findApiKey(db, secret, now);
	if (key) return { root: false, key };
	const spent = await countFailure(env.AUTH_LIMITER, limited, now);
	if (spent) throw spent;
	return undefined;
}
