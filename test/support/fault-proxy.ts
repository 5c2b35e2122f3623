// A TCP proxy between desks and the sync server that misbehaves on purpose: it drops connections before the
// server sees them, delays (so concurrent requests overtake each other), sends a request twice, and cuts the
// answer off after the server has committed. One request per connection (the desks' test transport asks so).
import { connect, createServer, type Socket } from 'node:net';

export interface FaultPlan {
  drop: number;
  duplicate: number;
  cutAfterCommit: number;
  maxDelayMs: number;
}

export const NO_FAULTS: FaultPlan = { drop: 0, duplicate: 0, cutAfterCommit: 0, maxDelayMs: 0 };

export interface FaultProxy {
  port: number;
  stats: { requests: number; dropped: number; duplicated: number; cut: number; delayed: number };
  plan: FaultPlan;
  close(): Promise<void>;
}

/** The whole request is in when the headers are and Content-Length bytes follow them. */
function requestComplete(buffer: Buffer): boolean {
  const end = buffer.indexOf('\r\n\r\n');
  if (end < 0) return false;
  const length = /content-length:\s*(\d+)/i.exec(buffer.subarray(0, end).toString('latin1'));
  return buffer.length >= end + 4 + Number(length?.[1] ?? 0);
}

export async function startFaultProxy(target: { port: number; host?: string }, plan: FaultPlan, random: () => number): Promise<FaultProxy> {
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    return s;
  };
  const proxy: FaultProxy = { port: 0, stats: { requests: 0, dropped: 0, duplicated: 0, cut: 0, delayed: 0 }, plan, close: async () => {} };
  const upstream = () => track(connect({ port: target.port, host: target.host ?? '127.0.0.1' }));

  const server = createServer((client) => {
    track(client);
    let buffer = Buffer.alloc(0);
    let handled = false;
    client.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (handled || !requestComplete(buffer)) return;
      handled = true;
      void forward(client, buffer);
    });
  });

  async function forward(client: Socket, request: Buffer) {
    const p = proxy.plan;
    proxy.stats.requests += 1;
    if (random() < p.drop) {
      proxy.stats.dropped += 1;
      client.destroy();
      return;
    }
    if (p.maxDelayMs > 0) {
      proxy.stats.delayed += 1;
      await new Promise((r) => setTimeout(r, random() * p.maxDelayMs));
    }
    if (random() < p.duplicate) {
      proxy.stats.duplicated += 1;
      const twin = upstream();
      twin.on('data', () => {});
      twin.write(request);
    }
    const cut = random() < p.cutAfterCommit;
    const up = upstream();
    up.on('error', () => client.destroy());
    up.on('close', () => client.end());
    up.on('data', (chunk: Buffer) => {
      // The server answers only after its transaction commits: dropping the answer now is "committed, but the desk never heard".
      if (cut) {
        proxy.stats.cut += 1;
        client.destroy();
        up.destroy();
        return;
      }
      client.write(chunk);
    });
    client.on('close', () => up.destroy());
    up.write(request);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.port = (server.address() as { port: number }).port;
  proxy.close = () =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return proxy;
}
