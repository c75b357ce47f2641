// The console's shell: routes (#/sessions, #/sessions/{id}, #/sessions/{id}/events/{event}, #/correlations/{id},
// #/stats, #/cluster), the search box, the API-key prompt and the error banner.
import {api, apiKey, apiOrNull, ApiError, onKeyNeeded, setApiKey} from './api.js';
import {enc, h, show} from './dom.js';
import {sessionsView} from './sessions.js';
import {timelineView} from './timeline.js';
import {eventView} from './event.js';
import {correlationsView} from './correlations.js';
import {statsView} from './stats.js';
import {clusterView} from './cluster.js';

const main = document.getElementById('main');
const banner = document.getElementById('banner');
let leave = () => {};

const routes = [
  [/^#\/sessions\/([^/]+)\/events\/([^/]+)$/, m => eventView(main, decodeURIComponent(m[1]), decodeURIComponent(m[2]))],
  [/^#\/sessions\/([^/]+)$/, m => timelineView(main, decodeURIComponent(m[1]))],
  [/^#\/correlations\/([^/?]+)(\?root)?$/, m => correlationsView(main, decodeURIComponent(m[1]), Boolean(m[2]))],
  [/^#\/stats(\?.*)?$/, m => statsView(main, new URLSearchParams((m[1] || '').slice(1)))],
  [/^#\/cluster$/, () => clusterView(main)],
  [/^#\/sessions(\?.*)?$/, m => sessionsView(main, new URLSearchParams((m[1] || '').slice(1)))],
];

/** Shows a failure plainly: what the server said, and for 401/403 what to do about it. */
export function fail(error) {
  if (error instanceof ApiError && error.status === 403) {
    say('Forbidden (403): ' + error.message + '. Use a key with the read scope.', 'error');
  } else if (error instanceof ApiError && error.status === 401) {
    say('Unauthorized (401): ' + error.message, 'error');
  } else if (error instanceof ApiError && error.status === 503) {
    say('Not ready (503): ' + error.message + '. Retrying helps once the stores are queryable.', 'error');
  } else if (error instanceof ApiError) {
    say('Error ' + error.status + ': ' + error.message, 'error');
  } else if (error && error.name !== 'AbortError') {
    say('Cannot reach sessionlog: ' + (error.message || error), 'error');
  }
}

/** A page's polling succeeded again: an error it showed is over. */
export function recovered() {
  if (!banner.hidden && banner.className === 'error') say('');
}

export function say(text, kind) {
  if (!text) {
    banner.hidden = true;
    return;
  }
  banner.className = kind || 'info';
  show(banner, text);
  banner.hidden = false;
}

async function render() {
  leave();
  leave = () => {};
  say('');
  const hash = location.hash || '#/sessions';
  for (const nav of document.querySelectorAll('[data-nav]')) {
    nav.classList.toggle('current', hash.startsWith('#/' + nav.dataset.nav));
  }
  for (const [pattern, view] of routes) {
    const match = hash.match(pattern);
    if (match) {
      try {
        leave = (await view(match)) || (() => {});
      } catch (error) {
        fail(error);
      }
      return;
    }
  }
  show(main, h('h1', {}, 'Not found'), h('p', {}, 'No page at ' + hash + '.'));
}

// A 401 asks for a key in a dialog; the request is retried once with it.
const dialog = document.getElementById('key-dialog');
let pending = null;
onKeyNeeded(problem => {
  if (!pending) {
    pending = new Promise(resolve => {
      const hadKey = Boolean(apiKey());
      setApiKey(null);
      document.getElementById('key-reason').textContent = hadKey
        ? 'That key was refused (401): ' + ((problem && problem.detail) || 'unauthorized') + '.'
        : 'sessionlog asks for an API key (401).';
      document.getElementById('key-input').value = '';
      dialog.addEventListener('close', () => {
        const key = document.getElementById('key-input').value.trim();
        setApiKey(key || null);
        document.getElementById('forget-key').hidden = !key;
        pending = null;
        resolve(Boolean(key));
      }, {once: true});
      dialog.showModal();
    });
  }
  return pending;
});
document.getElementById('forget-key').hidden = !apiKey();
document.getElementById('forget-key').addEventListener('click', () => {
  setApiKey(null);
  document.getElementById('forget-key').hidden = true;
  render();
});

// The search box: a correlation id (or root) opens its events across sessions, else a session id its timeline.
document.getElementById('search').addEventListener('submit', async event => {
  event.preventDefault();
  const query = document.getElementById('search-box').value.trim();
  if (!query) return;
  try {
    // Correlations first: they answer 200 (empty when unknown), so a search that finds one logs no 404. A session
    // answers 404 when it has neither a view nor an event (never written, or hard-deleted).
    const exact = await api('/v1/correlations/' + enc(query) + '?limit=1');
    if (exact.data.length) {
      location.hash = '#/correlations/' + enc(query);
      return;
    }
    const root = await api('/v1/correlations/' + enc(query) + '?root=true&limit=1');
    if (root.data.length) {
      location.hash = '#/correlations/' + enc(query) + '?root';
      return;
    }
    if (await apiOrNull('/v1/sessions/' + enc(query) + '/events?include_deleted=true&limit=1')) {
      location.hash = '#/sessions/' + enc(query);
      return;
    }
    say('No session and no correlation id “' + query + '”.', 'info');
  } catch (error) {
    fail(error);
  }
});

window.addEventListener('hashchange', render);
render();
