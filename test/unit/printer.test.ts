import { describe, expect, it } from 'vitest';
import { lpArguments } from '../../src/main/print/printer';

describe('CUPS lp arguments', () => {
  it('names the chosen printer and a safe job title, and ends options before the file', () => {
    expect(lpArguments('/tmp/spool/r.pdf', { title: 'receipt-2026-27-D01-000001.pdf', printerName: 'EPSON_TM-T82' })).toEqual([
      '-d',
      'EPSON_TM-T82',
      '-t',
      'receipt-2026-27-D01-000001.pdf',
      '--',
      '/tmp/spool/r.pdf',
    ]);
    expect(lpArguments('/tmp/x.pdf', { title: 'a;b$(rm -rf)', printerName: null })).toEqual(['-t', 'a_b_rm -rf_', '--', '/tmp/x.pdf']);
  });
});
