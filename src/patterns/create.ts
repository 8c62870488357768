import type { z } from "@hono/zod-openapi";
import { calendarForCreate } from "../calendars/service";
import { horizonMonths, writeBudget } from "../config";
import type { CalendarScope } from "../db/calendar-scope";
import type { Db } from "../db/client";
import { limits } from "../lib/fields";
import { type CreatePatternBody, createdPatternFields } from "./schemas";
import { createPattern } from "./service";

/** The one create path, for the API and the console: a validated body, the contract's defaults. */
export async function createPatternFromBody(
	db: Db,
	body: z.output<typeof CreatePatternBody>,
	now: number,
	scope: CalendarScope,
	env: Env,
) {
	const calendar = await calendarForCreate(db, body.calendar_id, body.timezone, scope);
	return createPattern(db, createdPatternFields(body, calendar), {
		now,
		generate: body.generate_occurrences ?? true,
		monthsAhead: body.months_ahead ?? limits.defaultMonthsAhead,
		horizonMonths: horizonMonths(env),
		budget: writeBudget(env),
	});
}
