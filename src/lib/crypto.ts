// General crypto on Web Crypto: hashes, constant-time comparison, sealing. No project knowledge.
import { fromBase64Url, toBase64Url } from "./base64url";

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
	return `${toBase64Url(iv)}.${toBase64Url(new Uint8Array(sealed))}`;
}

/** The text sealed with `secret` and `context`, or undefined when they do not match. */
export async function unseal(
	secret: string,
	context: string,
	sealed: string,
): Promise<string | undefined> {
	const [iv, data] = sealed.split(".");
	const ivBytes = iv ? fromBase64Url(iv) : undefined;
	const dataBytes = data ? fromBase64Url(data) : undefined;
	if (!ivBytes || !dataBytes) return undefined;
	try {
		const key = await derivedKey(secret, context);
		const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: ivBytes }, key, dataBytes);
		return new TextDecoder().decode(plain);
	} catch {
		return undefined;
	}
}
