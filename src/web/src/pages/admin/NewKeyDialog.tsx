// Shows a new ingest key exactly once, with how to use it. Closing asks for confirmation that it
// was copied, because there is no way to see it again.
import { useState } from 'react';
import { SendFirstLog } from '../../components/SendFirstLog.tsx';
import { Dialog, copyText } from '../../components/ui.tsx';
import { useT } from '../../i18n/I18nProvider.tsx';
import { Msg } from '../../i18n/Msg.tsx';
import type { IngestKey } from '../../lib/types.ts';

export interface CreatedKey {
  key: string;
  record: IngestKey;
}

export function NewKeyDialog({
  title,
  appName,
  created,
  onClose,
}: {
  title: string;
  appName: string;
  created: CreatedKey;
  onClose: () => void;
}) {
  const [copied, setCopied] = useState(false);
  const [warned, setWarned] = useState(false);
  const t = useT();
  // Saying "I have copied the key" is an answer in itself (copied by hand, or with the keyboard);
  // only closing the dialog another way (Esc, the close button) before copying asks again.
  const dismiss = (): void => {
    if (!copied && !warned) {
      setWarned(true);
      return;
    }
    onClose();
  };
  return (
    <Dialog
      title={title}
      onClose={dismiss}
      wide
      footer={
        <>
          {warned && !copied && <span className="form-error">{t('admin.newKey.notCopied')}</span>}
          <button className="button button-primary" onClick={onClose}>
            {copied || warned ? t('admin.newKey.done') : t('admin.newKey.copiedIt')}
          </button>
        </>
      }
    >
      <p>
        <Msg
          id="admin.newKey.intro"
          values={{
            name: <strong translate="no">{created.record.name}</strong>,
            app: <span translate="no">{appName}</span>,
          }}
        />
      </p>
      <div className="secret-box">
        <code className="mono" data-testid="new-key">
          {created.key}
        </code>
        <button
          className="button button-primary button-small"
          onClick={() => void copyText(created.key).then(() => setCopied(true))}
        >
          {copied ? t('common.copied') : t('admin.newKey.copy')}
        </button>
      </div>
      <h3 className="section-title">{t('admin.newKey.sendFirst')}</h3>
      <SendFirstLog appName={appName} ingestKey={created.key} />
      <p className="muted small">
        <Msg
          id="admin.newKey.keep"
          values={{ prefix: <code className="mono">{created.record.display_prefix}</code> }}
        />
      </p>
    </Dialog>
  );
}
