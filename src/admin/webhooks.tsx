// Webhook endpoints with their recent deliveries and a retry button: the same service functions
// as /api/webhooks, for admins only.
import { Hono } from "hono";
import type { FC } from "hono/jsx";
import type { WebhookDeliveryRow, WebhookRow } from "../db/schema";
import { sendPending } from "../webhooks/outbox";
import { listDeliveries, listWebhooks, requeueDelivery } from "../webhooks/service";
import { type AdminEnv, type AdminUser, assertAdmin } from "./env";
import { DataTable, Page, PostForm } from "./ui";

export const webhookPages = new Hono<AdminEnv>();

webhookPages.use("/webhooks/*", async (c, next) => {
	assertAdmin(c.var.user);
	await next();
});
webhookPages.use("/webhooks", async (c, next) => {
	assertAdmin(c.var.user);
	await next();
});

const time = (ms: number | null) =>
	ms === null ? "—" : new Date(ms).toISOString().slice(0, 19).replace("T", " ");

const Deliveries: FC<{ user: AdminUser; hook: WebhookRow; deliveries: WebhookDeliveryRow[] }> = ({
	user,
	hook,
	deliveries,
}) => (
	<>
		<DataTable
			heads={[
				"Delivery (webhook-id)",
				"Event",
				"Status",
				"Attempts",
				"Last answer",
				"Last attempt",
				"",
			]}
		>
			{deliveries.map((delivery) => (
				<tr>
					<td>
						<code>{delivery.id}</code>
					</td>
					<td>{delivery.event}</td>
					<td>{delivery.status}</td>
					<td>{delivery.attempts}</td>
					<td>{delivery.lastStatus ?? (delivery.lastResponse ? "error" : "—")}</td>
					<td>{time(delivery.lastAttemptAt)}</td>
					<td>
						<PostForm
							action={`/admin/webhooks/${hook.id}/deliveries/${delivery.id}/retry`}
							csrf={user.csrf}
						>
							<button type="submit">Retry {delivery.id}</button>
						</PostForm>
					</td>
				</tr>
			))}
		</DataTable>
		{deliveries.length === 0 && <p class="empty">No deliveries yet.</p>}
	</>
);

webhookPages.get("/webhooks", async (c) => {
	const { user } = c.var;
	const hooks = await listWebhooks(c.var.db);
	const deliveries = await Promise.all(hooks.map((hook) => listDeliveries(c.var.db, hook.id, 10)));
	const notice =
		c.req.query("done") === "retried" ? "Delivery queued again (same webhook-id)." : undefined;
	return c.html(
		<Page title="Webhooks" user={user} active="webhooks" notice={notice}>
			<h1>Webhooks</h1>
			<p>
				Endpoints are created with <code>POST /api/webhooks</code>; here are their recent
				deliveries.
			</p>
			{hooks.map((hook, index) => (
				<section class="card" id={`webhook-${hook.id}`}>
					<h2>
						<code>{hook.url}</code>
					</h2>
					<p>
						{hook.disabledAt === null ? "Enabled" : `Disabled: ${hook.disabledReason ?? ""}`} ·
						events {hook.events.join(", ")}
					</p>
					<Deliveries user={user} hook={hook} deliveries={deliveries[index] ?? []} />
				</section>
			))}
			{hooks.length === 0 && <p class="empty">No webhook endpoints yet.</p>}
		</Page>,
	);
});

webhookPages.post("/webhooks/:id/deliveries/:delivery/retry", async (c) => {
	const row = await requeueDelivery(c.var.db, Number(c.req.param("id")), c.req.param("delivery"));
	await sendPending(c.var.db, c.env.WEBHOOK_QUEUE, { ids: [row.id] });
	return c.redirect("/admin/webhooks?done=retried", 303);
});
