/** The placeholder raw SLI queries carry for the window (Sloth writes `{{.window}}`). */
export const WINDOW_PLACEHOLDER = '{{window}}';

/** Renders a raw SLI query for a window. */
export function renderWindowQuery(query: string, window: { toString(): string }): string {
  return query.split(WINDOW_PLACEHOLDER).join(window.toString());
}
