import type { z } from "@hono/zod-openapi";
import { horizonMonths, writeBudget } from "../config";
import type { Db } from "../db/client";
import { limits } from "../lib/fields";
import { type CreatePatternBody, createdPatternFields } from "./schemas";
import { createPattern } from "./service";

/** The one create path, for the API and the console: a validated body, the contract's defaults. */
export function createPatternFromBody(
	db: Db,
	body: z.output<typeof CreatePatternBody>,
	now: number,
	env: Env,
) {
	return createPattern(db, createdPatternFields(body), {
		now,
		generate: body.generate_occurrences ?? true,
		monthsAhead: body.months_ahead ?? limits.defaultMonthsAhead,
		horizonMonths: horizonMonths(env),
		budget: writeBudget(env),
	});
}
