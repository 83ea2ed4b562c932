import { ConflictError, BadRequestError } from '../../infra/errors.ts';
import type { Db } from '../../infra/postgres.ts';
import { slugify, SLUG_PATTERN } from '../../infra/slug.ts';
import { createOrgsRepository, type Org } from './orgs.repository.ts';

export async function createOrg(db: Db, input: { name: string; slug?: string }): Promise<Org> {
  const name = input.name.trim();
  if (name.length === 0 || name.length > 200)
    throw new BadRequestError('invalid_name', 'name must be 1–200 characters');
  const slug = input.slug ?? slugify(name);
  if (!SLUG_PATTERN.test(slug)) {
    throw new BadRequestError(
      'invalid_slug',
      'slug must be lowercase letters, digits and dashes (max 63)',
    );
  }
  try {
    return await createOrgsRepository(db).create({ name, slug });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new ConflictError('slug_taken', `an org with slug "${slug}" already exists`);
    throw error;
  }
}

export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === '23505';
}
