import { createRoute, z } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, problems } from "../http/openapi";
import { decodeCursor, pageLimit, pageQuery, paginate } from "../http/pagination";
import { createRouter } from "../http/validation";
import { idParam } from "../lib/fields";
import { apiKeyJson, createApiKey, listApiKeys, revokeApiKey, scopes } from "./service";

const tags = ["API keys"];

const keyExample = {
	id: 3,
	name: "Front desk tablet",
	prefix: "cal_q3VZ1x",
	scopes: ["read", "write"] as ("read" | "write")[],
	created_at: "2026-01-01T09:00:00.123Z",
};

const ApiKeySchema = z
	.object({
		id: z.number().int(),
		name: z.string(),
		prefix: z.string().openapi({ description: "The key's first characters, to tell keys apart" }),
		scopes: z.array(z.enum(scopes)),
		created_at: z.string(),
	})
	.openapi("ApiKey", { example: keyExample });

const NewApiKeySchema = ApiKeySchema.extend({
	key: z.string().openapi({ description: "The secret: shown only in this response" }),
}).openapi("NewApiKey", {
	example: { ...keyExample, key: "cal_q3VZ1xT0d8bLr2mVw9K1cY7nH4pQ6sJ5fE3gA0uZxWk" },
});

const ListKeysQuery = z.object(pageQuery);

export const CreateKeyBody = z
	.object({
		name: z.string().min(1, "Name may not be blank.").max(100),
		scopes: z
			.array(z.enum(scopes, "Scopes are read, write and admin."))
			.min(1, "Give at least one scope."),
	})
	.openapi("CreateApiKey", { example: { name: "Front desk tablet", scopes: ["read", "write"] } });

export const keyRoutes = createRouter();

keyRoutes.openapi(
	createRoute({
		method: "post",
		path: "/",
		operationId: "createApiKey",
		tags,
		summary: "Create an API key (the key is shown once; only its hash is stored)",
		request: jsonBody(CreateKeyBody),
		responses: {
			201: jsonResponse(NewApiKeySchema, "Created; `key` is shown only now"),
			...problems(400, 409, 413, 415, 422),
		},
	}),
	async (c) => {
		const { row, secret } = await createApiKey(c.var.db, c.req.valid("json"), Date.now());
		return c.json({ ...apiKeyJson(row), key: secret }, 201);
	},
);

keyRoutes.openapi(
	createRoute({
		method: "get",
		path: "/",
		operationId: "listApiKeys",
		tags,
		summary: "List live API keys (never their secrets), by id; paginated with Link headers",
		request: { query: ListKeysQuery },
		responses: { 200: jsonResponse(z.array(ApiKeySchema), "Keys"), ...problems(400) },
	}),
	async (c) => {
		const query = c.req.valid("query");
		const limit = pageLimit(query.limit);
		const rows = await listApiKeys(c.var.db, {
			afterId: query.cursor ? decodeCursor(query.cursor, ["id"]).id : undefined,
			limit: limit + 1,
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
		await revokeApiKey(c.var.db, id, Date.now());
		return c.json({ message: `API key ${id} revoked.` }, 200);
	},
);
