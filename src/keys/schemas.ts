import { z } from "@hono/zod-openapi";
import { pageQuery } from "../http/pagination";
import { calendarIdField, instant } from "../lib/fields";
import { scopes } from "./service";

const keyExample = {
	id: 3,
	name: "Front desk tablet",
	prefix: "cal_q3VZ1x",
	scopes: ["read", "write"] as ("read" | "write")[],
	calendar_ids: [2] as number[] | null,
	created_at: "2026-01-01T09:00:00.123Z",
	expires_at: "2026-04-01T09:00:00.123Z",
	last_used_at: "2026-01-02T16:00:04.512Z",
	created_by: "root",
};

const nullableText = (description: string) => z.string().nullable().openapi({ description });

export const ApiKeySchema = z
	.object({
		id: z.number().int(),
		name: z.string(),
		prefix: z.string().openapi({ description: "The key's first characters, to tell keys apart" }),
		scopes: z.array(z.enum(scopes)),
		calendar_ids: z.array(z.number().int()).nullable().openapi({
			description: "The calendars the key sees; null: every calendar",
		}),
		created_at: z.string(),
		expires_at: nullableText(
			"When the key stops working (401 from then on); null if it never expires",
		),
		last_used_at: nullableText(
			"Its last authenticated use, to the hour (rewritten at most hourly); null if never used",
		),
		created_by: nullableText(
			'"root" or "key:<id>" of the key that minted it; null for keys older than this field',
		),
	})
	.openapi("ApiKey", { example: keyExample });

export const NewApiKeySchema = ApiKeySchema.extend({
	key: z.string().openapi({ description: "The secret: shown only in this response" }),
}).openapi("NewApiKey", {
	example: { ...keyExample, key: "cal_q3VZ1xT0d8bLr2mVw9K1cY7nH4pQ6sJ5fE3gA0uZxWk" },
});

export const ListKeysQuery = z.object(pageQuery);

/** The longest lifetime a key may be given. */
export const MAX_KEY_DAYS = 3650;
const DAY_MS = 86_400_000;

export const CreateKeyBody = z
	.object({
		name: z.string().min(1, "Name may not be blank.").max(100),
		scopes: z
			.array(z.enum(scopes, "Scopes are read, write and admin."))
			.min(1, "Give at least one scope."),
		calendar_ids: z
			.array(calendarIdField)
			.min(1, "Give at least one calendar, or omit calendar_ids.")
			.max(100, "At most 100 calendars per key.")
			.optional()
			.openapi({
				description:
					"The calendars the key sees (anything else is 404 to it). Omitted: every calendar, or the minting key's own when it is scoped. A key never gets a calendar its minter cannot see (403).",
				example: [2],
			}),
		expires_at: instant.optional().openapi({
			description: `When the key stops working: a future instant, at most ${MAX_KEY_DAYS} days ahead. Omit both this and expires_in_days for a key that does not expire (a key minted by an expiring key expires with it, and never later).`,
		}),
		expires_in_days: z
			.number()
			.int("Give a whole number of days.")
			.min(1, "At least 1 day.")
			.max(MAX_KEY_DAYS, `At most ${MAX_KEY_DAYS} days.`)
			.optional()
			.openapi({ description: "The same as expires_at, counted in days from now" }),
	})
	.superRefine((body, ctx) => {
		if (body.expires_at !== undefined && body.expires_in_days !== undefined) {
			const message = "Send expires_at or expires_in_days, not both.";
			ctx.addIssue({ code: "custom", path: ["expires_in_days"], message });
		}
		const now = Date.now();
		if (body.expires_at !== undefined && body.expires_at <= now) {
			ctx.addIssue({ code: "custom", path: ["expires_at"], message: "Must be in the future." });
		}
		if (body.expires_at !== undefined && body.expires_at > now + MAX_KEY_DAYS * DAY_MS) {
			const message = `At most ${MAX_KEY_DAYS} days ahead.`;
			ctx.addIssue({ code: "custom", path: ["expires_at"], message });
		}
	})
	.openapi("CreateApiKey", {
		example: { name: "Front desk tablet", scopes: ["read", "write"], expires_in_days: 90 },
	});

/** The expiry a create body asks for, in epoch ms; null for a key that does not expire. */
export function askedExpiry(body: z.output<typeof CreateKeyBody>, now: number): number | null {
	if (body.expires_at !== undefined) return body.expires_at;
	return body.expires_in_days === undefined ? null : now + body.expires_in_days * DAY_MS;
}
