// A small JSON Schema (2020-12) validator for the keywords chibo's event schemas use. A keyword
// it does not know makes it refuse the schema rather than pass events unchecked.
const ANNOTATIONS = new Set([
  "$schema", "$id", "title", "description", "default", "examples", "deprecated", "readOnly",
  "writeOnly", "$comment",
]);
const KNOWN = new Set([
  "type", "properties", "required", "additionalProperties", "items", "enum", "const", "anyOf",
  "oneOf", "allOf", "$ref", "$defs", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
  "minLength", "maxLength", "pattern", "format", "minItems", "maxItems", "uniqueItems",
]);

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})?$/;

function typeOf(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value; // string, boolean, object
}

function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function validate(schema, value) {
  const errors = [];
  check(schema, value, "", schema, errors);
  return errors;
}

function check(schema, value, at, root, errors) {
  if (schema === true) return;
  if (schema === false) {
    errors.push(`${at || "/"}: not allowed`);
    return;
  }
  for (const key of Object.keys(schema)) {
    if (!KNOWN.has(key) && !ANNOTATIONS.has(key) && !key.startsWith("x-")) {
      throw new Error(`unsupported JSON Schema keyword ${key} at ${at || "/"}`);
    }
  }
  const where = at || "/";
  if (schema.$ref !== undefined) {
    if (!schema.$ref.startsWith("#/$defs/")) throw new Error(`unsupported $ref ${schema.$ref}`);
    const target = root.$defs?.[schema.$ref.slice("#/$defs/".length)];
    if (target === undefined) throw new Error(`unresolved $ref ${schema.$ref}`);
    check(target, value, at, root, errors);
  }
  const t = typeOf(value);
  if (schema.type !== undefined) {
    const allowed = Array.isArray(schema.type) ? schema.type : [schema.type];
    const fits = allowed.includes(t) || (t === "integer" && allowed.includes("number"));
    if (!fits) {
      errors.push(`${where}: ${t} is not ${allowed.join(" or ")}`);
      return;
    }
  }
  if (schema.enum !== undefined && !schema.enum.some((v) => same(v, value))) {
    errors.push(`${where}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  }
  if (schema.const !== undefined && !same(schema.const, value)) {
    errors.push(`${where}: must be ${JSON.stringify(schema.const)}`);
  }
  for (const alt of ["anyOf", "oneOf"]) {
    if (schema[alt] !== undefined) {
      const passing = schema[alt].filter((s) => validate({ ...s, $defs: root.$defs }, value).length === 0);
      if (passing.length === 0 || (alt === "oneOf" && passing.length > 1)) {
        errors.push(`${where}: matches ${passing.length} of the ${alt} alternatives`);
      }
    }
  }
  for (const s of schema.allOf ?? []) check(s, value, at, root, errors);
  if (t === "integer" || t === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) errors.push(`${where}: < ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) errors.push(`${where}: > ${schema.maximum}`);
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) {
      errors.push(`${where}: <= ${schema.exclusiveMinimum}`);
    }
    if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum) {
      errors.push(`${where}: >= ${schema.exclusiveMaximum}`);
    }
  }
  if (t === "string") {
    const length = [...value].length;
    if (schema.minLength !== undefined && length < schema.minLength) errors.push(`${where}: too short`);
    if (schema.maxLength !== undefined && length > schema.maxLength) errors.push(`${where}: too long`);
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, "u").test(value)) {
      errors.push(`${where}: does not match ${schema.pattern}`);
    }
    if (schema.format === "date" && !DATE.test(value)) errors.push(`${where}: not a date`);
    if (schema.format === "date-time" && (!DATE_TIME.test(value) || Number.isNaN(Date.parse(value)))) {
      errors.push(`${where}: not a date-time`);
    }
  }
  if (t === "array") {
    if (schema.minItems !== undefined && value.length < schema.minItems) errors.push(`${where}: too few items`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems) errors.push(`${where}: too many items`);
    if (schema.items !== undefined) value.forEach((v, i) => check(schema.items, v, `${at}/${i}`, root, errors));
  }
  if (t === "object") {
    for (const name of schema.required ?? []) {
      if (!(name in value)) errors.push(`${at}/${name}: required`);
    }
    const properties = schema.properties ?? {};
    for (const [name, v] of Object.entries(value)) {
      if (name in properties) check(properties[name], v, `${at}/${name}`, root, errors);
      else if (schema.additionalProperties !== undefined) {
        check(schema.additionalProperties, v, `${at}/${name}`, root, errors);
      }
    }
  }
}
