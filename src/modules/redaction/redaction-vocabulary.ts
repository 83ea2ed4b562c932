// The words a redaction rule is made of, shared by the API schema, the redactor and the web app's
// rule form. No imports: the SPA bundles this file.

export const PRESET_NAMES = [
  'email',
  'payment_card',
  'iban',
  'ipv4',
  'ipv6',
  'jwt',
  'bearer_token',
  'aws_access_key',
  'phone',
] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

export const REDACTION_ACTIONS = [
  'mask',
  'partial',
  'hash',
  'drop_attribute',
  'drop_record',
] as const;
export type RedactionAction = (typeof REDACTION_ACTIONS)[number];

/** Scopes named by a word; a scope may also list attribute keys (`{ attributes: [...] }`). */
export const REDACTION_SCOPE_NAMES = ['all', 'message', 'attributes'] as const;
