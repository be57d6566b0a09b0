// Validates an OpenAPI 3 document against the specification's schema and resolves every $ref.
// usage: node validate.mjs FILE
import SwaggerParser from "@apidevtools/swagger-parser";

const file = process.argv[2];
if (!file) {
  console.error("usage: node validate.mjs openapi.json");
  process.exit(2);
}
try {
  const api = await SwaggerParser.validate(file);
  const paths = Object.keys(api.paths).length;
  console.log(`ok - ${file}: valid OpenAPI ${api.openapi}, ${paths} paths`);
} catch (err) {
  console.error(`not ok - ${file}: ${err.message}`);
  process.exit(1);
}
