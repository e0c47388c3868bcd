import { createServer } from 'node:net';

// Ports handed out by this process, so two calls in a row never return the same port.
const handedOut = new Set<number>();

function askKernelForPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error(`no port from ${host}`))));
    });
  });
}

/** A TCP port that is free on the loopback interface right now (the caller binds it soon after). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await askKernelForPort(host);
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`could not find a free port on ${host}`);
}
