// The 12-column grid. In edit mode a panel moves by dragging its title bar and resizes from its
// corner, in whole cells; on a phone the grid is one column and panels stack in reading order.
import { useRef, type PointerEvent as ReactPointerEvent, type ReactNode } from 'react';
import { useT } from '../../i18n/I18nProvider.tsx';
import type { Layout, Panel } from '../../lib/dashboards.ts';

export const ROW_PX = 64;
const GAP_PX = 12;

export function DashboardGrid({
  panels,
  editing,
  onLayout,
  render,
}: {
  panels: Panel[];
  editing: boolean;
  onLayout: (id: string, layout: Layout) => void;
  render: (panel: Panel, handle: (e: ReactPointerEvent) => void) => ReactNode;
}) {
  const grid = useRef<HTMLDivElement>(null);
  const t = useT();
  const ordered = [...panels].sort((a, b) => a.layout.y - b.layout.y || a.layout.x - b.layout.x);

  const track = (panel: Panel, mode: 'move' | 'resize') => (event: ReactPointerEvent) => {
    if (!editing || !grid.current) return;
    event.preventDefault();
    const colPx = (grid.current.clientWidth + GAP_PX) / 12;
    const rowPx = ROW_PX + GAP_PX;
    const start = { x: event.clientX, y: event.clientY, layout: { ...panel.layout } };
    const move = (e: PointerEvent) => {
      const dx = Math.round((e.clientX - start.x) / colPx);
      const dy = Math.round((e.clientY - start.y) / rowPx);
      const l = start.layout;
      const next =
        mode === 'move'
          ? { ...l, x: Math.min(12 - l.w, Math.max(0, l.x + dx)), y: Math.max(0, l.y + dy) }
          : { ...l, w: Math.min(12 - l.x, Math.max(1, l.w + dx)), h: Math.max(1, l.h + dy) };
      if (
        next.x !== panel.layout.x ||
        next.y !== panel.layout.y ||
        next.w !== panel.layout.w ||
        next.h !== panel.layout.h
      ) {
        onLayout(panel.id, next);
      }
    };
    const up = () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  };

  return (
    <div className={editing ? 'dash-grid editing' : 'dash-grid'} ref={grid}>
      {ordered.map((panel) => (
        <section
          key={panel.id}
          className="dash-panel"
          data-panel={panel.id}
          style={{
            gridColumn: `${panel.layout.x + 1} / span ${panel.layout.w}`,
            gridRow: `${panel.layout.y + 1} / span ${panel.layout.h}`,
            ['--panel-h' as string]: `${panel.layout.h * ROW_PX + (panel.layout.h - 1) * GAP_PX}px`,
          }}
        >
          {render(panel, track(panel, 'move'))}
          {editing && (
            <span
              className="resize-handle"
              aria-label={t('dashboards.resize')}
              onPointerDown={track(panel, 'resize')}
            />
          )}
        </section>
      ))}
    </div>
  );
}
