// Live updates: follows the host's Server-Sent Events stream (GET /api/v1/events/stream) and calls
// onChange, debounced, when events arrive. EventSource cannot send an Authorization header, so the
// stream is read with fetch() and parsed here (the text/event-stream format: blocks separated by a
// blank line, "field: value" lines, ":" comments). On a dropped connection it reconnects with a
// backoff and asks for one refresh, since events may have been missed meanwhile.
import { authHeaders, currentKey } from './api.js';

const QUIET_MS = 150;     // wait this long after the last event before refetching...
const MAX_WAIT_MS = 800;  // ...but never longer than this under a steady flow of events

export function debounce(fn, quietMs = QUIET_MS, maxWaitMs = MAX_WAIT_MS) {
  let timer = null;
  let first = 0;
  return () => {
    const now = performance.now();
    if (timer === null) first = now;
    else clearTimeout(timer);
    const wait = Math.max(0, Math.min(quietMs, first + maxWaitMs - now));
    timer = setTimeout(() => { timer = null; fn(); }, wait);
  };
}

// Splits the stream into messages; returns the unparsed rest.
function parseMessages(buffer, onMessage) {
  let end;
  while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
    const block = buffer.slice(0, end);
    buffer = buffer.slice(end + (buffer[end] === '\r' ? 4 : 2));
    const message = { event: 'message', data: '', id: null };
    for (const line of block.split(/\r?\n/)) {
      if (!line || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') message.event = value;
      else if (field === 'data') message.data += (message.data ? '\n' : '') + value;
      else if (field === 'id') message.id = value;
    }
    if (message.data || message.event !== 'message') onMessage(message);
  }
  return buffer;
}

// Follows the stream until stop() is called. onState('live'|'reconnecting'), onAuthError(status, key).
export function followEvents({ onChange, onState, onAuthError }) {
  const controller = new AbortController();
  const changed = debounce(onChange);
  let backoff = 500;

  async function connectOnce() {
    const key = currentKey();
    const res = await fetch('/api/v1/events/stream?heartbeat=15', {
      headers: authHeaders({ Accept: 'text/event-stream' }),
      signal: controller.signal,
      cache: 'no-store',
    });
    if (res.status === 401 || res.status === 403) {
      onAuthError(res.status, key);
      return 'auth';
    }
    if (!res.ok || !res.body) throw new Error(`event stream: HTTP ${res.status}`);
    onState('live');
    backoff = 500;
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer = parseMessages(buffer + value, (m) => { if (m.event === 'event') changed(); });
    }
  }

  (async () => {
    let first = true;
    while (!controller.signal.aborted) {
      try {
        if (!first) changed();  // catch up on whatever happened while disconnected
        first = false;
        if ((await connectOnce()) === 'auth') return;  // the page asks for a key
      } catch (err) {
        if (controller.signal.aborted) return;
      }
      onState('reconnecting');
      await new Promise((r) => setTimeout(r, backoff));
      backoff = Math.min(backoff * 2, 15000);
    }
  })();

  return () => controller.abort();
}
