import type { OpenAPIHono } from "@hono/zod-openapi";
import type { CalendarScope } from "../db/calendar-scope";
import type { D1Usage, Db, WriteRider } from "../db/client";

/** Who is calling: the root token, an API key, or nobody (public reads). */
export interface Principal extends CalendarScope {
	id: string;
	keyId: number | null;
	scopes: ReadonlySet<string>;
	/** The credential it presented; kept in memory only, to key what must stay private to it. */
	secret: string | null;
	/** Set for a feed token: it opens the feeds only, and with a pattern id that series' only. */
	feed?: { tokenId: number; patternId: number | null };
	/** When the API key expires (epoch ms); null or absent for the root token and lasting keys. */
	expiresAt?: number | null;
	/** A booking's manage token (?token= without an API key): opens GET/DELETE of that booking only. */
	manageToken?: string;
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
