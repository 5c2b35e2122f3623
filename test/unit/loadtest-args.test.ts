// What `npm run loadtest` makes of its flags; the load test itself is run by hand (README, "Operating the sync server").
import { describe, expect, it } from 'vitest';
import { parseLoadArgs } from '../../scripts/loadtest-args';

describe('npm run loadtest flags', () => {
  it('defaults to 10 schools × 2 desks × 200 payments against one server of its own', () => {
    expect(parseLoadArgs([])).toEqual({ schools: 10, desks: 2, payments: 200, instances: 1, url: null, rate: null });
  });

  it('takes every flag, and --url without servers of its own (a trailing slash dropped)', () => {
    expect(parseLoadArgs(['--schools', '50', '--desks', '4', '--payments', '1000', '--instances', '3', '--rate', '1500'])).toEqual({
      schools: 50,
      desks: 4,
      payments: 1000,
      instances: 3,
      url: null,
      rate: 1500,
    });
    expect(parseLoadArgs(['--schools=2', '--url', 'https://sync.example.org/'])).toMatchObject({
      schools: 2,
      instances: 0,
      url: 'https://sync.example.org',
    });
  });

  it.each([
    [['--schools', '0'], "--schools must be a whole number from 1 to 10000 (it is '0')"],
    [['--desks', '2.5'], "--desks must be a whole number from 1 to 999 (it is '2.5')"],
    [['--payments', 'lots'], "--payments must be a whole number from 1 to 100000 (it is 'lots')"],
    [['--instances', '100'], "--instances must be a whole number from 1 to 32 (it is '100')"],
    [['--rate', '0'], "--rate must be a whole number from 1 to 1000000 (it is '0')"],
    [['--rate', 'fast'], "--rate must be a whole number from 1 to 1000000 (it is 'fast')"],
    [['--url', 'sync.example.org'], "--url must be the sync server's address, such as https://sync.example.org (it is 'sync.example.org')"],
    [['--url', 'ftp://sync.example.org'], "--url must start with http:// or https:// (it is 'ftp://sync.example.org')"],
    [['--url', 'http://x', '--instances', '2'], '--instances starts servers of its own; with --url the server is already running'],
    [['--shools', '3'], "Unknown option '--shools'"],
  ])('refuses %j, saying why and how to call it', (argv, message) => {
    expect(() => parseLoadArgs(argv)).toThrow(message);
    expect(() => parseLoadArgs(argv)).toThrow(/usage: npm run loadtest|--url must/);
  });
});
