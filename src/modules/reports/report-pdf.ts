// The report as a PDF, drawn with pdfkit: a maintained, pure-JavaScript PDF writer (no headless
// browser or native binary on the server, standard fonts built in, vector drawing for the charts),
// so a report renders the same on every instance. Charts are drawn from the report's JSON alone.
import type PDFDocumentType from 'pdfkit';
import type { ReportContent } from './report-content.ts';
import { bytesText, countText, money, percentText } from './report-format.ts';

// The standard fonts encode WinAnsi only: labels avoid other characters (no arrows).
const MARGIN = 50;
const WIDTH = 595.28 - 2 * MARGIN; // A4
const INK = '#1f2933';
const MUTED = '#616e7c';
const ACCENT = '#3b6fd8';
const ERROR = '#d64545';

type Doc = PDFKit.PDFDocument;

function heading(doc: Doc, text: string): void {
  if (doc.y > 700) doc.addPage();
  doc.moveDown(0.8).font('Helvetica-Bold').fontSize(13).fillColor(INK).text(text, MARGIN);
  doc.moveDown(0.3);
}

/** A simple table; columns are [label, width, align]. Breaks pages as needed. */
function table(doc: Doc, columns: [string, number, 'left' | 'right'][], rows: string[][]): void {
  const rowHeight = 15;
  const drawRow = (cells: string[], bold: boolean) => {
    if (doc.y + rowHeight > 790) doc.addPage();
    const y = doc.y;
    let x = MARGIN;
    doc
      .font(bold ? 'Helvetica-Bold' : 'Helvetica')
      .fontSize(9)
      .fillColor(bold ? MUTED : INK);
    cells.forEach((cell, i) => {
      const [, width, align] = columns[i] as [string, number, 'left' | 'right'];
      doc.text(cell, x + 2, y + 3, { width: width - 4, align, lineBreak: false, ellipsis: true });
      x += width;
    });
    doc
      .moveTo(MARGIN, y + rowHeight)
      .lineTo(MARGIN + WIDTH, y + rowHeight)
      .lineWidth(0.3)
      .strokeColor('#d9dee3')
      .stroke();
    doc.x = MARGIN;
    doc.y = y + rowHeight;
  };
  if (columns.some((c) => c[0] !== ''))
    drawRow(
      columns.map((c) => c[0]),
      true,
    );
  for (const row of rows) drawRow(row, false);
  doc.moveDown(0.5);
}

/** Daily records as bars, error records overlaid; a y axis with the peak. */
function dailyChart(doc: Doc, daily: ReportContent['daily']): void {
  const height = 140;
  if (doc.y + height + 30 > 790) doc.addPage();
  const top = doc.y + 5;
  const left = MARGIN + 40;
  const width = WIDTH - 40;
  const peak = Math.max(1, ...daily.map((d) => d.records));
  doc.lineWidth(0.5).strokeColor('#9aa5b1');
  doc
    .moveTo(left, top)
    .lineTo(left, top + height)
    .lineTo(left + width, top + height)
    .stroke();
  doc.font('Helvetica').fontSize(7).fillColor(MUTED);
  doc.text(countText(peak), MARGIN, top - 3, { width: 36, align: 'right' });
  doc.text('0', MARGIN, top + height - 4, { width: 36, align: 'right' });
  const slot = width / Math.max(1, daily.length);
  daily.forEach((d, i) => {
    const x = left + i * slot + slot * 0.15;
    const w = Math.max(1, slot * 0.7);
    const h = (d.records / peak) * height;
    if (h > 0) doc.rect(x, top + height - h, w, h).fill(ACCENT);
    const e = (d.error_records / peak) * height;
    if (e > 0) doc.rect(x, top + height - e, w, Math.max(0.5, e)).fill(ERROR);
    if (
      i === 0 ||
      (daily.length > 10 && i % 7 === 0 && i < daily.length - 3) ||
      i === daily.length - 1
    ) {
      doc
        .fillColor(MUTED)
        .fontSize(6)
        .text(d.day.slice(5), x - 6, top + height + 3, { width: 30, lineBreak: false });
    }
  });
  doc.x = MARGIN;
  doc.y = top + height + 18;
  doc
    .font('Helvetica')
    .fontSize(8)
    .fillColor(MUTED)
    .text('Records per day (blue), of which errors (red)', MARGIN);
}

/** Horizontal bars of a share (records per app). */
function shareBars(doc: Doc, items: { label: string; value: number }[]): void {
  const peak = Math.max(1, ...items.map((i) => i.value));
  for (const item of items) {
    if (doc.y + 14 > 790) doc.addPage();
    const y = doc.y;
    doc
      .font('Helvetica')
      .fontSize(8)
      .fillColor(INK)
      .text(item.label, MARGIN, y + 2, { width: 140, lineBreak: false, ellipsis: true });
    const w = ((WIDTH - 220) * item.value) / peak;
    if (w > 0) doc.rect(MARGIN + 150, y + 2, w, 9).fill(ACCENT);
    doc
      .fillColor(MUTED)
      .text(countText(item.value), MARGIN + 155 + w, y + 2, { width: 70, lineBreak: false });
    doc.x = MARGIN;
    doc.y = y + 14;
  }
}

export async function reportPdf(report: ReportContent): Promise<Buffer> {
  // pdfkit and its fonts (about 1.6 MB of code) load with the first report, not with every start.
  const { default: PDFDocument }: { default: typeof PDFDocumentType } = await import('pdfkit');
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    // Fixed metadata so a rerun of a finished month gives the same file.
    info: {
      Title: `MyLog report ${report.org.name} ${report.month}`,
      Author: 'MyLog',
      CreationDate: new Date(`${report.period.to}T23:59:59Z`),
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const cur = report.currency;
  const m = (minor: number) => money(minor, report.minor_digits, cur);

  doc
    .font('Helvetica-Bold')
    .fontSize(20)
    .fillColor(INK)
    .text(`${report.org.name}: usage report ${report.month}`);
  doc
    .font('Helvetica')
    .fontSize(10)
    .fillColor(MUTED)
    .text(
      `${report.period.from} to ${report.period.to}${report.partial ? ' (month to date, partial)' : ''} · all times UTC`,
    );

  heading(doc, 'Summary');
  const prev = report.previous;
  const cmp = (now: number, before: number | undefined) =>
    before === undefined || before === 0
      ? ''
      : ` (${now >= before ? '+' : ''}${(((now - before) / before) * 100).toFixed(1)} % vs ${prev?.month})`;
  table(
    doc,
    [
      ['', 200, 'left'],
      ['', WIDTH - 200, 'left'],
    ],
    [
      [
        'Records',
        `${countText(report.totals.records)}${cmp(report.totals.records, prev?.totals.records)}`,
      ],
      [
        'Bytes ingested',
        `${bytesText(report.totals.bytes)}${cmp(report.totals.bytes, prev?.totals.bytes)}`,
      ],
      ['Stored (compressed) at period end', bytesText(report.totals.stored_bytes)],
      [
        'Active end users',
        `${countText(report.active_end_users)}${cmp(report.active_end_users, prev?.active_end_users)}`,
      ],
      ['MyLog users who signed in', countText(report.signed_in_users)],
      ['Error rate', percentText(report.error_rate)],
      [
        'Ingest to stored lag p50 / p99',
        report.ingest_lag_ms
          ? `${report.ingest_lag_ms.p50} ms / ${report.ingest_lag_ms.p99} ms`
          : 'not measured',
      ],
      ['Search p95', report.search_p95_ms === null ? 'no searches' : `${report.search_p95_ms} ms`],
      [
        'Ingest availability',
        report.ingest_availability
          ? `${percentText(report.ingest_availability.ratio, 3)} of ${report.ingest_availability.samples} samples`
          : 'no samples',
      ],
      ['Records rejected', countText(report.rejected.total)],
      ['Alerts fired', countText(report.alerts_fired)],
      [
        'Cost',
        `${m(report.cost.total_minor)}${cmp(report.cost.total_minor, prev?.totals.cost_minor)}`,
      ],
    ],
  );

  heading(doc, 'Daily volume');
  dailyChart(doc, report.daily);

  heading(doc, 'Apps');
  shareBars(
    doc,
    report.apps.slice(0, 15).map((a) => ({ label: a.name, value: a.records })),
  );
  doc.moveDown(0.5);
  table(
    doc,
    [
      ['App', 185, 'left'],
      ['Records', 95, 'right'],
      ['Bytes', 95, 'right'],
      ['Cost', WIDTH - 375, 'right'],
    ],
    report.apps.map((a) => [a.name, countText(a.records), bytesText(a.bytes), m(a.cost_minor)]),
  );

  heading(doc, 'Cost');
  table(
    doc,
    [
      ['Item', 185, 'left'],
      ['Quantity', 190, 'right'],
      ['Amount', WIDTH - 375, 'right'],
    ],
    [
      ...report.cost.lines.map((l) => [
        l.item.replace('_', ' '),
        `${l.quantity.toFixed(l.unit === 'month' ? 0 : 4)} ${l.unit}`,
        m(l.amount_minor),
      ]),
      ['Total', '', m(report.cost.total_minor)],
    ],
  );

  heading(doc, `End users (top ${report.end_users.length})`);
  const rest = report.end_users_rest;
  table(
    doc,
    [
      ['End user', 185, 'left'],
      ['Records', 95, 'right'],
      ['Bytes', 95, 'right'],
      ['Cost', WIDTH - 375, 'right'],
    ],
    [
      ...report.end_users.map((e) => [
        e.user_id === '' ? '(unattributed)' : e.user_id,
        countText(e.records),
        bytesText(e.bytes),
        m(e.cost_minor),
      ]),
      ...(rest.users > 0
        ? [
            [
              `${countText(rest.users)} more end users`,
              countText(rest.records),
              bytesText(rest.bytes),
              m(rest.cost_minor),
            ],
          ]
        : []),
    ],
  );
  doc.end();
  return done;
}
