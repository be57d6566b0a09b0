// Talking to caseauditd: the bearer token lives in sessionStorage only, and only ever travels in the
// Authorization header (never in a URL, never in localStorage).

const TOKEN_KEY = 'caseaudit.token';

export function getToken() {
  try { return sessionStorage.getItem(TOKEN_KEY) || ''; } catch (e) { return ''; }
}

export function setToken(tok) {
  try { sessionStorage.setItem(TOKEN_KEY, tok); } catch (e) { /* the page keeps working until reload */ }
}

export function clearToken() {
  try { sessionStorage.removeItem(TOKEN_KEY); } catch (e) { /* nothing kept */ }
}

// An error of the API (or of the network: status 0), with the server's message when it sent one.
export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message || code || ('HTTP ' + status));
    this.status = status;
    this.code = code || '';
    this.details = details || [];
  }
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v === undefined || v === null || v === '' || v === false) continue;
    q.set(k, String(v));
  }
  const s = q.toString();
  return s ? '?' + s : '';
}

async function request(method, path, {params, body, accept, tokenOverride} = {}) {
  const headers = {Accept: accept || 'application/json'};
  const tok = tokenOverride !== undefined ? tokenOverride : getToken();
  if (tok) headers.Authorization = 'Bearer ' + tok;
  let payload;
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path + query(params), {method, headers, body: payload, cache: 'no-store', credentials: 'omit'});
  } catch (e) {
    throw new ApiError(0, 'network', e && e.message);
  }
  if (!res.ok) {
    let code = '', message = '', details = [];
    try {
      const j = await res.json();
      if (j && j.error) ({code, message, details} = j.error);
    } catch (e) { /* not JSON */ }
    throw new ApiError(res.status, code, message, details);
  }
  return res;
}

export async function getJSON(path, params, opts) {
  const res = await request('GET', path, {params, ...(opts || {})});
  return res.json();
}

export async function postJSON(path, body) {
  const res = await request('POST', path, {body});
  return res.json();
}

export async function getBlob(path, params, accept) {
  const res = await request('GET', path, {params, accept});
  return res.blob();
}
