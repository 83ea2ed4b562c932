// Which apps to search: all readable apps by default, or a chosen few (by slug, so links read well).
import { useState } from 'react';
import { usePopover } from '../lib/focus.ts';
import type { MeApp } from '../lib/types.ts';
import { BoxIcon, ChevronDown } from './icons.tsx';
import { useT } from '../i18n/I18nProvider.tsx';

export function AppSelector({
  apps,
  value,
  onChange,
}: {
  apps: MeApp[];
  value: string[];
  onChange: (apps: string[]) => void;
}) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const [filter, setFilter] = useState('');
  const root = usePopover(open, () => setOpen(false));

  const selected = new Set(value);
  const label =
    value.length === 0
      ? t('apps.all')
      : value.length === 1
        ? (apps.find((a) => a.slug === value[0] || a.id === value[0])?.name ?? value[0])
        : t('apps.count', { count: value.length });
  const visible = apps.filter((a) =>
    `${a.name} ${a.slug} ${a.org_slug}`.toLowerCase().includes(filter.toLowerCase()),
  );
  const multiOrg = new Set(apps.map((a) => a.org_id)).size > 1;

  const toggle = (slug: string): void => {
    const next = new Set(selected);
    if (next.has(slug)) next.delete(slug);
    else next.add(slug);
    onChange([...next]);
  };

  return (
    <div className="popover-anchor" ref={root}>
      <button
        className="button toolbar-button"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
        title={t('apps.title')}
      >
        <BoxIcon />
        <span className="app-label" translate={value.length === 1 ? 'no' : undefined}>
          {label}
        </span>
        <ChevronDown className="chevron" />
      </button>
      {open && (
        <div className="popover app-popover" role="dialog" aria-label={t('apps.title')}>
          {apps.length > 6 && (
            <input
              className="input"
              placeholder={t('apps.filter')}
              value={filter}
              autoFocus
              onChange={(e) => setFilter(e.target.value)}
            />
          )}
          <button
            className={`menu-item${value.length === 0 ? ' active' : ''}`}
            onClick={() => {
              onChange([]);
              setOpen(false);
            }}
          >
            {t('apps.all')}
          </button>
          {/* A group of checkboxes: a listbox may hold only options. */}
          <div className="menu-list" role="group" aria-label={t('apps.title')}>
            {visible.map((app) => (
              <label key={app.id} className="menu-item check-item">
                <input
                  type="checkbox"
                  checked={selected.has(app.slug) || selected.has(app.id)}
                  onChange={() => toggle(app.slug)}
                />
                <span translate="no">{app.name}</span>
                <span className="muted mono" translate="no">
                  {multiOrg ? `${app.org_slug}/${app.slug}` : app.slug}
                </span>
              </label>
            ))}
            {apps.length === 0 && <p className="muted small pad">{t('apps.none')}</p>}
          </div>
        </div>
      )}
    </div>
  );
}
