import { createRoute, z } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, problems } from "../http/openapi";
import { decodeCursor, pageLimit, paginate } from "../http/pagination";
import { createRouter } from "../http/validation";
import { idParam } from "../lib/fields";
import {
	ApiKeySchema,
	askedExpiry,
	CreateKeyBody,
	ListKeysQuery,
	NewApiKeySchema,
} from "./schemas";
import {
	apiKeyJson,
	createApiKey,
	listApiKeys,
	mintedCalendars,
	mintedExpiry,
	revokeApiKey,
} from "./service";

const tags = ["API keys"];
export const keyRoutes = createRouter();

keyRoutes.openapi(
	createRoute({
		method: "post",
		path: "/",
		operationId: "createApiKey",
		tags,
		summary: "Create an API key (the key is shown once; only its hash is stored)",
		description:
			"No key mints a broader key: only the root token mints `admin` keys (an admin key mints `read` and `write` keys), a key minted by an expiring key expires no later than it, and a scoped key mints keys only for its own calendars. Otherwise 403. An unknown calendar is 400.",
		request: jsonBody(CreateKeyBody),
		responses: {
			201: jsonResponse(NewApiKeySchema, "Created; `key` is shown only now"),
			...problems(400, 403, 409, 413, 415, 422),
		},
	}),
	async (c) => {
		const body = c.req.valid("json");
		const now = Date.now();
		const minter = c.var.principal;
		const expiresAt = mintedExpiry(minter, body.scopes, askedExpiry(body, now));
		const calendarIds = mintedCalendars(minter, body.calendar_ids);
		const { row, secret } = await createApiKey(
			c.var.db,
			{ name: body.name, scopes: body.scopes, expiresAt, createdBy: minter.id, calendarIds },
			now,
		);
		return c.json({ ...apiKeyJson(row), key: secret }, 201);
	},
);

keyRoutes.openapi(
	createRoute({
		method: "get",
		path: "/",
		operationId: "listApiKeys",
		tags,
		summary:
			"List unrevoked API keys (never their secrets), expired ones included, by id; paginated with Link headers",
		request: { query: ListKeysQuery },
		responses: { 200: jsonResponse(z.array(ApiKeySchema), "Keys"), ...problems(400) },
	}),
	async (c) => {
		const query = c.req.valid("query");
		const limit = pageLimit(query.limit);
		const rows = await listApiKeys(c.var.db, {
			afterId: query.cursor ? decodeCursor(query.cursor, ["id"]).id : undefined,
			limit: limit + 1,
			scope: c.var.principal,
		});
		return c.json(paginate(c, rows, limit, (row) => ({ id: row.id })).map(apiKeyJson), 200);
	},
);

keyRoutes.openapi(
	createRoute({
		method: "delete",
		path: "/{id}",
		operationId: "revokeApiKey",
		tags,
		summary: "Revoke an API key, effective immediately",
		request: { params: idParam("API key") },
		responses: {
			200: jsonResponse(
				z.object({ message: z.string() }).openapi({ example: { message: "API key 3 revoked." } }),
				"Revoked",
			),
			...problems(404),
		},
	}),
	async (c) => {
		const id = c.req.valid("param").id;
		await revokeApiKey(c.var.db, id, Date.now(), c.var.principal);
		return c.json({ message: `API key ${id} revoked.` }, 200);
	},
);
