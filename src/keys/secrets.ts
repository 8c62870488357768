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

/** Base64url without padding (RFC 4648 §5); bytes go one by one, so any length fits the stack. */
function b64url(bytes: Uint8Array): string {
	let binary = "";
	for (const byte of bytes) binary += String.fromCharCode(byte);
	return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** A new secret: `prefix` and 32 random bytes in base64url (256 bits of entropy). */
export function generateSecret(prefix: string): string {
	return `${prefix}${b64url(crypto.getRandomValues(new Uint8Array(32)))}`;
}

/** A new API key: "cal_" and 32 random bytes. */
export const generateApiKey = () => generateSecret("cal_");

const fromB64url = (text: string) =>
	Uint8Array.from(atob(text.replaceAll("-", "+").replaceAll("_", "/")), (char) =>
		char.charCodeAt(0),
	);

/** An AES-GCM key derived (HKDF-SHA-256) from a credential, for one purpose and context. */
async function derivedKey(secret: string, context: string): Promise<CryptoKey> {
	const material = await crypto.subtle.importKey("raw", encoder.encode(secret), "HKDF", false, [
		"deriveKey",
	]);
	return crypto.subtle.deriveKey(
		{ name: "HKDF", hash: "SHA-256", salt: encoder.encode(context), info: encoder.encode("seal") },
		material,
		{ name: "AES-GCM", length: 256 },
		false,
		["encrypt", "decrypt"],
	);
}

/**
 * Encrypts text so that only the holder of `secret` can read it back. D1 stores only hashes of
 * API keys, so what is sealed with a key stays unreadable to anyone with the database alone.
 */
export async function seal(secret: string, context: string, text: string): Promise<string> {
	const iv = crypto.getRandomValues(new Uint8Array(12));
	const key = await derivedKey(secret, context);
	const sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, encoder.encode(text));
	return `${b64url(iv)}.${b64url(new Uint8Array(sealed))}`;
}

/** The text sealed with `secret` and `context`, or undefined when they do not match. */
export async function unseal(
	secret: string,
	context: string,
	sealed: string,
): Promise<string | undefined> {
	const [iv, data] = sealed.split(".");
	if (!iv || !data) return undefined;
	try {
		const key = await derivedKey(secret, context);
		const plain = await crypto.subtle.decrypt(
			{ name: "AES-GCM", iv: fromB64url(iv) },
			key,
			fromB64url(data),
		);
		return new TextDecoder().decode(plain);
	} catch {
		return undefined;
	}
}
