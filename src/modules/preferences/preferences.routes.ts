// HTTP of /v1/me/preferences (user context): the caller's language and time zone for the web app.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { BadRequestError } from '../../infra/errors.ts';
import { errorResponses, PreferencesSchema } from '../auth/auth.schemas.ts';
import { isKnownTimeZone, isSupportedLocale, SUPPORTED_LOCALES } from './locales.ts';
import { createPreferencesRepository } from './preferences.repository.ts';

const TAGS = ['auth'];
// Null first: with the server's type coercion, a string branch tried first turns null into ''.
const orNull = (max: number) =>
  Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: max })]));
const PreferencesBody = Type.Object(
  { locale: orNull(16), time_zone: orNull(64) },
  { additionalProperties: false },
);
const Answer = Type.Object({ preferences: PreferencesSchema });

export async function preferencesRoutes(app: FastifyInstance): Promise<void> {
  const repo = createPreferencesRepository(app.db);

  app.get(
    '/v1/me/preferences',
    {
      schema: {
        tags: TAGS,
        summary: 'Your language and time zone for the web app',
        response: { 200: Answer, ...errorResponses(401) },
      },
    },
    async (request) => ({ preferences: await repo.get(request.auth.user.id) }),
  );

  app.patch<{ Body: Static<typeof PreferencesBody> }>(
    '/v1/me/preferences',
    {
      schema: {
        tags: TAGS,
        summary: 'Set your language and/or time zone (null: follow the browser)',
        body: PreferencesBody,
        response: { 200: Answer, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { locale, time_zone } = request.body;
      if (locale != null && !isSupportedLocale(locale))
        throw new BadRequestError(
          'unsupported_locale',
          `locale must be one of ${SUPPORTED_LOCALES.join(', ')}`,
        );
      if (time_zone != null && !isKnownTimeZone(time_zone))
        throw new BadRequestError('unknown_time_zone', 'time_zone must be an IANA time zone name');
      const change: { locale?: string | null; time_zone?: string | null } = {};
      if (locale !== undefined) change.locale = locale;
      if (time_zone !== undefined) change.time_zone = time_zone;
      if (!Object.keys(change).length) return { preferences: await repo.get(request.auth.user.id) };
      return { preferences: await repo.update(request.auth.user.id, change) };
    },
  );
}
