import { z } from "@hono/zod-openapi";
import { type ProblemCode, problemTypes, problemTypeUri } from "./problem";

const problemTypeUris = (Object.keys(problemTypes) as ProblemCode[]).map(problemTypeUri);

export const ProblemSchema = z
	.object({
		type: z
			.enum(problemTypeUris as [string, ...string[]])
			.openapi({ example: problemTypeUri("validation") }),
		title: z.string().openapi({ example: "Invalid request" }),
		status: z.number().int().openapi({ example: 400 }),
		detail: z.string().openapi({ example: "weekday: Weekday is 0 (Monday) to 6 (Sunday)." }),
		instance: z.string().openapi({ example: "/api/patterns" }),
		booking_id: z
			.number()
			.int()
			.optional()
			.openapi({ description: "already_booked: the live booking of that address", example: 12 }),
		errors: z
			.array(z.object({ path: z.string(), message: z.string() }))
			.optional()
			.openapi({ example: [{ path: "weekday", message: "Weekday is 0 (Monday) to 6 (Sunday)." }] }),
	})
	.openapi("Problem");

const problemContent = { "application/problem+json": { schema: ProblemSchema } };

/** Problem responses for an operation, by status, for the OpenAPI document. */
export function problems(...statuses: number[]) {
	const all = [...new Set([...statuses, 401, 403, 429, 500, 503])];
	return Object.fromEntries(
		all.map((status) => {
			const title = Object.values(problemTypes).find((type) => type.status === status)?.title;
			return [status, { description: title ?? "Problem", content: problemContent }];
		}),
	);
}

export const jsonBody = <T extends z.ZodType>(schema: T, description?: string) => ({
	body: { required: true, description, content: { "application/json": { schema } } },
});

export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
	description,
	content: { "application/json": { schema } },
});
