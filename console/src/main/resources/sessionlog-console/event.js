// One event three ways: the EventDTO, the document its origin sent (?shape=origin), and the enriched Avro record as
// a Kafka consumer of the events topic reads it, with its topic, partition and offset (?shape=record).
import {api} from './api.js';
import {enc, h, link, pretty, show} from './dom.js';

export async function eventView(main, session, eventId) {
  const path = '/v1/sessions/' + enc(session) + '/events/' + enc(eventId);
  const [dto, origin, record] = await Promise.all([api(path), api(path + '?shape=origin'), api(path + '?shape=record')]);
  show(main,
    h('nav', {class: 'crumbs', 'aria-label': 'Breadcrumb'}, link('#/sessions', 'Sessions'), ' / ',
      link('#/sessions/' + enc(session), session, {class: 'mono'}), ' / ', h('span', {class: 'mono'}, eventId)),
    h('h1', {}, 'Event ', h('span', {class: 'mono'}, eventId), dto.deleted ? h('span', {class: 'badge'}, 'deleted') : null),
    h('section', {'aria-label': 'Kafka coordinates'}, h('h2', {}, 'Kafka'),
      h('dl', {class: 'facts', id: 'kafka-coordinates'},
        h('dt', {}, 'Topic'), h('dd', {class: 'mono'}, record.topic),
        h('dt', {}, 'Partition'), h('dd', {}, String(record.partition)),
        h('dt', {}, 'Offset'), h('dd', {}, record.offset === null ? 'not known (projected before sessionlog kept it)' : String(record.offset)),
        h('dt', {}, 'Key'), h('dd', {class: 'mono'}, record.key))),
    h('div', {class: 'columns'},
      h('section', {'aria-label': 'EventDTO'}, h('h2', {}, 'EventDTO'), pretty(dto)),
      h('section', {'aria-label': 'As its origin sent it'}, h('h2', {}, 'As its origin sent it'), pretty(origin)),
      h('section', {'aria-label': 'Avro record'}, h('h2', {}, 'Enriched Avro record'), pretty(record.value))));
}
