import { orgEventId } from './org-event-id';

const hash = 'ab'.repeat(32);

describe('orgEventId', () => {
  it('is readable and the same for the same entity, action, version and content', () => {
    expect(orgEventId('project', 'p-a', 'created', 1, hash)).toBe('pp:project:created:v1:abababababababab:p-a');
    expect(orgEventId('project', 'p-a', 'updated', 2, hash)).not.toBe(orgEventId('project', 'p-a', 'updated', 3, hash));
    expect(orgEventId('project', 'p-a', 'updated', 2, hash)).not.toBe(orgEventId('project', 'p-a', 'updated', 2, 'cd'.repeat(32)));
  });

  it('hashes an id too long for the 128 characters of an event id', () => {
    const long = `user-${'x'.repeat(240)}`;
    const id = orgEventId('user', long, 'created', 1, hash);
    expect(id.length).toBeLessThanOrEqual(128);
    expect(id).toMatch(/^pp:user:created:v1:abababababababab:#[0-9a-f]{32}$/);
    expect(orgEventId('user', `${long}y`, 'created', 1, hash)).not.toBe(id);
  });
});
