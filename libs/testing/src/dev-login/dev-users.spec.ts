import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../repo-root';
import { findDevUser, parseDevUsers } from './dev-users';

describe('parseDevUsers', () => {
  it('reads the users and groups of the shipped example org', () => {
    const path = join(repoRoot(), 'deploy/examples/org.yaml');
    const users = parseDevUsers(readFileSync(path, 'utf8'), path);
    expect(users.find((u) => u.id === 'alice@acme.example')).toEqual({
      id: 'alice@acme.example',
      email: 'alice@acme.example',
      groups: ['researchers', 'vision-team'],
    });
    expect(users.find((u) => u.id === 'oscar@acme.example')?.groups).toEqual([]);
  });

  it('ignores the rest of the org file and defaults groups to none', () => {
    expect(parseDevUsers('tenants: [{id: t1, name: T}]\nusers:\n  - {id: u1, email: u1@x.example}\n', 'f')).toEqual([
      { id: 'u1', email: 'u1@x.example', groups: [] },
    ]);
    expect(parseDevUsers('', 'f')).toEqual([]);
  });

  it('rejects users without an id or with a bad email, naming the field, and duplicates', () => {
    expect(() => parseDevUsers('users:\n  - {email: nope}\n', 'org.yaml')).toThrow(
      /^org\.yaml: not an org file with users: users\.0\.id: .*; users\.0\.email: /,
    );
    expect(() => parseDevUsers('users:\n  - {id: u1, email: a@x.example}\n  - {id: u1, email: b@x.example}\n', 'org.yaml')).toThrow(
      'org.yaml: user "u1" is listed twice',
    );
  });
});

describe('findDevUser', () => {
  const users = [{ id: 'u1', email: 'Ann@x.example', groups: [] }];
  it('finds a user by id or email, ignoring case and surrounding blanks', () => {
    expect(findDevUser(users, 'u1')).toBe(users[0]);
    expect(findDevUser(users, ' ann@X.example ')).toBe(users[0]);
    expect(findDevUser(users, 'u2')).toBeUndefined();
  });
});
