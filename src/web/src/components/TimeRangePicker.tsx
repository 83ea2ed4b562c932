// Presets and an absolute range. Relative ranges stay relative in the URL.
import { useEffect, useState } from 'react';
import { usePopover } from '../lib/focus.ts';
import {
  describeRange,
  fromLocalInput,
  PRESETS,
  resolveTime,
  toLocalInput,
  type TimeRange,
} from '../lib/time.ts';
import { ChevronDown, ClockIcon } from './icons.tsx';
import { useI18n, useT } from '../i18n/I18nProvider.tsx';

export function TimeRangePicker({
  value,
  onChange,
}: {
  value: TimeRange;
  onChange: (range: TimeRange) => void;
}) {
  const [open, setOpen] = useState(false);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [error, setError] = useState<string | null>(null);
  const root = usePopover(open, () => setOpen(false));
  const t = useT();
  const zone = useI18n().display.timeZone;

  useEffect(() => {
    if (!open) return;
    setFrom(toLocalInput(resolveTime(value.from)));
    setTo(toLocalInput(resolveTime(value.to)));
    setError(null);
  }, [open, value.from, value.to]);

  const applyAbsolute = (): void => {
    const a = fromLocalInput(from);
    const b = fromLocalInput(to);
    if (!a || !b) return setError(t('time.bothDates'));
    if (Date.parse(a) >= Date.parse(b)) return setError(t('time.fromBeforeTo'));
    onChange({ from: a, to: b });
    setOpen(false);
  };

  return (
    <div className="popover-anchor" ref={root}>
      <button
        className="button toolbar-button"
        aria-haspopup="dialog"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
        title={t('time.range')}
      >
        <ClockIcon />
        <span className="time-label">{describeRange(value)}</span>
        <span
          className="time-zone-label muted small"
          translate="no"
          title={t('time.zoneNote', { zone })}
        >
          {zone}
        </span>
        <ChevronDown className="chevron" />
      </button>
      {open && (
        <div className="popover time-popover" role="dialog" aria-label={t('time.range')}>
          <div className="preset-grid">
            {PRESETS.map((preset) => (
              <button
                key={preset.from}
                className={`chip${preset.from === value.from && value.to === 'now' ? ' chip-active' : ''}`}
                onClick={() => {
                  onChange({ from: preset.from, to: 'now' });
                  setOpen(false);
                }}
              >
                {t(preset.labelKey)}
              </button>
            ))}
          </div>
          <form
            className="absolute-form"
            onSubmit={(event) => {
              event.preventDefault();
              applyAbsolute();
            }}
          >
            <label>
              {t('time.from')}
              <input
                type="datetime-local"
                step="1"
                value={from}
                onChange={(e) => setFrom(e.target.value)}
              />
            </label>
            <label>
              {t('time.to')}
              <input
                type="datetime-local"
                step="1"
                value={to}
                onChange={(e) => setTo(e.target.value)}
              />
            </label>
            {error && <p className="form-error">{error}</p>}
            <button className="button button-primary" type="submit">
              {t('time.applyAbsolute')}
            </button>
          </form>
        </div>
      )}
    </div>
  );
}
