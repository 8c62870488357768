import type { OpenAPIHono } from "@hono/zod-openapi";
import type { D1Usage, Db, WriteRider } from "../db/client";
import { limits } from "../lib/fields";

/** Who is calling: the root token, an API key, or nobody (public reads). */
export interface Principal {
	id: string;
	keyId: number | null;
	scopes: ReadonlySet<string>;
	/** The credential it presented; kept in memory only, to key what must stay private to it. */
	secret: string | null;
}

export interface AppEnv {
	Bindings: Env;
	Variables: {
		db: Db;
		usage: D1Usage;
		rider: WriteRider;
		requestId: string;
		principal: Principal;
	};
}

export type App = OpenAPIHono<AppEnv>;

/** The Cron Trigger's horizon in months, from the HORIZON_MONTHS var (default 3). */
export function horizonMonths(env: Env): number {
	const months = Number(env.HORIZON_MONTHS);
	return Number.isInteger(months) && months >= 1 && months <= 24 ? months : 3;
}

/** Patterns per cron page, from the CRON_PAGE_SIZE var (default 1000). */
export function cronPageSize(env: Env): number {
	const size = Number(env.CRON_PAGE_SIZE);
	return Number.isInteger(size) && size >= 1 && size <= 5000 ? size : 1000;
}

/** Sessions one request may create, from the MAX_SESSIONS_PER_WRITE var (default limits.maxSessionsPerWrite). */
export function sessionsPerWrite(env: Env): number {
	const sessions = Number(env.MAX_SESSIONS_PER_WRITE);
	return Number.isInteger(sessions) && sessions >= 1 && sessions <= 100_000
		? sessions
		: limits.maxSessionsPerWrite;
}
