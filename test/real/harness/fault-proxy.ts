import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A reverse proxy on loopback in front of one Sigstore service, like the load balancer in front
 * of the public instances: it passes requests through, answers 502 Bad Gateway when the service
 * is down, and can be told to answer the next requests with an error status, so that the real
 * cosign meets the failures users meet and prints what it prints for them.
 */

export interface ProxiedRequest {
  method: string;
  path: string;
  status: number;
}

export interface FaultProxy {
  url: string;
  requests: ProxiedRequest[];
  /** The next `times` requests get `status` (with the reason phrase a load balancer sends). */
  failNext(times: number, status: number): void;
  stop(): Promise<void>;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const requests: ProxiedRequest[] = [];
  const faults: { left: number; status: number } = { left: 0, status: 503 };
  const server: Server = createServer((req, res) => {
    const record = (status: number) =>
      requests.push({ method: req.method ?? '', path: req.url ?? '', status });
    if (faults.left > 0) {
      faults.left--;
      req.resume();
      record(faults.status);
      res
        .writeHead(faults.status, { 'content-type': 'text/plain' })
        .end(`fault injected: ${faults.status}\n`);
      return;
    }
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (answer) => {
        record(answer.statusCode ?? 0);
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => {
      record(502);
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end('Bad Gateway\n');
      else res.destroy();
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    failNext(times, status) {
      faults.left = times;
      faults.status = status;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
