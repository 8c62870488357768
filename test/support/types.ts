// What the API answers, typed from its own Zod schemas where src exports them, so that `api()`
// gives each call the body its route documents and a test reading a field the API lacks fails tsc.
import type { z } from "zod";
import type {
	BookingMessage,
	BookingSchema,
	CreatedBookingSchema,
	HoldSchema,
} from "../../src/bookings/schemas";
import type { CalendarSchema } from "../../src/calendars/schemas";
import type { ChangePage, ChangeSchema } from "../../src/changes/routes";
import type { ApiKeyScope } from "../../src/db/schema";
import type { OccurrenceMessage, OccurrenceSchema } from "../../src/occurrences/schemas";
import type { PatternSchema } from "../../src/patterns/schemas";
import type { SplitResult } from "../../src/patterns/split-schemas";
import type { NewWebhookSchema, WebhookSchema } from "../../src/webhooks/schemas";

export type Pattern = z.output<typeof PatternSchema>;
export type Occurrence = z.output<typeof OccurrenceSchema>;
export type OccurrenceAction = z.output<typeof OccurrenceMessage>;
export type Split = z.output<typeof SplitResult>;
export type Calendar = z.output<typeof CalendarSchema>;
export type Booking = z.output<typeof BookingSchema>;
export type CreatedBooking = z.output<typeof CreatedBookingSchema>;
export type BookingAction = z.output<typeof BookingMessage>;
export type Hold = z.output<typeof HoldSchema>;
/** A pattern delete's answer: the booked sessions it kept, when there are some. */
export interface PatternDeleted extends Message {
	kept_booked_sessions?: number[];
}
export type Webhook = z.output<typeof WebhookSchema>;
export type NewWebhook = z.output<typeof NewWebhookSchema>;

export type Change = z.output<typeof ChangeSchema>;
export type ChangesPage = z.output<typeof ChangePage>;

export interface CreatedPattern {
	pattern: Pattern;
	occurrences_created: number;
}

export interface ApiKey {
	id: number;
	name: string;
	prefix: string;
	scopes: ApiKeyScope[];
	created_at: string;
	expires_at: string | null;
	last_used_at: string | null;
	created_by: string | null;
	calendar_ids: number[] | null;
}

export interface FeedToken {
	id: number;
	name: string;
	prefix: string;
	pattern_id: number | null;
	calendar_id: number;
	created_at: string;
	created_by: string | null;
}

export interface NewFeedToken extends FeedToken {
	token: string;
	url: string;
}

export interface NewApiKey extends ApiKey {
	key: string;
}

export interface Message {
	message: string;
}

export interface MaterializeReport {
	horizon: string;
	patterns_scanned: number;
	occurrences_created: number;
	batches: number;
	complete: boolean;
	duration_ms: number;
}

/** An RFC 9457 problem as the API sends it. */
export interface Problem {
	type: string;
	title: string;
	status: number;
	detail: string;
	instance: string;
	errors?: { path: string; message: string }[];
}

/** A JSON document read generically (the OpenAPI document): objects all the way down. */
export interface JsonObject {
	[key: string]: Json;
}
export type Json = string | number | boolean | null | Json[] | JsonObject;

type Query = "" | "/" | `?${string}` | `/?${string}`;
type Id = `${number}` | `${number}${"?" | "/"}${string}`;

/** The success body of `method path` as its route documents it; `unknown` for other paths. */
export type BodyOf<M extends string, P extends string> = P extends
	| `/api/${string}.ics${Query}`
	| `/docs${Query}`
	? string
	: P extends `/api/patterns${Query}`
		? Uppercase<M> extends "POST"
			? CreatedPattern
			: Pattern[]
		: P extends `/api/patterns/${number}/occurrences${Query}`
			? Occurrence[]
			: P extends `/api/patterns/${number}/split${Query}`
				? Split
				: P extends `/api/patterns/${Id}`
					? Uppercase<M> extends "DELETE"
						? PatternDeleted
						: Pattern
					: P extends `/api/occurrences${Query}`
						? Uppercase<M> extends "POST"
							? Occurrence
							: Occurrence[]
						: P extends `/api/occurrences/${number}/bookings${Query}`
							? Uppercase<M> extends "POST"
								? CreatedBooking
								: Booking[]
							: P extends `/api/occurrences/${number}/holds${Query}`
								? Hold
								: P extends `/api/bookings${Query}`
									? Booking[]
									: P extends `/api/bookings/${Id}`
										? Uppercase<M> extends "DELETE"
											? BookingAction
											: Booking
										: P extends `/api/holds/${Id}`
											? Message
											: P extends `/api/occurrences/${number}/${"complete" | "restore"}${Query}`
												? OccurrenceAction
												: P extends `/api/occurrences/${Id}`
													? Uppercase<M> extends "DELETE"
														? OccurrenceAction
														: Occurrence
													: P extends `/api/keys${Query}`
														? Uppercase<M> extends "POST"
															? NewApiKey
															: ApiKey[]
														: P extends `/api/keys/${Id}`
															? Message
															: P extends `/api/feed-tokens${Query}`
																? Uppercase<M> extends "POST"
																	? NewFeedToken
																	: FeedToken[]
																: P extends `/api/feed-tokens/${Id}`
																	? Message
																	: P extends `/api/calendars${Query}`
																		? Uppercase<M> extends "POST"
																			? Calendar
																			: Calendar[]
																		: P extends `/api/calendars/${number}/feed-tokens${Query}`
																			? NewFeedToken
																			: P extends `/api/calendars/${Id}`
																				? Uppercase<M> extends "DELETE"
																					? Message
																					: Calendar
																				: P extends `/api/changes${Query}`
																					? ChangesPage
																					: P extends `/api/webhooks${Query}`
																						? Uppercase<M> extends "POST"
																							? NewWebhook
																							: Webhook[]
																						: P extends `/api/webhooks/${Id}`
																							? Uppercase<M> extends "DELETE"
																								? Message
																								: Webhook
																							: P extends `/api/jobs/materialize${Query}`
																								? MaterializeReport
																								: P extends "/openapi.json"
																									? JsonObject
																									: unknown;

/** An occurrences row as D1 returns it to raw SQL (column names, booleans as 0/1). */
export interface StoredOccurrence {
	id: number;
	pattern_id: number | null;
	title: string;
	description: string;
	start_at: number;
	end_at: number;
	original_start_at: number | null;
	duration_minutes: number;
	status: Occurrence["status"];
	is_exception: number;
	timezone: string;
	version: number;
	created_at: number;
	updated_at: number;
}

/**
 * A node of the OpenAPI document, walked generically by key: the docs page's own type for it
 * (src/docs/schema-view.ts), so that the one justified loose type lives in src, not in each test.
 */
export type { Schema as OpenApiNode } from "../../src/docs/schema-view";
