// A loopback TCP proxy in front of a shared server (Postgres, Redis): tests point the
// service at it and "restart" the dependency by cutting every connection and refusing new
// ones for a while, without touching the shared server itself.
import net from 'node:net';

export interface TcpProxy {
  port: number;
  /** host:port, for URLs. */
  address: string;
  /** Connections accepted so far. */
  accepted: number;
  /** Connections cut by outages so far. */
  cut: number;
  /** Destroy every open connection and refuse new ones for `ms`, then accept again. */
  outage(ms: number): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const open = new Set<net.Socket>();
  let refusing = false;
  let accepted = 0;
  let cut = 0;
  const server = net.createServer((client) => {
    if (refusing) {
      client.destroy();
      return;
    }
    accepted += 1;
    const upstream = net.connect(targetPort, targetHost);
    open.add(client);
    open.add(upstream);
    const done = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', done).on('close', done);
    upstream.on('error', done).on('close', done);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    address: `127.0.0.1:${port}`,
    get accepted() {
      return accepted;
    },
    get cut() {
      return cut;
    },
    async outage(ms) {
      refusing = true;
      cut += [...open].filter((s) => s.remotePort !== targetPort).length;
      for (const s of open) s.destroy();
      open.clear();
      await new Promise((r) => setTimeout(r, ms));
      refusing = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}
