import { createRoute } from "@hono/zod-openapi";
import { horizonMonths, writeBudget } from "../config";
import { etagOf, requiredVersion } from "../http/etag";
import { jsonBody, jsonResponse, problems } from "../http/openapi";
import { createRouter } from "../http/validation";
import { idParam } from "../lib/fields";
import { isoUtc } from "../recurrence";
import { patternJson } from "../wire/patterns";
import { patternChanges } from "./changes";
import { SESSIONS_LISTED, type SessionSummary, type SplitOutcome, splitPattern } from "./split";
import { SplitPatternBody, SplitResult } from "./split-schemas";

export const splitRoutes = createRouter();

const sessionJson = (session: SessionSummary) => ({
	id: session.id,
	start_datetime: isoUtc(session.startAt),
	original_start_datetime:
		session.originalStartAt === null ? null : isoUtc(session.originalStartAt),
	status: session.status,
	is_exception: session.isException,
});

function splitJson(outcome: SplitOutcome) {
	const { created, moved, kept } = outcome;
	return {
		dry_run: outcome.dryRun,
		old_pattern: patternJson(outcome.oldPattern),
		new_pattern: { ...patternJson({ ...outcome.newPattern, id: 0 }), id: outcome.newPattern.id },
		created: created.count,
		moved: moved.count,
		kept: kept.count,
		sessions: {
			created: created.first.map(sessionJson),
			moved: moved.first.map(sessionJson),
			kept: kept.first.map(sessionJson),
		},
		sessions_truncated: [created, moved, kept].some((list) => list.count > list.first.length),
	};
}

splitRoutes.openapi(
	createRoute({
		method: "post",
		path: "/{id}/split",
		operationId: "splitPattern",
		tags: ["Patterns"],
		summary: "Change this and following sessions: end the series and start a new one on `from`",
		description: [
			"Ends the pattern on from − 1 day (end_date; a count becomes that end_date) and creates a new pattern starting on `from` with `changes` (fields as in PATCH).",
			"Unedited scheduled sessions from `from` on move: they are removed from the old series and the new series' sessions are materialized over the same window.",
			"Edited, cancelled, completed and past sessions stay on the old series and keep their slots; the new series creates no session on a slot they hold.",
			"All or nothing, guarded by the pattern's version: a concurrent change answers 409 (412 with If-Match) and writes nothing.",
			"`dry_run: true` answers 200 with the same body the real run would (new ids null) and writes nothing.",
			`Each list in \`sessions\` holds its first ${SESSIONS_LISTED} sessions by start (\`sessions_truncated\` says when one was cut); \`created\`, \`moved\` and \`kept\` count them all.`,
		].join(" "),
		request: { params: idParam("Pattern"), ...jsonBody(SplitPatternBody) },
		responses: {
			201: {
				...jsonResponse(SplitResult, "Split; Location names the new pattern"),
				headers: {
					Location: { schema: { type: "string" as const }, description: "The new pattern" },
					ETag: { schema: { type: "string" as const }, description: "The new pattern's validator" },
				},
			},
			200: jsonResponse(SplitResult, "Dry run: what the split would do"),
			...problems(400, 404, 409, 412, 413, 415),
		},
	}),
	async (c) => {
		const id = c.req.valid("param").id;
		const body = c.req.valid("json");
		const outcome = await splitPattern(
			c.var.db,
			id,
			{ from: body.from, changes: patternChanges(body.changes ?? {}) },
			{
				now: Date.now(),
				requiredVersion: requiredVersion(c, "pattern", id),
				horizonMonths: horizonMonths(c.env),
				budget: writeBudget(c.env),
				dryRun: body.dry_run ?? false,
				scope: c.var.principal,
			},
		);
		const newId = outcome.newPattern.id;
		if (newId === null) return c.json(splitJson(outcome), 200);
		c.header("Location", `/api/patterns/${newId}`);
		c.header("ETag", etagOf("pattern", newId, outcome.newPattern.version));
		return c.json(splitJson(outcome), 201);
	},
);
