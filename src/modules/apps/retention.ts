// How long an app keeps its logs, in days: one default for the API, the CLI and the web app's
// "New app" form (the SPA imports this file), so none of them can promise a different number.
export const DEFAULT_RETENTION_DAYS = 180;
export const MAX_RETENTION_DAYS = 3650;
/** The choices the web app offers; the API takes any whole number from 1 to the maximum. */
export const RETENTION_CHOICES_DAYS = [3, 7, 14, 30, 90, 180, 365] as const;
