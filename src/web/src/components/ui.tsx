// Small building blocks shared by every page: dialogs, form fields, tables, tabs, toasts, copy
// button, spinner, empty state.
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useRef,
  useState,
  type InputHTMLAttributes,
  type ReactNode,
} from 'react';
import { errorMessage } from '../lib/api.ts';
import { CheckIcon, CloseIcon, CopyIcon } from './icons.tsx';
import { useT } from '../i18n/I18nProvider.tsx';
import { keepTabInside } from '../lib/focus.ts';

/**
 * A form's submit: `busy` while the request runs (buttons disable, spinner shows), the error it
 * failed with, and the result handed to `onDone` on success.
 */
export function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = useCallback(<T,>(work: () => Promise<T>, onDone: (value: T) => void): void => {
    setBusy(true);
    work().then(
      (value) => {
        setBusy(false);
        onDone(value);
      },
      (e: unknown) => {
        setBusy(false);
        setError(errorMessage(e));
      },
    );
  }, []);
  return { busy, error, setError, submit };
}

/** What a list shows until its data is there: the error it failed with, or a spinner. */
export function LoadStatus({ data, error }: { data: unknown; error: unknown }) {
  if (error) return <p className="form-error">{errorMessage(error)}</p>;
  return data ? null : <Spinner />;
}

export function Spinner({ label }: { label?: string }) {
  const t = useT();
  return <span className="spinner" role="status" aria-label={label ?? t('common.loading')} />;
}

export function Dialog({
  title,
  onClose,
  children,
  footer,
  wide,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const t = useT();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    // React removes the element without close(), so the browser's own focus restore never runs:
    // give focus back to what opened the dialog ourselves.
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    // showModal() focuses the first control, the header's close button: a form starts at its
    // first field instead (React's autoFocus ran before showModal and lost to it).
    dialog
      .querySelector<HTMLElement>(
        '.dialog-body :is(input:not([type=hidden]), select, textarea):not([disabled])',
      )
      ?.focus();
    return () => {
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      className={`dialog${wide ? ' dialog-wide' : ''}`}
      aria-label={title}
      onKeyDown={(event) => {
        if (ref.current) keepTabInside(event, ref.current);
      }}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onClick={(event) => {
        if (event.target === ref.current) onClose();
      }}
    >
      <div className="dialog-inner">
        <header className="dialog-header">
          <h2>{title}</h2>
          <button className="icon-button" onClick={onClose} aria-label={t('common.close')}>
            <CloseIcon />
          </button>
        </header>
        <div className="dialog-body">{children}</div>
        {footer && <footer className="dialog-footer">{footer}</footer>}
      </div>
    </dialog>
  );
}

export function ConfirmDialog({
  title,
  message,
  confirmLabel,
  danger,
  onConfirm,
  onClose,
}: {
  title: string;
  message: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}) {
  const { busy, error, submit } = useSubmit();
  const t = useT();
  return (
    <Dialog
      title={title}
      onClose={onClose}
      footer={
        <>
          <button className="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button
            className={`button ${danger ? 'button-danger' : 'button-primary'}`}
            disabled={busy}
            onClick={() => submit(onConfirm, onClose)}
          >
            {busy ? <Spinner /> : null}
            {confirmLabel}
          </button>
        </>
      }
    >
      <p>{message}</p>
      {error && <p className="form-error">{error}</p>}
    </Dialog>
  );
}

/** A page's title, what the page is for, and its main action. */
export function PageHeader({
  title,
  description,
  action,
}: {
  /** A node so user data in it (an alert's name) can be marked translate="no". */
  title: ReactNode;
  description: ReactNode;
  action?: ReactNode;
}) {
  return (
    <header className="page-header">
      <div>
        <h1>{title}</h1>
        <p className="muted">{description}</p>
      </div>
      {action}
    </header>
  );
}

/** A dialog around one form: its fields, the error its submit failed with, Cancel and submit. */
export function FormDialog({
  title,
  onClose,
  onSubmit,
  error,
  submitLabel,
  disabled,
  danger,
  children,
}: {
  title: string;
  onClose: () => void;
  onSubmit: () => void;
  error: string | null;
  submitLabel: string;
  disabled: boolean;
  danger?: boolean;
  children: ReactNode;
}) {
  const t = useT();
  return (
    <Dialog title={title} onClose={onClose}>
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          onSubmit();
        }}
      >
        {children}
        {error && <p className="form-error">{error}</p>}
        <div className="button-row end">
          <button type="button" className="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button
            className={`button ${danger ? 'button-danger' : 'button-primary'}`}
            disabled={disabled}
          >
            {submitLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** A labelled input; `onChange` is handed the new value. */
export function TextField({
  label,
  onChange,
  ...input
}: {
  label: ReactNode;
  onChange: (value: string) => void;
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange'>) {
  return (
    <label>
      {label}
      <input className="input" {...input} onChange={(e) => onChange(e.target.value)} />
    </label>
  );
}

/** A table in its scrolling wrapper: `head` holds the header cells, `children` the rows. */
export function Table({
  head,
  className,
  children,
}: {
  head: ReactNode;
  className?: string;
  children: ReactNode;
}) {
  return (
    // Focusable: on a phone the table scrolls sideways, and keyboard users must reach it (axe
    // scrollable-region-focusable).
    <div className="table-wrap" tabIndex={0}>
      <table className={className ? `table ${className}` : 'table'}>
        <thead>
          <tr>{head}</tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

export function Tabs<T extends string>({
  tabs,
  current,
  onChange,
  label,
}: {
  tabs: readonly T[];
  current: T;
  onChange: (tab: T) => void;
  label: (tab: T) => ReactNode;
}) {
  return (
    <nav className="tabs" role="tablist">
      {tabs.map((name) => (
        <button
          key={name}
          role="tab"
          aria-selected={current === name}
          className={current === name ? 'tab active' : 'tab'}
          onClick={() => onChange(name)}
        >
          {label(name)}
        </button>
      ))}
    </nav>
  );
}

export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Without a secure context or permission: select-and-copy through a temporary field.
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.className = 'offscreen';
    document.body.append(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
}

export function CopyButton({
  text,
  label,
  compact,
}: {
  text: string;
  label?: string;
  compact?: boolean;
}) {
  const [copied, setCopied] = useState(false);
  const t = useT();
  label ??= t('common.copy');
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 1500);
    return () => clearTimeout(timer);
  }, [copied]);
  return (
    <button
      type="button"
      className={compact ? 'icon-button' : 'button button-small'}
      title={label}
      aria-label={label}
      onClick={() => void copyText(text).then(() => setCopied(true))}
    >
      {copied ? <CheckIcon /> : <CopyIcon />}
      {!compact && <span>{copied ? t('common.copied') : label}</span>}
    </button>
  );
}

interface Toast {
  id: number;
  text: string;
  tone: 'info' | 'error' | 'success';
}
const ToastContext = createContext<(text: string, tone?: Toast['tone']) => void>(() => {});

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);
  const show = useCallback((text: string, tone: Toast['tone'] = 'info') => {
    const id = next.current++;
    setToasts((list) => [...list.slice(-3), { id, text, tone }]);
    setTimeout(() => setToasts((list) => list.filter((t) => t.id !== id)), 4000);
  }, []);
  return (
    <ToastContext.Provider value={show}>
      {children}
      <div className="toasts" role="status" aria-live="polite">
        {toasts.map((toast) => (
          <div key={toast.id} className={`toast toast-${toast.tone}`}>
            {toast.text}
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useToast() {
  return useContext(ToastContext);
}

export function EmptyState({
  title,
  children,
  icon,
}: {
  title: string;
  children?: ReactNode;
  icon?: ReactNode;
}) {
  return (
    <div className="empty-state">
      {icon && <div className="empty-icon">{icon}</div>}
      <h3>{title}</h3>
      {children}
    </div>
  );
}

export function Kbd({ children }: { children: ReactNode }) {
  return <kbd className="kbd">{children}</kbd>;
}

export function LevelBadge({ level }: { level: string }) {
  return (
    <span className={`level level-${level || 'none'}`} translate="no">
      {level || '—'}
    </span>
  );
}
