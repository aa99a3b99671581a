import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { K8sObject } from './synth';

/** The CRDs the stack imports (imports/crds/): their openAPI schemas validate the objects of those kinds. */
const CRDS: Record<string, string> = {
  'cert-manager.io/v1/Certificate': 'cert-manager.io_certificates.yaml',
  'argoproj.io/v1alpha1/Application': 'argoproj.io_applications.yaml',
  'monitoring.coreos.com/v1/PrometheusRule': 'monitoring.coreos.com.yaml',
  'monitoring.coreos.com/v1/ServiceMonitor': 'monitoring.coreos.com.yaml',
  'monitoring.coreos.com/v1/PodMonitor': 'monitoring.coreos.com.yaml',
  'monitoring.coreos.com/v1/Probe': 'monitoring.coreos.com.yaml',
  'monitoring.coreos.com/v1alpha1/ScrapeConfig': 'monitoring.coreos.com.yaml',
  'monitoring.coreos.com/v1alpha1/AlertmanagerConfig': 'monitoring.coreos.com.yaml',
};

/** The openAPIV3Schema of a kind's version in an imported CRD file (one or several CRDs). */
export function crdSchema(file: string, apiVersion: string, kind: string): any | undefined {
  const docs = yaml.loadAll(readFileSync(join(__dirname, '../../imports/crds', file), 'utf8')) as any[];
  const crd = docs.find((d) => d?.spec?.names?.kind === kind);
  const version = crd?.spec.versions.find((v: any) => `${crd.spec.group}/${v.name}` === apiVersion);
  return version?.schema.openAPIV3Schema;
}

/**
 * A value against an openAPIV3Schema (the parts the stack's objects use: types of objects, arrays, strings, integers,
 * booleans and int-or-strings, required fields, unknown fields, enums, patterns, length and minimum limits; fields
 * with `x-kubernetes-preserve-unknown-fields` are not checked, as the API server does not check them).
 * @returns the problems, one line each
 */
export function openApiProblems(value: unknown, schema: any, at = ''): string[] {
  const problems: string[] = [];
  const walk = (value: any, schema: any, at: string) => {
    if (schema['x-kubernetes-preserve-unknown-fields']) return;
    if (schema.enum && !schema.enum.includes(value)) problems.push(`${at}: ${JSON.stringify(value)} is not one of ${schema.enum.join(', ')}`);
    if (schema['x-kubernetes-int-or-string'] && !Number.isInteger(value) && typeof value !== 'string') problems.push(`${at}: must be an integer or a string`);
    if (schema.type === 'string' && typeof value !== 'string') problems.push(`${at}: must be a string`);
    if (schema.type === 'boolean' && typeof value !== 'boolean') problems.push(`${at}: must be a boolean`);
    if (schema.type === 'integer' && !Number.isInteger(value)) problems.push(`${at}: must be an integer`);
    if (typeof value === 'string' && schema.pattern && !new RegExp(schema.pattern, 'u').test(value)) problems.push(`${at}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
    if (typeof value === 'string' && schema.minLength !== undefined && value.length < schema.minLength) problems.push(`${at}: must have at least ${schema.minLength} characters`);
    if (typeof value === 'string' && schema.maxLength !== undefined && value.length > schema.maxLength) problems.push(`${at}: must have at most ${schema.maxLength} characters`);
    if (typeof value === 'number' && schema.minimum !== undefined && value < schema.minimum) problems.push(`${at}: must be at least ${schema.minimum}`);
    if (Array.isArray(value) && schema.minItems !== undefined && value.length < schema.minItems) problems.push(`${at}: must have at least ${schema.minItems} items`);
    if (schema.type === 'array') {
      if (!Array.isArray(value)) problems.push(`${at}: must be an array`);
      else value.forEach((v, i) => walk(v, schema.items, `${at}[${i}]`));
    }
    if (schema.type === 'object' && (value === null || typeof value !== 'object' || Array.isArray(value))) problems.push(`${at}: must be an object`);
    else if (schema.type === 'object' && schema.additionalProperties && !schema.properties) {
      for (const [k, v] of Object.entries(value)) walk(v, schema.additionalProperties, `${at}.${k}`);
    } else if (schema.type === 'object' && schema.properties && at !== '.metadata') {
      for (const r of schema.required ?? []) if (!(r in value)) problems.push(`${at}.${r}: is required`);
      for (const [k, v] of Object.entries(value)) {
        if (!schema.properties[k]) problems.push(`${at}.${k}: is not a field of the CRD`);
        else walk(v, schema.properties[k], `${at}.${k}`);
      }
    }
  };
  walk(value, schema, at);
  return problems;
}

/** An object against its CRD's openAPIV3Schema (openApiProblems). */
function crdSchemaError(obj: K8sObject, file: string): string | undefined {
  const schema = crdSchema(file, obj.apiVersion, obj.kind);
  if (!schema) return `the CRD has no version ${obj.apiVersion} of ${obj.kind}`;
  const problems = openApiProblems(obj, schema);
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
