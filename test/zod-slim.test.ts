// The deployed bundle and the tests take "zod" from src/lib/zod-slim (zod's own entry without its
// locales). This proves the copy against the installed zod, so an upgrade that adds, renames or drops
// an export fails here instead of in production.

import { describe, expect, it } from "vitest";
import * as slim from "zod";
import * as full from "zod/v4";

/**
 * What the slim entry leaves out on purpose: translated messages, and the JIT compiler and JSON
 * Schema converters, which neither the API nor @hono/zod-openapi calls (about 13 KiB gzip).
 */
const LEFT_OUT = ["core", "locales", "compile", "fromJSONSchema", "toJSONSchema"];

describe("the slim zod entry", () => {
	it("is the entry the tests run (the alias applies)", () => {
		expect("locales" in slim).toBe(false);
		expect("locales" in full).toBe(true);
	});

	it("exports everything zod's entry exports except its locales, and nothing else", () => {
		const expected = Object.keys(full)
			.filter((name) => !LEFT_OUT.includes(name))
			.sort();
		expect(Object.keys(slim).sort()).toEqual(expected);
	});

	it("exports the very same functions and classes", () => {
		const slimExports: Record<string, unknown> = { ...slim };
		const fullExports: Record<string, unknown> = { ...full };
		for (const [name, value] of Object.entries(slimExports)) {
			if (["z", "default", "iso", "coerce"].includes(name)) continue;
			expect(value, name).toBe(fullExports[name]);
		}
		expect(Object.keys(slim.iso).sort()).toEqual(Object.keys(full.iso).sort());
		expect(Object.keys(slim.coerce).sort()).toEqual(Object.keys(full.coerce).sort());
	});
});
