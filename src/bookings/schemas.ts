import { z } from "@hono/zod-openapi";
import { attendanceValues, bookingStatuses } from "../db/schema";
import { pageQuery } from "../http/pagination";
import { boundedText, instant, maxId } from "../lib/fields";

export const bookingLimits = {
	maxSeats: 10,
	minTtlSeconds: 60,
	maxTtlSeconds: 900,
	defaultTtlSeconds: 300,
} as const;

const seats = z
	.number()
	.int("Seats is a whole number, 1 to 10.")
	.min(1, "Seats is 1 to 10.")
	.max(bookingLimits.maxSeats, "Seats is 1 to 10.")
	.openapi({ example: 2 });

const email = z
	.string()
	.max(254, "An email address is at most 254 characters.")
	.pipe(z.email("Not an email address."))
	.openapi({ example: "ada@example.com" });

export const CreateBookingBody = z
	.object({
		name: boundedText("Name", 200, 1, "Name may not be blank."),
		email,
		seats: seats.optional(),
		hold_id: z.number().int().min(1).max(maxId).optional(),
	})
	.openapi("CreateBooking", {
		example: { name: "Ada Lovelace", email: "ada@example.com", seats: 2 },
	});

export const UpdateBookingBody = z
	.object({
		name: boundedText("Name", 200, 1, "Name may not be blank.").optional(),
		attendance: z.enum(attendanceValues).nullable().optional(),
	})
	.openapi("UpdateBooking", { example: { attendance: "present" } });

export const CreateHoldBody = z
	.object({
		seats,
		ttl_seconds: z
			.number()
			.int()
			.min(bookingLimits.minTtlSeconds, "ttl_seconds is 60 to 900.")
			.max(bookingLimits.maxTtlSeconds, "ttl_seconds is 60 to 900.")
			.optional(),
	})
	.openapi("CreateHold", { example: { seats: 2, ttl_seconds: 300 } });

const statusList = z
	.string()
	.transform((text, ctx) => {
		const statuses = [...new Set(text.split(",").map((part) => part.trim()))];
		if (statuses.some((status) => !(bookingStatuses as readonly string[]).includes(status))) {
			ctx.addIssue({ code: "custom", message: `Status is one of ${bookingStatuses.join(", ")}.` });
			return z.NEVER;
		}
		return statuses as (typeof bookingStatuses)[number][];
	})
	.openapi({
		type: "string",
		example: "waitlisted",
		description: "One status or a comma list (default confirmed,waitlisted)",
	});

export const RosterQuery = z.object({ status: statusList.optional(), ...pageQuery });

export const BookingsOfQuery = z
	.object({ email, start: instant, end: instant, ...pageQuery })
	.superRefine((query, ctx) => {
		if (query.start >= query.end) {
			ctx.addIssue({ code: "custom", path: ["end"], message: "end must be after start." });
		}
	});

export const TokenQuery = z.object({
	token: z.string().min(1).max(128).optional().openapi({
		description:
			"The booking's manage_token (from its 201): opens this booking without an API key.",
		example: "kq3v0d…",
	}),
});

const bookingExample = {
	id: 12,
	occurrence_id: 7,
	name: "Ada Lovelace",
	email: "ada@example.com",
	seats: 2,
	status: "confirmed" as const,
	waitlist_position: null,
	attendance: null,
	cancel_reason: null,
	created_at: "2026-01-02T09:00:00.000Z",
	updated_at: "2026-01-02T09:00:00.000Z",
	cancelled_at: null,
};

export const BookingSchema = z
	.object({
		id: z.number().int(),
		occurrence_id: z.number().int(),
		name: z.string(),
		email: z.string(),
		seats: z.number().int(),
		status: z.enum(bookingStatuses),
		waitlist_position: z.number().int().nullable(),
		attendance: z.enum(attendanceValues).nullable(),
		cancel_reason: z.string().nullable(),
		created_at: z.string(),
		updated_at: z.string(),
		cancelled_at: z.string().nullable(),
	})
	.openapi("Booking", { example: bookingExample });

export const CreatedBookingSchema = BookingSchema.extend({
	manage_token: z.string().openapi({
		description:
			"Shown once: GET and DELETE /api/bookings/{id}?token=… work with it, without an API key.",
		example: "kq3v0dZx8mQ2…",
	}),
}).openapi("CreatedBooking", {
	example: { ...bookingExample, manage_token: "kq3v0dZx8mQ2pL7w" },
});

export const BookingMessage = z.object({
	message: z.string().openapi({ example: "Booking 12 cancelled." }),
	booking: BookingSchema,
});

export const HoldSchema = z
	.object({
		id: z.number().int(),
		occurrence_id: z.number().int(),
		seats: z.number().int(),
		expires_at: z.string(),
	})
	.openapi("Hold", {
		example: { id: 3, occurrence_id: 7, seats: 2, expires_at: "2026-01-02T09:05:00.000Z" },
	});
