import { problemTypes, problemTypeUri } from "../http/problem";
import { script, styles } from "./assets";
import { escapeHtml as esc, escapeText, headingsOf, markdown, slug } from "./markdown";
import { problemCatalog, problemCodes } from "./problem-catalog";
import { type Schema, schemaView, typeLabel } from "./schema-view";

interface Operation {
	method: string;
	path: string;
	op: Schema;
}

const METHODS = ["get", "post", "patch", "put", "delete"];
export const NONCE_SLOT = "__NONCE__";

/**
 * The interactive reference, rendered on the server from the OpenAPI document: a table of
 * contents, every operation with its parameters, bodies, responses and examples, a "Try it" form
 * per operation, the schemas and the problem types. One HTML response, inline styles and script
 * (allowed by a per-response CSP nonce), nothing fetched from elsewhere.
 */
export function renderDocsPage(document: Schema): string {
	const components: Schema = document.components ?? {};
	const resolve = (item: Schema): Schema => {
		const ref: string | undefined = item?.$ref;
		if (!ref) return item;
		const [, , kind, name] = ref.split("/");
		return kind && name ? (components[kind]?.[name] ?? item) : item;
	};

	const operations: Operation[] = [];
	for (const [path, item] of Object.entries(document.paths ?? {}) as [string, Schema][]) {
		for (const method of METHODS)
			if (item[method]) operations.push({ method, path, op: item[method] });
	}
	const tags = [...new Set(operations.map(({ op }) => op.tags?.[0] ?? "Other"))];
	const tagInfo = new Map<string, string>(
		(document.tags ?? []).map((tag: Schema) => [tag.name, tag.description ?? ""]),
	);
	const opId = ({ method, path }: Operation) => `op-${method}-${slug(path)}`;
	const inTag = (tag: string) => operations.filter(({ op }) => (op.tags?.[0] ?? "Other") === tag);

	const example = (media: Schema | undefined): unknown => {
		if (!media) return undefined;
		if (media.example !== undefined) return media.example;
		const first = Object.values(media.examples ?? {})[0] as Schema | undefined;
		if (first?.value !== undefined) return first.value;
		return schemaExample(media.schema);
	};
	const schemaExample = (schema: Schema | undefined): unknown => {
		if (!schema) return undefined;
		const target = resolve(schema);
		if (target.example !== undefined) return target.example;
		if (target.type === "array") {
			const item = schemaExample(target.items);
			return item === undefined ? undefined : [item];
		}
		if (target.properties) {
			const entries = Object.entries(target.properties as Record<string, Schema>)
				.map(([name, field]) => [name, schemaExample(field)])
				.filter(([, value]) => value !== undefined);
			return entries.length ? Object.fromEntries(entries) : undefined;
		}
		return undefined;
	};
	const json = (value: unknown) =>
		value === undefined
			? ""
			: `<pre><code>${escapeText(JSON.stringify(value, null, 2))}</code></pre>`;

	const parameterRows = (parameters: Schema[]) =>
		parameters
			.map(resolve)
			.map(
				(p) =>
					`<tr><td><code>${esc(p.name)}</code>${p.required ? '<span class="req">*</span>' : ""}</td><td>${esc(p.in)}</td><td>${typeLabel(p.schema ?? {})}</td><td>${markdown(p.description ?? p.schema?.description ?? "")}</td></tr>`,
			)
			.join("");

	const responseBlock = (status: string, raw: Schema) => {
		const response = resolve(raw);
		const [type, media] = (Object.entries(response.content ?? {})[0] ?? []) as [string, Schema];
		// X-Request-Id and Server-Timing come with every response; the overview says so once.
		const headers = Object.keys(response.headers ?? {}).filter(
			(name) => name !== "X-Request-Id" && name !== "Server-Timing",
		);
		const headerLine = headers.length
			? `<p class="c">Headers: ${headers.map((h) => `<code>${esc(h)}</code>`).join(" ")}</p>`
			: "";
		// Problem bodies all share one schema: name the types and link to the table below.
		const body = !media
			? ""
			: type === "application/problem+json"
				? `<p class="c">${esc(type)}: ${Object.keys(media.examples ?? {})
						.map((code) => `<a href="#problem-${esc(code)}">${esc(code)}</a>`)
						.join(", ")}</p>`
				: `<p class="c">${esc(type)}</p>${schemaView(media.schema ?? {})}${json(example(media))}`;
		return `<details><summary><span class="st s${status[0]}">${esc(status)}</span> ${esc(response.description ?? "")}</summary>${headerLine}${body}</details>`;
	};

	const tryForm = ({ method, path, op }: Operation) => {
		const inputs = (op.parameters ?? [])
			.map(resolve)
			.map((p: Schema) => {
				const hint = p.example ?? p.schema?.example ?? "";
				return `<label class="row"><span><code>${esc(p.name)}</code> <span class="c">${esc(p.in)}</span></span><input name="${esc(p.name)}" data-in="${esc(p.in)}" placeholder="${esc(hint)}"${p.required ? " required" : ""}></label>`;
			})
			.join("");
		const body = op.requestBody
			? `<textarea name="body" spellcheck="false">${escapeText(JSON.stringify(example(op.requestBody.content?.["application/json"]) ?? {}, null, 2))}</textarea>`
			: "";
		return `<details class="try"><summary>Try it</summary><form class="try" data-method="${method.toUpperCase()}" data-path="${esc(path)}">${inputs}${body}<button type="submit">Send ${method.toUpperCase()}</button><div class="out"></div></form></details>`;
	};

	const operationBlock = (operation: Operation) => {
		const { method, path, op } = operation;
		const parameters: Schema[] = op.parameters ?? [];
		const requestMedia = op.requestBody?.content?.["application/json"];
		return `<article class="op" id="${opId(operation)}"><h3><span class="m ${method}">${method.toUpperCase()}</span><code>${esc(path)}</code></h3><p class="sum">${esc(op.summary ?? "")}</p>${markdown(op.description ?? "")}${
			parameters.length
				? `<h4>Parameters</h4><table><tbody>${parameterRows(parameters)}</tbody></table>`
				: ""
		}${
			requestMedia
				? `<h4>Request body</h4>${schemaView(requestMedia.schema ?? {})}${json(example(requestMedia))}`
				: ""
		}<h4>Responses</h4>${Object.entries(op.responses ?? {})
			.map(([status, response]) => responseBlock(status, response as Schema))
			.join("")}${tryForm(operation)}</article>`;
	};

	const schemas = Object.entries((components.schemas ?? {}) as Record<string, Schema>);
	const overview = document.info?.description ?? "";
	const nav = `<nav><h4>Overview</h4>${headingsOf(overview)
		.map((heading) => `<a href="#overview-${slug(heading)}">${esc(heading)}</a>`)
		.join("")}${tags
		.map(
			(tag) =>
				`<h4><a href="#tag-${slug(tag)}">${esc(tag)}</a></h4>${inTag(tag)
					.map(
						(operation) =>
							`<a href="#${opId(operation)}"><span class="m ${operation.method}">${operation.method.toUpperCase()}</span><code>${esc(operation.path)}</code></a>`,
					)
					.join("")}`,
		)
		.join(
			"",
		)}<h4><a href="#schemas">Schemas</a></h4>${schemas.map(([name]) => `<a href="#schema-${esc(name)}">${esc(name)}</a>`).join("")}<h4><a href="#problems">Problem types</a></h4></nav>`;

	const problemsTable = `<h2 id="problems">Problem types</h2><table><thead><tr><th>type</th><th>status</th><th>when</th></tr></thead><tbody>${problemCodes
		.map(
			(code) =>
				`<tr id="problem-${code}"><td><code>${esc(problemTypeUri(code))}</code><br>${esc(problemTypes[code].title)}</td><td>${problemTypes[code].status}</td><td>${markdown(problemCatalog[code].when)}</td></tr>`,
		)
		.join("")}</tbody></table>`;

	const title = esc(document.info?.title ?? "API");
	return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title} reference</title><style nonce="${NONCE_SLOT}">${styles}</style></head><body><header><b>${title}</b><span class="v">v${esc(document.info?.version ?? "")} · OpenAPI ${esc(document.openapi)} · <a href="/openapi.json">openapi.json</a></span><label>API key <input id="token" type="password" autocomplete="off" placeholder="cal_… or the root token"></label></header><div class="wrap">${nav}<main><section id="overview">${markdown(overview, "overview")}</section>${tags
		.map(
			(tag) =>
				`<h2 id="tag-${slug(tag)}">${esc(tag)}</h2>${markdown(tagInfo.get(tag) ?? "")}${inTag(tag).map(operationBlock).join("")}`,
		)
		.join(
			"",
		)}<h2 id="schemas">Schemas</h2>${schemas.map(([name, schema]) => `<h3 id="schema-${esc(name)}">${esc(name)}</h3>${schemaView(schema)}`).join("")}${problemsTable}</main></div><script nonce="${NONCE_SLOT}">${script}</script></body></html>`;
}
