import { FILTER_OPERATORS } from '@dv/contracts';
import { z } from 'zod';

/**
 * A `filterBy` query parameter of a list whose filter fields are `fields`: items `<field><op><value>`
 * as a pattern (not only the contract's refinement), so that the API description says which items are
 * taken and a client that follows it is not refused. At most 50 items of 512 characters, as the contracts.
 */
export function queryFilterBy(fields: readonly [string, ...string[]]) {
  const operators = FILTER_OPERATORS.map((op) => op.replace(/[$^]/g, '\\$&')).join('|');
  return z
    .array(
      z
        .string()
        .max(512)
        .regex(
          new RegExp(`^(${fields.join('|')})(${operators})`),
          `must be <field><op><value> with field one of ${fields.join(', ')} and op one of ${FILTER_OPERATORS.join(' ')}`,
        ),
    )
    .max(50)
    .describe(`Items <field><op><value>, op one of ${FILTER_OPERATORS.join(' ')}, field one of ${fields.join(', ')}; once or repeated.`);
}
