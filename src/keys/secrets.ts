const encoder = new TextEncoder();

export async function sha256Hex(text: string): Promise<string> {
	const digest = await crypto.subtle.digest("SHA-256", encoder.encode(text));
	return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * Compares two secrets in time that depends only on their lengths' hashes, never on where they
 * first differ: both sides are hashed first, so the compared buffers always have equal length.
 */
export async function secretsEqual(given: string, expected: string): Promise<boolean> {
	const [a, b] = await Promise.all([
		crypto.subtle.digest("SHA-256", encoder.encode(given)),
		crypto.subtle.digest("SHA-256", encoder.encode(expected)),
	]);
	return crypto.subtle.timingSafeEqual(a, b);
}

/** A new API key: "cal_" and 32 random bytes in base64url (256 bits of entropy). */
export function generateApiKey(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(32));
	const base64 = btoa(String.fromCharCode(...bytes));
	return `cal_${base64.replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "")}`;
}
