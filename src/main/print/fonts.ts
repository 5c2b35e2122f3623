// The embedded Unicode fonts (resources/fonts) and a writer that switches font per script run,
// so ₹, Latin, Devanagari and Tamil in one line each use a font that has their glyphs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type PDFDocument from 'pdfkit';

export interface FontSet {
  regular: Buffer;
  bold: Buffer;
  devanagari: Buffer;
  tamil: Buffer;
}

const cache = new Map<string, FontSet>();

export function loadFonts(fontsDir: string): FontSet {
  let set = cache.get(fontsDir);
  if (!set) {
    const read = (name: string) => readFileSync(join(fontsDir, name));
    set = {
      regular: read('NotoSans-Regular.ttf'),
      bold: read('NotoSans-Bold.ttf'),
      devanagari: read('NotoSansDevanagari-Regular.ttf'),
      tamil: read('NotoSansTamil-Regular.ttf'),
    };
    cache.set(fontsDir, set);
  }
  return set;
}

export function registerFonts(doc: PDFKit.PDFDocument, fonts: FontSet): void {
  doc.registerFont('regular', fonts.regular);
  doc.registerFont('bold', fonts.bold);
  doc.registerFont('devanagari', fonts.devanagari);
  doc.registerFont('tamil', fonts.tamil);
}

type Script = 'latin' | 'devanagari' | 'tamil';

function scriptOf(ch: string): Script | null {
  const cp = ch.codePointAt(0)!;
  if ((cp >= 0x0900 && cp <= 0x097f) || (cp >= 0xa8e0 && cp <= 0xa8ff) || (cp >= 0x1cd0 && cp <= 0x1cff)) return 'devanagari';
  if (cp >= 0x0b80 && cp <= 0x0bff) return 'tamil';
  if (/\s/.test(ch)) return null;
  return 'latin';
}

/** Splits text into runs of one script; spaces stay with the run before them. */
export function scriptRuns(text: string): { script: Script; text: string }[] {
  const runs: { script: Script; text: string }[] = [];
  for (const ch of text) {
    const script = scriptOf(ch) ?? runs.at(-1)?.script ?? 'latin';
    const last = runs.at(-1);
    if (last && last.script === script) last.text += ch;
    else runs.push({ script, text: ch });
  }
  return runs;
}

/** Writes one line of mixed-script text (Latin runs in `latinFont`). */
export function writeText(
  doc: PDFKit.PDFDocument,
  text: string,
  latinFont: 'regular' | 'bold',
  options: PDFKit.Mixins.TextOptions = {},
): void {
  const runs = scriptRuns(text);
  if (runs.length === 0) {
    doc.font(latinFont).text('', options);
    return;
  }
  const fontOf = (run: { script: string }) => (run.script === 'latin' ? latinFont : run.script);
  if (runs.length > 1 && (options.align === 'center' || options.align === 'right') && options.width) {
    // pdfkit aligns each continued run on its own; place the runs side by side ourselves.
    const widths = runs.map((run) => doc.font(fontOf(run)).widthOfString(run.text));
    const total = widths.reduce((a, b) => a + b, 0);
    if (total <= options.width) {
      const left = doc.x;
      const y = doc.y;
      let x = left + (options.align === 'center' ? (options.width - total) / 2 : options.width - total);
      runs.forEach((run, i) => {
        doc.font(fontOf(run));
        if (run.script !== 'latin') doc.markContent('Span', { actual: run.text });
        doc.text(run.text, x, y, { lineBreak: false });
        if (run.script !== 'latin') doc.endMarkedContent();
        x += widths[i]!;
      });
      doc.x = left;
      doc.y = y + doc.currentLineHeight(true);
      return;
    }
  }
  runs.forEach((run, i) => {
    doc.font(fontOf(run));
    // Shaped Indic glyphs (a reph drawn after its consonant) read back out of order;
    // ActualText tells copy-paste and search what the run says.
    if (run.script !== 'latin') doc.markContent('Span', { actual: run.text });
    doc.text(run.text, { ...options, continued: i < runs.length - 1 });
    if (run.script !== 'latin') doc.endMarkedContent();
  });
}

export type { PDFDocument };
