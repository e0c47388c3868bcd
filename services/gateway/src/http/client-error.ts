import { STATUS_CODES } from 'node:http';
import { type Socket } from 'node:net';

/**
 * A request Node's HTTP parser refuses before Fastify routes it (a request line and headers larger
 * than it reads, as a long query string makes them: 431; anything malformed: 400), answered in the
 * platform's error body like every other non-2xx, not Fastify's own shape. The connection closes.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const message =
    status === 431
      ? 'The request line and headers are larger than this server reads.'
      : status === 408
        ? 'The request took too long.'
        : 'Malformed HTTP request.';
  const body = JSON.stringify({ code: status, message });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
