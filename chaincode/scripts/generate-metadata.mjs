// Generates the contract metadata that the chaincode package ships as META-INF/metadata.json and
// that fabric-contract-api serves as org.hyperledger.fabric:GetMetadata (and routes by at runtime).
//
// Contracts and transactions come from fabric's own `metadata generate`, which reads the
// @Transaction/@Returns/@Param decorators of the compiled contracts. The object schemas
// (`components.schemas`) come from the one declaration of the models, @consent-ledger/ledger-api:
// every type a transaction names as `#/components/schemas/X` (in its returns or parameters), and
// every type those reference, is generated from ledger-api's exported types by
// ts-json-schema-generator and written in fabric's component style (`$id: X`, nested references
// by name: `{"$ref": "Y"}`). The file is then checked as the peer checks it at startup
// (fabric-shim's loadAndValidateMetadata) and its schemas compiled with fabric-shim's ajv, as
// ChaincodeFromContract does. Keys are sorted: the same code gives the same bytes.
//
// `metadata generate` starts from an existing META-INF/metadata.json and keeps its contracts, so
// the previous file is removed first: otherwise new contracts or transactions would be missing.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createGenerator } from 'ts-json-schema-generator';

const root = path.resolve(import.meta.dirname, '..');
const requireHere = createRequire(path.join(root, 'package.json'));
const metadataFile = path.join(root, 'META-INF', 'metadata.json');
const COMPONENT_REF = '#/components/schemas/';
const DEFINITION_REF = '#/definitions/';

/** Fails the build with a message that says what to do. */
function fail(message) {
  console.error(`generate-metadata: ${message}`);
  process.exit(1);
}

/** Contracts and transactions from the decorators, by fabric's own generator. */
function fabricMetadata() {
  const cli = requireHere.resolve('fabric-shim/cli.js');
  mkdirSync(path.dirname(metadataFile), { recursive: true });
  rmSync(metadataFile, { force: true });
  execFileSync(
    process.execPath,
    [cli, 'metadata', 'generate', '--module-path', root, '--file', metadataFile],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  return JSON.parse(readFileSync(metadataFile, 'utf8'));
}

/** Calls `visit` on every object of a JSON value, depth first. */
function walk(value, visit) {
  if (Array.isArray(value)) {
    for (const each of value) walk(each, visit);
  } else if (value !== null && typeof value === 'object') {
    visit(value);
    for (const each of Object.values(value)) walk(each, visit);
  }
}

/** The component names the transactions reference, sorted. */
function referencedComponents(metadata) {
  const names = new Set();
  for (const contract of Object.values(metadata.contracts)) {
    for (const transaction of contract.transactions) {
      const schemas = [
        transaction.returns,
        ...(transaction.parameters ?? []).map((parameter) => parameter.schema),
      ];
      walk(schemas, (node) => {
        if (typeof node.$ref === 'string' && node.$ref.startsWith(COMPONENT_REF)) {
          names.add(node.$ref.slice(COMPONENT_REF.length));
        }
      });
    }
  }
  return [...names].sort();
}

/** A generator over ledger-api's public entry, with ledger-api's own compiler options. */
function ledgerApiGenerator() {
  const entry = requireHere.resolve('@consent-ledger/ledger-api');
  return createGenerator({
    path: entry,
    tsconfig: path.join(path.dirname(path.dirname(entry)), 'tsconfig.json'),
    expose: 'export',
    topRef: true,
    jsDoc: 'extended',
    encodeRefs: false,
    additionalProperties: true,
    skipTypeCheck: true,
  });
}

/** The JSON schema of one exported type, with the definitions it references. */
function schemaOf(generator, name) {
  try {
    return generator.createSchema(name);
  } catch (cause) {
    return fail(
      `a transaction returns or takes '${name}', which @consent-ledger/ledger-api does not export ` +
        `(ledger-api/src/index.ts): export it there or name an exported type in @Returns/@Param ` +
        `(${cause instanceof Error ? cause.message : String(cause)})`,
    );
  }
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The definition a reference names, `#/definitions/Y` -> `Y`. */
function definitionName(ref, from) {
  if (!ref.startsWith(DEFINITION_REF)) fail(`${from}: unexpected reference ${ref}`);
  const name = ref.slice(DEFINITION_REF.length);
  if (!IDENTIFIER.test(name)) {
    fail(
      `${from} references '${name}', which is not a type name: give it an exported alias in ` +
        `@consent-ledger/ledger-api (as ConsentPage is for Page<Consent>)`,
    );
  }
  return name;
}

/** A definition's body, through aliases (a definition that only references another). */
function bodyOf(definitions, name) {
  let body = definitions[name];
  for (const seen = new Set([name]); body !== undefined && isAlias(body);) {
    const target = body.$ref.slice(DEFINITION_REF.length);
    if (seen.has(target)) fail(`${name}: circular alias`);
    seen.add(target);
    body = definitions[target];
  }
  if (body === undefined) fail(`no schema was generated for ${name}`);
  return body;
}

function isAlias(body) {
  return (
    typeof body.$ref === 'string' &&
    body.$ref.startsWith(DEFINITION_REF) &&
    Object.keys(body).every((key) => key === '$ref' || key === 'description')
  );
}

/**
 * A schema with its definition references as fabric writes component references: `{"$ref": "Y"}`
 * and nothing beside it (ajv, which ignores a reference's siblings, would warn at every compile).
 */
function asComponentSchema(schema, from, found) {
  if (Array.isArray(schema)) return schema.map((each) => asComponentSchema(each, from, found));
  if (schema === null || typeof schema !== 'object') return schema;
  if (typeof schema.$ref === 'string') {
    const name = definitionName(schema.$ref, from);
    found.push(name);
    return { $ref: name };
  }
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$schema' || key === 'definitions') continue;
    out[key] = asComponentSchema(value, from, found);
  }
  return out;
}

function sameJson(a, b) {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

/**
 * The component schemas of the named types and of every type they reference, generated from
 * ledger-api: each as its own component, `$id` its name.
 */
function componentSchemas(names) {
  const generator = ledgerApiGenerator();
  const definitions = {};
  const components = {};
  const pending = [...names];
  while (pending.length > 0) {
    const name = pending.shift();
    if (components[name] !== undefined) continue;
    if (definitions[name] === undefined) {
      const generated = schemaOf(generator, name);
      for (const [key, value] of Object.entries(generated.definitions ?? {})) {
        if (definitions[key] !== undefined && !sameJson(definitions[key], value)) {
          fail(`two different types are both named ${key}`);
        }
        definitions[key] = value;
      }
    }
    const found = [];
    components[name] = { ...asComponentSchema(bodyOf(definitions, name), name, found), $id: name };
    pending.push(...found);
  }
  return components;
}

/** A copy with every object's keys sorted (arrays keep their order). */
function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys(value[key])]),
  );
}

/** Checks the file as the peer does at startup, and compiles its schemas as the router does. */
function check(metadata) {
  const shim = createRequire(requireHere.resolve('fabric-shim/package.json'));
  const bootstrap = shim('./lib/contract-spi/bootstrap.js');
  try {
    bootstrap.loadAndValidateMetadata(metadataFile);
  } catch (cause) {
    fail(`fabric-shim refuses the metadata: ${cause instanceof Error ? cause.message : cause}`);
  }
  const Ajv = shim('ajv');
  const schemas = Object.values(metadata.components.schemas);
  const ajv = new Ajv({ useDefaults: true, coerceTypes: false, allErrors: true, schemas });
  for (const schema of schemas) {
    try {
      if (typeof ajv.getSchema(schema.$id) !== 'function') fail(`${schema.$id} does not compile`);
    } catch (cause) {
      fail(`${schema.$id} does not compile: ${cause instanceof Error ? cause.message : cause}`);
    }
  }
  for (const name of referencedComponents(metadata)) {
    if (metadata.components.schemas[name] === undefined) fail(`no component schema for ${name}`);
  }
}

const metadata = fabricMetadata();
metadata.components = { schemas: componentSchemas(referencedComponents(metadata)) };
const sorted = sortKeys(metadata);
writeFileSync(metadataFile, `${JSON.stringify(sorted, null, 2)}\n`);
check(sorted);
