import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { leaking } from '../src/e2ee/leak-guard';

const probe = (encoded: number, offered: number) => ({
  encoded: () => Promise.resolve(encoded),
  offered: () => offered,
});

describe('the leak guard of an E2EE sender', () => {
  test('E2EE-FRAME: a sender whose encoded frames go around the encrypting worker must stop', async () => {
    assert.equal(await leaking(probe(300, 0)), true, 'nothing reached the worker');
    assert.equal(await leaking(probe(300, 100)), true, 'most frames went around it');
  });

  test('E2EE-FRAME: the worker’s reporting lag, or an encoder that just started, is not a leak', async () => {
    assert.equal(await leaking(probe(300, 270)), false, 'a second behind');
    assert.equal(await leaking(probe(300, 300)), false);
    assert.equal(await leaking(probe(40, 0)), false, 'too early to judge');
  });
});
