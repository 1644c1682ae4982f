// Validates Kubernetes manifests offline (no API server): objects of Kubernetes' own API groups
// against the schemas of kubernetes-models (generated from Kubernetes' OpenAPI specification),
// custom resources against the openAPIV3Schema of their CustomResourceDefinition (ajv).
//
//   node validate.mjs --crd <crd.yaml> [--crd …] <manifest.yaml> […]
//
// Prints one line per object; exits 1 if any object is invalid or of a kind no schema covers.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import Ajv from "ajv";

const args = process.argv.slice(2);
const crdFiles = [];
const manifests = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--crd") crdFiles.push(args[++i]);
  else manifests.push(args[i]);
}
if (manifests.length === 0) {
  console.error("usage: node validate.mjs --crd <crd.yaml> … <manifest.yaml> …");
  process.exit(2);
}

function documents(file) {
  const docs = parseAllDocuments(readFileSync(file, "utf8"));
  for (const d of docs) {
    if (d.errors.length > 0) throw new Error(`${file}: not YAML: ${d.errors[0].message}`);
  }
  return docs.map((d) => d.toJS()).filter((o) => o != null);
}

// Strict, as the API server's strict field validation: a field the schema does not declare is an
// error (a typo such as `upgradeMod:` is not silently dropped), unless the schema keeps unknown
// fields on purpose (x-kubernetes-preserve-unknown-fields) or is a map (additionalProperties).
function strict(schema) {
  if (schema == null || typeof schema !== "object") return schema;
  const s = { ...schema };
  if (s.properties) {
    s.properties = Object.fromEntries(
      Object.entries(s.properties).map(([k, v]) => [k, strict(v)]),
    );
    if (s.additionalProperties === undefined && !s["x-kubernetes-preserve-unknown-fields"]) {
      s.additionalProperties = false;
    }
  }
  if (s.items) s.items = strict(s.items);
  if (s.additionalProperties && typeof s.additionalProperties === "object") {
    s.additionalProperties = strict(s.additionalProperties);
  }
  return s;
}

// custom resources: apiVersion "group/version" + kind -> a compiled validator
const ajv = new Ajv({ strict: false, allErrors: true });
const custom = new Map();
for (const file of crdFiles) {
  for (const crd of documents(file)) {
    for (const version of crd.spec.versions) {
      const key = `${crd.spec.group}/${version.name} ${crd.spec.names.kind}`;
      // every object has these, whether its CRD's schema says so or not
      const root = { ...version.schema.openAPIV3Schema };
      root.properties = {
        apiVersion: { type: "string" },
        kind: { type: "string" },
        metadata: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
        ...root.properties,
      };
      custom.set(key, ajv.compile(strict(root)));
    }
  }
}

async function builtIn(apiVersion, kind) {
  // "v1" is the core group; "apps/v1" and the rest are modules of kubernetes-models
  try {
    const module = await import(`kubernetes-models/${apiVersion}/${kind}`);
    return module[kind];
  } catch {
    return null;
  }
}

let failed = 0;
for (const file of manifests) {
  for (const object of documents(file)) {
    const name = `${file}: ${object.kind} ${object.metadata?.name ?? "(no name)"}`;
    const key = `${object.apiVersion} ${object.kind}`;
    const problems = [];
    if (custom.has(key)) {
      const validate = custom.get(key);
      if (!validate(object)) {
        for (const e of validate.errors) {
          const field = e.params?.additionalProperty ? ` (${e.params.additionalProperty})` : "";
          problems.push(`${e.instancePath || "/"} ${e.message}${field}`);
        }
      }
    } else {
      const Model = await builtIn(object.apiVersion, object.kind);
      if (Model == null) {
        problems.push(`no schema for ${key} (neither Kubernetes' own nor a given CRD's)`);
      } else {
        try {
          new Model(object).validate();
        } catch (e) {
          for (const d of e.errors ?? [{ message: e.message }]) {
            problems.push(`${d.instancePath || "/"} ${d.message}`);
          }
        }
      }
    }
    if (problems.length === 0) {
      console.log(`valid    ${name}`);
    } else {
      failed++;
      for (const p of problems) console.log(`INVALID  ${name}: ${p}`);
    }
  }
}
process.exit(failed === 0 ? 0 : 1);
