import type { Context } from "hono";
import { narrowScope } from "../db/calendar-scope";
import type { AppEnv } from "../http/app-env";
import { ApiError } from "../http/problem";
import type { Scope } from "../keys/service";

/** The signed-in person, as every admin page sees them. */
export interface AdminUser {
	keyId: number | null;
	/** "Root token" or the API key's name. */
	name: string;
	scopes: ReadonlySet<Scope>;
	csrf: string;
	/** The time zone the calendar pages show (from ?tz=, then a cookie, then UTC). */
	timezone: string;
	/** The calendar the pages show and create in (the switcher: ?cal=, then a cookie); undefined: all the key sees. */
	calendarId?: number;
}

export interface AdminEnv {
	Bindings: Env;
	Variables: AppEnv["Variables"] & { user: AdminUser };
}

export type AdminContext = Context<AdminEnv>;

export const canWrite = (user: AdminUser) => user.scopes.has("write");
export const isAdmin = (user: AdminUser) => user.scopes.has("admin");

/** Pages that exist only to change data (forms, confirmations) are refused to read-only keys. */
export function assertCanWrite(user: AdminUser) {
	if (!canWrite(user)) {
		throw new ApiError("forbidden", "This key is read-only: it cannot change anything.");
	}
}

export function assertAdmin(user: AdminUser) {
	if (!isAdmin(user)) throw new ApiError("forbidden", "Only admin keys manage API keys.");
}

/** What the console's lists show: the key's calendars, narrowed to the switcher's calendar. */
export const viewScope = (c: AdminContext) => narrowScope(c.var.principal, c.var.user.calendarId);
