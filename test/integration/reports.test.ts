// Reports on the demo school: every report's totals agree with the ledger's own rows and with each other,
// and exports read back (exceljs, CSV, pdftotext, LibreOffice where installed) with the same figures.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, mkdirSync, chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportJob, ReportFilters, ReportTable } from '../../src/shared/contract/reports';
import type { OpenedStore } from '../../src/main/db/open';
import { placeJobFile } from '../../src/main/background/runner';
import { formatDate } from '../../src/shared/domain/date-input';
import { openSideStore, openTestDesk, type TestDesk } from '../support/harness';

const UNTIL = '2027-02-15';
const YEAR = { from: '2026-04-01', to: '2027-03-31' };
let desk: TestDesk;
let side: OpenedStore;

beforeAll(async () => {
  desk = await openTestDesk();
  desk.clock.current = new Date(`${UNTIL}T06:00:00Z`);
  await desk.app.generateDemoSchool({ students: 300, until: UNTIL, seed: 11 });
  await desk.ok('auth.login', { username: 'accounts', password: 'demo-accounts-2026' });
  side = await openSideStore(desk);
}, 180_000);
afterAll(async () => {
  await side.close();
  await desk.close();
});

const run = (filters: ReportFilters) => desk.ok('reports.run', filters) as Promise<ReportTable>;
const one = async <T>(query: string, ...params: unknown[]) => side.raw.prepare(query).get(...params) as T;

async function exportTo(
  filters: ReportFilters,
  format: 'xlsx' | 'csv' | 'pdf' | 'letters',
  name: string,
  replace = false,
): Promise<ExportJob> {
  const path = join(desk.dir, name);
  const job = await desk.ok('reports.export', { filters, format, path, replace });
  expect(job.state).toBe('running');
  // Poll as the screen does; a job ends done, failed or cancelled.
  for (;;) {
    const now = await desk.ok('reports.job', { jobId: job.id });
    if (now.state !== 'running') return now;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('reports reconcile with the ledger and with each other', () => {
  it('the collection summary equals receipts less reversals, however it is grouped', async () => {
    const receipts = await run({ report: 'receipts', ...YEAR });
    const reversals = await run({ report: 'reversals', ...YEAR });
    const ledger = await one<{ taken: number; n: number }>(
      'select sum(amount) as taken, count(*) as n from payment where business_date between ? and ?',
      YEAR.from,
      YEAR.to,
    );
    const reversed = await one<{ amount: number; n: number }>(
      "select sum(p.amount) as amount, count(*) as n from payment_event e join payment p on p.id = e.payment_id where date(e.at, 'localtime') between ? and ?",
      YEAR.from,
      YEAR.to,
    );
    expect(receipts.rowCount).toBe(ledger.n);
    expect(receipts.totals['amount']).toBe(ledger.taken);
    expect(reversals.rowCount).toBe(reversed.n);
    expect(reversals.totals['amount']).toBe(reversed.amount);
    expect(reversed.n).toBeGreaterThan(0);

    const net = ledger.taken - reversed.amount;
    for (const groupBy of [['head', 'class'], ['mode'], ['cashier', 'desk'], ['day'], ['month', 'head', 'mode']] as const) {
      const summary = await run({ report: 'collection', ...YEAR, groupBy: [...groupBy], view: 'gross' });
      expect(summary.totals['collected'], groupBy.join('×')).toBe(ledger.taken);
      expect(summary.totals['reversed'], groupBy.join('×')).toBe(-reversed.amount);
      expect(summary.totals['net'], groupBy.join('×')).toBe(net);
    }
    const netOnly = await run({ report: 'collection', ...YEAR, groupBy: ['class'], view: 'net' });
    expect(netOnly.columns.map((c) => c.key)).toEqual(['class', 'net']);
    expect(netOnly.totals['net']).toBe(net);
  });

  it('each day book adds up to that day in the collection summary, by mode too', async () => {
    const byDay = await run({ report: 'collection', from: '2026-04-01', to: UNTIL, groupBy: ['day'], view: 'gross' });
    const days = byDay.rows.filter((_, i) => i % 9 === 0);
    expect(days.length).toBeGreaterThan(10);
    for (const day of days) {
      const book = await run({ report: 'daybook', date: day['day'] as string });
      expect(book.totals['amount'], String(day['day'])).toBe(day['net']);
      const net = book.summary.find((s) => s.label === 'Net')!;
      expect(net.amount).toBe(day['net']);
      const modes = await run({
        report: 'collection',
        from: day['day'] as string,
        to: day['day'] as string,
        groupBy: ['mode'],
        view: 'net',
      });
      for (const m of modes.rows)
        expect(book.summary.find((s) => s.label === m['mode'])?.amount, `${day['day']} ${m['mode']}`).toBe(m['net']);
    }
  });

  it('outstanding is dues − concessions − waivers − payments, from the base rows, and every statement agrees', async () => {
    const all = await run({ report: 'defaulters', asOf: '2099-12-31' });
    const base = await one<{ owed: number }>(`
      select (select sum(amount) from due) - (select coalesce(sum(amount), 0) from due_concession)
        - (select coalesce(sum(amount), 0) from due_waiver) - (select coalesce(sum(amount), 0) from allocation) as owed`);
    expect(all.totals['balance']).toBe(base.owed);
    expect(all.totals['d0']! + all.totals['d31']! + all.totals['d61']! + all.totals['d91']!).toBe(all.totals['balance']);

    const overdue = await run({ report: 'defaulters', asOf: UNTIL });
    expect(overdue.rowCount).toBeGreaterThan(0);
    expect(overdue.totals['balance']).toBeLessThanOrEqual(all.totals['balance']!);
    const dashboard = await desk.ok('reports.dashboard');
    expect(dashboard.ageing.reduce((a, b) => a + b.amount, 0)).toBe(overdue.totals['balance']);
    for (const row of overdue.rows.slice(0, 15)) {
      const ledger = await desk.ok('payments.ledger', { studentId: row['studentId'] as string });
      const notYetDue = await one<{ n: number }>(
        'select coalesce(sum(amount - conceded - waived - paid), 0) as n from due where student_id = ? and due_on > ?',
        row['studentId'],
        UNTIL,
      );
      expect(row['balance'], String(row['admissionNo'])).toBe(ledger.totals.outstanding - notYetDue.n);
      const statement = await run({ report: 'statement', studentId: row['studentId'] as string });
      expect(statement.rows.at(-1)?.['balance']).toBe(ledger.totals.balance);
      expect(statement.totals['debit']! - statement.totals['credit']!).toBe(ledger.totals.balance);
    }
    const filtered = await run({ report: 'defaulters', asOf: UNTIL, minBalance: 20_000_00 });
    expect(filtered.rows.every((r) => (r['balance'] as number) >= 20_000_00)).toBe(true);
    expect(filtered.rowCount).toBeLessThan(overdue.rowCount);
  });

  it('the running totals the triggers keep equal sums of the base rows, due by due', async () => {
    const mismatched = await one<{ n: number }>(`
      select count(*) as n from due d where
        d.paid <> coalesce((select sum(amount) from allocation a where a.due_id = d.id), 0)
        or d.conceded <> coalesce((select sum(amount) from due_concession c where c.due_id = d.id), 0)
        or d.waived <> coalesce((select sum(amount) from due_waiver w where w.due_id = d.id), 0)`);
    expect(mismatched.n).toBe(0);
  });

  it('the accounting journal balances and its cash and bank lines are the net collection', async () => {
    const month = { from: '2026-06-01', to: '2026-06-30' };
    const summary = await run({ report: 'collection', ...month, groupBy: ['mode'], view: 'net' });
    for (const layout of ['tally', 'quickbooks'] as const) {
      const journal = await run({ report: 'journal', ...month, layout });
      expect(journal.truncated).toBe(false);
      expect(journal.totals['debit']).toBe(journal.totals['credit']);
      const money = journal.rows.filter((r) => r['account'] === 'Cash' || r['account'] === 'Bank');
      const net = money.reduce((a, r) => a + (r['debit'] as number) - (r['credit'] as number), 0);
      expect(net, layout).toBe(summary.totals['net']);
      const cash = money.filter((r) => r['account'] === 'Cash').reduce((a, r) => a + (r['debit'] as number) - (r['credit'] as number), 0);
      expect(cash).toBe(summary.rows.find((r) => r['mode'] === 'Cash')?.['net'] ?? 0);
    }
  });

  it('a family statement runs one balance across the children', async () => {
    const family = await one<{ family_id: string }>(
      'select family_id from student where family_id is not null group by family_id having count(*) > 1 limit 1',
    );
    const report = await run({ report: 'family_statement', familyId: family.family_id });
    const kids = side.raw.prepare('select id from student where family_id = ?').all(family.family_id) as { id: string }[];
    let sum = 0;
    for (const k of kids) sum += (await desk.ok('payments.ledger', { studentId: k.id })).totals.balance;
    expect(report.rows.at(-1)?.['balance']).toBe(sum);
    expect(new Set(report.rows.map((r) => r['student'])).size).toBe(kids.length);
  });

  it('concessions granted add up to the concession rows; the forecast to the dues falling due', async () => {
    const granted = await run({ report: 'concessions', ...YEAR });
    const base = await one<{ n: number }>('select coalesce(sum(amount), 0) as n from due_concession');
    expect(granted.totals['amount']).toBe(base.n);
    const forecast = await run({ report: 'forecast', from: UNTIL, period: 'month', periods: 3 });
    expect(forecast.rows).toHaveLength(3);
    const ahead = await one<{ n: number }>(
      "select coalesce(sum(amount - conceded - waived - paid), 0) as n from due where due_on >= ? and due_on < '2027-05-01' and amount > conceded + waived + paid",
      UNTIL,
    );
    expect(forecast.totals['fallsDue']).toBe(ahead.n);
    expect(forecast.footnote).toMatch(/on-time ratio, \d+\.\d%/);
    for (const r of forecast.rows) expect(r['expected'] as number).toBeLessThanOrEqual(r['fallsDue'] as number);
  });

  it('cheques pending clearance leave the list when cleared, once', async () => {
    const before = await run({ report: 'cheques', asOf: UNTIL });
    expect(before.rowCount).toBeGreaterThan(0);
    const first = before.rows[0]!;
    await desk.ok('cheques.clear', { paymentId: first['paymentId'] as string, clearedOn: UNTIL });
    const after = await run({ report: 'cheques', asOf: UNTIL });
    expect(after.rowCount).toBe(before.rowCount - 1);
    expect(after.totals['amount']).toBe(before.totals['amount']! - (first['amount'] as number));
    const again = await desk.call('cheques.clear', { paymentId: first['paymentId'] as string, clearedOn: UNTIL });
    expect(again).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/already marked cleared/) } });
    const audit = await desk.ok('audit.list', { limit: 5 });
    expect(audit.some((e) => e.action === 'cheques.clear')).toBe(true);
  });

  it('the dashboard agrees with the collection summary', async () => {
    const dashboard = await desk.ok('reports.dashboard');
    const month = await run({ report: 'collection', from: '2027-02-01', to: UNTIL, groupBy: ['month'], view: 'net' });
    // Like for like: the same days of last month (1–15 Jan against 1–15 Feb), not the whole of January.
    const last = await run({ report: 'collection', from: '2027-01-01', to: '2027-01-15', groupBy: ['month'], view: 'net' });
    expect(dashboard.monthToDate).toEqual({ from: '2027-02-01', to: UNTIL, amount: month.totals['net'] });
    expect(dashboard.sameDaysLastMonth).toEqual({ from: '2027-01-01', to: '2027-01-15', amount: last.totals['net'] });
    expect(dashboard.daily).toHaveLength(30);
    expect(dashboard.daily.at(-1)?.day).toBe(UNTIL);
    expect(dashboard.monthly.map((m) => m.month)).toEqual([
      '2026-03',
      '2026-04',
      '2026-05',
      '2026-06',
      '2026-07',
      '2026-08',
      '2026-09',
      '2026-10',
      '2026-11',
      '2026-12',
      '2027-01',
      '2027-02',
    ]);
    expect(dashboard.topDefaultingClasses.length).toBeGreaterThan(0);
    expect(dashboard.desksNotClosed.length).toBeGreaterThan(0);
  });
});

describe('exports', () => {
  it('XLSX reads back with the same figures, a frozen header, filters and a totals row', async () => {
    const filters: ReportFilters = { report: 'collection', ...YEAR, groupBy: ['head', 'class'], view: 'gross' };
    const screen = await run(filters);
    const job = await exportTo(filters, 'xlsx', 'collection.xlsx');
    expect(job).toMatchObject({ state: 'done', done: screen.rowCount, error: null });
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(job.path);
    const sheet = book.worksheets[0]!;
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 4 });
    expect(sheet.autoFilter).toBeTruthy();
    expect(sheet.getRow(4).values).toEqual([undefined, 'Fee head', 'Class', 'Collected', 'Cancelled/bounced', 'Refunded', 'Net']);
    let net = 0;
    for (let r = 5; r < 5 + screen.rowCount; r++) net += Math.round((sheet.getRow(r).getCell(6).value as number) * 100);
    expect(net).toBe(screen.totals['net']);
    const totals = sheet.getRow(5 + screen.rowCount);
    expect(totals.getCell(1).value).toBe('Total');
    const cell = totals.getCell(6).value as { formula: string; result: number };
    expect(cell.formula).toMatch(/^SUBTOTAL\(109,F5:F\d+\)$/);
    expect(Math.round(cell.result * 100)).toBe(screen.totals['net']);
    expect(sheet.getColumn(5).numFmt ?? sheet.getRow(5).getCell(5).numFmt).toBe('#,##0.00');
    expect(readdirSync(desk.dir).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('CSV carries every receipt with plain decimal amounts and a total', async () => {
    const filters: ReportFilters = { report: 'receipts', from: '2026-06-01', to: '2026-06-30' };
    const screen = await run(filters);
    const job = await exportTo(filters, 'csv', 'receipts.csv');
    expect(job.state).toBe('done');
    const lines = readFileSync(job.path, 'utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines).toHaveLength(screen.rowCount + 2);
    expect(lines[0]).toBe('Date,Receipt no.,Student,Adm. no.,Class,Mode,Reference,Cashier,Desk,Status,Amount,Valid amount');
    const total = lines.at(-1)!.split(',');
    expect(total[0]).toBe('Total');
    expect(Math.round(Number(total[10]) * 100)).toBe(screen.totals['amount']);
  });

  it('the journal CSV is in the Tally layout, without a byte-order mark', async () => {
    const job = await exportTo({ report: 'journal', from: '2026-06-01', to: '2026-06-07', layout: 'tally' }, 'csv', 'journal.csv');
    const text = readFileSync(job.path, 'utf8');
    expect(text.startsWith('Date,Voucher Type,Voucher Number,Ledger Name,Dr Amount,Cr Amount,Narration\r\n')).toBe(true);
    expect(text).toMatch(/\r\n0[1-7]-06-2026,Receipt,/);
  });

  it('PDF of the day book carries its title and totals; reminder letters are one page per defaulter', async () => {
    const day = (await run({ report: 'collection', from: '2026-06-01', to: '2026-06-30', groupBy: ['day'], view: 'net' })).rows[0]![
      'day'
    ] as string;
    const job = await exportTo({ report: 'daybook', date: day }, 'pdf', 'daybook.pdf');
    expect(job.state).toBe('done');
    expect(readFileSync(job.path).subarray(0, 5).toString()).toBe('%PDF-');
    if (spawnSync('pdftotext', ['-v']).error) return console.warn('pdftotext is not installed: PDF text not checked');
    const text = execFileSync('pdftotext', ['-layout', job.path, '-']).toString();
    expect(text).toContain(`Day book · ${formatDate(day, 'en-IN')}`);
    expect(text).toContain('Total');

    const defaulters = await run({ report: 'defaulters', asOf: UNTIL, minBalance: 20_000_00 });
    const letters = await exportTo({ report: 'defaulters', asOf: UNTIL, minBalance: 20_000_00 }, 'letters', 'letters.pdf');
    expect(letters).toMatchObject({ state: 'done', done: defaulters.rowCount });
    const info = execFileSync('pdfinfo', [letters.path]).toString();
    expect(Number(/Pages:\s+(\d+)/.exec(info)?.[1])).toBe(defaulters.rowCount);
    const first = execFileSync('pdftotext', ['-f', '1', '-l', '1', letters.path, '-']).toString();
    expect(first).toContain('Fee reminder');
    expect(first).toContain(String(defaulters.rows[0]!['admissionNo']));
  });

  it('LibreOffice opens the XLSX export and sees the same total', async (context) => {
    const soffice = ['soffice', 'libreoffice'].find((bin) => !spawnSync(bin, ['--version']).error);
    if (!soffice) {
      console.warn('LibreOffice is not installed (apt-get install libreoffice-calc): skipping the LibreOffice read-back');
      return context.skip();
    }
    const filters: ReportFilters = { report: 'collection', ...YEAR, groupBy: ['mode'], view: 'net' };
    const screen = await run(filters);
    const job = await exportTo(filters, 'xlsx', 'lo.xlsx');
    const out = join(desk.dir, 'lo-out');
    mkdirSync(out);
    execFileSync(soffice, ['--headless', '--convert-to', 'csv', '--outdir', out, job.path], { timeout: 120_000 });
    const csv = readFileSync(join(out, 'lo.csv'), 'utf8').trim().split('\n');
    const total = csv.find((l) => l.startsWith('Total'))!.split(',');
    expect(Math.round(Number(total[1]!.replace(/[^0-9.-]/g, '')) * 100)).toBe(screen.totals['net']);
  });

  it('refuses a folder it cannot write to, and leaves nothing behind', async () => {
    const locked = join(desk.dir, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o500);
    const result = await desk.call('reports.export', {
      filters: { report: 'daybook', date: UNTIL },
      format: 'csv',
      path: join(locked, 'x.csv'),
    });
    if (process.getuid?.() === 0) {
      // root writes anywhere: the folder check cannot refuse, so test the file in the way instead.
      expect(result.ok).toBe(true);
    } else {
      expect(result).toMatchObject({
        ok: false,
        error: { code: 'invalid_input', field: 'path', message: expect.stringMatching(/may not write/) },
      });
    }
    const asFolder = await desk.call('reports.export', {
      filters: { report: 'daybook', date: UNTIL },
      format: 'csv',
      path: join(desk.dir, 'feedesk.db', 'x.csv'),
    });
    expect(asFolder).toMatchObject({
      ok: false,
      error: { field: 'path', message: expect.stringMatching(/which is a file, not a folder/) },
    });
  });

  it('an over-long file name is refused before anything starts, and a file that cannot be written fails its job without taking the backend down', async () => {
    // 251 characters + ".csv": a legal name for the file, but not for its temporary part (issue 17, item 4: the
    // worker failed to create it, the clean-up threw, and the unhandled rejection ended the process).
    const long = join(desk.dir, `${'x'.repeat(251)}.csv`);
    const refused = await desk.call('reports.export', { filters: { report: 'daybook', date: UNTIL }, format: 'csv', path: long });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', field: 'path', message: expect.stringMatching(/file name too long for this computer/) },
    });
    // A template's name too long for the file system itself: refused the same way, and the desk answers on.
    const template = await desk.call('imports.template', { importer: 'students', path: join(desk.dir, `${'y'.repeat(300)}.xlsx`) });
    expect(template.ok ? null : template.error).toMatchObject({ code: 'invalid_input', field: 'path' });
    expect((await desk.ok('store.status')).state).toBe('open');
    expect(readdirSync(desk.dir).filter((f) => f.includes('.part'))).toEqual([]);
    // A network or Windows path on Linux is not a full path here: refused (it was written, literally, as a name in the working folder).
    if (process.platform !== 'win32') {
      for (const foreign of ['\\\\school-server\\fees\\daybook.csv', 'C:\\Users\\me\\daybook.csv']) {
        const answer = await desk.call('reports.export', { filters: { report: 'daybook', date: UNTIL }, format: 'csv', path: foreign });
        expect(answer, foreign).toMatchObject({
          ok: false,
          error: { code: 'invalid_input', field: 'path', message: expect.stringMatching(/^is not a full path on this computer/) },
        });
      }
      expect(readdirSync(process.cwd()).filter((f) => f.includes('daybook.csv'))).toEqual([]);
    }
  });

  it('never writes over a file that is there unless the screen confirmed it (issue 17, item 16)', async () => {
    // Before: an export, a template or an error sheet went silently over whatever had that name.
    const path = join(desk.dir, 'month-end.csv');
    writeFileSync(path, 'the accountant’s own working\n');
    const refused = await desk.call('reports.export', { filters: { report: 'daybook', date: UNTIL }, format: 'csv', path });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'conflict', field: 'path', message: 'is a file that exists already: replace it, or choose another name' },
    });
    const template = join(desk.dir, 'students-template.xlsx');
    writeFileSync(template, 'not a template');
    expect(await desk.call('imports.template', { importer: 'students', path: template })).toMatchObject({
      ok: false,
      error: { code: 'conflict', field: 'path' },
    });
    expect(readFileSync(path, 'utf8')).toBe('the accountant’s own working\n');
    expect(readFileSync(template, 'utf8')).toBe('not a template');

    // Confirmed: replaced, whole.
    const replaced = await exportTo({ report: 'daybook', date: UNTIL }, 'csv', 'month-end.csv', true);
    expect(replaced.state).toBe('done');
    expect(readFileSync(path, 'utf8')).not.toContain('accountant');
    expect(readdirSync(desk.dir).filter((f) => f.includes('.part'))).toEqual([]);
  });

  it('a file that appears at the path while the export runs is left alone: the job fails and says so', () => {
    const tmp = join(desk.dir, 'late.csv.job.part');
    const target = join(desk.dir, 'late.csv');
    writeFileSync(tmp, 'the export');
    writeFileSync(target, 'saved by someone else meanwhile');
    expect(() => placeJobFile({ tmp, path: target })).toThrow(
      'a file named late.csv was saved there while this one was being made; it was left as it is',
    );
    expect(readFileSync(target, 'utf8')).toBe('saved by someone else meanwhile');
    placeJobFile({ tmp, path: target, replace: true });
    expect(readFileSync(target, 'utf8')).toBe('the export');
    expect(existsSync(tmp)).toBe(false);
    // Nothing in the way: put in place, the temporary name gone.
    writeFileSync(tmp, 'again');
    placeJobFile({ tmp, path: join(desk.dir, 'fresh.csv') });
    expect(readFileSync(join(desk.dir, 'fresh.csv'), 'utf8')).toBe('again');
    expect(existsSync(tmp)).toBe(false);
  });

  it('a cancelled export leaves neither the file nor its temporary part', async () => {
    const path = join(desk.dir, 'cancelled.xlsx');
    const job = await desk.ok('reports.export', { filters: { report: 'receipts', ...YEAR }, format: 'xlsx', path });
    const cancelled = await desk.ok('reports.cancel', { jobId: job.id });
    expect(cancelled.state).toBe('cancelled');
    // The same export, started after, run to its end (the worker's end is pinned in background-runner.test.ts).
    expect((await exportTo({ report: 'receipts', ...YEAR }, 'xlsx', 'after-cancel.xlsx')).state).toBe('done');
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(desk.dir).filter((f) => f.includes('.part'))).toEqual([]);
    expect((await desk.ok('reports.job', { jobId: job.id })).state).toBe('cancelled');
  });

  it('a cashier reads the day book but not the defaulters', async () => {
    await desk.ok('auth.login', { username: 'cashier', password: 'demo-cashier-2026' }, 'window-2');
    const book = await desk.call('reports.run', { report: 'daybook', date: UNTIL }, 'window-2');
    expect(book.ok).toBe(true);
    const refused = await desk.call('reports.run', { report: 'defaulters', asOf: UNTIL }, 'window-2');
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const dashboard = await desk.call('reports.dashboard', undefined, 'window-2');
    expect(dashboard).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});
