// Shows a new ingest key exactly once, with how to use it. Closing asks for confirmation that it
// was copied, because there is no way to see it again.
import { useState } from 'react';
import { SendFirstLog } from '../../components/SendFirstLog.tsx';
import { Dialog, copyText } from '../../components/ui.tsx';
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
          {warned && !copied && (
            <span className="form-error">
              The key has not been copied with the button. Close anyway?
            </span>
          )}
          <button className="button button-primary" onClick={onClose}>
            {copied || warned ? 'Done' : 'I have copied the key'}
          </button>
        </>
      }
    >
      <p>
        Ingest key <strong>{created.record.name}</strong> for {appName}. Copy it now:{' '}
        <strong>it will not be shown again.</strong>
      </p>
      <div className="secret-box">
        <code className="mono" data-testid="new-key">
          {created.key}
        </code>
        <button
          className="button button-primary button-small"
          onClick={() => void copyText(created.key).then(() => setCopied(true))}
        >
          {copied ? 'Copied' : 'Copy key'}
        </button>
      </div>
      <h3 className="section-title">Send your first log</h3>
      <SendFirstLog appName={appName} ingestKey={created.key} />
      <p className="muted small">
        Keep the key in your secret store. Its prefix{' '}
        <code className="mono">{created.record.display_prefix}</code> identifies it in the list.
      </p>
    </Dialog>
  );
}
