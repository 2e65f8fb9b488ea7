// Each GraphQL operation the UI sends is valid against schema/schema.graphql, so the UI and the
// API cannot drift apart: a renamed field or argument fails here, naming the file.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse, validate, type OperationDefinitionNode } from 'graphql';
import { operations, problems, schema } from './operations';

const contract = schema();
const found = operations();

test('the sources hold the UI operations', () => {
  // Sign-in, the grid, the product page, quality and settings at least.
  assert.ok(found.length >= 25, `only ${found.length} gql documents found`);
});

for (const { file, text } of found) {
  const name = /(?:query|mutation)\s+(\w+)/.exec(text)?.[1] ?? text.slice(0, 40);
  test(`${file}: ${name} is valid against the schema`, () => {
    assert.deepEqual(problems(text, contract), []);
    const document = parse(text);
    const ops = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
    assert.equal(ops.length, 1, 'one operation per document');
    assert.ok(ops[0].name, 'operations are named, so logs and tests can tell them apart');
  });
}

test('operation names are unique', () => {
  const names = found.map(({ text }) => /(?:query|mutation)\s+(\w+)/.exec(text)?.[1]);
  assert.equal(new Set(names).size, names.length, `duplicates in ${names.join(', ')}`);
});

test('a drifted operation is caught', () => {
  // The check itself must be able to fail: a field the schema does not have.
  const errors = validate(contract, parse('query Drift { product(sku: "x") { noSuchField } }'));
  assert.equal(errors.length, 1);
  assert.match(errors[0].message, /noSuchField/);
});
