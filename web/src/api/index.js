// One function per endpoint of the API contract (docs in web/README.md). Pages call these,
// never fetch directly.
import { get, post, del, request } from './client.js';

export const session = {
  login: (username, password) =>
    post('/session', { username, password }, { noRedirect: true }),
  current: () => get('/session', undefined, { noRedirect: true }),
  logout: () => del('/session', { noRedirect: true }),
};

export const divisions = {
  get: (code) => get('/divisions/' + encodeURIComponent(code)),
  children: (code) => get('/divisions/' + encodeURIComponent(code) + '/children'),
};

// params: {division, from, to, by, children, indicators: [names]}
export function indicators(params) {
  const q = { ...params };
  if (Array.isArray(q.indicators)) q.indicators = q.indicators.join(',');
  if (typeof q.children === 'boolean') q.children = String(q.children);
  return get('/indicators', q);
}

export const pyramid = (params) => get('/pyramid', params);
export const lifetable = (params) => get('/lifetable', params);
export const counties = () => get('/geo/counties');

export const persons = {
  search: (params) => get('/persons', params),
  get: (id) => get('/persons/' + encodeURIComponent(id)),
};

export const registerEvent = (event) => post('/events', event);

export const imports = {
  start: (source, file, contentType) =>
    request('POST', '/imports', {
      query: { source, filename: file.name },
      body: file,
      contentType,
    }),
  status: (id) => get('/imports/' + encodeURIComponent(id)),
};

// queue: 'conflicts' (same key, other content) or 'reviews' (rows linkage could not tie
// to exactly one person).
export const review = {
  quarantine: (limit, offset) => get('/quarantine', { limit, offset }),
  list: (queue, status) => get('/' + queue, { status }),
  resolve: (queue, id, note) => post('/' + queue + '/' + encodeURIComponent(id) + '/resolve', { note }),
};

export const quality = (params) => get('/quality', params);
