import { K8sObject } from './synth';

/**
 * Validates a synthesized object against its Kubernetes schema with `kubernetes-models` (the OpenAPI schemas of the
 * Kubernetes API, compiled to JSON-schema validators). Returns the error message, or undefined when valid.
 */
export function schemaError(obj: K8sObject): string | undefined {
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
