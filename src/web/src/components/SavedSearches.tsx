// Saved searches: a menu to open one, and "Save current search".
import { useEffect, useState } from 'react';
import { usePopover } from '../lib/focus.ts';
import { errorMessage } from '../lib/api.ts';
import type { ExplorerState } from '../lib/explorer-state.ts';
import { roleAtLeast, type MembershipRole } from '../../../modules/auth/roles.ts';
import { useSession } from '../lib/session.tsx';
import { createSavedSearch, deleteSavedSearch, listSavedSearches } from '../lib/saved-searches.ts';
import type { SavedSearch } from '../lib/types.ts';
import { ChevronDown, StarIcon, TrashIcon } from './icons.tsx';
import { FormDialog, Spinner, TextField, useSubmit, useToast } from './ui.tsx';
import { useT } from '../i18n/I18nProvider.tsx';

interface Current {
  q: string;
  from: string;
  to: string;
  apps: string[];
}

export function SavedSearches({
  current,
  onOpen,
}: {
  current: Current;
  onOpen: (state: ExplorerState) => void;
}) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const [list, setList] = useState<SavedSearch[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const root = usePopover(open, () => setOpen(false));
  const toast = useToast();
  const { me, org } = useSession();
  // The API's rules (saved-searches.service.ts): members save; the owner changes their own, an
  // org admin also what is shared. Viewers only open.
  const roleIn = (orgId: string | undefined) =>
    me?.orgs.find((o) => o.id === orgId)?.role as MembershipRole | undefined;
  const atLeast = (orgId: string | undefined, role: MembershipRole): boolean => {
    const mine = roleIn(orgId);
    return mine !== undefined && roleAtLeast(mine, role);
  };
  const canSave = atLeast(org?.id, 'member');
  const canDelete = (saved: SavedSearch): boolean =>
    atLeast(saved.org_id, 'member') &&
    (saved.owner_user_id === me?.user.id ||
      (saved.visibility === 'org' && atLeast(saved.org_id, 'admin')));

  const refresh = (): void => {
    setError(null);
    listSavedSearches().then(setList, (e: unknown) => setError(errorMessage(e)));
  };
  useEffect(() => {
    if (!open) return;
    refresh();
  }, [open]);

  const openSaved = (saved: SavedSearch): void => {
    onOpen({
      q: saved.query ?? '',
      range: { from: saved.from ?? 'now-1h', to: saved.to ?? 'now' },
      apps: saved.apps ?? [],
      row: null,
      live: false,
    });
    setOpen(false);
  };

  return (
    <div className="popover-anchor" ref={root}>
      <button
        className="button toolbar-button"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
        title={t('saved.title')}
      >
        <StarIcon />
        <span className="saved-label">{t('saved.button')}</span>
        <ChevronDown className="chevron" />
      </button>
      {open && (
        // A disclosure, not role=menu: its entries are pairs of buttons (open, delete).
        <div className="popover saved-popover" role="dialog" aria-label={t('saved.title')}>
          {canSave ? (
            <button
              className="menu-item strong"
              onClick={() => {
                setSaving(true);
                setOpen(false);
              }}
            >
              {t('saved.saveCurrent')}
            </button>
          ) : (
            <p className="muted small pad">{t('saved.viewerNote')}</p>
          )}
          <div className="menu-divider" />
          {error && <p className="form-error pad">{error}</p>}
          {!list && !error && (
            <div className="pad">
              <Spinner />
            </div>
          )}
          {list?.length === 0 && <p className="muted small pad">{t('saved.none')}</p>}
          {list?.map((saved) => (
            <div key={saved.id} className="menu-item saved-item">
              <button className="saved-open" onClick={() => openSaved(saved)}>
                <span>
                  <span translate="no">{saved.name}</span>
                  {saved.visibility === 'org' && (
                    <span className="pill small-pill">{t('saved.shared')}</span>
                  )}
                </span>
                <span className="muted mono small" translate="no">
                  {saved.query || '*'}
                </span>
              </button>
              {canDelete(saved) && (
                <button
                  className="icon-button"
                  aria-label={t('saved.delete', { name: saved.name })}
                  onClick={() =>
                    void deleteSavedSearch(saved.id).then(refresh, (e: unknown) =>
                      toast(errorMessage(e), 'error'),
                    )
                  }
                >
                  <TrashIcon />
                </button>
              )}
            </div>
          ))}
        </div>
      )}
      {saving && (
        <SaveDialog
          current={current}
          onClose={() => setSaving(false)}
          onSaved={(name) => toast(t('saved.saved', { name }), 'success')}
        />
      )}
    </div>
  );
}

function SaveDialog({
  current,
  onClose,
  onSaved,
}: {
  current: Current;
  onClose: () => void;
  onSaved: (name: string) => void;
}) {
  const t = useT();
  const { org } = useSession();
  const [name, setName] = useState(current.q.slice(0, 60));
  const [shared, setShared] = useState(false);
  const { busy, error, setError, submit } = useSubmit();
  return (
    <FormDialog
      title={t('saved.dialogTitle')}
      onClose={onClose}
      onSubmit={() => {
        if (!org) return setError(t('saved.noOrg'));
        submit(
          () =>
            createSavedSearch({
              org: org.id,
              name: name.trim() || t('saved.untitled'),
              query: current.q,
              from: current.from,
              to: current.to,
              apps: current.apps,
              visibility: shared ? 'org' : 'private',
            }),
          () => {
            onSaved(name);
            onClose();
          },
        );
      }}
      error={error}
      submitLabel={t('common.save')}
      disabled={busy}
    >
      <TextField label={t('saved.name')} autoFocus required value={name} onChange={setName} />
      <label className="check-row">
        <input type="checkbox" checked={shared} onChange={(e) => setShared(e.target.checked)} />
        {t('saved.share', { org: org?.name ?? t('saved.theOrg') })}
      </label>
      <p className="muted small mono" translate="no">
        {current.q || '*'}
      </p>
    </FormDialog>
  );
}
