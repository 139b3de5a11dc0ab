// The analytics API as the page calls it: every request carries the API key the user gave
// (Authorization: Bearer), kept in this browser only. A key may arrive once in the URL fragment
// (#key=..., never sent to the server, removed from the address bar at once).
const STORAGE_KEY = 'roundhouse.apiKey';

export class ApiError extends Error {
  // `key`: the API key the request was sent with (a late 401 for a key already replaced is moot).
  constructor(status, problem, key) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.key = key;
  }
  get isAuth() { return this.status === 401 || this.status === 403; }
}

export function takeKeyFromFragment() {
  const match = /(?:^#|&)key=([^&]+)/.exec(location.hash);
  if (!match) return;
  storeKey(decodeURIComponent(match[1]), true);
  history.replaceState(history.state, '', location.pathname + location.search);
}

export function currentKey() {
  return sessionStorage.getItem(STORAGE_KEY) || localStorage.getItem(STORAGE_KEY) || '';
}

export function storeKey(key, remember) {
  forgetKey();
  (remember ? localStorage : sessionStorage).setItem(STORAGE_KEY, key);
}

export function forgetKey() {
  sessionStorage.removeItem(STORAGE_KEY);
  localStorage.removeItem(STORAGE_KEY);
}

export function authHeaders(extra = {}) {
  return { Authorization: `Bearer ${currentKey()}`, ...extra };
}

// GET a JSON document; rejects with ApiError carrying the problem+json body on a non-2xx answer.
export async function getJson(path, params = {}, signal = undefined) {
  const url = new URL(path, location.origin);
  for (const [k, v] of Object.entries(params)) if (v !== '' && v !== undefined && v !== null) url.searchParams.set(k, v);
  const key = currentKey();
  const res = await fetch(url, { headers: authHeaders({ Accept: 'application/json' }), signal, cache: 'no-store' });
  if (!res.ok) {
    let problem = null;
    try { problem = await res.json(); } catch { /* not JSON */ }
    throw new ApiError(res.status, problem, key);
  }
  return res.json();
}
