import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

/**
 * Nest's default RPC filter turns every unknown error into `{ status: 'error' }`, which would hide
 * the error's disposition (retry, permanent, not-ready) from the consumer. This filter hands the
 * original error back so the consumer core can classify it.
 */
@Catch()
export class PropagateEventErrorsFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}
