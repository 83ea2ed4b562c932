import { BadRequestError } from './errors.ts';

/** A URL-safe identifier derived from a display name: "ACME Corp." → "acme-corp". */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return slug.length > 0 ? slug : 'x';
}

export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Orgs and apps share their naming rules: a display name, and a slug derived from it unless given. */
export function validateNameAndSlug(input: { name: string; slug?: string }): {
  name: string;
  slug: string;
} {
  const name = input.name.trim();
  if (name.length === 0 || name.length > 200) {
    throw new BadRequestError('invalid_name', 'name must be 1–200 characters');
  }
  const slug = input.slug ?? slugify(name);
  if (!SLUG_PATTERN.test(slug)) {
    throw new BadRequestError(
      'invalid_slug',
      'slug must be lowercase letters, digits and dashes (max 63)',
    );
  }
  return { name, slug };
}
