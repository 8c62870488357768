// The "zod" entry point for the deployed bundle: see external.js for why.
import * as z from "./external.js";

export * from "./external.js";
export { z, z as default };
