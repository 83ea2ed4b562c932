// JSON Schemas for appspec.yml (EC2/on-premises) and buildspec.yml (version 0.2), written from
// AWS's documented formats ("AppSpec 'hooks' section", "Build specification reference for
// CodeBuild"). Strict where the docs are (unknown keys, enums, limits), so a typo fails.

const stringList = { type: 'array', items: { type: 'string', minLength: 1 } } as const;

// EC2/on-premises lifecycle events a script may hook; DownloadBundle, Install, BlockTraffic and
// AllowTraffic are reserved for the agent and cannot be scripted.
export const EC2_HOOK_EVENTS = [
  'ApplicationStop',
  'BeforeBlockTraffic',
  'AfterBlockTraffic',
  'BeforeInstall',
  'AfterInstall',
  'ApplicationStart',
  'ValidateService',
  'BeforeAllowTraffic',
  'AfterAllowTraffic',
] as const;

const hookScript = {
  type: 'object',
  additionalProperties: false,
  required: ['location'],
  properties: {
    location: { type: 'string', minLength: 1 },
    // The agent's limit for one script (and, summed, for one event) is one hour.
    timeout: { type: 'integer', minimum: 1, maximum: 3600 },
    runas: { type: 'string', minLength: 1 },
  },
} as const;

export const appspecSchema = {
  $id: 'appspec-ec2',
  type: 'object',
  additionalProperties: false,
  required: ['version', 'os'],
  properties: {
    version: { const: 0 },
    os: { enum: ['linux', 'windows'] },
    files: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['source', 'destination'],
        properties: {
          source: { type: 'string', minLength: 1 },
          destination: { type: 'string', pattern: '^/' },
        },
      },
    },
    file_exists_behavior: { enum: ['DISALLOW', 'OVERWRITE', 'RETAIN'] },
    permissions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['object'],
        properties: {
          object: { type: 'string' },
          pattern: { type: 'string' },
          except: stringList,
          owner: { type: 'string' },
          group: { type: 'string' },
          mode: { type: ['string', 'integer'] },
          acls: stringList,
          context: { type: 'object' },
          type: { type: 'array', items: { enum: ['file', 'directory'] } },
        },
      },
    },
    hooks: {
      type: 'object',
      propertyNames: { enum: [...EC2_HOOK_EVENTS] },
      additionalProperties: { type: 'array', minItems: 1, items: hookScript },
    },
  },
} as const;

const phase = {
  type: 'object',
  additionalProperties: false,
  required: ['commands'],
  properties: {
    'run-as': { type: 'string' },
    'on-failure': { enum: ['ABORT', 'CONTINUE', 'RETRY'] },
    commands: { ...stringList, minItems: 1 },
    finally: stringList,
  },
} as const;

export const buildspecSchema = {
  $id: 'buildspec-0.2',
  type: 'object',
  additionalProperties: false,
  required: ['version', 'phases'],
  properties: {
    version: { const: 0.2 },
    'run-as': { type: 'string' },
    env: {
      type: 'object',
      additionalProperties: false,
      properties: {
        shell: { enum: ['bash', '/bin/sh', 'sh', 'powershell.exe', 'cmd.exe', 'pwsh.exe'] },
        variables: { type: 'object', additionalProperties: { type: 'string' } },
        'parameter-store': { type: 'object', additionalProperties: { type: 'string' } },
        'secrets-manager': { type: 'object', additionalProperties: { type: 'string' } },
        'exported-variables': stringList,
        'git-credential-helper': { enum: ['yes', 'no'] },
      },
    },
    proxy: { type: 'object' },
    batch: { type: 'object' },
    phases: {
      type: 'object',
      additionalProperties: false,
      properties: {
        install: {
          ...phase,
          properties: {
            ...phase.properties,
            'runtime-versions': {
              type: 'object',
              additionalProperties: { type: ['string', 'number'] },
            },
          },
        },
        pre_build: phase,
        build: phase,
        post_build: phase,
      },
    },
    reports: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['files'],
        properties: {
          files: { ...stringList, minItems: 1 },
          'base-directory': { type: 'string' },
          'discard-paths': { enum: ['yes', 'no'] },
          'file-format': {
            enum: [
              'CUCUMBERJSON',
              'JUNITXML',
              'NUNITXML',
              'NUNIT3XML',
              'TESTNGXML',
              'VISUALSTUDIOTRX',
              'CLOVERXML',
              'COBERTURAXML',
              'JACOCOXML',
              'SIMPLECOV',
            ],
          },
        },
      },
    },
    artifacts: {
      type: 'object',
      additionalProperties: false,
      required: ['files'],
      properties: {
        files: { ...stringList, minItems: 1 },
        name: { type: 'string' },
        'discard-paths': { enum: ['yes', 'no'] },
        'base-directory': { type: 'string' },
        'exclude-paths': stringList,
        'enable-symlinks': { enum: ['yes', 'no'] },
        's3-prefix': { type: 'string' },
        'secondary-artifacts': { type: 'object' },
      },
    },
    cache: {
      type: 'object',
      additionalProperties: false,
      properties: {
        key: { type: 'string' },
        'fallback-keys': stringList,
        action: { enum: ['restore', 'save'] },
        paths: { ...stringList, minItems: 1 },
      },
    },
  },
} as const;
