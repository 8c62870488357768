// The admin console in a real browser (Debian's Chromium through playwright-core), against the
// `wrangler dev` that scripts/test-browser.mjs starts on a fresh local D1. The steps build on each
// other, as a person's visit would: sign in, create a pattern, see and cancel a session, …
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { after, before, describe, test } from "node:test";
import { chromium } from "playwright-core";

const base = process.env.ADMIN_BASE_URL;
const rootToken = process.env.ADMIN_ROOT_TOKEN;
const root = resolve(import.meta.dirname, "..", "..");
const shots = join(root, "test-results", "screenshots");

/** Monday a week ago (UTC): the pattern then has sessions in whatever week the calendar opens on. */
function lastWeeksMonday() {
	const today = new Date();
	const sinceMonday = (today.getUTCDay() + 6) % 7;
	return new Date(Date.now() - (sinceMonday + 7) * 86_400_000).toISOString().slice(0, 10);
}

/** Seeds data through the JSON API with the root token, as an integration would. */
async function callApi(method, path, body) {
	const response = await fetch(`${base}${path}`, {
		method,
		headers: { Authorization: `Bearer ${rootToken}`, "Content-Type": "application/json" },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	assert.ok(response.ok, `${method} ${path}: ${response.status} ${text}`);
	return JSON.parse(text);
}

describe("admin console in Chromium", { skip: !base && "run through npm run test:browser" }, () => {
	let browser;
	let page;
	let readKey;
	const shot = (name, target = page) =>
		target.screenshot({ path: join(shots, `${name}.png`), fullPage: true });

	before(async () => {
		mkdirSync(shots, { recursive: true });
		browser = await chromium.launch({
			executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
			headless: true,
			args: [
				"--no-sandbox",
				"--disable-gpu",
				"--disable-quic",
				"--no-first-run",
				"--disable-background-networking",
				"--disable-component-update",
				"--disable-sync",
			],
		});
		page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
		page.setDefaultTimeout(15_000);
	});

	after(async () => {
		await browser?.close();
	});

	test("sends a visitor to sign-in, then signs in with the root token", async () => {
		await page.goto(`${base}/admin`);
		assert.match(page.url(), /\/admin\/sign-in\?next=%2Fadmin$/);
		await shot("sign-in");
		// Keyboard only: skip link, brand, then the key field; Enter submits.
		for (let tab = 0; tab < 3; tab++) await page.keyboard.press("Tab");
		assert.equal(await page.evaluate(() => document.activeElement?.id), "f-key");
		await page.keyboard.type(rootToken);
		await page.keyboard.press("Enter");
		await page.getByRole("heading", { name: /^Week of/ }).waitFor();
		assert.equal(new URL(page.url()).pathname, "/admin");
		assert.ok(await page.getByText("Root token").isVisible());
	});

	test("creates a weekly pattern from the form", async () => {
		await page.getByRole("link", { name: "Patterns" }).click();
		await page.getByRole("link", { name: "New pattern" }).click();
		await page.getByLabel("Title").fill("Morning yoga");
		await page.getByLabel("Description").fill("Bring a mat.");
		for (const day of ["Monday", "Wednesday", "Friday"]) await page.getByLabel(day).check();
		await page.getByLabel("Time", { exact: true }).fill("09:30");
		await page.getByLabel("Time zone").selectOption("Europe/Paris");
		await page.getByLabel("Duration (minutes)").fill("45");
		await page.getByLabel("Start date").fill(lastWeeksMonday());
		await page.getByRole("button", { name: "Create pattern" }).click();
		await page.getByText("Pattern created, and its sessions generated.").waitFor();
		assert.ok(await page.getByRole("heading", { name: /Morning yoga/ }).isVisible());
		assert.ok(await page.getByText("Mon, Wed, Fri at 09:30 Europe/Paris, 45 min").isVisible());
		await shot("pattern");
	});

	test("shows the pattern's three sessions in the week view", async () => {
		await page.goto(`${base}/admin?tz=Europe/Paris`);
		const sessions = page.locator(".week a.ev", { hasText: "Morning yoga" });
		assert.equal(await sessions.count(), 3);
		assert.match(await sessions.first().textContent(), /09:30–10:15/);
		assert.match(await sessions.first().textContent(), /Scheduled/);
		await shot("week");
	});

	test("cancels one session; its status changes in the detail and the week", async () => {
		await page.locator(".week a.ev", { hasText: "Morning yoga" }).first().click();
		await page.getByRole("button", { name: "Cancel session" }).waitFor();
		await shot("session");
		await page.getByRole("button", { name: "Cancel session" }).click();
		await page.getByText("Session cancelled.").waitFor();
		assert.equal(await page.getByRole("button", { name: "Cancel session" }).count(), 0);
		await page.getByRole("link", { name: "← Week of this session" }).click();
		const cancelled = page.locator(".week a.ev.cancelled");
		assert.equal(await cancelled.count(), 1);
		assert.match(await cancelled.textContent(), /Cancelled/);
		assert.equal(await page.locator(".week a.ev.scheduled").count(), 2);
	});

	test("a bad form shows the API's error next to its field", async () => {
		await page.goto(`${base}/admin/patterns/new`);
		await page.getByLabel("Title").fill("Broken dates");
		await page.getByLabel("Tuesday").check();
		await page.getByLabel("Start date").fill("2030-05-10");
		await page.getByLabel("End date").fill("2030-05-01");
		await page.getByRole("button", { name: "Create pattern" }).click();
		const endDate = page.locator(".field.has-error", { has: page.getByLabel("End date") });
		await endDate.waitFor();
		assert.match(await endDate.textContent(), /Must be after start_date\./);
		assert.equal(await page.getByLabel("End date").getAttribute("aria-invalid"), "true");
		assert.ok(await page.getByRole("alert").getByText("There is a problem").isVisible());
		// What was typed is kept.
		assert.equal(await page.getByLabel("Title").inputValue(), "Broken dates");
		await shot("pattern-form-error");
	});

	test("lists patterns and sessions, and shows the month", async () => {
		await page.goto(`${base}/admin/patterns?search=yoga`);
		assert.equal(await page.locator("tbody tr").count(), 1);
		await shot("patterns");
		await page.goto(`${base}/admin/sessions?status=cancelled&from=${lastWeeksMonday()}`);
		assert.equal(await page.locator("tbody tr").count(), 1);
		await page.goto(`${base}/admin/sessions`);
		await shot("sessions");
		await page.goto(`${base}/admin/month`);
		assert.ok((await page.locator(".month a.ev").count()) >= 8);
		await shot("month");
	});

	test("creates a read-only API key, shown once", async () => {
		await page.getByRole("link", { name: "API keys" }).click();
		await page.getByLabel("Name").fill("Lobby screen");
		await page.getByRole("button", { name: "Create key" }).click();
		readKey = (await page.locator("#new-key").textContent()).trim();
		assert.match(readKey, /^cal_[\w-]{40,}$/);
		await shot("keys");
		await page.goto(`${base}/admin/keys`);
		assert.equal(await page.locator("#new-key").count(), 0);
		assert.ok(await page.getByRole("cell", { name: "Lobby screen", exact: true }).isVisible());
	});

	test("a read-only key sees the calendar but no edit controls", async () => {
		const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
		const phone = await context.newPage();
		await phone.goto(`${base}/admin/sign-in`);
		await phone.getByLabel("API key").fill(readKey);
		await phone.getByRole("button", { name: "Sign in" }).click();
		await phone.getByText("Read-only: this key can look at everything").waitFor();
		assert.equal(await phone.getByRole("link", { name: "New one-time session" }).count(), 0);
		await shot("week-phone", phone);
		await phone.locator("a.ev").first().click();
		await phone.getByText("Duration").waitFor();
		await shot("session-phone", phone);
		assert.deepEqual(await phone.getByRole("button").allInnerTexts(), ["Sign out"]);
		assert.equal(await phone.getByLabel("Title").count(), 0);
		const forbidden = await phone.goto(`${base}/admin/patterns/new`);
		assert.equal(forbidden?.status(), 403);
		await context.close();
	});

	test("a busy week reads at a glance (the README screenshot)", async () => {
		const monday = lastWeeksMonday();
		const patterns = [
			{ title: "Spin class", weekdays: [0, 2, 4], time: "07:00", duration_minutes: 45 },
			{ title: "Pilates", weekdays: [1, 3], time: "18:00", duration_minutes: 60 },
			{ title: "Kids swimming", weekdays: [5], time: "10:00", duration_minutes: 60 },
		];
		for (const pattern of patterns) {
			await callApi("POST", "/api/patterns", {
				...pattern,
				timezone: "Europe/Paris",
				start_date: monday,
			});
		}
		const thisWeek = await page.goto(`${base}/admin?tz=Europe/Paris`);
		assert.equal(thisWeek?.status(), 200);
		const spin = await page
			.locator(".week a.ev", { hasText: "Spin class" })
			.first()
			.getAttribute("href");
		await callApi("POST", `/api/occurrences/${spin?.split("/").at(-1)}/complete`);
		await page.reload();
		assert.equal(await page.locator(".week a.ev.completed").count(), 1);
		assert.equal(await page.locator(".week a.ev").count(), 9);
		await shot("week-busy");
		if (process.env.UPDATE_DOCS_SCREENSHOT) {
			const legend = await page.locator(".legend").boundingBox();
			const height = Math.ceil((legend?.y ?? 800) + (legend?.height ?? 0) + 16);
			await page.screenshot({
				path: join(root, "docs", "admin-week.png"),
				clip: { x: 0, y: 0, width: 1280, height },
			});
		}
	});

	test("changes this and following sessions, previewing first", async () => {
		const nextMonday = new Date(Date.parse(lastWeeksMonday()) + 14 * 86_400_000)
			.toISOString()
			.slice(0, 10);
		await page.goto(`${base}/admin/patterns?search=Morning`);
		await page.getByRole("link", { name: "Morning yoga" }).click();
		await page.getByRole("link", { name: "Change this and following…" }).click();
		await page.getByLabel("Change from (date)").fill(nextMonday);
		await page.getByLabel("Time", { exact: true }).fill("11:00");
		await page.getByRole("button", { name: "Preview" }).click();
		await page.getByText("Preview: nothing is saved yet").waitFor();
		await shot("split-preview");
		await page.getByRole("button", { name: "Save this and following" }).click();
		await page.getByText("Saved: the following sessions now belong to a new pattern.").waitFor();
		assert.ok(await page.getByText("Mon, Wed, Fri at 11:00 Europe/Paris, 45 min").isVisible());
		await page.goto(`${base}/admin?tz=Europe/Paris&date=${nextMonday}`);
		const moved = page.locator(".week a.ev", { hasText: "Morning yoga" });
		assert.equal(await moved.count(), 3);
		assert.match(await moved.first().textContent(), /11:00–11:45/);
	});

	test("books people in on a session's roster; a cancel moves the line up", async () => {
		const session = await callApi("POST", "/api/occurrences", {
			title: "Sold-out workshop",
			start_datetime: new Date(Date.now() + 30 * 86_400_000).toISOString(),
		});
		await callApi("PATCH", `/api/occurrences/${session.id}`, { capacity: 1 });
		await page.goto(`${base}/admin/sessions/${session.id}`);
		await page.getByRole("link", { name: "Roster" }).click();
		for (const [name, email] of [
			["Ada Lovelace", "ada@example.com"],
			["Grace Hopper", "grace@example.com"],
		]) {
			await page.getByLabel("Name").fill(name);
			await page.getByLabel("Email").fill(email);
			await page.getByRole("button", { name: "Book" }).click();
			await page.getByText("Booked.").waitFor();
		}
		assert.ok(await page.getByText("waitlisted #1").isVisible());
		assert.ok(await page.getByText("(1/1 +1 waiting)").isVisible());
		await shot("roster");
		await page.getByRole("button", { name: "Cancel" }).first().click();
		await page.getByText("Booking cancelled").waitFor();
		assert.equal(await page.getByText("waitlisted #1").count(), 0);
		assert.ok(await page.getByText("(1/1)").isVisible());
	});

	test("signs out; the console then asks to sign in again", async () => {
		await page.getByRole("button", { name: "Sign out" }).click();
		await page.getByText("You are signed out.").waitFor();
		await page.goto(`${base}/admin/patterns`);
		assert.match(page.url(), /\/admin\/sign-in\?next=%2Fadmin%2Fpatterns$/);
	});
});
