import { DvError } from '@dv/contracts';
import { z } from 'zod';
import { type RawQuery, parseQuery, queryBool, queryInt, queryIntegers } from './parse-query';

const schema = z.object({
  name: z.string().min(1),
  tags: z.array(z.string()).optional(),
  limit: queryInt({ min: 1, max: 10 }).optional(),
  offset: queryInt({ min: 0 }).optional(),
  deleted: queryBool.optional(),
});

function refusal(raw: RawQuery): { message: string; issues: { field: string; message: string }[] } {
  try {
    parseQuery(schema, raw);
  } catch (error) {
    if (!(error instanceof DvError)) throw error;
    expect(error.code).toBe('VALIDATION_FAILED');
    return { message: error.message, issues: (error.details?.['issues'] ?? []) as { field: string; message: string }[] };
  }
  throw new Error('accepted');
}

const fields = (raw: RawQuery): string[] => refusal(raw).issues.map((i) => i.field);

describe('parseQuery', () => {
  it('parses through the schema: integers and booleans converted, undefined values skipped', () => {
    expect(parseQuery(schema, { name: 'a', limit: '10', offset: '0', deleted: 'true', skipped: undefined })).toEqual({
      name: 'a',
      limit: 10,
      offset: 0,
      deleted: true,
    });
    expect(parseQuery(schema, { name: 'a', deleted: 'false' })).toEqual({ name: 'a', deleted: false });
  });

  it('takes an array field once or repeated, as name or name[], in the order given', () => {
    expect(parseQuery(schema, { name: 'a', tags: 'x' }).tags).toEqual(['x']);
    expect(parseQuery(schema, { name: 'a', tags: ['x', 'y'] }).tags).toEqual(['x', 'y']);
    expect(parseQuery(schema, { name: 'a', 'tags[]': ['x', 'y'] }).tags).toEqual(['x', 'y']);
    expect(parseQuery(schema, { name: 'a', tags: 'x', 'tags[]': 'y' }).tags).toEqual(['x', 'y']);
  });

  it('refuses an unknown parameter by the name the caller wrote, and says so in the message', () => {
    expect(refusal({ name: 'a', page: '2' })).toEqual({
      message: 'page: is not a parameter of this call',
      issues: [{ field: 'page', message: 'is not a parameter of this call' }],
    });
    expect(fields({ name: 'a', 'bogus[]': 'x' })).toEqual(['bogus[]']);
    // A name that only looks like an inherited property is unknown too.
    expect(fields({ name: 'a', constructor: 'x', __proto__: 'y' } as RawQuery)).toEqual(['constructor']);
  });

  it('refuses a single-valued parameter given twice, in either spelling', () => {
    expect(fields({ name: ['a', 'b'] })).toEqual(['name']);
    expect(fields({ name: 'a', 'name[]': 'b' })).toEqual(['name']);
    expect(refusal({ name: 'a', limit: ['1', '2'] }).issues).toEqual([{ field: 'limit', message: 'must be given once' }]);
  });

  it('refuses values the schema refuses, naming each field (unknown and repeated ones first, then the schema)', () => {
    expect(fields({})).toEqual(['name']);
    expect(fields({ name: 'a', limit: '0' })).toEqual(['limit']);
    expect(fields({ name: 'a', limit: '11' })).toEqual(['limit']);
    expect(fields({ name: 'a', limit: 'ten', offset: '-1' })).toEqual(['limit', 'offset']);
    expect(fields({ name: 'a', deleted: 'yes' })).toEqual(['deleted']);
    expect(fields({ name: 'a', extra: '1' })).toEqual(['extra']);
  });
});

describe('queryInt', () => {
  it('takes 1 to 9 digits only, then the bounds', () => {
    const int = queryInt({ min: 1, max: 500 });
    expect(int.parse('007')).toBe(7);
    expect(int.parse('500')).toBe(500);
    for (const bad of ['', ' 5', '5 ', '1e3', '0x10', '-1', '+1', '1.5', '0', '501', '1234567890']) expect(int.safeParse(bad).success).toBe(false);
    expect(queryInt({ min: 0 }).parse('999999999')).toBe(999_999_999);
  });

  it('is registered with its bounds, for the API description (an integer, not a string pattern)', () => {
    const int = queryInt({ min: 1, max: 500 });
    expect(queryIntegers.get(int)).toEqual({ min: 1, max: 500 });
    expect(queryIntegers.get(queryInt({ min: 0 }))).toEqual({ min: 0, max: 999_999_999 });
  });
});
