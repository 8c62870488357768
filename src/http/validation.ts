import { type Hook, OpenAPIHono, type z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "./app-env";
import { ApiError, type FieldError } from "./problem";

export function fieldErrors(error: z.ZodError): FieldError[] {
	return error.issues.map((issue) => ({
		path: issue.path.length ? issue.path.join(".") : "(body)",
		message: issue.message,
	}));
}

/**
 * The query parameters a request repeats (`?limit=1&limit=2`), which Hono hands to the validator
 * as arrays. Every query parameter of this API takes one value; a list is one comma-separated
 * value (`status=scheduled,cancelled`).
 */
function repeatedParameters(target: string, c: Context): Set<string> {
	if (target !== "query") return new Set();
	return new Set(
		Object.entries(c.req.queries())
			.filter(([, values]) => values.length > 1)
			.map(([name]) => name),
	);
}

/**
 * Every request validator reports failures the same way: a 400 problem listing each field. A
 * repeated query parameter the route knows is reported as such, once, instead of the schema's
 * "expected string, received array"; one the route does not know is ignored, like any unknown one.
 * Path parameters are ids (src/lib/fields.ts, `idParam`): one that fails its schema names no
 * resource, a 404 whose detail its issue carries.
 */
// biome-ignore lint/suspicious/noExplicitAny: the hook serves every route's schemas
export const validationHook: Hook<any, any, any, any> = (result, c) => {
	if (result.success) return;
	if (result.target === "param") {
		throw new ApiError("not_found", result.error.issues[0]?.message ?? "No such resource.");
	}
	const repeated = repeatedParameters(result.target, c);
	const errors: FieldError[] = [];
	const reported = new Set<string>();
	for (const error of fieldErrors(result.error)) {
		const name = error.path.split(".")[0] ?? "";
		if (!repeated.has(name)) errors.push(error);
		else if (!reported.has(name)) {
			reported.add(name);
			errors.push({ path: name, message: `\`${name}\` must be given once.` });
		}
	}
	const detail = errors.map((error) => `${error.path}: ${error.message}`).join(" ");
	throw new ApiError("validation", detail, { errors });
};

/** A router for one resource: its routes validate through validationHook and document themselves. */
export const createRouter = () => new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
