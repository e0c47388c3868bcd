import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { type Observable, throwError } from 'rxjs';

/**
 * Nest's default microservice filter turns every error into an untyped `{status: 'error'}` object.
 * Ours hands the original error back to the transport, which maps it to our closed set of codes.
 */
@Catch()
export class RethrowExceptionFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}
