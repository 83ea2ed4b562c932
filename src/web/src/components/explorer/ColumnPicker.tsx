// The explorer's column picker: attribute keys shown as columns of the result list, chosen from
// the keys seen in range (or typed), remembered per browser.
import { useEffect, useState } from 'react';
import { usePopover } from '../../lib/focus.ts';
import { api } from '../../lib/api.ts';
import { storedList } from './FacetSidebar.tsx';
import { useT } from '../../i18n/I18nProvider.tsx';

const KEY = 'mylog.columns';

export function useColumns(): [string[], (next: string[]) => void] {
  const [columns, setColumns] = useState<string[]>(() => storedList(KEY, []));
  return [
    columns,
    (next) => {
      setColumns(next);
      localStorage.setItem(KEY, JSON.stringify(next));
    },
  ];
}

export function ColumnPicker({
  columns,
  onChange,
  scope,
}: {
  columns: string[];
  onChange: (next: string[]) => void;
  scope: { apps: string[]; from: string; to: string };
}) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const [keys, setKeys] = useState<string[]>([]);
  const [typed, setTyped] = useState('');
  const root = usePopover(open, () => setOpen(false));
  useEffect(() => {
    if (!open) return;
    api<{ fields: { name: string }[] }>('/v1/logs/fields', { query: { ...scope, limit: 50 } }).then(
      (answer) => setKeys(answer.fields.map((f) => f.name)),
      () => setKeys([]),
    );
    // Fetched when the menu opens; the scope at that moment is the one that matters.
  }, [open]);
  const toggle = (key: string) =>
    onChange(
      columns.includes(key) ? columns.filter((c) => c !== key) : [...columns, key].slice(0, 6),
    );
  const choices = [...new Set([...columns, ...keys])];
  return (
    <div className="popover-anchor column-picker" ref={root}>
      <button className="button" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        {columns.length > 0
          ? t('columns.buttonCount', { count: columns.length })
          : t('columns.button')}
      </button>
      {open && (
        <div className="popover column-popover" role="dialog" aria-label={t('columns.button')}>
          {choices.length === 0 && <p className="muted small">{t('columns.none')}</p>}
          {choices.map((key) => (
            <label key={key} className="checkbox">
              <input type="checkbox" checked={columns.includes(key)} onChange={() => toggle(key)} />
              <span className="mono" translate="no">
                {key}
              </span>
            </label>
          ))}
          <form
            onSubmit={(event) => {
              event.preventDefault();
              if (typed.trim()) toggle(typed.trim());
              setTyped('');
            }}
          >
            <input
              className="input"
              aria-label={t('columns.inputLabel')}
              placeholder={t('columns.placeholder')}
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
            />
          </form>
        </div>
      )}
    </div>
  );
}
