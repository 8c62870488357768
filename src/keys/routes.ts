import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../http/app-env";
import { parseId } from "../http/ids";
import { jsonBody, jsonResponse, problems } from "../http/openapi";
import { validationHook } from "../http/validation";
import { idParam } from "../lib/fields";
import { apiKeyJson, createApiKey, listApiKeys, revokeApiKey, scopes } from "./service";

const tags = ["API keys"];

const ApiKeySchema = z
	.object({
		id: z.number().int(),
		name: z.string(),
		prefix: z.string(),
		scopes: z.array(z.enum(scopes)),
		created_at: z.string(),
	})
	.openapi("ApiKey");

export const CreateKeyBody = z
	.object({
		name: z.string().min(1, "Name may not be blank.").max(100),
		scopes: z
			.array(z.enum(scopes, "Scopes are read, write and admin."))
			.min(1, "Give at least one scope."),
	})
	.openapi("CreateApiKey", { example: { name: "Front desk tablet", scopes: ["read", "write"] } });

export const keyRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

keyRoutes.openapi(
	createRoute({
		method: "post",
		path: "/",
		tags,
		summary: "Create an API key (the key is shown once; only its hash is stored)",
		request: jsonBody(CreateKeyBody),
		responses: {
			201: jsonResponse(
				ApiKeySchema.extend({ key: z.string() }),
				"Created; `key` is shown only now",
			),
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
		tags,
		summary: "List live API keys (never their secrets)",
		responses: { 200: jsonResponse(z.array(ApiKeySchema), "Keys") },
	}),
	async (c) => c.json((await listApiKeys(c.var.db)).map(apiKeyJson), 200),
);

keyRoutes.openapi(
	createRoute({
		method: "delete",
		path: "/{id}",
		tags,
		summary: "Revoke an API key, effective immediately",
		request: { params: idParam },
		responses: {
			200: jsonResponse(z.object({ message: z.string() }), "Revoked"),
			...problems(404),
		},
	}),
	async (c) => {
		const id = parseId(c.req.valid("param").id, "API key");
		await revokeApiKey(c.var.db, id, Date.now());
		return c.json({ message: `API key ${id} revoked.` }, 200);
	},
);
