import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';

/** A development user who may sign in to the local identity provider; groups become the token's `groups` claim. */
export interface DevUser {
  id: string;
  email: string;
  groups: readonly string[];
}

// Only the users of the org file matter here; the platform publisher validates the whole file.
const orgUsersSchema = z.looseObject({
  users: z.array(z.object({ id: z.string().min(1).max(256), email: z.email(), groups: z.array(z.string().min(1).max(256)).default([]) })).default([]),
});

/** The users (and their groups) of an org file such as deploy/examples/org.yaml. */
export function parseDevUsers(yamlText: string, source: string): DevUser[] {
  const parsed = orgUsersSchema.safeParse(parse(yamlText) ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(file)'}: ${issue.message}`);
    throw new Error(`${source}: not an org file with users: ${problems.join('; ')}`);
  }
  const seen = new Set<string>();
  for (const user of parsed.data.users) {
    if (seen.has(user.id)) throw new Error(`${source}: user "${user.id}" is listed twice`);
    seen.add(user.id);
  }
  return parsed.data.users;
}

export async function readDevUsers(orgFile: string): Promise<DevUser[]> {
  return parseDevUsers(await readFile(orgFile, 'utf8'), orgFile);
}

/** A user by id or email (what one types in the sign-in form). */
export function findDevUser(users: readonly DevUser[], name: string): DevUser | undefined {
  const wanted = name.trim().toLowerCase();
  return users.find((user) => user.id.toLowerCase() === wanted || user.email.toLowerCase() === wanted);
}
