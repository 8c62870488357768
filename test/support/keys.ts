import { api } from "./api";

/** Creates an API key through the API (as root) and returns its secret and id. */
export async function createKey(
	scopes: string[],
	name = `key ${scopes.join("+")} ${crypto.randomUUID().slice(0, 8)}`,
) {
	const response = await api("POST", "/api/keys", { body: { name, scopes } });
	if (response.status !== 201) {
		throw new Error(`createKey: ${response.status} ${JSON.stringify(response.body)}`);
	}
	return response.body as { id: number; key: string; name: string; scopes: string[] };
}
