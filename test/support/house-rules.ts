// The house rules on imports, as a machine checks them (docs/architecture.md, "Who may import whom"): which side of the
// app a folder runs on, which floor of the desk's backend a file stands on, and no import cycles anywhere.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, posix, relative } from 'node:path';

export const ROOT = join(import.meta.dirname, '../..');

/** Every module specifier a file imports, re-exports or requires (type-only imports too: they tie files as tightly). */
export function importsOf(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const specifiers: string[] = [];
  const patterns = [
    /\b(?:import|export)\s[^'"]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) for (const m of code.matchAll(pattern)) specifiers.push(m[1]!);
  return specifiers;
}

/** The source tree: each file (path from the repository root, with forward slashes) and its text. */
export type Tree = ReadonlyMap<string, string>;

export function readTree(dir = 'src'): Map<string, string> {
  const files = new Map<string, string>();
  for (const e of readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || !/\.(ts|tsx|mts|cts|js|mjs)$/.test(e.name)) continue;
    const path = relative(ROOT, join(e.parentPath, e.name)).split('\\').join('/');
    files.set(path, readFileSync(join(ROOT, path), 'utf8'));
  }
  return files;
}

/** The file a relative specifier names, if it is in the tree. */
export function resolveIn(tree: Tree, from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const base = posix.join(posix.dirname(from), specifier);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`, `${base}/index.tsx`, base.replace(/\.js$/, '.ts')]) {
    if (tree.has(candidate)) return candidate;
  }
  return null;
}

/** Each file's imports of other files in the tree, and of packages and Node built-ins by name. */
export function importGraph(tree: Tree): Map<string, { files: string[]; packages: string[] }> {
  const graph = new Map<string, { files: string[]; packages: string[] }>();
  for (const [file, text] of tree) {
    const files: string[] = [];
    const packages: string[] = [];
    for (const specifier of importsOf(text)) {
      if (specifier.startsWith('.')) {
        const target = resolveIn(tree, file, specifier);
        if (target) files.push(target);
      } else packages.push(specifier);
    }
    graph.set(file, { files, packages });
  }
  return graph;
}

/** The sides of the app: each may import only from the sides listed (and packages). */
const SIDES: { name: string; folder: string; mayImport: string[] }[] = [
  { name: 'shared', folder: 'src/shared/', mayImport: ['shared'] },
  { name: 'node-shared', folder: 'src/node-shared/', mayImport: ['node-shared', 'shared'] },
  { name: 'renderer', folder: 'src/renderer/', mayImport: ['renderer', 'shared'] },
  { name: 'preload', folder: 'src/preload/', mayImport: ['preload', 'shared'] },
  { name: 'server', folder: 'src/server/', mayImport: ['server', 'shared', 'node-shared'] },
  { name: 'main', folder: 'src/main/', mayImport: ['main', 'shared', 'node-shared'] },
];

/**
 * The desk's backend in floors, lowest first: a file may import its own floor or any below, never above. Services are
 * the domain, which the work floors (sync, imports, reports, backup, print) use and which never reaches up into them,
 * the background worker, the channels or the router.
 */
export const FLOORS: { name: string; members: string[] }[] = [
  { name: 'store', members: ['src/main/db/', 'src/main/kdf.ts', 'src/main/desk-settings.ts', 'src/main/logger.ts'] },
  { name: 'services', members: ['src/main/services/'] },
  {
    name: 'work',
    members: ['src/main/sync/', 'src/main/imports/', 'src/main/reports/', 'src/main/backup/', 'src/main/print/', 'src/main/reconcile/'],
  },
  { name: 'background', members: ['src/main/background/'] },
  { name: 'channels', members: ['src/main/channels/', 'src/main/ipc/'] },
  { name: 'composition', members: ['src/main/app.ts', 'src/main/demo/'] },
  {
    name: 'shells',
    members: [
      'src/main/index.ts',
      'src/main/electron/',
      'src/main/web/',
      'src/main/maintenance.ts',
      'src/main/shell-policy.ts',
      'src/main/audit-cli.ts',
    ],
  },
];

const inMember = (file: string, member: string) => (member.endsWith('/') ? file.startsWith(member) : file === member);
const sideOf = (file: string) => SIDES.find((s) => file.startsWith(s.folder));
export const floorOf = (file: string): number => FLOORS.findIndex((f) => f.members.some((m) => inMember(file, m)));

const ELECTRON_ALLOWED = [/^src\/main\/index\.ts$/, /^src\/main\/electron\//, /^src\/preload\//];
const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const NO_NODE = ['src/renderer/', 'src/shared/'];

/** Import cycles: each a list of files that reach one another (strongly connected components, Tarjan's algorithm). */
export function cyclesIn(graph: ReadonlyMap<string, { files: string[] }>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)?.files ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      const selfImport = graph.get(v)?.files.includes(v) ?? false;
      if (component.length > 1 || selfImport) cycles.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return cycles;
}

/** Every broken rule in the tree, one line each, naming the file, what it imports and the rule. */
export function houseViolations(tree: Tree): string[] {
  const graph = importGraph(tree);
  const found: string[] = [];
  for (const [file, { files, packages }] of graph) {
    if (packages.some((p) => p === 'electron' || p.startsWith('electron/')) && !ELECTRON_ALLOWED.some((a) => a.test(file))) {
      found.push(`${file} imports electron: only src/main/index.ts, src/main/electron/ and src/preload/ may`);
    }
    if (NO_NODE.some((folder) => file.startsWith(folder))) {
      for (const p of packages.filter((p) => NODE_BUILTINS.has(p)))
        found.push(`${file} imports the Node built-in ${p}: the renderer and src/shared run in the browser too`);
    }
    const side = sideOf(file);
    const floor = floorOf(file);
    if (!side) found.push(`${file} is on no side of the app: add its folder to SIDES in test/support/house-rules.ts`);
    if (side?.name === 'main' && floor < 0)
      found.push(`${file} stands on no floor of the backend: add it to FLOORS in test/support/house-rules.ts`);
    for (const target of files) {
      const targetSide = sideOf(target);
      if (side && targetSide && !side.mayImport.includes(targetSide.name)) {
        found.push(
          `${file} imports ${target}: ${side.folder} may import only ${side.mayImport.map((n) => SIDES.find((s) => s.name === n)!.folder).join(', ')}`,
        );
        continue;
      }
      if (side?.name === 'main' && targetSide?.name === 'main' && floor >= 0) {
        const targetFloor = floorOf(target);
        if (targetFloor > floor)
          found.push(
            `${file} imports ${target}: the ${FLOORS[floor]!.name} floor may not reach up to the ${FLOORS[targetFloor]!.name} floor`,
          );
      }
    }
  }
  for (const cycle of cyclesIn(graph)) found.push(`import cycle: ${cycle.join(' ↔ ')}`);
  return found;
}
