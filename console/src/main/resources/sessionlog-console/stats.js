// Events per bucket by type, origin, source or agent, and sessions, deletes and duplicates per bucket
// (GET /v1/stats), drawn with uPlot; the numbers are also in a table under each chart.
import {api} from './api.js';
import {h, show} from './dom.js';

const RANGES = {'24 hours': 24 * 3600e3, '7 days': 7 * 86400e3, '30 days': 30 * 86400e3};
const COLOURS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777', '#4b5563', '#65a30d'];

export async function statsView(main, params = new URLSearchParams(location.hash.split('?')[1] || '')) {
  const interval = params.get('interval') || 'hour';
  const by = params.get('by') || 'type';
  const range = params.get('range') || (interval === 'day' ? '30 days' : '24 hours');
  const to = params.get('to') || new Date(Date.now() + (interval === 'day' ? 86400e3 : interval === 'hour' ? 3600e3 : 60e3)).toISOString();
  const from = params.get('from') || new Date(Date.parse(to) - (RANGES[range] || RANGES['24 hours'])).toISOString();
  const query = new URLSearchParams({interval, by, from, to});
  const answer = await api('/v1/stats?' + query);

  const form = h('form', {class: 'filters', 'aria-label': 'Stats'},
    choice('interval', 'Interval', ['minute', 'hour', 'day'], interval),
    choice('by', 'Events by', ['type', 'origin', 'source', 'agent_id'], by),
    choice('range', 'Range', Object.keys(RANGES), range),
    h('div', {class: 'actions'}, h('button', {type: 'submit'}, 'Show')));
  form.addEventListener('submit', event => {
    event.preventDefault();
    const chosen = new URLSearchParams(new FormData(form));
    location.hash = '#/stats?' + chosen;
  });

  const buckets = answer.buckets;
  const groups = [...new Set(buckets.flatMap(bucket => Object.keys(bucket.groups || {})))].sort();
  const xs = buckets.map(bucket => Date.parse(bucket.start) / 1000);
  const byGroup = groups.map(group => buckets.map(bucket => (bucket.groups[group] && bucket.groups[group].events) || 0));
  const totals = ['events', 'deletes', 'new_sessions', 'duplicates'];
  const totalSeries = totals.map(name => buckets.map(bucket => bucket[name]));

  const eventsChart = h('div', {class: 'chart', id: 'chart-events'});
  const totalsChart = h('div', {class: 'chart', id: 'chart-totals'});
  show(main,
    h('h1', {}, 'Stats'), form,
    h('p', {class: 'muted'}, 'UTC buckets from ', answer.from, ' to ', answer.to, '.'),
    h('section', {'aria-label': 'Events by ' + by}, h('h2', {}, 'Events per ' + interval + ' by ' + by), eventsChart,
      table('events-by-group', groups, byGroup)),
    h('section', {'aria-label': 'Totals'}, h('h2', {}, 'Events, deletes, new sessions and duplicates per ' + interval), totalsChart,
      table('totals', totals, totalSeries)));
  draw(eventsChart, xs, groups, byGroup);
  draw(totalsChart, xs, totals, totalSeries);
}

function choice(name, label, values, current) {
  const select = h('select', {name}, values.map(value => h('option', {value}, value)));
  select.value = current;
  return h('label', {class: 'field'}, h('span', {}, label), select);
}

/** Totals over the range, one row per series: what the chart shows, readable without it. */
function table(id, names, series) {
  return h('table', {class: 'totals', id, 'aria-label': 'Totals'},
    h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'Series'), h('th', {scope: 'col', class: 'num'}, 'Total'))),
    h('tbody', {}, names.length ? names.map((name, i) => h('tr', {dataset: {series: name}},
      h('th', {scope: 'row'}, name), h('td', {class: 'num'}, String(series[i].reduce((a, b) => a + b, 0)))))
      : h('tr', {}, h('td', {colspan: 2, class: 'muted'}, 'Nothing counted in this range.'))));
}

function draw(target, xs, names, series) {
  if (!window.uPlot || !names.length) return;
  const width = Math.max(280, Math.min(target.parentElement.clientWidth || 800, 1200));
  const options = {
    width, height: 260,
    scales: {x: {time: true}},
    series: [{}, ...names.map((name, i) => ({label: name, stroke: COLOURS[i % COLOURS.length], width: 2, points: {show: xs.length < 60}}))],
    axes: [{}, {size: 50}],
  };
  const chart = new window.uPlot(options, [xs, ...series], target);
  target.dataset.drawn = String(names.length);
  window.addEventListener('resize', () => chart.setSize({width: Math.max(280, Math.min(target.parentElement.clientWidth, 1200)), height: 260}));
}
