/// <reference types="node" />
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_VIEW_VIDEO, type ParticipantInfo, type ViewEntry } from '@conclave/protocol';
import { RemoteParticipant } from '../src/remote-participant';
import { ViewControl } from '../src/view-control';

const person = (id: string): RemoteParticipant =>
  new RemoteParticipant({
    id,
    displayName: id,
    kind: 'guest',
    moderator: false,
    joinedAt: '2026-01-01T00:00:00.000Z',
    tracks: [
      { source: 'microphone', muted: false },
      { source: 'camera', muted: false },
      { source: 'screen', muted: false },
    ],
  } satisfies ParticipantInfo);

/** A ViewControl over `people` whose debounce timer the test fires by hand. */
function controlled(people: RemoteParticipant[], fail = false) {
  const sent: ViewEntry[][] = [];
  let pending: (() => void) | null = null;
  let delay: number | null = null;
  const view = new ViewControl(
    {
      send: async (video) => {
        sent.push(video);
        if (fail) throw new Error('refused');
      },
      setTimer: (fn, ms) => {
        delay = ms;
        return (pending = fn);
      },
      clearTimer: () => (pending = null),
    },
    () => people,
  );
  const fire = async () => {
    const fn = pending;
    pending = null;
    fn?.();
    await new Promise((r) => setImmediate(r));
  };
  for (const p of people)
    for (const pub of p.trackPublications) pub.onSubscriptionWish = () => view.changed();
  return { view, sent, fire, isPending: () => pending !== null, delay: () => delay };
}

const ids = (entries: ViewEntry[]) => entries.map((e) => `${e.participantId}/${e.source}`);

test('MEET-QUALITY: the videos the app wants go out together once they settle, in the order asked', async () => {
  const [a, b] = [person('a'), person('b')];
  const { sent, fire, isPending } = controlled([a, b]);
  b.getPublication('camera')!.setSubscribed(true);
  a.getPublication('screen')!.setSubscribed(true);
  a.getPublication('camera')!.setSubscribed(true);
  assert.equal(sent.length, 0, 'nothing before the debounce');
  assert.equal(isPending(), true);
  await fire();
  assert.deepEqual(sent.map(ids), [['b/camera', 'a/screen', 'a/camera']]);
});

test('MEET-QUALITY: only changes are sent; a layer wish rides along as the starting substream', async () => {
  const a = person('a');
  const { sent, fire, view } = controlled([a]);
  const camera = a.getPublication('camera')!;
  camera.setVideoQuality('low');
  camera.setSubscribed(true);
  await fire();
  assert.deepEqual(sent, [[{ participantId: 'a', source: 'camera', substream: 0 }]]);
  camera.setSubscribed(true);
  view.changed();
  await fire();
  assert.equal(sent.length, 1, 'the same view is not sent again');
  camera.setSubscribed(false);
  await fire();
  assert.deepEqual(sent[1], []);
});

test('MEET-QUALITY: audio is not the app’s to choose; at most MAX_VIEW_VIDEO videos, the earliest asked for', async () => {
  const people = Array.from({ length: MAX_VIEW_VIDEO + 5 }, (_, i) => person(`p${i}`));
  const { sent, fire } = controlled(people);
  people[0]!.getPublication('microphone')!.setSubscribed(true);
  for (const p of people) p.getPublication('camera')!.setSubscribed(true);
  await fire();
  assert.equal(sent[0]!.length, MAX_VIEW_VIDEO);
  assert.deepEqual(ids(sent[0]!).slice(0, 2), ['p0/camera', 'p1/camera']);
  assert.ok(!ids(sent[0]!).includes(`p${MAX_VIEW_VIDEO}/camera`));
});

test('MEET-QUALITY: a refused view goes out again with the next change; a new session gets it at once', async () => {
  const a = person('a');
  const { sent, fire, view } = controlled([a], true);
  a.getPublication('camera')!.setSubscribed(true);
  await fire();
  view.changed();
  await fire();
  assert.equal(sent.length, 2, 'sent again after the refusal');
  view.reset();
  await new Promise((r) => setImmediate(r));
  assert.equal(sent.length, 3, 'a new session is told without waiting');
});

test('MEET-QUALITY: a new participation sends no empty view; its first page goes out without the debounce, later changes with it', async () => {
  const [a, b] = [person('a'), person('b')];
  const { sent, fire, view, delay, isPending } = controlled([a, b]);
  view.reset();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(sent, [], 'nothing shown is what the server assumes');
  assert.equal(isPending(), false);
  a.getPublication('camera')!.setSubscribed(true);
  b.getPublication('camera')!.setSubscribed(true);
  assert.equal(delay(), 0, 'the first page waits only for the task that mounted it');
  await fire();
  assert.deepEqual(sent.map(ids), [['a/camera', 'b/camera']]);
  b.getPublication('camera')!.setSubscribed(false);
  assert.ok(delay()! > 0, 'a change after the first page is debounced');
  await fire();
  assert.deepEqual(sent.map(ids), [['a/camera', 'b/camera'], ['a/camera']]);
  view.cancel();
  view.reset();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(sent.map(ids).at(-1), ['a/camera'], 'a rejoin tells the server what is shown at once');
  assert.equal(sent.length, 3);
});
