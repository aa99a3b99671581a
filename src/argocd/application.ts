import { Construct } from 'constructs';
import { ProblemCollector } from '../common/errors';
import { PART_OF } from '../common/labels';
import { dns1123LabelProblems, dns1123SubdomainProblems, httpUrlProblems, namespaceProblems, nonEmptyProblems, wholeNumberProblems } from '../common/validation';
import { Application } from '../../imports/argoproj.io';

/**
 * The Argo CD `Application` (argoproj.io/v1alpha1) that deploys the committed `dist/` of a stack: a directory source
 * of plain YAML, synced automatically (pruning what the manifests no longer hold, undoing changes made by hand),
 * server-side applied, in the sync waves the stack's objects carry (src/argocd/sync-waves.ts), with no hooks.
 * Apply it once into Argo CD's namespace (`kubectl apply -f dist/argocd/`), or let an app-of-apps Application manage
 * that folder. The field meanings are Argo CD's (docs/operator-manual/application.yaml and
 * docs/user-guide/sync-options.md of v3.5; the CRD: imports/crds/argoproj.io_applications.yaml).
 */

export interface ArgoCdApplicationProps {
  /** The Application's name. @default 'observability' */
  readonly name?: string;
  /** Argo CD's namespace, where Applications live. @default 'argocd' */
  readonly namespace?: string;
  /** The Argo CD project. @default 'default' */
  readonly project?: string;
  /** The Git repository holding `dist/` (https, or ssh as `git@host:org/repo.git`). */
  readonly repoUrl: string;
  /** The branch, tag or commit to deploy. @default 'main' */
  readonly targetRevision?: string;
  /** The folder of manifests in the repository, e.g. `dist/observability` (the file-per-component layout). */
  readonly path: string;
  /** Read the folder's subfolders too (a layout with a folder per chart below `path`). @default false */
  readonly recurse?: boolean;
  /** The cluster to deploy to. @default 'https://kubernetes.default.svc' (the cluster Argo CD runs in) */
  readonly destinationServer?: string;
  /**
   * Sync on every change of the repository, `prune` objects the manifests no longer hold and `selfHeal` changes made
   * in the cluster; `false` for manual syncs.
   * @default { prune: true, selfHeal: true }
   */
  readonly automated?: { readonly prune?: boolean; readonly selfHeal?: boolean } | false;
  /**
   * Sync options of the whole Application. The default applies every object server-side (client-side apply stores a
   * copy of each object in an annotation limited to 256 KiB: the rule and dashboard ConfigMaps of a large catalog pass
   * it) and prunes last, after every wave is applied and healthy. The manifests create their namespaces, so no
   * `CreateNamespace`.
   * @default ['ServerSideApply=true', 'PruneLast=true']
   */
  readonly syncOptions?: readonly string[];
  /** Retries of a failed sync. @default { limit: 5, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } } */
  readonly retry?: { readonly limit: number; readonly backoff?: { readonly duration: string; readonly factor: number; readonly maxDuration: string } };
  /**
   * Delete the Application's objects when the Application is deleted (Argo CD's `resources-finalizer`); without it,
   * deleting the Application leaves the stack running.
   * @default false
   */
  readonly cascadeDelete?: boolean;
}

export const ARGOCD_APPLICATION_DEFAULTS = {
  name: 'observability',
  namespace: 'argocd',
  project: 'default',
  targetRevision: 'main',
  destinationServer: 'https://kubernetes.default.svc',
  syncOptions: ['ServerSideApply=true', 'PruneLast=true'] as readonly string[],
  retry: { limit: 5, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } },
  /** Argo CD's finalizer for cascading deletion. */
  finalizer: 'resources-finalizer.argocd.argoproj.io',
} as const;

/** `git@host:org/repo(.git)`, the scp-like ssh form Git and Argo CD accept. */
const SSH_REPO = /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[A-Za-z0-9._/~-]+$/;
/** An Argo CD duration (Go's: `5s`, `3m`, `1h30m`). */
const GO_DURATION = /^([0-9]+(ms|s|m|h))+$/;

/** The Application, validated. */
export class ArgoCdApplication extends Construct {
  public readonly name: string;
  public readonly namespace: string;
  public readonly resource: Application;

  constructor(scope: Construct, id: string, props: ArgoCdApplicationProps) {
    super(scope, id);
    const d = ARGOCD_APPLICATION_DEFAULTS;
    const path = this.node.path;
    const c = new ProblemCollector();
    this.name = props.name ?? d.name;
    this.namespace = props.namespace ?? d.namespace;
    c.addAll(dns1123SubdomainProblems(this.name, `${path}.name`));
    c.addAll(namespaceProblems(this.namespace, `${path}.namespace`));
    const project = props.project ?? d.project;
    c.addAll(dns1123LabelProblems(project, `${path}.project`));
    if (typeof props.repoUrl !== 'string' || !SSH_REPO.test(props.repoUrl)) {
      c.addAll(httpUrlProblems(props.repoUrl, `${path}.repoUrl`, { example: 'https://github.com/example-org/observability-stack.git', reason: 'Argo CD clones it (an ssh URL is written git@host:org/repo.git)' }));
    }
    const revision = props.targetRevision ?? d.targetRevision;
    c.addAll(nonEmptyProblems(revision, `${path}.targetRevision`, 'name a branch, tag or commit, e.g. "main".'));
    if (typeof props.path !== 'string' || props.path === '' || props.path.startsWith('/') || props.path.split('/').includes('..')) {
      c.add({ path: `${path}.path`, message: 'must be a folder of the repository, relative to its root, without ".."', value: props.path, fix: 'write e.g. "dist/observability".' });
    }
    const server = props.destinationServer ?? d.destinationServer;
    c.addAll(httpUrlProblems(server, `${path}.destinationServer`, { example: d.destinationServer }));
    const retry = props.retry ?? d.retry;
    c.addAll(wholeNumberProblems(retry.limit, `${path}.retry.limit`, { min: 0, fix: 'use e.g. 5 (0: no retries).' }));
    if (retry.backoff) {
      for (const k of ['duration', 'maxDuration'] as const) {
        if (!GO_DURATION.test(retry.backoff[k])) c.add({ path: `${path}.retry.backoff.${k}`, message: 'is not a duration Argo CD reads (numbers with ms, s, m or h)', value: retry.backoff[k], fix: 'write e.g. "5s" or "3m".' });
      }
      c.addAll(wholeNumberProblems(retry.backoff.factor, `${path}.retry.backoff.factor`, { fix: 'use e.g. 2.' }));
    }
    const syncOptions = props.syncOptions ?? d.syncOptions;
    syncOptions.forEach((o, i) => {
      if (!/^[A-Za-z]+=[A-Za-z0-9_.-]+$/.test(o)) c.add({ path: `${path}.syncOptions[${i}]`, message: 'is not an Argo CD sync option (`Name=value`)', value: o, fix: 'write e.g. "ServerSideApply=true".' });
    });
    c.throwIfAny();

    const automated = props.automated === false ? undefined : { prune: props.automated?.prune ?? true, selfHeal: props.automated?.selfHeal ?? true };
    this.resource = new Application(this, 'Resource', {
      metadata: {
        name: this.name,
        namespace: this.namespace,
        labels: { 'app.kubernetes.io/part-of': PART_OF, 'app.kubernetes.io/managed-by': 'cdk8s' },
        finalizers: props.cascadeDelete ? [d.finalizer] : undefined,
      },
      spec: {
        project,
        source: {
          repoUrl: props.repoUrl,
          targetRevision: revision,
          path: props.path,
          directory: props.recurse ? { recurse: true } : undefined,
        },
        destination: { server },
        syncPolicy: {
          automated,
          syncOptions: [...syncOptions],
          retry: { limit: retry.limit, backoff: retry.backoff ? { ...retry.backoff } : undefined },
        },
      },
    });
  }
}
