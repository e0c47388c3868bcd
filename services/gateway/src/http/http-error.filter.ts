import { JsonLogger } from '@dv/telemetry';
import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { httpErrorOf } from './http-error';

/** Every error a handler throws, answered in the platform's error body (and logged when it is ours). */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: JsonLogger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const answer = httpErrorOf(error);
    if (answer.ours) this.logger.error('request failed', error, { requestId: request.id, method: request.method, url: request.url, status: answer.status });
    void http.getResponse<FastifyReply>().code(answer.status).send(answer.body);
  }
}
