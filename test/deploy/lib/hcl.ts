// Loads Terraform/Packer HCL through @cdktf/hcl2json and finds the references inside the
// resulting `${...}` strings, so tests can check a configuration without the terraform binary.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from '@cdktf/hcl2json';

/** hcl2json's JSON form: block type -> labels -> list of bodies. */
export type HclJson = Record<string, unknown>;
export type Body = Record<string, unknown>;

export interface Reference {
  /** `var`, `local`, `module`, `data`, or a resource type such as `aws_lb`. */
  kind: string;
  /** Variable/local/module name, or `type.name` for data sources, or the resource name. */
  name: string;
  /** The attribute after a module reference (`module.x.<attr>`), when present. */
  attr?: string;
  /** Where it was found, for messages. */
  where: string;
}

export async function parseHclFile(file: string): Promise<HclJson> {
  return (await parse(path.basename(file), fs.readFileSync(file, 'utf8'))) as HclJson;
}

/** Every `.tf` file of one module directory, parsed. */
export async function parseModule(dir: string): Promise<Map<string, HclJson>> {
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.tf'))
    .sort();
  const parsed = new Map<string, HclJson>();
  for (const f of files) parsed.set(f, await parseHclFile(path.join(dir, f)));
  return parsed;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{ type: { name: [body] } }` or `{ name: [body] }` flattened to entries of (labels, body). */
export function blocks(doc: HclJson, type: string, depth: 1 | 2): Array<[string, Body]> {
  const out: Array<[string, Body]> = [];
  const top = doc[type];
  if (!isRecord(top)) return out;
  for (const [l1, v1] of Object.entries(top)) {
    if (depth === 1) {
      for (const body of asBodies(v1)) out.push([l1, body]);
      continue;
    }
    if (!isRecord(v1)) continue;
    for (const [l2, v2] of Object.entries(v1)) {
      for (const body of asBodies(v2)) out.push([`${l1}.${l2}`, body]);
    }
  }
  return out;
}

/** `locals { }` and `terraform { }` style blocks: a list of bodies without labels. */
export function unlabelled(doc: HclJson, type: string): Body[] {
  return asBodies(doc[type]);
}

function asBodies(value: unknown): Body[] {
  if (Array.isArray(value)) return value.filter(isRecord);
  return isRecord(value) ? [value] : [];
}

/** Every string anywhere under `value`. */
export function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (isRecord(value)) for (const v of Object.values(value)) strings(v, out);
  return out;
}

// A reference starts a traversal: not preceded by an identifier character, a dot (attribute of
// something else) or a quote/slash/colon (inside a literal such as "sts.amazonaws.com").
const REF =
  /(?<![\w.\-"/:@])(var|local|module|data|aws_[a-z0-9_]+)\.([A-Za-z_][\w-]*)(?:\.([A-Za-z_][\w-]*))?/g;

/** References in the interpolations of one expression string. */
export function referencesIn(expr: string, where: string): Reference[] {
  if (!expr.includes('${') && !expr.includes('%{')) return [];
  const refs: Reference[] = [];
  for (const m of expr.matchAll(REF)) {
    const [, kind = '', first = '', second] = m;
    if (kind === 'data') {
      if (second !== undefined) refs.push({ kind, name: `${first}.${second}`, where });
    } else if (kind === 'module') {
      refs.push({ kind, name: first, attr: second, where });
    } else {
      refs.push({ kind, name: first, where });
    }
  }
  return refs;
}

/** All references in a block body (recursively, nested blocks included). */
export function referencesInBody(body: unknown, where: string): Reference[] {
  return strings(body).flatMap((s) => referencesIn(s, where));
}
