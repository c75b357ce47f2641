// The HTTP API as the console calls it: JSON over fetch, the API key (when one is asked for) as a bearer header
// from this tab's session storage, never in a URL.

const KEY = 'sessionlog.api-key';

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem && (problem.detail || problem.title) ? (problem.detail || problem.title) : 'HTTP ' + status);
    this.status = status;
    this.problem = problem;
  }
}

export function apiKey() {
  return sessionStorage.getItem(KEY);
}

export function setApiKey(key) {
  if (key) sessionStorage.setItem(KEY, key);
  else sessionStorage.removeItem(KEY);
}

let askForKey = async () => false;

/** Called with the answer of a 401: resolves true once the user gave a key to retry with. */
export function onKeyNeeded(callback) {
  askForKey = callback;
}

function headers(extra) {
  const all = {Accept: 'application/json', ...(extra || {})};
  const key = apiKey();
  if (key) all.Authorization = 'Bearer ' + key;
  return all;
}

/** GET (or another method with a JSON body); answers the parsed JSON, or throws ApiError. A 401 asks for a key once. */
export async function api(path, options = {}) {
  for (let attempt = 0; ; attempt++) {
    const init = {method: options.method || 'GET', headers: headers(), signal: options.signal};
    if (options.body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(options.body);
    }
    const response = await fetch(path, init);
    if (response.status === 401 && attempt === 0 && await askForKey(await problemOf(response))) continue;
    if (!response.ok) throw new ApiError(response.status, await problemOf(response));
    const text = await response.text();
    return text ? JSON.parse(text) : null;
  }
}

/** Like api, but answers null for a 404 instead of throwing. */
export async function apiOrNull(path, options) {
  try {
    return await api(path, options);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

async function problemOf(response) {
  try {
    return await response.json();
  } catch (ignored) {
    return {title: response.statusText || 'HTTP ' + response.status, status: response.status};
  }
}

/**
 * Server-Sent Events over fetch (EventSource cannot send an Authorization header): calls onEvent(id, data) per
 * event and onState('live' | 'down' | 'reconnecting'); reconnects after a drop with Last-Event-ID set to the last
 * id received, so the stream resumes right after it. Answers a function that stops the stream.
 */
export function stream(path, {onEvent, onState, lastEventId}) {
  const controller = new AbortController();
  let last = lastEventId;
  let stopped = false;
  let delay = 500;

  async function connect() {
    while (!stopped) {
      try {
        const extra = {Accept: 'text/event-stream'};
        if (last !== undefined && last !== null) extra['Last-Event-ID'] = String(last);
        const init = {headers: headers(extra), signal: controller.signal};
        const response = await fetch(path, init);
        if (response.status === 401 && await askForKey(await problemOf(response))) continue;
        if (!response.ok) throw new ApiError(response.status, await problemOf(response));
        onState('live');
        delay = 500;
        await read(response.body, (id, data) => {
          if (id !== undefined) last = id;
          onEvent(id, data);
        });
      } catch (error) {
        if (stopped) return;
        if (error instanceof ApiError && (error.status === 403 || error.status === 404)) {
          onState('down', error);
          return;
        }
      }
      if (stopped) return;
      onState('down');
      await new Promise(resolve => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 5000);
      if (!stopped) onState('reconnecting');
    }
  }

  connect();
  return () => {
    stopped = true;
    controller.abort();
  };
}

/** Parses the text/event-stream format: fields id and data, events ended by a blank line, comments ignored. */
async function read(body, onEvent) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let id;
  let data = [];
  for (;;) {
    const {value, done} = await reader.read();
    if (done) return;
    buffer += value;
    let newline;
    while ((newline = buffer.search(/\r\n|\n|\r/)) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
      if (line === '') {
        if (data.length) onEvent(id, data.join('\n'));
        data = [];
        id = undefined;
      } else if (!line.startsWith(':')) {
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'data') data.push(text);
        else if (field === 'id') id = text;
      }
    }
  }
}
