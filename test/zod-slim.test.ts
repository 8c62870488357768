// The deployed bundle and the tests take "zod" from src/lib/zod-slim (zod's own entry without its
// locales). This proves the copy against the installed zod, so an upgrade that adds, renames or drops
// an export fails here instead of in production.
import * as slim from "zod";
import * as full from "zod/v4";
import { describe, expect, it } from "vitest";

/** What the slim entry leaves out on purpose: translated messages the API never loads. */
const LEFT_OUT = ["core", "locales"];

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
		for (const name of Object.keys(slim)) {
			if (name === "z" || name === "default" || name === "iso" || name === "coerce") continue;
			expect(slim[name as keyof typeof slim], name).toBe(full[name as keyof typeof full]);
		}
		expect(Object.keys(slim.iso).sort()).toEqual(Object.keys(full.iso).sort());
		expect(Object.keys(slim.coerce).sort()).toEqual(Object.keys(full.coerce).sort());
	});
});
