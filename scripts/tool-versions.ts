/**
 * Which binary each TOOL_BUILDS entry provides and how each prints its version: shared by
 * scripts/install-tools.ts (which checks every build names its release) and the test helpers (which print the
 * versions the checks ran with).
 */
import { TOOL_BUILDS } from '../src/versions';

/** Arguments that print a binary's version (default `--version`). */
export const TOOL_VERSION_ARGS: Readonly<Record<string, readonly string[]>> = {
  jaeger: ['version'],
  'kube-score': ['version'],
};

export type ToolName = keyof typeof TOOL_BUILDS;

export function toolBinaries(name: string): string[] {
  const t = (TOOL_BUILDS as Record<string, { binaries: Record<string, string> }>)[name];
  return t ? Object.keys(t.binaries) : [];
}

/** The TOOL_BUILDS entry that provides a binary. */
export function toolOfBinary(binary: string): { readonly name: ToolName; readonly release: string } {
  for (const [name, t] of Object.entries(TOOL_BUILDS)) {
    if (binary in t.binaries) return { name: name as ToolName, release: t.release };
  }
  throw new Error(`no TOOL_BUILDS entry provides "${binary}"`);
}
