const NATS_SCHEMES = new Set(['nats:', 'tls:', 'ws:', 'wss:']);

/** True for what the NATS client accepts as servers: `nats://host:port[,…]` or `host:port`. */
export function isNatsUrl(value: string): boolean {
  const servers = value.split(',').map((s) => s.trim());
  return servers.length > 0 && servers.every(isNatsServer);
}

function isNatsServer(server: string): boolean {
  if (!server.includes('://')) return /^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(server) || /^\[[0-9a-fA-F:]+\](:\d{1,5})?$/.test(server);
  try {
    const url = new URL(server);
    return NATS_SCHEMES.has(url.protocol) && url.hostname !== '' && (url.pathname === '' || url.pathname === '/');
  } catch {
    return false;
  }
}
