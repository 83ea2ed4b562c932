// The query bar: syntax highlighting under a transparent textarea, completion of field names and
// values, and the error position underlined in place. `/` focuses it from anywhere.
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { loadFields, loadKnownFields, loadValues, type Scope } from '../lib/fields.ts';
import { useHotkey } from '../lib/hooks.ts';
import { quoteValue } from '../lib/explorer-state.ts';
import { queryHints } from '../lib/query-hints.ts';
import {
  checkQuery,
  completionContext,
  highlightQuery,
  type CompletionContext,
  type QueryProblem,
} from '../lib/query-syntax.ts';
import { SearchIcon } from './icons.tsx';
import { Kbd } from './ui.tsx';
import { useT } from '../i18n/I18nProvider.tsx';
import { Msg } from '../i18n/Msg.tsx';

interface Suggestion {
  label: string;
  insert: string;
  detail?: string;
}

export function QueryBar({
  value,
  onSubmit,
  serverError,
  scope,
}: {
  value: string;
  onSubmit: (query: string) => void;
  serverError: QueryProblem | null;
  scope: Scope;
}) {
  const t = useT();
  const [draft, setDraft] = useState(value);
  const [caret, setCaret] = useState(0);
  const [focused, setFocused] = useState(false);
  // Suggestions with the context they were computed for: a list for an older draft (still showing
  // while the new one loads, e.g. right after a paste) must never be applied to the new text.
  const [computed, setComputed] = useState<{ key: string; list: Suggestion[] }>({
    key: '',
    list: [],
  });
  // Hints with the draft they are about, so a hint for an older draft is never shown.
  const [hinted, setHinted] = useState<{ draft: string; hints: string[] }>({
    draft: '',
    hints: [],
  });
  const hints = hinted.draft === draft ? hinted.hints : [];
  const [active, setActive] = useState(0);
  // Whether the user has moved through the open list: only then (or mid-word) does Tab take a
  // suggestion. A list that opened on mere focus must let Tab move on, or Tab never leaves the bar.
  const [browsed, setBrowsed] = useState(false);
  const listId = useId();
  const [dismissed, setDismissed] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const overlay = useRef<HTMLDivElement>(null);

  useEffect(() => setDraft(value), [value]);
  useHotkey('/', (event) => {
    event.preventDefault();
    input.current?.focus();
    input.current?.select();
  });

  const localProblem = useMemo(() => checkQuery(draft), [draft]);
  // The server's verdict is about the submitted query; once the user edits, trust the local parser.
  const problem = draft === value && serverError ? serverError : localProblem;
  const context = focused && !dismissed ? completionContext(draft, caret) : null;
  const contextKey = context ? JSON.stringify(context) : '';
  const scopeKey = JSON.stringify(scope);
  const suggestions = context && computed.key === contextKey ? computed.list : [];

  useEffect(() => {
    if (!context) return;
    let cancelled = false;
    void suggest(context, scope).then((list) => {
      if (!cancelled) {
        setComputed({ key: contextKey, list });
        setActive(0);
        setBrowsed(false);
      }
    });
    return () => {
      cancelled = true;
    };
    // contextKey and scopeKey stand for the objects, which are new on every render.
  }, [contextKey, scopeKey]);

  const accept = (suggestion: Suggestion): void => {
    if (!context) return;
    const next = draft.slice(0, context.start) + suggestion.insert + draft.slice(context.end);
    const position = context.start + suggestion.insert.length;
    setDraft(next);
    setCaret(position);
    requestAnimationFrame(() => {
      input.current?.setSelectionRange(position, position);
    });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>): void => {
    const open = suggestions.length > 0;
    if (open && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) {
      event.preventDefault();
      const delta = event.key === 'ArrowDown' ? 1 : -1;
      setActive((i) => (i + delta + suggestions.length) % suggestions.length);
      setBrowsed(true);
    } else if (
      open &&
      event.key === 'Tab' &&
      !event.shiftKey &&
      (browsed || draftHasPartial(context))
    ) {
      event.preventDefault();
      accept(suggestions[active]!);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      if (open && !event.metaKey && !event.ctrlKey && draftHasPartial(context)) {
        accept(suggestions[active]!);
        return;
      }
      setDismissed(true);
      onSubmit(draft.trim());
    } else if (event.key === 'Escape') {
      if (open) setDismissed(true);
      else input.current?.blur();
    } else {
      setDismissed(false);
    }
  };

  // Typos that still parse (`servce:`, `level:eror`) get a hint; the query runs all the same.
  useEffect(() => {
    if (localProblem || draft.trim() === '') return;
    let cancelled = false;
    const timer = setTimeout(() => {
      void loadKnownFields(scope).then((known) => {
        if (!cancelled) setHinted({ draft, hints: queryHints(draft, known) });
      });
    }, 250);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [draft, scopeKey, localProblem]);

  const pieces = highlightQuery(draft);
  return (
    <div className={`query-bar${problem ? ' has-error' : ''}${focused ? ' focused' : ''}`}>
      <SearchIcon className="query-icon" />
      <div className="query-field">
        <div className="query-overlay" ref={overlay} aria-hidden="true" translate="no">
          {renderPieces(pieces, problem)}
          {'\u200b'}
        </div>
        <textarea
          ref={input}
          className="query-input"
          value={draft}
          rows={1}
          spellCheck={false}
          // The query is the user's own text (React renders the first value as the textarea's child).
          translate="no"
          autoCapitalize="off"
          autoComplete="off"
          autoCorrect="off"
          placeholder={t('query.placeholder')}
          aria-label={t('query.label')}
          aria-invalid={problem ? true : undefined}
          // A textarea may not be a combobox (nor carry aria-expanded): it points at the open
          // list and its highlighted option instead, which screen readers announce.
          aria-autocomplete="list"
          aria-controls={suggestions.length > 0 ? listId : undefined}
          aria-activedescendant={suggestions.length > 0 ? `${listId}-${active}` : undefined}
          onChange={(event) => {
            setDraft(event.target.value.replace(/\n/g, ' '));
            setCaret(event.target.selectionStart);
          }}
          onSelect={(event) => setCaret(event.currentTarget.selectionStart)}
          onScroll={(event) => {
            if (overlay.current) overlay.current.scrollTop = event.currentTarget.scrollTop;
          }}
          onKeyDown={onKeyDown}
          onFocus={() => {
            setFocused(true);
            setDismissed(false);
          }}
          onBlur={() => setTimeout(() => setFocused(false), 120)}
        />
      </div>
      {!focused && !draft && (
        <span className="query-hint">
          <Kbd>/</Kbd>
        </span>
      )}
      {suggestions.length > 0 && (
        <ul className="suggestions" role="listbox" id={listId} aria-label={t('query.suggestions')}>
          {suggestions.map((s, i) => (
            <li
              key={`${s.label}-${i}`}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : ''}
              onMouseDown={(event) => {
                event.preventDefault();
                accept(s);
              }}
              onMouseEnter={() => setActive(i)}
            >
              <span className="suggestion-label" translate="no">
                {s.label}
              </span>
              {s.detail && <span className="suggestion-detail">{s.detail}</span>}
            </li>
          ))}
          <li className="suggestions-help" aria-hidden="true">
            <Msg id="query.help" values={{ kbd: (chunks) => <Kbd>{chunks}</Kbd> }} />
          </li>
        </ul>
      )}
      {problem && (
        <div className="query-error" role="alert">
          <strong>{t('query.column', { column: problem.position + 1 })}</strong> {problem.message}
        </div>
      )}
      {!problem && hints.length > 0 && suggestions.length === 0 && (
        <div className="query-hints" role="status" data-testid="query-hints">
          {hints.map((hint) => (
            <p key={hint}>{hint}</p>
          ))}
        </div>
      )}
    </div>
  );
}

/** Enter accepts a suggestion only while a word is half-typed; on a finished query it searches. */
function draftHasPartial(context: CompletionContext | null): boolean {
  if (!context) return false;
  return context.prefix.length > 0 || context.kind === 'value';
}

function renderPieces(pieces: ReturnType<typeof highlightQuery>, problem: QueryProblem | null) {
  const out = [];
  let marked = false;
  for (const piece of pieces) {
    const end = piece.start + piece.text.length;
    if (problem && !marked && problem.position >= piece.start && problem.position < end) {
      const at = problem.position - piece.start;
      marked = true;
      out.push(
        <span key={piece.start} className={`tok-${piece.kind}`}>
          {piece.text.slice(0, at)}
          <span className="tok-error">{piece.text.slice(at) || ' '}</span>
        </span>,
      );
    } else {
      out.push(
        <span key={piece.start} className={`tok-${piece.kind}`}>
          {piece.text}
        </span>,
      );
    }
  }
  if (problem && !marked) {
    out.push(
      <span key="end" className="tok-error tok-error-end">
        {' '}
      </span>,
    );
  }
  return out;
}

async function suggest(context: CompletionContext, scope: Scope): Promise<Suggestion[]> {
  if (context.kind === 'field') {
    const fields = await loadFields(scope);
    const prefix = context.prefix.toLowerCase();
    return fields
      .filter((f) => f.name.toLowerCase().startsWith(prefix) && f.name !== context.prefix)
      .slice(0, 12)
      .map((f) => ({
        label: `${f.name}:`,
        insert: `${f.name}:`,
        detail:
          f.type === 'column' ? 'field' : f.count !== undefined ? String(f.count) : 'attribute',
      }));
  }
  const values = await loadValues(context.field, scope);
  const prefix = context.prefix.replace(/^"/, '').toLowerCase();
  return values
    .filter(
      (v) => v.value.toLowerCase().startsWith(prefix) && quoteValue(v.value) !== context.prefix,
    )
    .slice(0, 12)
    .map((v) => ({
      label: v.value,
      insert: `${quoteValue(v.value)} `,
      detail: v.count !== undefined ? v.count.toLocaleString() : undefined,
    }));
}
