// Sessions, most recently active first (GET /v1/sessions), with filters and cursor paging. The first page is asked
// for again every two seconds, so that a new session appears without a reload.
import {api} from './api.js';
import {enc, h, link, show, time} from './dom.js';
import {fail, recovered} from './app.js';

const REFRESH_MS = 2000;
const PAGE = 25;
const FILTERS = ['agent_id', 'user_id', 'origin', 'last_status', 'active_after', 'active_before', 'sort', 'order'];
const STATUSES = ['', 'acknowledged', 'cancelled', 'processing', 'ready', 'typing', 'error', 'completed'];

export function sessionsView(main, params) {
  const cursors = [null];
  let page = 0;
  let shown = '';
  let timer = null;
  let stopped = false;
  const table = h('tbody', {});
  const position = h('span', {class: 'muted'});
  const older = h('button', {type: 'button', disabled: true}, 'Next page');
  const newer = h('button', {type: 'button', disabled: true}, 'Previous page');

  show(main,
    h('h1', {}, 'Sessions'),
    filterForm(params),
    h('div', {class: 'table-wrap'}, h('table', {class: 'sessions', 'aria-label': 'Sessions'},
      h('thead', {}, h('tr', {},
        h('th', {scope: 'col'}, 'Session'), h('th', {scope: 'col'}, 'Origin'), h('th', {scope: 'col'}, 'Agent'),
        h('th', {scope: 'col'}, 'User'), h('th', {scope: 'col', class: 'num'}, 'Events'), h('th', {scope: 'col'}, 'Last status'),
        h('th', {scope: 'col'}, 'Last active'), h('th', {scope: 'col'}, 'Created'))),
      table)),
    h('div', {class: 'pager'}, newer, position, older));

  newer.addEventListener('click', () => load(page - 1));
  older.addEventListener('click', () => load(page + 1));

  async function load(wanted) {
    clearTimeout(timer);
    const query = new URLSearchParams();
    for (const name of FILTERS) {
      const value = params.get(name);
      if (value) query.set(name, value);
    }
    query.set('limit', PAGE);
    query.set('include', 'stats');
    if (cursors[wanted]) query.set('cursor', cursors[wanted]);
    try {
      const answer = await api('/v1/sessions?' + query);
      if (stopped) return;
      recovered();
      page = wanted;
      cursors[page + 1] = answer.next_cursor;
      cursors.length = page + 2;
      const text = JSON.stringify(answer.data);
      if (text !== shown) {
        shown = text;
        show(table, answer.data.length ? answer.data.map(row) : h('tr', {}, h('td', {colspan: 8, class: 'muted'}, 'No session matches.')));
      }
      newer.disabled = page === 0;
      older.disabled = !answer.next_cursor;
      position.textContent = 'Page ' + (page + 1);
    } catch (error) {
      if (!stopped) fail(error);
    }
    // Only the first page follows new sessions: a later page is a walk the user is reading.
    if (!stopped && page === 0) timer = setTimeout(() => load(0), REFRESH_MS);
  }

  load(0);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

function row(session) {
  const stats = session.stats || {};
  return h('tr', {dataset: {session: session.id}},
    h('td', {}, link('#/sessions/' + enc(session.id), session.id, {class: 'mono'})),
    h('td', {}, h('span', {class: 'origin origin-' + stats.origin}, stats.origin || '')),
    h('td', {}, session.agent_id),
    h('td', {}, session.user_id),
    h('td', {class: 'num'}, stats.event_count ?? ''),
    h('td', {}, stats.last_status || h('span', {class: 'muted'}, '—')),
    h('td', {}, time(stats.last_event_at || session.created_at)),
    h('td', {}, time(session.created_at)));
}

function filterForm(params) {
  const field = (name, label, control) => h('label', {class: 'field'}, h('span', {}, label), control);
  const text = name => h('input', {name, type: 'text', value: params.get(name) || '', autocomplete: 'off'});
  const select = (name, values) => {
    const control = h('select', {name}, values.map(value => h('option', {value}, value || 'any')));
    control.value = params.get(name) || '';
    return control;
  };
  const local = name => {
    const value = params.get(name);
    return h('input', {name, type: 'datetime-local', value: value ? toLocalInput(value) : ''});
  };
  const form = h('form', {class: 'filters', 'aria-label': 'Filter sessions'},
    field('agent_id', 'Agent', text('agent_id')),
    field('user_id', 'User', text('user_id')),
    field('origin', 'Origin', select('origin', ['', 'flux0', 'syllable', 'inkeep'])),
    field('last_status', 'Last status', select('last_status', STATUSES)),
    field('active_after', 'Active after', local('active_after')),
    field('active_before', 'Active before', local('active_before')),
    field('sort', 'Sort', select('sort', ['', 'last_event_at', 'created_at', 'id'])),
    h('div', {class: 'actions'}, h('button', {type: 'submit'}, 'Apply'), h('a', {href: '#/sessions', class: 'button-link'}, 'Clear')));
  form.addEventListener('submit', event => {
    event.preventDefault();
    const query = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      if (!value) continue;
      query.set(name, name.startsWith('active_') ? new Date(value).toISOString() : value);
    }
    location.hash = '#/sessions' + (query.toString() ? '?' + query : '');
  });
  return form;
}

function toLocalInput(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const offset = date.getTimezoneOffset() * 60000;
  return new Date(date.getTime() - offset).toISOString().slice(0, 16);
}
