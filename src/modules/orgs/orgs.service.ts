import { ConflictError } from '../../infra/errors.ts';
import { isUniqueViolation, type Db } from '../../infra/postgres.ts';
import { validateNameAndSlug } from '../../infra/slug.ts';
import { createOrgsRepository, type Org } from './orgs.repository.ts';

export async function createOrg(db: Db, input: { name: string; slug?: string }): Promise<Org> {
  const { name, slug } = validateNameAndSlug(input);
  try {
    return await createOrgsRepository(db).create({ name, slug });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new ConflictError('slug_taken', `an org with slug "${slug}" already exists`);
    }
    throw error;
  }
}
