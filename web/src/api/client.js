// The one place that talks HTTP to `junheng serve`. Every call goes to /api/v1 with the
// session cookie (credentials 'same-origin'); a non-2xx answer becomes an ApiError that
// carries the server's {error:{code,message,field,details}} so pages can show the message
// and put each detail beside the form field it names. A 401 anywhere calls the handler set
// with onUnauthenticated (the app sends the user to the login page).

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `HTTP ${status}`);
    this.status = status;
    this.code = e.code || 'http_' + status;
    this.field = e.field || '';
    this.details = Array.isArray(e.details) ? e.details : [];
    this.requestId = (body && body.request_id) || '';
  }

  // {field: message} from details (and the top-level field), for form items.
  fieldErrors() {
    const out = {};
    for (const d of this.details) {
      if (d && d.field && !out[d.field]) out[d.field] = d.message || d.code;
    }
    if (this.field && !out[this.field]) out[this.field] = this.message;
    return out;
  }
}

let unauthenticatedHandler = null;
export function onUnauthenticated(fn) {
  unauthenticatedHandler = fn;
}

const BASE = '/api/v1';

export function query(params) {
  const parts = [];
  for (const [k, v] of Object.entries(params || {})) {
    if (v === undefined || v === null || v === '') continue;
    parts.push(encodeURIComponent(k) + '=' + encodeURIComponent(String(v)));
  }
  return parts.length ? '?' + parts.join('&') : '';
}

// request('GET', '/indicators', {query: {...}}) or request('POST', '/events', {json: {...}})
// or request('POST', '/imports', {body: file, contentType: 'text/csv'}).
export async function request(method, path, opts = {}) {
  const headers = { Accept: 'application/json' };
  let body;
  if (opts.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.json);
  } else if (opts.body !== undefined) {
    headers['Content-Type'] = opts.contentType || 'application/octet-stream';
    body = opts.body;
  }
  let response;
  try {
    response = await fetch(BASE + path + query(opts.query), {
      method,
      headers,
      body,
      credentials: 'same-origin',
    });
  } catch (err) {
    throw new ApiError(0, { error: { code: 'unavailable', message: String(err.message || err) } });
  }
  if (response.status === 204) return null;
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const error = new ApiError(response.status, data);
    if (response.status === 401 && unauthenticatedHandler && !opts.noRedirect) {
      unauthenticatedHandler(error);
    }
    throw error;
  }
  return data;
}

export const get = (path, q, opts = {}) => request('GET', path, { ...opts, query: q });
export const post = (path, json, opts = {}) => request('POST', path, { ...opts, json });
export const del = (path, opts = {}) => request('DELETE', path, opts);
