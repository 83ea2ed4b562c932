// Fastify's own schema compilers (Ajv for validation, fast-json-stringify for responses), made lazy:
// a route's validator and serializers are compiled on its first request instead of at startup.
// Why: compiling every route's schemas was about a second of CPU in each start (server, worker,
// CLI run, test), for routes most processes never serve. The compilers, their options and their
// answers are Fastify's defaults; only the moment of compiling moves. A schema that fails to
// compile would now fail on first use rather than at startup, so test/integration/route-schemas.test.ts
// compiles every route's schemas eagerly with these same compilers.
import type { FastifyServerOptions } from 'fastify';
import AjvCompiler from '@fastify/ajv-compiler';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

type Route = Record<string, unknown>;
type Validate = ((this: unknown, data: unknown, context?: unknown) => unknown) & {
  errors?: unknown;
  schemaEnv?: unknown;
};
type Serialize = (data: unknown) => string;

type ValidatorCompiler = (route: Route) => Validate;
type SerializerCompiler = (route: Route) => Serialize;
type Builder<C> = (externalSchemas: unknown, options: unknown) => C;

const buildAjv = AjvCompiler() as unknown as Builder<ValidatorCompiler>;
const buildFastJsonStringify = SerializerSelector() as unknown as Builder<SerializerCompiler>;

export function lazyValidator(compile: ValidatorCompiler): ValidatorCompiler {
  return (route) => {
    let compiled: Validate | undefined;
    const validate: Validate = function (this: unknown, data, context) {
      compiled ??= compile(route);
      const result = compiled.call(this, data, context);
      // Fastify reads a failed validation's details from the function it was given.
      validate.errors = compiled.errors;
      return result;
    };
    // Set: Fastify then passes the parent object, which Ajv needs to coerce a part's root value.
    validate.schemaEnv = true;
    return validate;
  };
}

export function lazySerializer(compile: SerializerCompiler): SerializerCompiler {
  return (route) => {
    let compiled: Serialize | undefined;
    return (data) => (compiled ??= compile(route))(data);
  };
}

export type CompilersFactory = NonNullable<
  NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']
>;

/** For Fastify's `schemaController.compilersFactory`. */
export const lazyCompilersFactory = {
  buildValidator: (externalSchemas: unknown, options: unknown): ValidatorCompiler =>
    lazyValidator(buildAjv(externalSchemas, options)),
  buildSerializer: (externalSchemas: unknown, options: unknown): SerializerCompiler =>
    lazySerializer(buildFastJsonStringify(externalSchemas, options)),
} as unknown as CompilersFactory;

/** The same compilers, eager: for the test that compiles every route's schemas at startup. */
export const eagerCompilersFactory = {
  buildValidator: buildAjv,
  buildSerializer: buildFastJsonStringify,
} as unknown as CompilersFactory;
