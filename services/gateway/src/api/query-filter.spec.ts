import { queryFilterBy } from './query-filter';

describe('queryFilterBy', () => {
  const filterBy = queryFilterBy(['name', 'phase']);

  it('takes items of a list field and an operator, any value after', () => {
    expect(filterBy.parse(['name==a', 'phase!=Ready', 'name=@', 'name=^x=y', 'name=$\\n'])).toHaveLength(5);
  });

  it('refuses another field, no operator, a longer field name, too many or too long items, naming the item', () => {
    for (const bad of ['size==1', 'name~~a', 'namex==a', 'name', '==a', `name==${'x'.repeat(600)}`]) {
      const parsed = filterBy.safeParse([bad]);
      expect([bad, parsed.success, parsed.error?.issues[0]?.path]).toEqual([bad, false, [0]]);
    }
    expect(filterBy.safeParse(Array.from({ length: 51 }, () => 'name==a')).success).toBe(false);
  });
});
