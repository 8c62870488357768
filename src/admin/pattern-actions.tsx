// Deactivate, activate and delete (after a confirmation page that needs no JavaScript).
import { Hono } from "hono";
import { horizonMonths, writeBudget } from "../config";
import { deletePattern, findPattern, updatePattern } from "../patterns/service";
import { type AdminEnv, assertCanWrite } from "./env";
import { patternId } from "./pattern-form";
import { Page, PostForm } from "./ui";

export const patternActions = new Hono<AdminEnv>();

patternActions.post("/patterns/:id/deactivate", async (c) => {
	const id = patternId(c);
	await deletePattern(c.var.db, id, {
		now: Date.now(),
		deleteFuture: false,
		scope: c.var.principal,
	});
	return c.redirect(`/admin/patterns/${id}?done=pattern-deactivated`, 303);
});

patternActions.post("/patterns/:id/activate", async (c) => {
	const id = patternId(c);
	await updatePattern(
		c.var.db,
		id,
		{ isActive: true },
		{
			now: Date.now(),
			horizonMonths: horizonMonths(c.env),
			budget: writeBudget(c.env),
			scope: c.var.principal,
		},
	);
	return c.redirect(`/admin/patterns/${id}?done=pattern-activated`, 303);
});

patternActions.get("/patterns/:id/delete", async (c) => {
	const { user } = c.var;
	assertCanWrite(user);
	const row = await findPattern(c.var.db, patternId(c), c.var.principal);
	return c.html(
		<Page title={`Delete ${row.title}`} user={user} active="patterns">
			<div class="card">
				<h1>Delete “{row.title}”?</h1>
				<p>
					Its future sessions that were not edited by hand are removed. Past sessions, and sessions
					that were edited, cancelled or completed, stay in the calendar. This cannot be undone; to
					pause the pattern instead, deactivate it.
				</p>
				<div class="actions">
					<PostForm action={`/admin/patterns/${row.id}/delete`} csrf={user.csrf}>
						<button type="submit" class="danger">
							Delete pattern
						</button>
					</PostForm>
					<a class="btn secondary" href={`/admin/patterns/${row.id}`}>
						Keep it
					</a>
				</div>
			</div>
		</Page>,
	);
});

patternActions.post("/patterns/:id/delete", async (c) => {
	await deletePattern(c.var.db, patternId(c), {
		now: Date.now(),
		deleteFuture: true,
		scope: c.var.principal,
	});
	return c.redirect("/admin/patterns?done=pattern-deleted", 303);
});
