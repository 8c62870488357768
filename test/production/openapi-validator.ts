import { Validator } from "@seriousme/openapi-schema-validator";
import schema31 from "@seriousme/openapi-schema-validator/schemas/v3.1/schema.json";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

/**
 * @seriousme/openapi-schema-validator, made to run inside workerd: the package reads its
 * meta-schema with readFileSync, which workerd's virtual file system cannot serve, so it gets
 * the same OAS 3.1 schema, compiled the way the package compiles it (Ajv 2020-12, formats,
 * non-strict, media-range accepted); validate() then runs the package's own checks, $refs too.
 */
export function openApi31Validator(): Validator {
	const ajv = new Ajv2020({ strict: false });
	(addFormats as unknown as (instance: Ajv2020) => void)(ajv);
	ajv.addFormat("media-range", true);
	const validator = new Validator();
	(validator as unknown as { ajvValidators: Record<string, unknown> }).ajvValidators["3.1"] =
		ajv.compile(schema31);
	return validator;
}
