/** HTML-escapes text for element content and quoted attribute values. */
export function escapeHtml(text: unknown): string {
	return String(text).replace(
		/[&<>"']/g,
		(char) =>
			({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[char] ?? char,
	);
}

/** Escapes text for element content only (quotes may stay): code samples stay readable and small. */
export const escapeText = (text: string) =>
	text.replace(/[&<>]/g, (char) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;" })[char] ?? char);

/** `code`, **strong** and [links](…) inside one line of already trusted Markdown. */
function inline(text: string): string {
	return escapeHtml(text)
		.replace(/`([^`]+)`/g, "<code>$1</code>")
		.replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
		.replace(/\[([^\]]+)\]\(((?:https?:\/\/|\/|#)[^)\s]*)\)/g, '<a href="$2">$1</a>');
}

export const slug = (text: string) =>
	text
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, "-")
		.replace(/^-|-$/g, "");

/**
 * The Markdown subset the document's descriptions use: `## headings`, paragraphs, `- ` lists and
 * inline code, bold and links. Enough for our own texts, so the page needs no Markdown library.
 */
export function markdown(text: string, headingPrefix = "md"): string {
	const html: string[] = [];
	let list: string[] = [];
	const flushList = () => {
		if (list.length) html.push(`<ul>${list.map((item) => `<li>${item}</li>`).join("")}</ul>`);
		list = [];
	};
	for (const line of text.split("\n")) {
		const heading = /^#{2,3} (.+)$/.exec(line);
		const item = /^- (.+)$/.exec(line);
		if (item?.[1]) {
			list.push(inline(item[1]));
			continue;
		}
		flushList();
		if (heading?.[1]) {
			html.push(`<h3 id="${headingPrefix}-${slug(heading[1])}">${inline(heading[1])}</h3>`);
		} else if (line.trim()) {
			html.push(`<p>${inline(line)}</p>`);
		}
	}
	flushList();
	return html.join("");
}

/** The `## headings` of a Markdown text, for a table of contents. */
export const headingsOf = (text: string) =>
	[...text.matchAll(/^#{2,3} (.+)$/gm)].map((match) => match[1] ?? "");
