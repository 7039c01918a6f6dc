// The page of another web app (an intranet) that embeds a Conclave meeting with the browser SDK
// (docs/sdk.md). Its own backend (server.mjs) gets the guest token through the platform API with an
// API key; the page never sees the key. Plain JavaScript, loaded as it is: no bundler needed.
import { Room } from '@conclave/client';

const form = document.querySelector('#join');
const leave = document.querySelector('#leave');
const status = document.querySelector('#status');
const stage = document.querySelector('#stage');

const room = new Room();
// Handy from the browser console.
window.conclaveExample = { room };

/** One <figure> per participant and source, holding a <video> (or an <audio> for a microphone). */
function attach(track, participantId, source, label) {
  const id = `${participantId}:${source}`;
  let figure = stage.querySelector(`figure[data-id="${CSS.escape(id)}"]`);
  if (!figure) {
    figure = document.createElement('figure');
    figure.dataset.id = id;
    const media = document.createElement(track.kind === 'audio' ? 'audio' : 'video');
    media.autoplay = true;
    media.playsInline = true;
    media.dataset.participantId = participantId;
    media.dataset.source = source;
    if (track.kind === 'video') {
      const caption = document.createElement('figcaption');
      caption.textContent = label;
      figure.append(media, caption);
    } else {
      figure.append(media);
    }
    stage.append(figure);
  }
  const media = figure.querySelector('video, audio');
  // Your own microphone is not played back to you.
  media.muted = participantId === 'self';
  media.srcObject = new MediaStream([track]);
}

function detach(participantId, source) {
  stage.querySelector(`figure[data-id="${CSS.escape(`${participantId}:${source}`)}"]`)?.remove();
}

room.on('trackSubscribed', (track, publication, participant) =>
  attach(track, participant.id, publication.source, participant.displayName),
);
room.on('trackUnsubscribed', (_track, publication, participant) =>
  detach(participant.id, publication.source),
);
room.on('participantLeft', (participant) => {
  for (const source of ['camera', 'microphone', 'screen']) detach(participant.id, source);
});
room.on('localTrackChanged', (publication) => {
  if (publication.source !== 'camera') return;
  if (publication.track) attach(publication.track, 'self', 'camera', 'You');
  else detach('self', 'camera');
});
room.on('connectionStateChanged', (state) => {
  status.textContent =
    state === 'connected' ? 'In the meeting' : `${state[0].toUpperCase()}${state.slice(1)}…`;
});
room.on('disconnected', (reason, error) => {
  // reason: left, removed, rejected, meeting_ended, join_failed (with the server's error), …
  if (reason === 'left') status.textContent = 'You left the meeting';
  else
    status.textContent = `Out of the meeting (${reason}${error ? `: ${error.code}, ${error.message}` : ''})`;
  stage.replaceChildren();
  form.querySelector('button[type="submit"]').disabled = false;
  leave.hidden = true;
});
room.on('error', (error) => console.warn('Conclave:', error.code, error.message));

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const { meetingId, displayName } = Object.fromEntries(new FormData(form));
  form.querySelector('button[type="submit"]').disabled = true;
  status.textContent = 'Asking for a guest token…';
  // This app's backend decides who may join, and asks Conclave for the token with its API key.
  const res = await fetch('/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ meetingId, displayName }),
  });
  const answer = await res.json();
  if (!res.ok) {
    status.textContent = `No guest token: ${answer.code ?? res.status} ${answer.message ?? ''}`;
    form.querySelector('button[type="submit"]').disabled = false;
    return;
  }
  leave.hidden = false;
  try {
    await room.connect({
      meetingId: answer.meetingId,
      guestToken: answer.token,
      signalingUrl: answer.signalingUrl,
      camera: true,
      microphone: true,
    });
  } catch (error) {
    // `disconnected` has said why; the error carries the server's code (e.g. meeting_not_found).
    console.warn('join failed', error);
  }
});

leave.addEventListener('click', () => void room.disconnect());
