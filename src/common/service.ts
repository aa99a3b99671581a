import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ComponentIdentity, recommendedLabels, selectorLabels } from './labels';
import { PortSpec } from './workload';

export interface StackServiceSpec {
  readonly identity: ComponentIdentity;
  readonly namespace: string;
  /** The Service name. @default identity.instance */
  readonly name?: string;
  readonly ports: readonly PortSpec[];
  /** Headless (clusterIP: None), e.g. the governing Service of a StatefulSet or a gossip mesh. @default false */
  readonly headless?: boolean;
  /** Publish not-ready addresses (cluster peers must find each other before they are ready). @default false */
  readonly publishNotReadyAddresses?: boolean;
  readonly annotations?: Readonly<Record<string, string>>;
  /**
   * `Local`: each client reaches an endpoint on its own node only (a node agent's Service,
   * https://kubernetes.io/docs/concepts/services-networking/service-traffic-policy/). @default - Cluster
   */
  readonly internalTrafficPolicy?: 'Local';
}

/** A ClusterIP (or headless) Service selecting a component's pods by their stable selector labels. */
export function stackService(scope: Construct, id: string, spec: StackServiceSpec): kplus.Service {
  const svc = new kplus.Service(scope, id, {
    metadata: {
      name: spec.name ?? spec.identity.instance,
      namespace: spec.namespace,
      labels: recommendedLabels(spec.identity),
      annotations: spec.annotations ? { ...spec.annotations } : undefined,
    },
    clusterIP: spec.headless ? 'None' : undefined,
    ports: spec.ports.map((p) => ({
      name: p.name,
      port: p.port,
      targetPort: p.port,
      protocol: p.protocol === 'UDP' ? kplus.Protocol.UDP : kplus.Protocol.TCP,
    })),
  });
  const api = ApiObject.of(svc);
  api.addJsonPatch(JsonPatch.add('/spec/selector', selectorLabels(spec.identity)));
  if (spec.publishNotReadyAddresses) api.addJsonPatch(JsonPatch.add('/spec/publishNotReadyAddresses', true));
  if (spec.internalTrafficPolicy) api.addJsonPatch(JsonPatch.add('/spec/internalTrafficPolicy', spec.internalTrafficPolicy));
  return svc;
}
