// Standard Webhooks 1.0 signatures (https://www.standardwebhooks.com/): HMAC-SHA256 over
// "msg_id.timestamp.body", keyed with the base64-decoded bytes after "whsec_", sent as
// "v1,<base64>"; several space-separated during a secret rotation. No project knowledge.

const encoder = new TextEncoder();
const PREFIX = "whsec_";

const base64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

/** A new endpoint secret: whsec_ and 32 random bytes in base64. */
export function newWebhookSecret(): string {
	return `${PREFIX}${base64(crypto.getRandomValues(new Uint8Array(32)))}`;
}

function secretBytes(secret: string): Uint8Array {
	const encoded = secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret;
	return Uint8Array.from(atob(encoded), (char) => char.charCodeAt(0));
}

/** One "v1,<signature>" per secret, space-separated: the webhook-signature header's value. */
export async function signWebhook(
	secrets: readonly string[],
	id: string,
	timestampSeconds: number,
	body: string,
): Promise<string> {
	const content = encoder.encode(`${id}.${timestampSeconds}.${body}`);
	const signatures = await Promise.all(
		secrets.map(async (secret) => {
			const key = await crypto.subtle.importKey(
				"raw",
				secretBytes(secret),
				{ name: "HMAC", hash: "SHA-256" },
				false,
				["sign"],
			);
			return `v1,${base64(new Uint8Array(await crypto.subtle.sign("HMAC", key, content)))}`;
		}),
	);
	return signatures.join(" ");
}
