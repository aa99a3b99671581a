import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ProblemCollector } from '../../common/errors';
import { ComponentIdentity, selectorLabels } from '../../common/labels';
import { DEFAULT_AGENT_NAMESPACE, defaultAgentNamespace } from '../../common/namespace';
import { stackService } from '../../common/service';
import { ComponentModel, componentModel } from '../../common/model';
import { flagProblems, nonEmptyProblems, portProblems } from '../../common/validation';
import { LINUX_NODES, MountSpec, ResourceSpec, TOLERATE_EVERY_TAINT, secureDaemonSet, SchedulableProps } from '../../common/workload';
import { TARGET_LABELS } from '../../conventions';
import { ComponentNetwork, INetworkComponent } from '../../network/peer';
import { ImageVersion, VERSIONS } from '../../versions';
import { DROP_NOT_RUNNING, escapeRelabelRegex, podLabelMeta, podTargetRelabels } from '../prometheus/relabel';
import { IScrapeTarget, ScrapeConfig } from '../prometheus/scrape-config';
import { DEFAULT_RESOURCES, EXPORTER_COMPONENT, EXPORTER_NAMES, EXPORTER_PORTS } from './defaults';

/**
 * Prometheus node_exporter as a DaemonSet: hardware and OS metrics of every node.
 *
 * Deployment follows upstream's "Docker" section (https://github.com/prometheus/node_exporter#docker: host network,
 * host PID namespace, the host root bind-mounted read-only with `rslave` propagation, `--path.rootfs`) and
 * kube-prometheus' node-exporter DaemonSet (https://github.com/prometheus-operator/kube-prometheus, manifests/
 * nodeExporter-daemonset.yaml: `/` at /host/root and `/sys` at /host/sys with HostToContainer propagation,
 * `--path.rootfs`, `--path.sysfs`, `--path.udev.data`, the filesystem/netdev filters, tolerate every taint).
 * `/proc` needs no mount: with hostPID and hostNetwork the container's own procfs already shows the host's
 * processes and network counters, so `--path.procfs` keeps its default.
 *
 * It still runs as 65534 (as upstream's image does), with a read-only root filesystem and every capability dropped.
 * (The `timex` collector may report fewer values without CAP_SYS_TIME on some kernels; we keep it dropped.)
 *
 * Its own scrape job (`scrapeConfigs()`, handed to Prometheus by reference) selects these pods by their
 * `app.kubernetes.io/name` in this namespace, so the pods carry NO `prometheus.io/scrape` annotation (the generic pod
 * job would scrape them a second time).
 */

export interface INodeExporter extends IScrapeTarget {
  /** Namespace of the DaemonSet and its headless Service. */
  readonly namespace: string;
  /** The headless Service selecting every node-exporter pod. */
  readonly serviceName: string;
  /** The metrics port on each node. */
  readonly port: number;
  /** The container port's name (`metrics`). */
  readonly portName: string;
  /** `app.kubernetes.io/name` of the pods: what Prometheus' `node-exporter` job keeps. */
  readonly appName: string;
  /** Labels selecting the pods. */
  readonly podSelector: Readonly<Record<string, string>>;
}

export interface NodeExporterProps extends SchedulableProps {
  /**
   * Namespace. Host access (hostNetwork, hostPID, hostPath) needs a namespace whose Pod Security level is
   * `privileged`; the stack labels its agents namespace so.
   * @default - the stack's agents namespace, else 'observability-agents'
   */
  readonly namespace?: string;
  /** Name of the DaemonSet and Service (`app.kubernetes.io/instance`). @default 'node-exporter' */
  readonly name?: string;
  /** @default VERSIONS.nodeExporter */
  readonly image?: ImageVersion;
  /** Port node_exporter listens on, on each node's IP. @default 9100 */
  readonly port?: number;
  /** @default - 50m CPU, 64Mi memory request, 128Mi memory limit */
  readonly resources?: ResourceSpec;
  /** Flags appended to the defaults (e.g. `--collector.systemd`). @default - none */
  readonly extraArgs?: readonly string[];
  /** Prometheus job name. @default 'node-exporter' */
  readonly jobName?: string;
}

/** The validated, defaulted model of a NodeExporter. */
export interface NodeExporterModel extends ComponentModel {
  readonly port: number;
  readonly extraArgs: readonly string[];
  readonly jobName: string;
}

/** Where the host's filesystems are mounted in the container. */
export const NODE_EXPORTER_HOST_PATHS = {
  root: '/host/root',
  sys: '/host/sys',
} as const;

/** The env var carrying the node's IP (status.hostIP); node_exporter listens only there. */
const HOST_IP_ENV = 'HOST_IP';

/**
 * Resolves and validates the props (pure), every problem under `<path>.<prop>`.
 * @throws ConfigError naming each bad prop, its value and the fix.
 */
export function nodeExporterModel(props: NodeExporterProps = {}, path = 'NodeExporter', namespace = DEFAULT_AGENT_NAMESPACE): NodeExporterModel {
  const c = new ProblemCollector();
  const base = componentModel(props, { name: EXPORTER_NAMES.nodeExporter, image: VERSIONS.nodeExporter, resources: DEFAULT_RESOURCES.nodeExporter }, path, namespace, c);
  const port = props.port ?? EXPORTER_PORTS.nodeExporter.port;
  const extraArgs = props.extraArgs ?? [];
  const jobName = props.jobName ?? EXPORTER_NAMES.nodeExporter;
  c.addAll(portProblems(port, `${path}.port`));
  c.addAll(flagProblems(extraArgs, `${path}.extraArgs`));
  c.addAll(nonEmptyProblems(jobName, `${path}.jobName`, 'omit it to use "node-exporter".'));
  c.throwIfAny();
  return { ...base, port, extraArgs, jobName };
}

/**
 * The node exporter's scrape job (pure): its pods (by their `app.kubernetes.io/name`) in its namespace, one per node,
 * labelled with their `node` and the usual target labels.
 */
export function nodeExporterScrapeConfig(model: NodeExporterModel, appName: string): ScrapeConfig {
  return {
    jobName: model.jobName,
    kubernetesSdConfigs: [{ role: 'pod', namespaces: [model.namespace] }],
    relabelConfigs: [
      { sourceLabels: [podLabelMeta('app.kubernetes.io/name')], regex: escapeRelabelRegex(appName), action: 'keep' },
      DROP_NOT_RUNNING,
      { sourceLabels: ['__meta_kubernetes_pod_node_name'], targetLabel: TARGET_LABELS.node, action: 'replace' },
      ...podTargetRelabels(),
    ],
  };
}

/**
 * node_exporter's command line (pure). Host paths and filters as kube-prometheus sets them; the listen address is the
 * node's IP only (the pod shares the host network: binding every interface would expose the port on all of them).
 */
export function nodeExporterArgs(model: NodeExporterModel): string[] {
  return [
    `--web.listen-address=[$(${HOST_IP_ENV})]:${model.port}`,
    `--path.rootfs=${NODE_EXPORTER_HOST_PATHS.root}`,
    `--path.sysfs=${NODE_EXPORTER_HOST_PATHS.sys}`,
    `--path.udev.data=${NODE_EXPORTER_HOST_PATHS.root}/run/udev/data`,
    '--no-collector.wifi',
    '--no-collector.hwmon',
    '--no-collector.btrfs',
    // Container and pod mounts would add thousands of series per node; the host's own filesystems stay.
    '--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|run/k3s/containerd/.+|var/lib/docker/.+|var/lib/kubelet/pods/.+)($|/)',
    // Pod veth pairs (and Calico's 15-hex-digit interfaces) come and go with pods: high churn, no node signal.
    '--collector.netclass.ignored-devices=^(veth.*|[a-f0-9]{15})$',
    '--collector.netdev.device-exclude=^(veth.*|[a-f0-9]{15})$',
    ...model.extraArgs,
  ];
}

export class NodeExporter extends Construct implements INodeExporter, INetworkComponent {
  public readonly namespace: string;
  public readonly serviceName: string;
  public readonly port: number;
  public readonly portName: string = EXPORTER_PORTS.nodeExporter.name;
  public readonly appName: string = EXPORTER_NAMES.nodeExporter;
  public readonly podSelector: Readonly<Record<string, string>>;
  /** The resolved model. */
  public readonly model: NodeExporterModel;
  public readonly daemonSet: kplus.DaemonSet;
  public readonly service: kplus.Service;
  /** What the network policies know: the metrics port, on the node's address (host network). */
  public readonly network: ComponentNetwork;

  constructor(scope: Construct, id: string, props: NodeExporterProps = {}) {
    super(scope, id);
    const model = nodeExporterModel(props, this.node.path, defaultAgentNamespace(this));
    this.model = model;
    this.namespace = model.namespace;
    this.serviceName = model.name;
    this.port = model.port;

    const identity: ComponentIdentity = {
      name: EXPORTER_NAMES.nodeExporter,
      instance: model.name,
      component: EXPORTER_COMPONENT,
      version: model.image,
    };
    this.podSelector = selectorLabels(identity);
    const ports = [{ name: this.portName, port: model.port }];
    this.network = { pods: { namespace: model.namespace, podSelector: this.podSelector }, ports: { metrics: ports }, hostNetwork: true };

    // Host mounts with HostToContainer (rslave) propagation: filesystems mounted on the host after the pod started
    // (new PVCs, USB disks) become visible too.
    const hostMount = (volumeName: string, hostPath: string, mountPath: string): MountSpec => ({
      volume: kplus.Volume.fromHostPath(this, `${volumeName}-volume`, volumeName, { path: hostPath, type: kplus.HostPathVolumeType.DIRECTORY }),
      path: mountPath,
      readOnly: true,
      propagation: kplus.MountPropagation.HOST_TO_CONTAINER,
    });

    this.daemonSet = secureDaemonSet(this, 'Resource', {
      scheduling: model.scheduling,
      identity,
      namespace: model.namespace,
      hostAccess: { hostNetwork: this.network.hostNetwork, hostPID: true },
      tolerations: TOLERATE_EVERY_TAINT,
      nodeSelector: LINUX_NODES,
      containers: [
        {
          name: EXPORTER_NAMES.nodeExporter,
          image: model.image,
          args: nodeExporterArgs(model),
          env: { [HOST_IP_ENV]: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.NODE_IP) },
          ports,
          resources: model.resources,
          // The landing page at / answers 200 once the HTTP server is up (as the prometheus-community chart probes it).
          readiness: { path: '/', port: model.port },
          // One health endpoint: liveness more lenient than readiness, so a slow pod leaves the Service before a restart.
          liveness: { path: '/', port: model.port, initialDelaySeconds: 10, periodSeconds: 20, failureThreshold: 6 },
          mounts: [hostMount('root', '/', NODE_EXPORTER_HOST_PATHS.root), hostMount('sys', '/sys', NODE_EXPORTER_HOST_PATHS.sys)],
        },
      ],
    });

    this.service = stackService(this, 'Service', {
      identity,
      namespace: model.namespace,
      ports,
      headless: true,
    });
  }

  /** Its scrape job, for `Prometheus.addScrapeConfig` (see `nodeExporterScrapeConfig`). */
  public scrapeConfigs(): ScrapeConfig[] {
    return [nodeExporterScrapeConfig(this.model, this.appName)];
  }
}
