import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { K8sObject } from './synth';

/** The CRDs the stack imports (imports/crds/): their openAPI schemas validate the objects of those kinds. */
const CRDS: Record<string, string> = { 'cert-manager.io/v1/Certificate': 'cert-manager.io_certificates.yaml' };

/**
 * An object against its CRD's openAPIV3Schema (the parts the stack's objects use: types of objects and arrays,
 * required fields, unknown fields, enums, integers and strings).
 */
function crdSchemaError(obj: K8sObject, file: string): string | undefined {
  const crd = yaml.load(readFileSync(join(__dirname, '../../imports/crds', file), 'utf8')) as any;
  const version = crd.spec.versions.find((v: any) => `${crd.spec.group}/${v.name}` === obj.apiVersion);
  if (!version) return `the CRD has no version ${obj.apiVersion}`;
  const problems: string[] = [];
  const walk = (value: any, schema: any, at: string) => {
    if (schema.enum && !schema.enum.includes(value)) problems.push(`${at}: ${JSON.stringify(value)} is not one of ${schema.enum.join(', ')}`);
    if (schema.type === 'string' && typeof value !== 'string') problems.push(`${at}: must be a string`);
    if (schema.type === 'integer' && !Number.isInteger(value)) problems.push(`${at}: must be an integer`);
    if (schema.type === 'array') {
      if (!Array.isArray(value)) problems.push(`${at}: must be an array`);
      else value.forEach((v, i) => walk(v, schema.items, `${at}[${i}]`));
    }
    if (schema.type === 'object' && schema.properties && at !== '.metadata') {
      for (const r of schema.required ?? []) if (!(r in value)) problems.push(`${at}.${r}: is required`);
      for (const [k, v] of Object.entries(value)) {
        if (!schema.properties[k]) problems.push(`${at}.${k}: is not a field of the CRD`);
        else walk(v, schema.properties[k], `${at}.${k}`);
      }
    }
  };
  walk(obj, version.schema.openAPIV3Schema, '');
  return problems.length > 0 ? problems.join('; ') : undefined;
}

/**
 * Validates a synthesized object against its Kubernetes schema with `kubernetes-models` (the OpenAPI schemas of the
 * Kubernetes API, compiled to JSON-schema validators). Returns the error message, or undefined when valid.
 */
export function schemaError(obj: K8sObject): string | undefined {
  const crd = CRDS[`${obj.apiVersion}/${obj.kind}`];
  if (crd) return crdSchemaError(obj, crd);
  const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : ['', obj.apiVersion];
  const modulePath = group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`;
  let mod: Record<string, any>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(modulePath);
  } catch {
    return `no schema for apiVersion ${obj.apiVersion}`;
  }
  const Model = mod[obj.kind];
  if (!Model) return `no schema for ${obj.apiVersion} ${obj.kind}`;
  try {
    new Model(obj).validate();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** `Kind/name: message` for every invalid object. */
export function schemaErrors(objects: readonly K8sObject[]): string[] {
  return objects.flatMap((o) => {
    const err = schemaError(o);
    return err ? [`${o.kind}/${o.metadata.name}: ${err}`] : [];
  });
}
