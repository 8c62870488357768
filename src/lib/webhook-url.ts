// Which URLs a webhook may be sent to. Production: https on a public host only, never an IP
// literal in a loopback, private, link-local or otherwise reserved range (SSRF). Local development
// may also name http://127.0.0.1:<port> or http://localhost:<port>, a receiver on one's own machine.

const blockedNames = /(^|\.)(localhost|local|internal|localdomain|home\.arpa)$/i;

function ipv4(host: string): number[] | undefined {
	const parts = host.split(".");
	if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part))) return undefined;
	const bytes = parts.map(Number);
	return bytes.every((byte) => byte <= 255) ? bytes : undefined;
}

/** 0/8, 10/8, 100.64/10, 127/8, 169.254/16, 172.16/12, 192.0.0/24, 192.168/16, 198.18/15, 224/3. */
function reservedIpv4([a = 0, b = 0, c = 0]: number[]): boolean {
	return (
		a === 0 ||
		a === 10 ||
		a === 127 ||
		(a === 100 && b >= 64 && b < 128) ||
		(a === 169 && b === 254) ||
		(a === 172 && b >= 16 && b < 32) ||
		(a === 192 && b === 0 && c === 0) ||
		(a === 192 && b === 168) ||
		(a === 198 && (b === 18 || b === 19)) ||
		a >= 224
	);
}

/** Why `raw` may not receive webhooks, or undefined when it may. */
export function webhookUrlProblem(raw: string, allowLocal: boolean): string | undefined {
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		return "Not a URL.";
	}
	if (url.username || url.password) return "A webhook URL may not carry credentials.";
	const host = url.hostname.toLowerCase();
	if (allowLocal && url.protocol === "http:" && (host === "127.0.0.1" || host === "localhost")) {
		return url.port ? undefined : "A local receiver needs its port: http://127.0.0.1:<port>/…";
	}
	if (url.protocol !== "https:") return "Webhook URLs must use https.";
	if (host.startsWith("[")) return "Webhook URLs must name a public host, not an IPv6 address.";
	const v4 = ipv4(host);
	if (v4 ? reservedIpv4(v4) : blockedNames.test(host) || !host.includes(".")) {
		return "Webhook URLs must name a public host (not loopback, private or link-local).";
	}
	return undefined;
}
