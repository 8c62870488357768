// "Change this and following": the form over the API's split (POST /api/patterns/{id}/split),
// with a preview that runs the same split as a dry run before anything is written.
import { Hono } from "hono";
import type { FC } from "hono/jsx";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { horizonMonths, writeBudget } from "../config";
import type { PatternRow } from "../db/schema";
import { ApiError } from "../http/problem";
import { findPattern } from "../patterns/service";
import { type SplitOutcome, splitPattern } from "../patterns/split";
import { SplitPatternBody } from "../patterns/split-schemas";
import { type AdminContext, type AdminEnv, assertCanWrite } from "./env";
import { attempt, type Errors, formErrors, formReader, readForm, validated } from "./forms";
import {
	changedFields,
	describePattern,
	PatternForm,
	patternBody,
	patternForm,
	patternId,
} from "./pattern-form";
import { Page } from "./ui";
import { realDate, todayIn } from "./zoned";

export const splitPages = new Hono<AdminEnv>();

const Preview: FC<{ outcome: SplitOutcome }> = ({ outcome }) => {
	const { oldPattern, newPattern, created, moved, kept } = outcome;
	return (
		<section class="card" role="status">
			<h2>Preview: nothing is saved yet</h2>
			<ul>
				<li>
					“{oldPattern.title}” ends on {oldPattern.endDate}.
				</li>
				<li>
					“{newPattern.title}” starts on {newPattern.startDate}: {describePattern(newPattern)}.
				</li>
				<li>
					{created.count} sessions will be created and {moved.count} replaced; {kept.count} edited,
					cancelled, completed or past sessions stay as they are.
				</li>
			</ul>
		</section>
	);
};

function splitPage(
	c: AdminContext,
	row: PatternRow,
	form: FormData,
	options: { errors?: Errors; preview?: SplitOutcome; status?: ContentfulStatusCode } = {},
) {
	return c.html(
		<Page title={`Change ${row.title}`} user={c.var.user} active="patterns">
			<p>
				<a href={`/admin/patterns/${row.id}`}>← {row.title}</a>
			</p>
			<h1>Change this and following sessions</h1>
			<p>
				“{row.title}” ({describePattern(row)}) ends the day before the date you pick, and a new
				pattern with the settings below starts on it. Earlier sessions, and sessions edited,
				cancelled or completed by hand, stay as they are.
			</p>
			{options.preview && <Preview outcome={options.preview} />}
			<div class="card">
				<PatternForm
					form={form}
					errors={options.errors ?? {}}
					mode="split"
					action={`/admin/patterns/${row.id}/split`}
					csrf={c.var.user.csrf}
					submit="Save this and following"
				/>
			</div>
		</Page>,
		options.status ?? 200,
	);
}

splitPages.get("/patterns/:id/split", async (c) => {
	assertCanWrite(c.var.user);
	const row = await findPattern(c.var.db, patternId(c), c.var.principal);
	const form = patternForm(row);
	form.set("from", realDate(c.req.query("from")) ?? todayIn(row.timezone, Date.now()));
	return splitPage(c, row, form);
});

splitPages.post("/patterns/:id/split", async (c) => {
	const id = patternId(c);
	const row = await findPattern(c.var.db, id, c.var.principal);
	const form = await readForm(c);
	const read = formReader(form);
	const dryRun = read.text("preview") === "1";
	const result = await attempt(() => {
		// The new series starts active; the split form has no Active box to read.
		const { is_active: _, ...changes } = patternBody(form);
		const body = validated(SplitPatternBody, { from: read.text("from"), changes, dry_run: dryRun });
		return splitPattern(
			c.var.db,
			id,
			{ from: body.from, changes: changedFields(row, body.changes ?? {}) },
			{
				now: Date.now(),
				requiredVersion: read.number("version"),
				horizonMonths: horizonMonths(c.env),
				budget: writeBudget(c.env),
				dryRun,
				scope: c.var.principal,
			},
		);
	});
	if (result instanceof ApiError) {
		const fresh = await findPattern(c.var.db, id, c.var.principal);
		form.set("version", String(fresh.version));
		const errors = formErrors(result, {}, "changes.");
		return splitPage(c, fresh, form, { errors, status: result.status });
	}
	if (dryRun) return splitPage(c, row, form, { preview: result });
	return c.redirect(`/admin/patterns/${result.newPattern.id}?done=pattern-split`, 303);
});
