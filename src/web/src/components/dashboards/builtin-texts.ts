// The built-in dashboards' names, descriptions and panel titles come from the server in English;
// the reader sees the catalogue's, by the dashboard's and panel's fixed ids (the server's text when
// the catalogue has none, e.g. a panel added to a built-in later).
import { hasMessage, t } from '../../i18n/display.ts';
import type { Panel } from '../../lib/dashboards.ts';

export function builtinTitle(name: string, fallback: string): string {
  const key = `dashboards.builtin.${name}`;
  return hasMessage(key) ? t(key) : fallback;
}

export function builtinDescription(name: string, fallback: string): string {
  const key = `dashboards.builtin.${name}.description`;
  return hasMessage(key) ? t(key) : fallback;
}

export function builtinPanelTitle(panel: Panel): string {
  // "Slowest endpoints (duration_ms)": the server picks the field names from the org's logs.
  const slowest = /^Slowest (endpoints|services) \((.+)\)$/.exec(panel.title);
  if (panel.id === 'slowest' && slowest)
    return t('dashboards.builtinPanel.slowest', { what: slowest[1], field: slowest[2] });
  const key = `dashboards.builtinPanel.${panel.id}`;
  return hasMessage(key) ? t(key) : panel.title;
}
