// Base64url without padding (RFC 4648 §5): cursors, tokens, sealed values and cookies.

/** Bytes go one by one, so any length fits the stack. */
export function toBase64Url(bytes: Uint8Array): string {
	let binary = "";
	for (const byte of bytes) binary += String.fromCharCode(byte);
	return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** The bytes of a base64url text, or undefined when it is not one. */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | undefined {
	if (!/^[\w-]*$/.test(text)) return undefined;
	try {
		const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
		return Uint8Array.from(binary, (char) => char.charCodeAt(0));
	} catch {
		// A length no base64 text can have.
		return undefined;
	}
}

/** `bytes` random bytes (32 by default: 256 bits), base64url. */
export const randomToken = (bytes = 32) =>
	toBase64Url(crypto.getRandomValues(new Uint8Array(bytes)));
