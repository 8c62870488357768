import { limits } from "../lib/fields";

/** The document's description: the contract of the HTTP layer, in the Markdown OpenAPI allows. */
export const apiOverview = `Weekly recurring session patterns and one-time sessions, materialized ahead of time and stored in D1. Paths work with and without a trailing slash. Times are ISO 8601; instants in responses are UTC.

## Authentication
Every \`/api\` request sends \`Authorization: Bearer <key>\`. Keys come from \`POST /api/keys\` (the root token or an \`admin\` key) with scopes \`read\`, \`write\` and \`admin\`: \`write\` includes \`read\`, \`admin\` includes both and manages keys, feed tokens and jobs. A key is shown once, when created; only its SHA-256 hash is stored, and revoking it takes effect on the next write at once, and on reads once the read replicas have caught up (see Read replication). Only the root token mints \`admin\` keys; a key may be given an expiry (\`expires_in_days\` or \`expires_at\`), and a key minted by an expiring key expires no later than it. No key, a malformed header or an unknown, revoked or expired key is 401 (too many such failures from one address, 429) with \`WWW-Authenticate: Bearer\`; a key without the scope is 403. When the deployment sets \`PUBLIC_READ\` to \`"true"\`, GET and HEAD need no key.

## Calendars
One deployment serves many calendars (studios, rooms, teachers). Every pattern and session belongs to one (\`calendar_id\`; omitted on create: the default calendar, 1, which holds every row older than calendars). A key created with \`calendar_ids\` sees only those calendars: anything else is 404, exactly as if it did not exist, and lists and range queries leave it out; \`?calendar_id=\` narrows a list to one calendar. No key mints a key for a calendar it cannot see. \`GET /api/calendar.ics\` is the default calendar's feed.

## Conditional requests
Patterns and sessions carry a strong \`ETag\` that changes with every change; lists carry one too (a hash of their content). Send it back in \`If-None-Match\` on GET to get 304 when nothing changed, and in \`If-Match\` on PATCH, DELETE, complete and split to write only if nobody else did meanwhile: otherwise 412. Check and write are one atomic step, so of two clients racing with the same ETag exactly one wins.

## Idempotency
Send \`Idempotency-Key: <unique string>\` with any POST to make retries safe. The first response is kept for 24 hours and replayed, with \`Idempotent-Replayed: true\`, to a retry with the same key and body; nothing is created twice. The same key with another body is 422; a retry while the first request still runs is 409 with \`Retry-After\`. A request that fails without changing anything frees its key. Keys are per API key.

## Pagination
Lists return a bare JSON array of at most \`limit\` rows (default ${limits.defaultListLimit}, at most ${limits.maxListLimit}). While more remain, a \`Link: <…>; rel="next"\` header (RFC 8288) gives the next page's URL, with an opaque \`cursor\`. Walking the links returns every row once, even while rows are being added.

## Read replication
Reads may be served by a D1 read replica near the client, which can be a moment behind. Every response that touched the database carries \`X-D1-Bookmark\`: send the last one you got back as \`X-D1-Bookmark\` and the request is served by a copy at least that recent, so you always read your own writes and never see time go backwards. \`first-primary\` asks for the newest data; writes always start at the primary. A malformed bookmark is 400.

## Errors
Every error is \`application/problem+json\` (RFC 9457) with a stable \`type\` URI per kind of problem; invalid fields are listed in \`errors\`.

## Limits
Request bodies are at most ${limits.bodyBytes / 1024} KiB (413). Each API key, or each client address without a key, has a per-minute request budget (600 unless the deployment's \`[[ratelimits]]\` says otherwise); past it, 429 with \`Retry-After\`. The root token is the operator's own and is not limited.

## Observability
Every response has \`X-Request-Id\` (yours, if you sent a sane one) and every \`/api\` response a \`Server-Timing\` header with the D1 time, queries and rows behind it, e.g. \`d1;dur=0.42;desc="queries=2 rows_read=3 rows_written=1"\`. Each request is logged as one JSON line with the same id.`;

export const tagDescriptions: Record<string, string> = {
	Patterns:
		"Weekly templates. Creating one materializes its sessions; editing one moves its future, unedited sessions.",
	Occurrences:
		"Sessions: one-time, or born from a pattern. Range queries, edits, cancel, complete.",
	Feeds:
		"iCalendar (RFC 5545) subscriptions: each series one recurring event, with its exceptions. Calendar apps send a feed token as ?key=; revalidation (If-None-Match) is one row.",
	"API keys": "Bearer keys with scopes. Needs the root token or an admin key.",
	"Feed tokens":
		"Read-only secrets for feed addresses (?key=): they open the feeds and nothing else, one series' feed if given a pattern. Needs the root token or an admin key.",
	Calendars:
		"Studios, rooms or teachers in one deployment, each invisible to keys scoped to others. Creating, renaming and deleting them, and their feed tokens, need an admin key.",
	Jobs: "What the Cron Trigger runs, on demand.",
	Reference: "This document and its interactive page.",
};
