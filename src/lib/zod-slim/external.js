// zod's own entry (zod/v4/classic/external.js) without `locales`: about 300 KB of translated
// error messages this API never loads, which the bundler cannot drop because @hono/zod-openapi
// passes the whole `z` namespace around (216 KiB gzip with zod's entry, 175 with this one, before
// calendars, bookings and webhooks; the budget is 200). wrangler.toml and vitest.config.ts both
// alias "zod" to index.js here, so the tests run what production runs; test/zod-slim.test.ts fails
// when zod's entry gains or loses an export.
// `core` is left out: exporting its namespace would keep every locale it re-exports. So are
// `compile`, `toJSONSchema` and `fromJSONSchema`: nothing here or in @hono/zod-openapi calls them,
// and they cost about 13 KiB gzip (209 KiB with them, 196 without).

export * from "../../../node_modules/zod/v4/classic/checks.js";
export * as coerce from "../../../node_modules/zod/v4/classic/coerce.js";
export * from "../../../node_modules/zod/v4/classic/compat.js";
export { deepPartial } from "../../../node_modules/zod/v4/classic/deep-partial.js";
export * from "../../../node_modules/zod/v4/classic/errors.js";
export { input, output } from "../../../node_modules/zod/v4/classic/in-out.js";
export * as iso from "../../../node_modules/zod/v4/classic/iso.js";
export {
	ZodISODate,
	ZodISODateTime,
	ZodISODuration,
	ZodISOTime,
} from "../../../node_modules/zod/v4/classic/iso.js";
export * from "../../../node_modules/zod/v4/classic/parse.js";
export * from "../../../node_modules/zod/v4/classic/schemas.js";
export {
	$brand,
	$input,
	$output,
	clone,
	config,
	flattenError,
	formatError,
	getDiscriminatedOption,
	globalRegistry,
	INVALID,
	memoizer,
	NEVER,
	prettifyError,
	regexes,
	registry,
	TimePrecision,
	toZod,
	treeifyError,
	util,
	withParser,
	ZodCompileAsyncError,
	ZodCompileUnsupportedError,
} from "../../../node_modules/zod/v4/core/index.js";
