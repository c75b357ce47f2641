// A session's timeline: its events by offset (GET /v1/sessions/{id}/events?include_deleted=true), followed live over
// Server-Sent Events, and its view (GET /v1/sessions/{id}?include=stats) asked for again every two seconds, since a
// delete or a consumption offset changes the view, not the stream of new events.
import {api, stream} from './api.js';
import {enc, h, link, pretty, show, time} from './dom.js';
import {fail, recovered} from './app.js';

const VIEW_REFRESH_MS = 2000;
const PAGE = 1000;
const MAX_EVENTS = 10000;

export async function timelineView(main, id) {
  const events = new Map();
  let view = null;
  let hideDeleted = false;
  let stopped = false;
  let stopStream = () => {};
  let timer = null;

  const header = h('section', {class: 'session-head', 'aria-label': 'Session'});
  const liveState = h('span', {class: 'live down', id: 'live-state', role: 'status'}, 'connecting…');
  const toggle = h('input', {type: 'checkbox', id: 'hide-deleted'});
  const list = h('ol', {class: 'timeline', 'aria-label': 'Events'});
  const note = h('p', {class: 'muted'});
  show(main,
    h('nav', {class: 'crumbs', 'aria-label': 'Breadcrumb'}, link('#/sessions', 'Sessions'), ' / ', h('span', {class: 'mono'}, id)),
    h('h1', {}, 'Session ', h('span', {class: 'mono'}, id)),
    header,
    h('div', {class: 'timeline-bar'}, liveState,
      h('label', {class: 'inline'}, toggle, ' Hide deleted events')),
    note, list);
  toggle.addEventListener('change', () => {
    hideDeleted = toggle.checked;
    render();
  });

  view = await api('/v1/sessions/' + enc(id) + '?include=stats');
  await loadEvents();
  renderHeader();
  render();
  follow();
  timer = setTimeout(refreshView, VIEW_REFRESH_MS);

  async function loadEvents() {
    let from = 0;
    for (;;) {
      const page = await api('/v1/sessions/' + enc(id) + '/events?include_deleted=true&limit=' + PAGE + '&min_offset=' + from);
      for (const event of page.data) events.set(event.offset, event);
      if (page.data.length < PAGE || events.size >= MAX_EVENTS) break;
      from = page.data[page.data.length - 1].offset + 1;
    }
    note.textContent = events.size >= MAX_EVENTS ? 'Showing the first ' + MAX_EVENTS + ' events and new ones as they come.' : '';
  }

  function nextOffset() {
    let last = -1;
    for (const offset of events.keys()) last = Math.max(last, offset);
    return last + 1;
  }

  function follow() {
    const from = nextOffset();
    stopStream = stream('/v1/sessions/' + enc(id) + '/events?include_deleted=true&min_offset=' + from, {
      lastEventId: from - 1,
      onEvent: (eventId, data) => {
        const event = JSON.parse(data);
        events.set(event.offset, event);
        render();
      },
      onState: (state, error) => {
        liveState.className = 'live ' + state;
        liveState.textContent = state === 'live' ? 'Live: new events appear as they are stamped'
          : state === 'reconnecting' ? 'Stream down: reconnecting…'
          : 'Stream down' + (error ? ' (' + error.message + ')' : ': retrying');
      },
    });
  }

  async function refreshView() {
    try {
      const fresh = await api('/v1/sessions/' + enc(id) + '?include=stats');
      if (stopped) return;
      recovered();
      const deletesChanged = fresh.stats.deleted_count !== view.stats.deleted_count;
      const changed = JSON.stringify(fresh) !== JSON.stringify(view);
      view = fresh;
      if (deletesChanged) await loadEvents();
      if (changed) {
        renderHeader();
        render();
      }
    } catch (error) {
      if (!stopped) fail(error);
    }
    if (!stopped) timer = setTimeout(refreshView, VIEW_REFRESH_MS);
  }

  function renderHeader() {
    const stats = view.stats || {};
    const consumers = Object.entries(view.consumption_offsets || {});
    show(header, h('dl', {class: 'facts'},
      fact('Origin', stats.origin), fact('Agent', view.agent_id), fact('User', view.user_id),
      fact('Title', view.title || '—'), fact('Created', time(view.created_at)),
      fact('Last event', time(stats.last_event_at)), fact('Last status', stats.last_status || '—'),
      fact('Events', stats.event_count), fact('Deleted', stats.deleted_count),
      fact('Duplicates', h('span', {id: 'duplicate-count'}, String(stats.duplicate_count ?? 0))),
      fact('Consumers', consumers.length
        ? consumers.map(([name, offset]) => h('span', {class: 'consumer'}, name + ' at ' + offset + ' (' + unread(name) + ' unread)'))
        : '—')));
  }

  function unread(consumer) {
    const counts = (view.stats && view.stats.unread_counts) || {};
    return counts[consumer] ?? '?';
  }

  function render() {
    const ordered = [...events.values()].sort((a, b) => a.offset - b.offset);
    const colours = chainColours(ordered);
    const markers = Object.entries(view.consumption_offsets || {});
    const items = [];
    // A consumer at offset N has read N and every offset before it: its line follows event N.
    for (const event of ordered) {
      if (!(hideDeleted && event.deleted)) items.push(eventItem(id, event, colours));
      for (const [name, offset] of markers) {
        if (offset === event.offset) items.push(marker(name, offset));
      }
    }
    const end = nextOffset();
    for (const [name, offset] of markers) {
      if (offset >= end) items.push(marker(name, offset));
    }
    show(list, items.length ? items : h('li', {class: 'muted'}, 'No events yet.'));
  }

  function marker(name, offset) {
    return h('li', {class: 'marker', dataset: {consumer: name, offset: String(offset)}},
      h('span', {}, 'consumer ', h('strong', {}, name), ' has read up to offset ' + offset + ' · ' + unread(name) + ' unread'));
  }

  return () => {
    stopped = true;
    clearTimeout(timer);
    stopStream();
  };
}

function fact(label, value) {
  return [h('dt', {}, label), h('dd', {}, value ?? '—')];
}

/** The chain an event belongs to (its correlation root, as the processor derives it) and its depth in it. */
function chainOf(event) {
  const id = event.correlation_id || '';
  const parts = id.split('::');
  return {root: parts[0], depth: parts.length - 1};
}

function chainColours(events) {
  const counts = new Map();
  for (const event of events) {
    const root = chainOf(event).root;
    counts.set(root, (counts.get(root) || 0) + 1);
  }
  const colours = new Map();
  let next = 0;
  for (const [root, count] of counts) {
    if (count > 1) colours.set(root, next++ % 8);
  }
  return colours;
}

function eventItem(session, event, colours) {
  const chain = chainOf(event);
  const origin = (event.metadata && event.metadata.origin) || 'flux0';
  const grouped = colours.has(chain.root);
  return h('li', {
    class: 'event' + (event.deleted ? ' deleted' : '') + (grouped ? ' chain chain-' + colours.get(chain.root) : ''),
    style: grouped && chain.depth ? '--depth:' + Math.min(chain.depth, 4) : undefined,
    dataset: {offset: String(event.offset), eventId: event.id, deleted: String(event.deleted)},
  },
    h('div', {class: 'event-head'},
      h('span', {class: 'offset'}, '#' + event.offset),
      h('span', {class: 'origin origin-' + origin}, origin),
      h('span', {class: 'type'}, event.type),
      h('span', {class: 'source'}, event.source),
      time(event.created_at),
      event.deleted ? h('span', {class: 'badge'}, 'deleted') : null,
      link('#/sessions/' + enc(session) + '/events/' + enc(event.id), 'details', {class: 'details-link', 'aria-label': 'Event ' + event.id}),
      h('span', {class: 'correlation mono', title: 'correlation id'},
        grouped ? (chain.depth ? '↳ ' : '● ') : '', link('#/correlations/' + enc(chain.root) + '?root', event.correlation_id))),
    h('div', {class: 'event-body'}, body(event, origin)));
}

function body(event, origin) {
  const data = event.data || {};
  if (origin !== 'flux0') return originSummary(data, origin);
  if (data.type === 'message') {
    return [
      data.participant ? h('div', {class: 'participant'}, data.participant.display_name || data.participant.name || data.participant.id) : null,
      (data.parts || []).map(part => {
        if (part.type === 'content') return h('p', {class: 'content'}, typeof part.content === 'string' ? part.content : JSON.stringify(part.content));
        if (part.type === 'reasoning') return h('p', {class: 'reasoning'}, 'Reasoning: ', typeof part.reasoning === 'string' ? part.reasoning : JSON.stringify(part.reasoning));
        if (part.type === 'tool_call') return h('div', {class: 'tool-call'}, 'Tool call ', h('strong', {}, part.tool_name), ' (' + part.tool_call_id + ')', pretty(part.args));
        return pretty(part);
      })];
  }
  if (data.type === 'status') {
    return h('div', {class: 'status'}, 'Status ', h('strong', {class: 'status-' + data.status}, data.status),
      data.acknowledged_offset !== undefined && data.acknowledged_offset !== null ? ' (acknowledged offset ' + data.acknowledged_offset + ')' : '',
      data.data && Object.keys(data.data).length ? h('details', {}, h('summary', {}, 'data'), pretty(data.data)) : null);
  }
  if (data.type === 'tool_call_result') {
    return (data.tool_calls || []).map(call => h('div', {class: 'tool-call'},
      'Tool ', h('strong', {}, call.tool_name), ' (' + call.tool_call_id + ')',
      h('div', {class: 'args'}, 'Arguments', pretty(call.args)),
      call.error ? h('div', {class: 'error'}, 'Error: ' + call.error) : null,
      call.result !== undefined ? h('div', {class: 'result'}, 'Result', pretty(call.result)) : null));
  }
  return pretty(data);
}

function originSummary(data, origin) {
  const lines = origin === 'syllable'
    ? [data.category, data.type, data.description].filter(Boolean).join(' · ')
    : [data.type, data.entityType, data.messageId ? 'message ' + data.messageId : null, data.searchQuery !== undefined ? 'search “' + data.searchQuery + '”' : null]
      .filter(value => value !== null && value !== undefined && value !== '').join(' · ');
  return [h('p', {class: 'content'}, lines || origin + ' event'), h('details', {}, h('summary', {}, 'as sent'), pretty(data))];
}
