import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { leaking } from '../src/e2ee/leak-guard';

const probe = (encoded: number, offered: number) => ({
  encoded: () => Promise.resolve(encoded),
  offered: () => Promise.resolve(offered),
});

describe('the leak guard of an E2EE sender', () => {
  test('E2EE-FRAME: a sender whose encoded frames go around the encrypting worker must stop', async () => {
    assert.equal(await leaking(probe(300, 0)), true, 'nothing reached the worker');
    assert.equal(await leaking(probe(300, 100)), true, 'most frames went around it');
    assert.equal(await leaking(probe(200, 0)), true, 'two seconds of one layer, none encrypted');
  });

  test('E2EE-FRAME: frames on their way to a busy worker, or an encoder that just started, are not a leak', async () => {
    assert.equal(await leaking(probe(300, 270)), false);
    assert.equal(await leaking(probe(300, 300)), false);
    assert.equal(await leaking(probe(40, 0)), false, 'too early to judge');
    // Three simulcast layers two seconds in, the worker over a second behind on a busy machine.
    assert.equal(await leaking(probe(180, 60)), false, 'over a second of three layers still queued');
  });

  test('E2EE-FRAME: the worker is asked for its count after the encoder, so frames encoded meanwhile are in it', async () => {
    const order: string[] = [];
    await leaking({
      encoded: () => {
        order.push('encoded');
        return Promise.resolve(300);
      },
      offered: () => {
        order.push('offered');
        return Promise.resolve(300);
      },
    });
    assert.deepEqual(order, ['encoded', 'offered']);
  });
});
