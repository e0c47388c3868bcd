import { type TlsPeer, clientRefusal } from './client-certificate';

/** A caller as the server sees it after the handshake. */
function socket(authorized: boolean, cn?: string | string[], authorizationError?: string): TlsPeer {
  return { authorized, authorizationError, commonName: cn };
}

describe('clientRefusal', () => {
  it('refuses a caller without a certificate of the configured CA: 401, saying why', () => {
    expect(clientRefusal(socket(false, undefined, 'UNABLE_TO_GET_ISSUER_CERT'), [])).toEqual({
      code: 'UNAUTHENTICATED',
      message: 'the webhook answers only the Kubernetes API server: a client certificate from its CA is required (UNABLE_TO_GET_ISSUER_CERT)',
    });
    expect(clientRefusal(socket(false), ['kube-apiserver'])?.code).toBe('UNAUTHENTICATED');
  });

  it('accepts any certificate of the CA when no names are configured', () => {
    expect(clientRefusal(socket(true, 'anyone'), [])).toBeUndefined();
  });

  it('with names, accepts only a certificate carrying one of them: 403 otherwise', () => {
    expect(clientRefusal(socket(true, 'kube-apiserver'), ['kube-apiserver'])).toBeUndefined();
    expect(clientRefusal(socket(true, ['other', 'kube-apiserver']), ['kube-apiserver'])).toBeUndefined();
    expect(clientRefusal(socket(true, 'kubelet'), ['kube-apiserver'])).toEqual({
      code: 'FORBIDDEN',
      message: 'the client certificate of "kubelet" is not one the webhook answers',
    });
    expect(clientRefusal(socket(true), ['kube-apiserver'])?.code).toBe('FORBIDDEN');
  });
});
