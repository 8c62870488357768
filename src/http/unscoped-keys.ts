import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./app-env";
import { ApiError } from "./problem";

/**
 * Routes that only keys seeing every calendar may use: a key scoped to some calendars gets 403
 * before any query runs, so it can never reach another calendar's rows through them.
 */
export const unscopedKeysOnly =
	(what: string): MiddlewareHandler<AppEnv> =>
	async (c, next) => {
		if (c.var.principal.calendarIds !== null) {
			throw new ApiError(
				"forbidden",
				`${what} take keys that see every calendar; this key is scoped.`,
			);
		}
		await next();
	};
