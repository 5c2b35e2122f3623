// The house rules on imports (test/support/house-rules.ts; docs/architecture.md, "Who may import whom"): the tree keeps
// them, and each rule catches a violation planted in a copy of the tree.
import { describe, expect, it } from 'vitest';
import { cyclesIn, FLOORS, floorOf, houseViolations, importsOf, readTree } from '../support/house-rules';

const tree = readTree('src');

/** The tree with one import added at the top of `file` (a new file if it is not there). */
function planted(file: string, line: string): Map<string, string> {
  const copy = new Map(tree);
  copy.set(file, `${line}\n${copy.get(file) ?? ''}`);
  return copy;
}

describe('import boundaries', () => {
  it('finds imports in every form the checks rely on, and not in comments', () => {
    const sample = `import a from 'electron';\nimport { b } from "node:fs";\nexport * from 'path';\nimport 'crypto';\nconst c = require('child_process');\nawait import('os');\nimport type { T } from './types';\n// import x from 'commented';\n/* import y from 'blocked'; */`;
    expect(importsOf(sample)).toEqual(expect.arrayContaining(['electron', 'node:fs', 'path', 'crypto', 'child_process', 'os', './types']));
    expect(importsOf(sample)).not.toContain('commented');
    expect(importsOf(sample)).not.toContain('blocked');
  });

  it('the tree keeps every rule: sides, floors, Electron at the edge, no Node in the renderer, no cycles', () => {
    expect(houseViolations(tree)).toEqual([]);
  });

  it('every file of the desk backend stands on a floor, and the floors are the ones documented', () => {
    expect([...tree.keys()].filter((f) => f.startsWith('src/main/') && floorOf(f) < 0)).toEqual([]);
    expect(FLOORS.map((f) => f.name)).toEqual(['store', 'services', 'work', 'background', 'channels', 'composition', 'shells']);
  });

  const plants: [rule: string, file: string, line: string, expected: RegExp][] = [
    [
      'only the shells import electron',
      'src/main/services/payments.ts',
      "import { app } from 'electron';",
      /services\/payments\.ts imports electron/,
    ],
    [
      'the renderer never imports Node',
      'src/renderer/src/App.tsx',
      "import { readFileSync } from 'node:fs';",
      /App\.tsx imports the Node built-in node:fs/,
    ],
    [
      'src/shared never imports Node',
      'src/shared/domain/money.ts',
      "import { createHash } from 'node:crypto';",
      /money\.ts imports the Node built-in node:crypto/,
    ],
    [
      'the renderer imports only src/shared',
      'src/renderer/src/App.tsx',
      "import { today } from '../../main/services/payments';",
      /App\.tsx imports src\/main\/services\/payments\.ts: src\/renderer\/ may import only/,
    ],
    [
      'the renderer does not import the Node-side shelf',
      'src/renderer/src/App.tsx',
      "import { decodeReceiptQr } from '../../node-shared/receipt-qr';",
      /App\.tsx imports src\/node-shared\/receipt-qr\.ts/,
    ],
    [
      'the preload imports only src/shared',
      'src/preload/index.ts',
      "import { createApp } from '../main/app';",
      /preload\/index\.ts imports src\/main\/app\.ts/,
    ],
    [
      'the server imports only src/shared and src/node-shared',
      'src/server/push.ts',
      "import { enqueue } from '../main/services/outbox';",
      /server\/push\.ts imports src\/main\/services\/outbox\.ts/,
    ],
    [
      'the Node-side shelf imports only src/shared',
      'src/node-shared/receipt-qr.ts',
      "import { today } from '../main/services/payments';",
      /node-shared\/receipt-qr\.ts imports src\/main/,
    ],
    [
      'src/shared imports nothing outside it',
      'src/shared/domain/money.ts',
      "import { decodeReceiptQr } from '../../node-shared/receipt-qr';",
      /money\.ts imports src\/node-shared\/receipt-qr\.ts/,
    ],
    [
      'services never import channels',
      'src/main/services/payments.ts',
      "import { paymentsHandlers } from '../channels/payments';",
      /services floor may not reach up to the channels floor/,
    ],
    [
      'services never import the router',
      'src/main/services/students.ts',
      "import type { Call } from '../ipc/router';",
      /services floor may not reach up to the channels floor/,
    ],
    [
      'services never import sync',
      'src/main/services/payments.ts',
      "import { syncOnce } from '../sync/engine';",
      /services floor may not reach up to the work floor/,
    ],
    [
      'services never import imports',
      'src/main/services/students.ts',
      "import { readSheet } from '../imports/source';",
      /services floor may not reach up to the work floor/,
    ],
    [
      'services never import reports',
      'src/main/services/ledger.ts',
      "import { checkExportPath } from '../reports/export-path';",
      /services floor may not reach up to the work floor/,
    ],
    [
      'services never import backup',
      'src/main/services/audit.ts',
      "import { readManifest } from '../backup/files';",
      /services floor may not reach up to the work floor/,
    ],
    [
      'services never import background',
      'src/main/services/audit.ts',
      "import type { BackgroundRunner } from '../background/runner';",
      /services floor may not reach up to the background floor/,
    ],
    [
      'the store never imports services',
      'src/main/db/open.ts',
      "import type { ServiceDeps } from '../services/context';",
      /store floor may not reach up to the services floor/,
    ],
    [
      'work floors never import channels',
      'src/main/sync/engine.ts',
      "import { syncHandlers } from '../channels/sync';",
      /work floor may not reach up to the channels floor/,
    ],
    [
      'channels never import the composition',
      'src/main/channels/payments.ts',
      "import type { App } from '../app';",
      /channels floor may not reach up to the composition floor/,
    ],
    ['a new folder in src needs a side', 'src/tools/thing.ts', "import { sql } from 'kysely';", /src\/tools\/thing\.ts is on no side/],
    [
      'a new backend folder needs a floor',
      'src/main/newarea/thing.ts',
      "import { sql } from 'kysely';",
      /newarea\/thing\.ts stands on no floor/,
    ],
    [
      'no import cycles',
      'src/main/services/money-rules.ts',
      "import { recordPaymentTx } from './payments';",
      /import cycle: src\/main\/services\/money-rules\.ts ↔ src\/main\/services\/payments\.ts/,
    ],
  ];

  it.each(plants)('catches a planted violation: %s', (_rule, file, line, expected) => {
    let copy = planted(file, line);
    // The cycle needs its other half: payments importing the planted file back.
    if (file.endsWith('money-rules.ts'))
      copy = new Map([
        ...copy,
        ['src/main/services/payments.ts', `import { x } from './money-rules';\n${tree.get('src/main/services/payments.ts')}`],
      ]);
    const found = houseViolations(copy);
    expect(
      found.some((v) => expected.test(v)),
      found.join('\n'),
    ).toBe(true);
  });

  it('finds a cycle of three files and a file importing itself', () => {
    const graph = new Map([
      ['a', { files: ['b'] }],
      ['b', { files: ['c'] }],
      ['c', { files: ['a'] }],
      ['d', { files: ['d'] }],
      ['e', { files: ['a'] }],
    ]);
    expect(cyclesIn(graph)).toEqual([['a', 'b', 'c'], ['d']]);
  });
});
