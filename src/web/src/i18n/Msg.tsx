// A catalogue message with markup inside it (`<b>…</b>`, `<code>…</code>`): the translation decides
// where the emphasis falls, so sentences are never glued together from pieces.
import type { ReactNode } from 'react';
import { FormattedMessage } from 'react-intl';
import type { MessageKey } from './catalogues.ts';

const TAGS = {
  b: (chunks: ReactNode[]) => <strong>{chunks}</strong>,
  code: (chunks: ReactNode[]) => <code className="mono">{chunks}</code>,
};

export function Msg({
  id,
  values,
}: {
  id: MessageKey;
  values?: Record<string, ReactNode | ((chunks: ReactNode[]) => ReactNode)>;
}) {
  return <FormattedMessage id={id} values={{ ...TAGS, ...values }} />;
}
