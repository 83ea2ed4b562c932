// The explorer's facet sidebar: the top values of a few fields for the current query and range,
// each a click away from becoming a filter (or, with the minus, an exclusion). Which fields show
// is the reader's choice, remembered per browser.
import { useEffect, useState } from 'react';
import { api, errorMessage, isAbort } from '../../lib/api.ts';
import { checkQuery } from '../../lib/query-syntax.ts';
import { CloseIcon, MinusCircle, PlusIcon } from '../icons.tsx';
import { useT } from '../../i18n/I18nProvider.tsx';

const KEY = 'mylog.facets';
const DEFAULT_FIELDS = ['level', 'service', 'host'];
const TOP = 8;

export function storedList(key: string, fallback: string[]): string[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(key) ?? 'null');
    return Array.isArray(parsed)
      ? parsed.filter((v): v is string => typeof v === 'string')
      : fallback;
  } catch {
    return fallback;
  }
}

export interface FacetScope {
  q: string;
  apps: string[];
  from: string;
  to: string;
}

export function FacetSidebar({
  scope,
  onFilter,
}: {
  scope: FacetScope;
  onFilter: (field: string, value: string, exclude: boolean) => void;
}) {
  const t = useT();
  const [fields, setFields] = useState<string[]>(() => storedList(KEY, DEFAULT_FIELDS));
  const [adding, setAdding] = useState('');
  const save = (next: string[]) => {
    setFields(next);
    localStorage.setItem(KEY, JSON.stringify(next));
  };
  return (
    <aside className="facets" aria-label={t('facets.label')}>
      {fields.map((field) => (
        <Facet
          key={field}
          field={field}
          scope={scope}
          onFilter={onFilter}
          onRemove={() => save(fields.filter((f) => f !== field))}
        />
      ))}
      <form
        className="facet-add"
        onSubmit={(event) => {
          event.preventDefault();
          const name = adding.trim();
          if (name && !fields.includes(name)) save([...fields, name]);
          setAdding('');
        }}
      >
        <input
          className="input"
          aria-label={t('facets.addLabel')}
          placeholder={t('facets.addPlaceholder')}
          value={adding}
          onChange={(e) => setAdding(e.target.value)}
        />
        <button className="icon-button" aria-label={t('facets.add')} disabled={!adding.trim()}>
          <PlusIcon />
        </button>
      </form>
    </aside>
  );
}

function Facet({
  field,
  scope,
  onFilter,
  onRemove,
}: {
  field: string;
  scope: FacetScope;
  onFilter: (field: string, value: string, exclude: boolean) => void;
  onRemove: () => void;
}) {
  const t = useT();
  const [state, setState] = useState<{
    values?: { value: string; count: number }[];
    error?: string;
  }>({});
  const key = JSON.stringify([field, scope]);
  useEffect(() => {
    // The query bar already points at a bad query; asking the server would only earn a 400.
    if (checkQuery(scope.q)) {
      setState({ error: t('facets.fixQuery') });
      return;
    }
    const controller = new AbortController();
    api<{ values: { value: string; count: number }[] }>(
      `/v1/logs/fields/${encodeURIComponent(field)}/values`,
      { query: { ...scope, limit: TOP }, signal: controller.signal },
    ).then(
      (answer) => setState({ values: answer.values.filter((v) => v.value !== '') }),
      (error: unknown) => {
        if (!isAbort(error)) setState({ error: errorMessage(error) });
      },
    );
    return () => controller.abort();
    // `key` stands for the field and the scope.
  }, [key]);
  const max = Math.max(1, ...(state.values ?? []).map((v) => v.count));
  return (
    <section className="facet" data-facet={field}>
      <header>
        <span className="mono" translate="no">
          {field}
        </span>
        <button
          className="icon-button small"
          aria-label={t('facets.hide', { field })}
          onClick={onRemove}
        >
          <CloseIcon />
        </button>
      </header>
      {state.error && <p className="form-error small">{state.error}</p>}
      {state.values?.length === 0 && <p className="muted small">{t('facets.noValues')}</p>}
      <ul>
        {state.values?.map((v) => (
          <li key={v.value}>
            <button
              className="facet-value"
              title={`${field}:${v.value}`}
              translate="no"
              onClick={() => onFilter(field, v.value, false)}
            >
              <span className="facet-bar" style={{ width: `${(v.count / max) * 100}%` }} />
              <span className="facet-label">{v.value}</span>
              <span className="facet-count">{t('number', { value: v.count })}</span>
            </button>
            <button
              className="icon-button small"
              aria-label={t('facets.exclude', { filter: `${field}:${v.value}` })}
              onClick={() => onFilter(field, v.value, true)}
            >
              <MinusCircle />
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
