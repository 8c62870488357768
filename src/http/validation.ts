import { type Hook, OpenAPIHono, type z } from "@hono/zod-openapi";
import type { AppEnv } from "./app-env";
import { ApiError, type FieldError } from "./problem";

export function fieldErrors(error: z.ZodError): FieldError[] {
	return error.issues.map((issue) => ({
		path: issue.path.length ? issue.path.join(".") : "(body)",
		message: issue.message,
	}));
}

/** Every request validator reports failures the same way: a 400 problem listing each field. */
// biome-ignore lint/suspicious/noExplicitAny: the hook serves every route's schemas
export const validationHook: Hook<any, any, any, any> = (result) => {
	if (result.success) return;
	const errors = fieldErrors(result.error);
	const detail = errors.map((error) => `${error.path}: ${error.message}`).join(" ");
	throw new ApiError("validation", detail, { errors });
};

/** A router for one resource: its routes validate through validationHook and document themselves. */
export const createRouter = () => new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
