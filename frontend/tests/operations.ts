// Finds every GraphQL document the UI's sources write with the `gql` tag, and the schema they
// must satisfy (the committed contract, schema/schema.graphql).

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildSchema, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';

export const FRONTEND = join(import.meta.dirname, '..');
export const SCHEMA_FILE = join(FRONTEND, '..', 'schema', 'schema.graphql');

export function schema(): GraphQLSchema {
  return buildSchema(readFileSync(SCHEMA_FILE, 'utf8'));
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

export interface Found {
  file: string;
  text: string;
}

/** Every `gql` template in src/, with the file it is in. */
export function operations(): Found[] {
  const found: Found[] = [];
  for (const file of sources(join(FRONTEND, 'src'))) {
    const code = readFileSync(file, 'utf8');
    for (const match of code.matchAll(/=\s*gql`([^`]*)`/g)) {
      found.push({ file: relative(FRONTEND, file), text: match[1] });
    }
  }
  return found;
}

/** Problems of one document against the schema: syntax, then validation. */
export function problems(text: string, against: GraphQLSchema): string[] {
  let document: DocumentNode;
  try {
    document = parse(text);
  } catch (e) {
    return [String(e)];
  }
  return validate(against, document).map((e) => e.message);
}
