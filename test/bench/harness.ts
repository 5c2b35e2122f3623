// A small benchmark runner: warm-up, repeated timed runs, median and p99, ratio against a baseline.
import { writeFileSync } from 'node:fs';

export interface BenchCase {
  name: string;
  /** Another case this one is compared with (ratio = this median / baseline median). */
  baseline?: string;
  runs: number;
  warmup: number;
  setup?: () => Promise<void>;
  /** Before each run, outside the timing: the desk left idle, as between two parents at the counter. */
  pause?: () => Promise<void>;
  /** One measured run; the returned function (if any) cleans up outside the timing. */
  run: () => Promise<(() => Promise<void> | void) | void>;
  teardown?: () => Promise<void>;
  /** Figures beyond time the case reports (throughput, memory), added to its JSON line. */
  extra?: () => Record<string, number>;
}

export interface BenchResult {
  case: string;
  median_ms: number;
  p99_ms: number;
  ratio: number | null;
  baseline: string | null;
  n: number;
  [figure: string]: number | string | null;
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

const round = (n: number) => Math.round(n * 1000) / 1000;

async function measure(c: BenchCase): Promise<number[]> {
  await c.setup?.();
  const times: number[] = [];
  for (let i = 0; i < c.warmup + c.runs; i++) {
    await c.pause?.();
    const start = performance.now();
    const cleanup = await c.run();
    const elapsed = performance.now() - start;
    await cleanup?.();
    if (i >= c.warmup) times.push(elapsed);
  }
  await c.teardown?.();
  return times.sort((a, b) => a - b);
}

export async function runBenchmarks(cases: BenchCase[], prefixes: string[], outFile: string): Promise<BenchResult[]> {
  const selected = cases.filter((c) => prefixes.length === 0 || prefixes.some((p) => c.name.startsWith(p)));
  if (selected.length === 0) throw new Error(`no benchmark case starts with ${prefixes.join(', ')}`);
  // Baselines run first so ratios can be computed.
  selected.sort((a, b) => Number(a.baseline !== undefined) - Number(b.baseline !== undefined));
  const results: BenchResult[] = [];
  for (const c of selected) {
    const times = await measure(c);
    const median = percentile(times, 50);
    const base = results.find((r) => r.case === c.baseline);
    const result: BenchResult = {
      case: c.name,
      median_ms: round(median),
      p99_ms: round(percentile(times, 99)),
      ratio: base ? round(median / base.median_ms) : null,
      baseline: base ? base.case : null,
      n: times.length,
      ...c.extra?.(),
    };
    results.push(result);
    const ratio = result.ratio === null ? '' : ` ratio=${result.ratio} vs ${result.baseline}`;
    const extras = Object.entries(c.extra?.() ?? {})
      .map(([k, v]) => ` ${k}=${v}`)
      .join('');
    console.log(`bench ${result.case} median_ms=${result.median_ms} p99_ms=${result.p99_ms}${ratio}${extras}`);
  }
  writeFileSync(outFile, `${JSON.stringify(results, null, 2)}\n`);
  return results;
}
