import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ApiKeyRow } from "../db/schema";
import { CreateFeedTokenBody } from "../feed-tokens/schemas";
import { createFeedToken, feedUrl, listFeedTokens, revokeFeedToken } from "../feed-tokens/service";
import { parseId } from "../http/ids";
import { ApiError } from "../http/problem";
import { askedExpiry, CreateKeyBody, MAX_KEY_DAYS } from "../keys/schemas";
import {
	createApiKey,
	listApiKeys,
	mintedCalendars,
	mintedExpiry,
	revokeApiKey,
} from "../keys/service";
import { limits } from "../lib/fields";
import { type AdminContext, type AdminEnv, type AdminUser, assertAdmin, viewScope } from "./env";
import { FeedTokensSection } from "./feed-tokens";
import { Checkboxes, ErrorSummary, Input } from "./fields";
import {
	attempt,
	type Errors,
	formErrors,
	formOf,
	formReader,
	noticeFor,
	readForm,
	validated,
} from "./forms";
import { DataTable, Page, PostForm } from "./ui";

export const keyPages = new Hono<AdminEnv>();

// Only admin keys (and the root token) see or manage keys, as on /api/keys.
keyPages.use("/keys/*", async (c, next) => {
	assertAdmin(c.var.user);
	await next();
});
keyPages.use("/keys", async (c, next) => {
	assertAdmin(c.var.user);
	await next();
});

const scopeOptions: [string, string][] = [
	["read", "read: view everything"],
	["write", "write: also create, edit and cancel"],
	["admin", "admin: also manage API keys (only the root token mints these)"],
];

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const hour = (ms: number) => `${new Date(ms).toISOString().slice(0, 13).replace("T", " ")}:00 UTC`;
const createdByLabel = (by: string | null) =>
	by === null ? "—" : by === "root" ? "root token" : by.replace("key:", "key ");

function KeysTable({ keys, user, now }: { keys: ApiKeyRow[]; user: AdminUser; now: number }) {
	return (
		<>
			<DataTable
				heads={[
					"Name",
					"Starts with",
					"Scopes",
					"Calendars",
					"Created",
					"By",
					"Expires",
					"Last used",
					"",
				]}
			>
				{keys.map((key) => (
					<tr>
						<td>{key.name}</td>
						<td>
							<code>{key.prefix}…</code>
						</td>
						<td>{key.scopes.join(", ")}</td>
						<td>{key.calendarIds === null ? "all" : key.calendarIds.join(", ")}</td>
						<td>{day(key.createdAt)}</td>
						<td>{createdByLabel(key.createdBy)}</td>
						<td>
							{key.expiresAt === null
								? "never"
								: `${key.expiresAt <= now ? "expired " : ""}${day(key.expiresAt)}`}
						</td>
						<td>{key.lastUsedAt === null ? "never" : hour(key.lastUsedAt)}</td>
						<td>
							<PostForm action={`/admin/keys/${key.id}/revoke`} csrf={user.csrf}>
								<button type="submit" class="danger">
									Revoke {key.name}
								</button>
							</PostForm>
						</td>
					</tr>
				))}
			</DataTable>
			{keys.length === 0 && <p class="empty">No API keys yet.</p>}
		</>
	);
}

function CreateKeyForm({
	form,
	errors,
	user,
}: {
	form: FormData;
	errors: Errors;
	user: AdminUser;
}) {
	return (
		<section class="card">
			<h2>Create a key</h2>
			<PostForm action="/admin/keys" csrf={user.csrf}>
				<ErrorSummary errors={errors} labels={{ name: "Name", scopes: "Scopes" }} />
				<Input
					name="name"
					label="Name"
					value={String(form.get("name") ?? "")}
					errors={errors}
					hint="Who or what uses it, e.g. Front desk tablet."
					required
				/>
				<Checkboxes
					name="scopes"
					label="Scopes"
					options={scopeOptions}
					checked={form.getAll("scopes").map(String)}
					errors={errors}
				/>
				<Input
					name="expires_in_days"
					label="Expires after (days)"
					type="number"
					value={String(form.get("expires_in_days") ?? "")}
					errors={errors}
					hint={`Empty: never${user.keyId === null ? "" : " (or with your own key, if it expires)"}. At most ${MAX_KEY_DAYS}.`}
				/>
				<p class="hint">
					{user.calendarId === undefined
						? "The key sees the same calendars as your own key (every calendar for the root token); switch to one calendar on the Calendars page to make a key for it alone."
						: `The key sees calendar ${user.calendarId} only (the calendar these pages show).`}
				</p>
				<button type="submit">Create key</button>
			</PostForm>
		</section>
	);
}

async function keysPage(
	c: AdminContext,
	options: {
		form?: FormData;
		errors?: Errors;
		created?: { name: string; secret: string };
		feedForm?: FormData;
		feedErrors?: Errors;
		feedCreated?: { name: string; url: string };
	} = {},
	status: ContentfulStatusCode = 200,
) {
	const { user } = c.var;
	const [keys, feedTokens] = await Promise.all([
		listApiKeys(c.var.db, { limit: limits.maxListLimit, scope: c.var.principal }),
		listFeedTokens(c.var.db, { limit: limits.maxListLimit, scope: viewScope(c) }),
	]);
	const now = Date.now();
	const form = options.form ?? formOf({ scopes: ["read"] });
	const errors = options.errors ?? {};
	return c.html(
		<Page title="API keys" user={user} active="keys" notice={noticeFor(c.req.query("done"))}>
			<h1>API keys</h1>
			{options.created && (
				<section class="card" role="status">
					<h2>Key “{options.created.name}” created</h2>
					<p>Copy it now: it is shown only once, and only its hash is stored.</p>
					<code class="key-once" id="new-key">
						{options.created.secret}
					</code>
				</section>
			)}
			<KeysTable keys={keys} user={user} now={now} />
			<CreateKeyForm form={form} errors={errors} user={user} />
			<FeedTokensSection
				user={user}
				tokens={feedTokens}
				form={options.feedForm ?? new FormData()}
				errors={options.feedErrors ?? {}}
				created={options.feedCreated}
			/>
		</Page>,
		status,
	);
}

keyPages.get("/keys", (c) => keysPage(c));

keyPages.post("/keys", async (c) => {
	const form = await readForm(c);
	const result = await attempt(() => {
		const days = formReader(form).text("expires_in_days");
		const body = validated(CreateKeyBody, {
			name: formReader(form).text("name"),
			scopes: form.getAll("scopes").map(String),
			expires_in_days: days === "" ? undefined : Number(days),
		});
		const now = Date.now();
		const minter = c.var.principal;
		const expiresAt = mintedExpiry(minter, body.scopes, askedExpiry(body, now));
		const asked = c.var.user.calendarId;
		const calendarIds = mintedCalendars(minter, asked === undefined ? undefined : [asked]);
		const input = {
			name: body.name,
			scopes: body.scopes,
			expiresAt,
			createdBy: minter.id,
			calendarIds,
		};
		return createApiKey(c.var.db, input, now);
	});
	if (result instanceof ApiError) {
		return keysPage(c, { form, errors: formErrors(result) }, result.status);
	}
	// Rendered, not redirected: the key must never travel in a URL.
	return keysPage(c, { created: { name: result.row.name, secret: result.secret } }, 201);
});

keyPages.post("/keys/:id/revoke", async (c) => {
	const id = parseId(c.req.param("id"), "API key");
	await revokeApiKey(c.var.db, id, Date.now(), c.var.principal);
	return c.redirect("/admin/keys?done=key-revoked", 303);
});

keyPages.post("/keys/feed-tokens", async (c) => {
	const form = await readForm(c);
	const { user } = c.var;
	const result = await attempt(() => {
		const read = formReader(form);
		const input = validated(CreateFeedTokenBody, {
			name: read.text("name"),
			pattern_id: read.number("pattern_id"),
		});
		return createFeedToken(
			c.var.db,
			{
				name: input.name,
				patternId: input.pattern_id ?? null,
				calendarId: input.pattern_id ? undefined : user.calendarId,
			},
			{
				now: Date.now(),
				createdBy: user.keyId === null ? "root" : `key:${user.keyId}`,
				scope: c.var.principal,
			},
		);
	});
	if (result instanceof ApiError) {
		return keysPage(c, { feedForm: form, feedErrors: formErrors(result) }, 400);
	}
	const url = feedUrl(c.req.url, { ...result.row, secret: result.secret });
	// Rendered, not redirected, like a new key: the token must never travel in a redirect.
	return keysPage(c, { feedCreated: { name: result.row.name, url } }, 201);
});

keyPages.post("/keys/feed-tokens/:id/revoke", async (c) => {
	const id = parseId(c.req.param("id"), "Feed token");
	await revokeFeedToken(c.var.db, id, Date.now(), c.var.principal);
	return c.redirect("/admin/keys?done=feed-token-revoked", 303);
});
