// The API reference (/docs) on a phone, in Debian's Chromium through playwright-core, against the
// `wrangler dev` that scripts/test-browser.mjs starts: it fits a 390 px screen with every section
// open, and its operation menu reaches every operation the OpenAPI document lists.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { after, before, describe, test } from "node:test";
import { chromium } from "playwright-core";

const base = process.env.ADMIN_BASE_URL;
const root = resolve(import.meta.dirname, "..", "..");
const shots = join(root, "test-results", "screenshots");
const PHONE = { width: 390, height: 844 };

/** "get /api/patterns/{id}" for every operation of the served OpenAPI document. */
async function documentedOperations() {
	const document = await (await fetch(`${base}/openapi.json`)).json();
	return Object.entries(document.paths).flatMap(([path, item]) =>
		["get", "post", "put", "patch", "delete"]
			.filter((method) => item[method])
			.map((method) => `${method} ${path}`),
	);
}

/** How wide the page is, and the widest elements that stick out (for the failure message). */
const measure = (page) =>
	page.evaluate(() => {
		const width = document.documentElement.clientWidth;
		const outside = [...document.querySelectorAll("body *")]
			.filter((element) => element.getBoundingClientRect().right > width + 0.5)
			.filter((element) => element.parentElement.getBoundingClientRect().right <= width + 0.5)
			.map((element) => `${element.tagName.toLowerCase()}.${element.className}`);
		return { scrollWidth: document.documentElement.scrollWidth, outside: [...new Set(outside)] };
	});

describe("API reference on a phone", { skip: !base && "run through npm run test:browser" }, () => {
	let browser;
	let page;

	before(async () => {
		mkdirSync(shots, { recursive: true });
		browser = await chromium.launch({
			executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
			headless: true,
			args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
		});
		page = await (await browser.newContext({ viewport: PHONE })).newPage();
		page.setDefaultTimeout(15_000);
		await page.goto(`${base}/docs`);
	});

	after(async () => {
		await browser?.close();
	});

	test("fits 390 px without sideways scrolling, closed and with every section open", async () => {
		const closed = await measure(page);
		assert.ok(closed.scrollWidth <= PHONE.width, `closed: ${JSON.stringify(closed)}`);
		// Response schemas and Try it forms live in <details>: open them all, as a reader would.
		await page.evaluate(() => {
			for (const details of document.querySelectorAll("details")) details.open = true;
		});
		const open = await measure(page);
		await page.screenshot({ path: join(shots, "docs-phone.png") });
		assert.ok(open.scrollWidth <= PHONE.width, `open: ${JSON.stringify(open)}`);
		await page.evaluate(() => {
			for (const details of document.querySelectorAll("details")) details.open = false;
		});
	});

	test("has an operation menu that links to every operation, once", async () => {
		const operations = await documentedOperations();
		assert.ok(operations.length > 10, `only ${operations.length} operations`);
		const menu = page.getByRole("navigation", { name: "Operations" });
		assert.ok(await menu.isVisible(), "the menu is not shown at 390 px");
		const targets = await menu.locator('a[href^="#op-"]').evaluateAll((links) =>
			links.map((link) => {
				const article = document.getElementById(link.getAttribute("href").slice(1));
				const heading = article?.querySelector("h3")?.textContent ?? "";
				return heading.replace(/^(GET|POST|PUT|PATCH|DELETE)/, "$1 ").toLowerCase();
			}),
		);
		assert.deepEqual(
			[...targets].sort(),
			operations.map((operation) => operation.toLowerCase()).sort(),
		);
	});

	test("takes a reader from the header to an operation in two taps", async () => {
		await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
		await page.getByRole("link", { name: "Menu", exact: true }).click();
		const menu = page.getByRole("navigation", { name: "Operations" });
		const group = menu.locator("details").last();
		await group.locator("summary").click();
		const link = group.locator('a[href^="#op-"]').first();
		const href = await link.getAttribute("href");
		await link.click();
		const top = await page.evaluate(
			(id) => document.getElementById(id).getBoundingClientRect().top,
			href.slice(1),
		);
		assert.ok(top >= 0 && top < PHONE.height / 2, `${href} is at ${top} px`);
		assert.ok((await measure(page)).scrollWidth <= PHONE.width);
	});
});
