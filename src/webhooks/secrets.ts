// Endpoint secrets are sealed (AES-GCM, key derived from WEBHOOK_SECRETS_KEY): they must be read
// back to sign, so unlike API keys they cannot be stored as hashes.
import { seal, unseal } from "../lib/crypto";

const CONTEXT = "webhook-secret";

export const sealSecret = (key: string, secret: string) => seal(key, CONTEXT, secret);

export async function unsealSecret(key: string, sealed: string): Promise<string> {
	const secret = await unseal(key, CONTEXT, sealed);
	if (secret === undefined)
		throw new Error("a webhook secret does not open with WEBHOOK_SECRETS_KEY");
	return secret;
}
