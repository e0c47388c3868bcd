import { ACTIONS, type Action, RESOURCE_TYPES, type ResourceType, type Role } from '@dv/contracts';
import { z } from 'zod';
import { LEGACY_ROLE_NAMES } from './legacy-role-names';
import rolesJson from './roles.json';

/** Bit of each action in a permission mask. */
export const ACTION_BIT: Readonly<Record<Action, number>> = { create: 1, read: 2, update: 4, delete: 8 };
const LETTER_ACTION: Readonly<Record<string, Action>> = { c: 'create', r: 'read', u: 'update', d: 'delete' };

/** Position of each resource type in a role's mask array. */
export const RESOURCE_INDEX: ReadonlyMap<ResourceType, number> = new Map(RESOURCE_TYPES.map((r, i) => [r, i]));

/** Predefined roles ship with the code; they were "created" by the system when this catalog was released. */
export const CATALOG_CREATED_BY = 'system';
export const CATALOG_CREATED_AT = '2025-12-01T00:00:00.000Z';

export interface CatalogRole {
  readonly id: number;
  readonly name: string;
  readonly description: string;
  readonly legacyNames: readonly string[];
  /** One entry per resource type (RESOURCE_INDEX): the OR of ACTION_BIT of granted actions. */
  readonly masks: Uint8Array;
  readonly view: Role;
}

const catalogFileSchema = z.object({
  entities: z.partialRecord(z.enum(RESOURCE_TYPES), z.object({ displayName: z.string(), group: z.string() })),
  roles: z
    .array(
      z.object({
        id: z.number().int().positive(),
        name: z.string().min(1),
        description: z.string(),
        permissions: z.partialRecord(z.enum(RESOURCE_TYPES), z.string().regex(/^c?r?u?d?$/)),
      }),
    )
    .min(1),
});

/** The read-only role catalog, compiled to bit masks for the decision index. */
export class RoleCatalog {
  private readonly byId = new Map<number, CatalogRole>();
  private readonly byName = new Map<string, CatalogRole>();

  private constructor(
    readonly roles: readonly CatalogRole[],
    /** Each resource type's display name and group, as the roles' permissions show them. */
    private readonly entities: ReadonlyMap<ResourceType, { displayName: string; groupId: string }>,
  ) {
    for (const role of roles) {
      this.byId.set(role.id, role);
      this.byName.set(role.name.toLowerCase(), role);
    }
    for (const [legacy, current] of Object.entries(LEGACY_ROLE_NAMES)) {
      const role = this.byName.get(current.toLowerCase());
      if (!role) throw new Error(`legacy role name ${legacy} maps to unknown role ${current}`);
      if (!this.byName.has(legacy.toLowerCase())) this.byName.set(legacy.toLowerCase(), role);
    }
  }

  static load(source: unknown = rolesJson): RoleCatalog {
    const file = catalogFileSchema.parse(source);
    const legacyByRole = new Map<string, string[]>();
    for (const [legacy, current] of Object.entries(LEGACY_ROLE_NAMES)) {
      if (legacy === current) continue;
      legacyByRole.set(current, [...(legacyByRole.get(current) ?? []), legacy]);
    }
    const roles = file.roles.map((raw): CatalogRole => {
      const masks = new Uint8Array(RESOURCE_TYPES.length);
      const permissions: Role['permissions'] = [];
      for (const resourceType of RESOURCE_TYPES) {
        const letters = raw.permissions[resourceType];
        if (!letters) continue;
        const actions = [...letters].map((l) => LETTER_ACTION[l] as Action);
        masks[RESOURCE_INDEX.get(resourceType) as number] = actions.reduce((m, a) => m | ACTION_BIT[a], 0);
        const entity = file.entities[resourceType];
        permissions.push({
          resourceType,
          displayName: entity?.displayName ?? resourceType,
          groupId: entity?.group ?? 'other',
          actions: ACTIONS.filter((a) => actions.includes(a)),
        });
      }
      const legacyNames = legacyByRole.get(raw.name) ?? [];
      return {
        id: raw.id,
        name: raw.name,
        description: raw.description,
        legacyNames,
        masks,
        view: {
          id: raw.id,
          name: raw.name,
          description: raw.description,
          createdAt: CATALOG_CREATED_AT,
          createdBy: CATALOG_CREATED_BY,
          legacyNames,
          permissions,
        },
      };
    });
    const entities = new Map(
      RESOURCE_TYPES.map((r) => [r, { displayName: file.entities[r]?.displayName ?? r, groupId: file.entities[r]?.group ?? 'other' }] as const),
    );
    return new RoleCatalog(roles, entities);
  }

  /** A permission as roles show it: the resource type with its display name and group, and the actions. */
  permission(resourceType: ResourceType, actions: readonly Action[]): Role['permissions'][number] {
    const entity = this.entities.get(resourceType) ?? { displayName: resourceType, groupId: 'other' };
    return { resourceType, displayName: entity.displayName, groupId: entity.groupId, actions: [...actions] };
  }

  get(id: number): CatalogRole | undefined {
    return this.byId.get(id);
  }

  /** By id, current name or legacy name (names case-insensitive). */
  resolve(idOrName: number | string): CatalogRole | undefined {
    if (typeof idOrName === 'number') return this.byId.get(idOrName);
    const trimmed = idOrName.trim();
    if (/^\d+$/.test(trimmed)) return this.byId.get(Number(trimmed));
    return this.byName.get(trimmed.toLowerCase());
  }

  grants(role: CatalogRole, resourceType: ResourceType, action: Action): boolean {
    return ((role.masks[RESOURCE_INDEX.get(resourceType) as number] ?? 0) & ACTION_BIT[action]) !== 0;
  }
}
