// The dashboard page: picks the dashboard from the URL (/ or /dashboards/{name}, ?depot=), asks
// for an API key when it has none, renders the analytics plugin's dashboard JSON, and refetches
// it when the live event stream reports new events.
import '../styles.css';
import { ApiError, currentKey, forgetKey, getJson, storeKey, takeKeyFromFragment } from './api.js';
import { ChartBoard } from './charts.js';
import { displayUnit, formatTime } from './format.js';
import { followEvents } from './live.js';
import { renderCards, renderInsights, renderWorstSystems, renderWorstVehicles, windowLabel } from './view.js';

const DASHBOARDS = ['executive', 'operations', 'maintenance', 'inventory'];
// Shown on every dashboard, after the dashboard's own KPIs: the figures everyone asks for.
const HEADLINE = ['availability', 'mtbf', 'mdbf', 'mttr', 'schedule_compliance', 'backlog', 'inventory_turnover',
  'stockout_rate'];
// Window lengths in days; replaced by GET /api/v1/analytics/dashboards once it answers.
const DAYS = { executive: 30, operations: 7, maintenance: 90, inventory: 30 };
const $ = (id) => document.getElementById(id);

const state = { dashboard: 'executive', depot: '', definitions: new Map(), units: new Map(), rendered: false };
let charts;
let inFlight = null;
let stopLive = null;

function readLocation() {
  const match = /^\/dashboards\/([^/]+)\/?$/.exec(location.pathname);
  state.dashboard = match && DASHBOARDS.includes(match[1]) ? match[1] : 'executive';
  state.depot = new URLSearchParams(location.search).get('depot') || '';
}

function writeLocation(push) {
  const query = state.depot ? `?${new URLSearchParams({ depot: state.depot })}` : '';
  const url = `/dashboards/${state.dashboard}${query}`;
  if (push) history.pushState(null, '', url);
  else history.replaceState(null, '', url);
}

function markSwitcher() {
  for (const a of $('switcher').querySelectorAll('a')) {
    if (a.dataset.dashboard === state.dashboard) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
    a.href = `/dashboards/${a.dataset.dashboard}${state.depot ? `?depot=${encodeURIComponent(state.depot)}` : ''}`;
  }
}

function setLive(status) {
  const live = $('live');
  live.dataset.state = status;
  live.querySelector('.live-text').textContent =
    { live: 'Live', reconnecting: 'Reconnecting', connecting: 'Connecting', updating: 'Updating', offline: 'Offline' }[status];
}

function showBanner(message) {
  $('banner').textContent = message;
  $('banner').hidden = !message;
}

function askForKey(reason) {
  if (stopLive) { stopLive(); stopLive = null; }
  setLive('offline');
  $('sign-out').hidden = true;
  $('key-reason').textContent = reason ||
    'The dashboard reads the analytics API with an API key. A key with the reader role is enough.';
  const dialog = $('key-dialog');
  if (!dialog.open) dialog.showModal();
  $('key-input').focus();
}

function handleError(err) {
  if (err.name === 'AbortError') return;
  if (err instanceof ApiError && err.isAuth) {
    if (err.key !== currentKey()) return;  // answered for a key the user has replaced since
    if (err.status === 401) forgetKey();
    askForKey(err.status === 401 ? 'That key was not accepted. Enter a valid API key.'
      : 'That key may not read analytics. Use a key with the reader role.');
    return;
  }
  if (err instanceof ApiError && err.status === 404 && err.problem?.code === 'route_not_found') {
    showBanner('The analytics plugin is not serving on this host (no /api/v1/analytics routes).');
    return;
  }
  showBanner(`Could not load the dashboard: ${err.message}`);
}

function unitOf(chartId) {
  if (chartId === 'failures_by_system') return 'count';
  return state.units.get(chartId) || 'count';
}

async function refresh() {
  if (inFlight) inFlight.abort();  // a newer answer supersedes the one on its way
  const controller = new AbortController();
  inFlight = controller;
  if (state.rendered) setLive('updating');
  try {
    // The dashboard and every KPI over the same window, in parallel: one round trip per refresh.
    const [dashboard, all] = await Promise.all([
      getJson(`/api/v1/analytics/dashboard/${state.dashboard}`, { depot: state.depot, limit: 10 }, controller.signal),
      getJson('/api/v1/analytics/kpis', { depot: state.depot, days: DAYS[state.dashboard] }, controller.signal),
    ]);
    if (controller.signal.aborted) return;
    const own = dashboard.kpis || [];
    const extra = HEADLINE.filter((name) => !own.some((k) => k.name === name))
      .map((name) => (all.kpis || []).find((k) => k.name === name)).filter(Boolean);
    const kpis = [...own, ...extra];
    for (const k of kpis) state.units.set(k.name, displayUnit(k.name, k.unit));
    showBanner('');
    renderCards($('cards'), kpis, state.definitions, { flash: state.rendered });
    renderInsights($('insights-section'), $('insights'), dashboard.insights || []);
    charts.render(dashboard.charts || [], unitOf);
    renderWorstVehicles($('worst-vehicles'), dashboard.worst_vehicles || []);
    renderWorstSystems($('worst-systems'), dashboard.worst_systems || []);
    $('window-label').textContent = windowLabel(dashboard);
    document.title = `${dashboard.title || 'Fleet'} dashboard · Roundhouse`;
    $('footer').textContent = `Updated ${formatTime(new Date())}`;
    state.rendered = true;
    $('main').setAttribute('aria-busy', 'false');
    document.body.dataset.loaded = 'true';
    if (stopLive) setLive('live');
  } catch (err) {
    handleError(err);
  } finally {
    if (inFlight === controller) inFlight = null;
  }
}

async function loadDepots() {
  const board = await getJson('/api/v1/projections/fleet-status-board/state');
  const select = $('depot');
  const depots = Object.keys(board.depots || {}).sort((a, b) => a.localeCompare(b));
  select.replaceChildren(new Option('All depots', ''), ...depots.map((d) => new Option(d, d)));
  if (state.depot && !depots.includes(state.depot)) select.append(new Option(state.depot, state.depot));
  select.value = state.depot;
}

async function loadDefinitions() {
  const { kpis = [] } = await getJson('/api/v1/analytics/definitions');
  for (const d of kpis) state.definitions.set(d.name, d);
}

async function loadDashboardList() {
  const { dashboards = [] } = await getJson('/api/v1/analytics/dashboards');
  for (const d of dashboards) if (d.name in DAYS && d.days > 0) DAYS[d.name] = d.days;
}

function start() {
  $('sign-out').hidden = false;
  setLive('connecting');
  // Depots and definitions only decorate the page; a failure there must not hide the dashboard.
  loadDepots().catch(handleError);
  loadDefinitions().catch(() => {});
  loadDashboardList().then(refresh, refresh);
  if (!stopLive) {
    stopLive = followEvents({
      onChange: refresh,
      onState: setLive,
      onAuthError: (status, key) => handleError(new ApiError(status, null, key)),
    });
  }
}

function wire() {
  $('switcher').addEventListener('click', (event) => {
    const link = event.target.closest('a[data-dashboard]');
    if (!link || event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    if (link.dataset.dashboard === state.dashboard) return;
    state.dashboard = link.dataset.dashboard;
    writeLocation(true);
    markSwitcher();
    refresh();
  });
  $('depot').addEventListener('change', (event) => {
    state.depot = event.target.value;
    writeLocation(false);
    markSwitcher();
    refresh();
  });
  window.addEventListener('popstate', () => {
    readLocation();
    markSwitcher();
    $('depot').value = state.depot;
    refresh();
  });
  $('key-form').addEventListener('submit', () => {
    const key = $('key-input').value.trim();
    if (!key) return;
    storeKey(key, $('key-remember').checked);
    $('key-input').value = '';
    start();
  });
  $('key-dialog').addEventListener('cancel', (event) => event.preventDefault());  // no key, no dashboard
  $('sign-out').addEventListener('click', () => {
    forgetKey();
    askForKey('Enter another API key.');
  });
}

function main() {
  takeKeyFromFragment();
  readLocation();
  charts = new ChartBoard($('charts'));
  markSwitcher();
  wire();
  if (location.pathname === '/' || !/^\/dashboards\/[^/]+\/?$/.test(location.pathname)) writeLocation(false);
  if (currentKey()) start();
  else askForKey();
}

main();
