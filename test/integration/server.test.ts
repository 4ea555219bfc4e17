import { expect, inject, it } from 'vitest';
import { useTestDb } from '../support/db.js';

const t = useTestDb('server');

it('writes and reads real documents through the driver on the server under test', async () => {
  console.log(`server under test: ${inject('serverDescription')}`);
  const people = t.db.collection<{ _id: number; name: string }>('people');
  await people.insertMany([
    { _id: 1, name: 'Ada' },
    { _id: 2, name: 'Grace' },
  ]);
  expect(await people.find().sort({ _id: 1 }).toArray()).toEqual([
    { _id: 1, name: 'Ada' },
    { _id: 2, name: 'Grace' },
  ]);
});
