/**
 * Role names of releases 2.13 and earlier (the seed's upgrade notes) and the role each became.
 * Looked up case-insensitively.
 */
export const LEGACY_ROLE_NAMES: Readonly<Record<string, string>> = {
  Admin: 'System administrator',
  'System Admin': 'System administrator',
  'Research Manager': 'Research manager',
  'Department Admin': 'Department administrator',
  Researcher: 'L1 researcher',
  Editor: 'Editor',
  Viewer: 'Viewer',
  'ML Engineer': 'ML engineer',
};
