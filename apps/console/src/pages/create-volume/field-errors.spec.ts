import { fieldErrors, isErrorBody } from './field-errors';

const FIELDS = ['projectId', 'originPvcName', 'name', 'description'];

describe('fieldErrors', () => {
  it("puts a 400's issues next to their fields, the unknown ones on the form", () => {
    const body = {
      code: 400,
      message: 'name: bad; description: too long',
      details: {
        issues: [
          { field: 'name', message: 'must be lowercase' },
          { field: 'description', message: 'too long' },
          { field: 'body', message: 'odd' },
        ],
      },
    };
    expect(fieldErrors(body, FIELDS)).toEqual({ name: 'must be lowercase', description: 'too long', '': 'odd' });
  });

  it('puts a 409 on the name and a missing PVC on the PVC, anything else on the form', () => {
    expect(fieldErrors({ code: 409, message: 'taken', details: { name: 'coco', clusterId: 'c1' } }, FIELDS)).toEqual({ name: 'taken' });
    expect(fieldErrors({ code: 404, message: 'no pvc', details: { originPvcName: 'x', namespace: 'n' } }, FIELDS)).toEqual({ originPvcName: 'no pvc' });
    expect(fieldErrors({ code: 503, message: 'down' }, FIELDS)).toEqual({ '': 'down' });
  });

  it('recognizes the error body', () => {
    expect(isErrorBody({ code: 403, message: 'no' })).toBe(true);
    expect(isErrorBody({ code: '403' })).toBe(false);
    expect(isErrorBody(null)).toBe(false);
  });
});
