import type { App } from "../http/app-env";
import { openApiDocument, registerHttpComponents } from "./openapi";
import { NONCE_SLOT, renderDocsPage } from "./page";

const pages = new Map<string, string>();

/** A CSP for the page: its own inline style and script by nonce, requests to its own origin only. */
const pagePolicy = (nonce: string) =>
	[
		"default-src 'none'",
		`script-src 'nonce-${nonce}'`,
		`style-src 'nonce-${nonce}'`,
		"connect-src 'self'",
		"img-src 'self' data:",
		"base-uri 'none'",
		"form-action 'none'",
		"frame-ancestors 'none'",
	].join("; ");

/** Serves the OpenAPI document at /openapi.json and the interactive reference at /docs. */
export function serveReference(app: App) {
	registerHttpComponents(app);
	app.get("/openapi.json", (c) => c.json(openApiDocument(app, new URL(c.req.url).origin)));
	app.get("/docs", (c) => {
		const origin = new URL(c.req.url).origin;
		let page = pages.get(origin);
		if (page === undefined) {
			page = renderDocsPage(openApiDocument(app, origin));
			if (pages.size >= 8) pages.clear();
			pages.set(origin, page);
		}
		const nonce = crypto.randomUUID().replaceAll("-", "");
		c.header("Content-Security-Policy", pagePolicy(nonce));
		return c.html(page.replaceAll(NONCE_SLOT, nonce));
	});
}
