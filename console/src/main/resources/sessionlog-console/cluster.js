// The cluster as this instance sees it: readiness, the projection instances and their partitions, consumer lag of
// the processor and the projections, and the reasons of the latest rejected records (GET /v1/cluster).
import {api, ApiError} from './api.js';
import {h, show, time} from './dom.js';

export async function clusterView(main) {
  const [cluster, instances, ready] = await Promise.all([api('/v1/cluster'), api('/v1/instances').catch(optional), readiness()]);
  show(main,
    h('h1', {}, 'Cluster'),
    h('section', {'aria-label': 'Readiness'}, h('h2', {}, 'This instance'),
      h('p', {id: 'readiness', class: ready.status === 'UP' ? 'ok' : 'error'}, ready.status === 'UP' ? 'Ready' : 'Not ready'),
      h('dl', {class: 'facts'}, Object.entries(ready.roles || {}).map(([role, state]) => [h('dt', {}, role), h('dd', {}, state)]))),
    h('section', {'aria-label': 'Projection instances'}, h('h2', {}, 'Projection instances'),
      instances ? h('div', {class: 'table-wrap'}, h('table', {id: 'instances'},
        h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'Instance'), h('th', {scope: 'col'}, 'Active partitions'), h('th', {scope: 'col'}, 'Standby partitions'))),
        h('tbody', {}, instances.data.map(instance => h('tr', {},
          h('td', {class: 'mono'}, instance.host, instance.self ? ' (this one)' : ''),
          h('td', {}, (instance.active || []).join(', ') || '—'),
          h('td', {}, (instance.standby || []).join(', ') || '—'))))))
        : h('p', {class: 'muted'}, 'This instance runs no projections.')),
    h('section', {'aria-label': 'Consumer lag'}, h('h2', {}, 'Consumer lag'),
      h('div', {class: 'table-wrap'}, h('table', {id: 'lag'},
        h('thead', {}, h('tr', {}, ['Streams app', 'Topic', 'Records behind', 'Partitions'].map(name => h('th', {scope: 'col'}, name)))),
        h('tbody', {}, cluster.lag.map(group => h('tr', {},
          h('td', {class: 'mono'}, group.group), h('td', {class: 'mono'}, group.topic), h('td', {class: 'num'}, String(group.lag)),
          h('td', {}, group.partitions.map(p => p.partition + ': ' + p.lag).join(', ')))))))),
    h('section', {'aria-label': 'Rejected records'}, h('h2', {}, 'Rejected records'),
      h('p', {class: 'muted'}, 'The last ' + cluster.rejected.scanned + ' records of ' + cluster.rejected.topic + ', by reason.'),
      h('div', {class: 'table-wrap'}, h('table', {id: 'rejected'},
        h('thead', {}, h('tr', {}, ['Reason', 'Stage', 'Records', 'Latest'].map(name => h('th', {scope: 'col'}, name)))),
        h('tbody', {}, cluster.rejected.reasons.length ? cluster.rejected.reasons.map(reason => h('tr', {},
          h('td', {}, reason.reason), h('td', {}, reason.stage), h('td', {class: 'num'}, String(reason.count)), h('td', {}, time(reason.latest))))
          : h('tr', {}, h('td', {colspan: 4, class: 'muted'}, 'None.')))))));
}

function optional(error) {
  if (error instanceof ApiError && error.status === 404) return null;
  throw error;
}

async function readiness() {
  const response = await fetch('/health/ready', {headers: {Accept: 'application/json'}});
  return response.json();
}
