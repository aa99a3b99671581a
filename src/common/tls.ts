import { Construct } from 'constructs';
import * as cm from '../../imports/cert-manager.io';
import { ConfigProblem } from './errors';
import { dns1123SubdomainProblems, goDurationProblems, nonEmptyProblems } from './validation';

/**
 * Where a TLS certificate comes from: a Secret you create (`kubernetes.io/tls`: keys `tls.crt`, `tls.key`), or a
 * cert-manager Certificate the stack writes (cert-manager then creates and renews that Secret). The Certificate is
 * the typed construct `cdk8s import` generated offline from cert-manager's CRD (imports/crds/, v1.21.1).
 */

/** The keys of a `kubernetes.io/tls` Secret (cert-manager adds `ca.crt` for CA issuers). */
export const TLS_SECRET_KEYS = { cert: 'tls.crt', key: 'tls.key', ca: 'ca.crt' } as const;

export interface CertManagerIssuerRef {
  /** The Issuer or ClusterIssuer that signs the certificate. */
  readonly name: string;
  /** @default 'ClusterIssuer' (one issuer for the cluster, e.g. Let's Encrypt or an internal CA) */
  readonly kind?: 'Issuer' | 'ClusterIssuer';
  /** For external issuers. @default 'cert-manager.io' */
  readonly group?: string;
}

export interface CertManagerCertificateOptions {
  readonly issuer: CertManagerIssuerRef;
  /** The Secret cert-manager writes. @default - `<component name>-tls` */
  readonly secretName?: string;
  /** Requested lifetime, a Go duration. @default - the issuer's (cert-manager: 90 days) */
  readonly duration?: string;
  /** Renew this long before expiry, a Go duration. @default - a third of the lifetime (cert-manager's default) */
  readonly renewBefore?: string;
}

export class TlsCertificate {
  /** A `kubernetes.io/tls` Secret you create and renew, in the component's namespace. */
  public static fromSecret(secretName: string): TlsCertificate {
    return new TlsCertificate({ kind: 'secret', secretName });
  }

  /** A cert-manager Certificate written by the stack; cert-manager creates and renews its Secret. */
  public static fromCertManager(options: CertManagerCertificateOptions): TlsCertificate {
    return new TlsCertificate({ kind: 'certManager', ...options });
  }

  private constructor(public readonly spec: { readonly kind: 'secret'; readonly secretName: string } | ({ readonly kind: 'certManager' } & CertManagerCertificateOptions)) {}

  /** Problems of the source as given (pure), under `path`. */
  public problems(path: string): ConfigProblem[] {
    const s = this.spec;
    if (s.kind === 'secret') return dns1123SubdomainProblems(s.secretName, `${path}.secretName`);
    const problems = [...nonEmptyProblems(s.issuer?.name, `${path}.issuer.name`, 'name the Issuer or ClusterIssuer, e.g. "letsencrypt".')];
    if (s.issuer?.kind !== undefined && s.issuer.kind !== 'Issuer' && s.issuer.kind !== 'ClusterIssuer') {
      problems.push({ path: `${path}.issuer.kind`, message: 'must be "Issuer" or "ClusterIssuer"', value: s.issuer.kind, fix: 'omit it for a ClusterIssuer.' });
    }
    if (s.secretName !== undefined) problems.push(...dns1123SubdomainProblems(s.secretName, `${path}.secretName`));
    if (s.duration !== undefined) problems.push(...goDurationProblems(s.duration, `${path}.duration`));
    if (s.renewBefore !== undefined) problems.push(...goDurationProblems(s.renewBefore, `${path}.renewBefore`, '720h'));
    return problems;
  }

  /** The Secret that holds (or will hold) the certificate. */
  public secretName(defaultName: string): string {
    return this.spec.kind === 'secret' ? this.spec.secretName : this.spec.secretName ?? defaultName;
  }
}

export interface TlsSecretSpec {
  readonly namespace: string;
  /** The Certificate's name, and `<name>-tls` the default Secret name. */
  readonly name: string;
  /** Names the certificate is for (cert-manager: `dnsNames`). */
  readonly dnsNames: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * The Secret of a TLS source: for cert-manager, writes the Certificate (server auth, ECDSA P-256 keys rotated at
 * every renewal) first. Returns the Secret's name.
 */
export function tlsSecret(scope: Construct, id: string, tls: TlsCertificate, spec: TlsSecretSpec): string {
  const secretName = tls.secretName(`${spec.name}-tls`);
  const s = tls.spec;
  if (s.kind === 'certManager') {
    new cm.Certificate(scope, id, {
      metadata: { name: spec.name, namespace: spec.namespace, labels: { ...spec.labels } },
      spec: {
        secretName,
        dnsNames: [...spec.dnsNames],
        issuerRef: { name: s.issuer.name, kind: s.issuer.kind ?? 'ClusterIssuer', group: s.issuer.group ?? 'cert-manager.io' },
        duration: s.duration,
        renewBefore: s.renewBefore,
        privateKey: {
          algorithm: cm.CertificateSpecPrivateKeyAlgorithm.ECDSA,
          size: 256,
          rotationPolicy: cm.CertificateSpecPrivateKeyRotationPolicy.ALWAYS,
        },
        usages: [cm.CertificateSpecUsages.DIGITAL_SIGNATURE, cm.CertificateSpecUsages.SERVER_AUTH],
      },
    });
  }
  return secretName;
}
