// Every event of a correlation id, or of a correlation root, across sessions (GET /v1/correlations/{id}).
import {api} from './api.js';
import {enc, h, link, show, time} from './dom.js';

export async function correlationsView(main, id, root) {
  const answer = await api('/v1/correlations/' + enc(id) + '?include_deleted=true&limit=1000' + (root ? '&root=true' : ''));
  const other = root ? '#/correlations/' + enc(id) : '#/correlations/' + enc(id) + '?root';
  show(main,
    h('h1', {}, root ? 'Correlation root ' : 'Correlation id ', h('span', {class: 'mono'}, id)),
    h('p', {}, answer.data.length + ' events · ', link(other, root ? 'only this exact id' : 'every event of this root')),
    h('div', {class: 'table-wrap'}, h('table', {'aria-label': 'Correlated events'},
      h('thead', {}, h('tr', {}, ['Session', 'Offset', 'Type', 'Source', 'Correlation id', 'Time'].map(name => h('th', {scope: 'col'}, name)))),
      h('tbody', {}, answer.data.map(({session_id: session, event}) => h('tr', {class: event.deleted ? 'deleted' : ''},
        h('td', {}, link('#/sessions/' + enc(session), session, {class: 'mono'})),
        h('td', {}, link('#/sessions/' + enc(session) + '/events/' + enc(event.id), '#' + event.offset)),
        h('td', {}, event.type), h('td', {}, event.source),
        h('td', {class: 'mono'}, event.correlation_id), h('td', {}, time(event.created_at))))))));
}
