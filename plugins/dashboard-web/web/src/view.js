// Rendering of the dashboard's KPIs, insights and tables into the page. Text goes in through
// textContent only (never markup), so nothing from the API can inject HTML.
import { displayUnit, formatChange, formatDate, formatHours, formatKpi, formatKpiText, systemName } from './format.js';

function el(tag, attrs = {}, text = undefined) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

const arrows = { up: '▲', down: '▼', flat: '■' };

// KPI cards, kept by name; a card whose value changed flashes once.
export function renderCards(container, kpis, definitions, { flash }) {
  const seen = new Set();
  for (const k of kpis) {
    seen.add(k.name);
    let card = container.querySelector(`[data-kpi="${CSS.escape(k.name)}"]`);
    if (!card) {
      card = el('article', { class: 'card', 'data-kpi': k.name });
      card.append(el('div', { class: 'kpi-title' }), el('div', { class: 'kpi-value' }), el('div', { class: 'kpi-change' }));
    }
    container.append(card);  // the dashboard's order
    card.querySelector('.kpi-title').textContent = k.title;
    const def = definitions.get(k.name);
    card.title = def?.description || k.title;

    const shownUnit = displayUnit(k.name, k.unit);
    const { number, unit } = formatKpi(k.value, shownUnit);
    const value = card.querySelector('.kpi-value');
    const text = formatKpiText(k.value, shownUnit);
    if (flash && value.dataset.text !== undefined && value.dataset.text !== text) {
      card.classList.remove('flash');
      void card.offsetWidth;  // restart the animation
      card.classList.add('flash');
    }
    value.dataset.text = text;
    value.dataset.value = k.value ?? '';
    value.replaceChildren(number);
    if (unit) value.append(el('span', { class: 'unit' }, unit));

    const change = card.querySelector('.kpi-change');
    change.dataset.assessment = k.assessment || '';
    change.replaceChildren();
    if (k.change_pct !== null && k.change_pct !== undefined) {
      change.append(el('span', { class: 'delta' }, `${arrows[k.trend] || ''} ${formatChange(k.change_pct)}`.trim()));
    }
    change.append(`previous ${formatKpiText(k.previous, shownUnit)}`);
  }
  for (const card of [...container.children]) if (!seen.has(card.dataset.kpi)) card.remove();
}

export function renderInsights(section, list, insights) {
  list.replaceChildren(...insights.map((i) => el('li', { 'data-kind': i.kind || 'info' }, i.text)));
  section.hidden = insights.length === 0;
}

function emptyRow(columns, text) {
  const row = el('tr');
  row.append(el('td', { class: 'empty', colspan: String(columns) }, text));
  return row;
}

export function renderWorstVehicles(table, rows) {
  const body = table.tBodies[0];
  if (!rows.length) return body.replaceChildren(emptyRow(8, 'No failures in this window.'));
  body.replaceChildren(...rows.map((v) => {
    const tr = el('tr', { 'data-vehicle': v.vehicle_id });
    tr.append(el('td', {}, v.vehicle_id), el('td', {}, (v.vehicle_type || '').replaceAll('_', ' ')), el('td', {}, v.depot || ''),
      el('td', { class: 'num' }, String(v.failures)), el('td', { class: 'num' }, String(v.service_affecting_failures ?? '')),
      el('td', { class: 'num' }, formatHours(v.downtime_hours)),
      el('td', { class: 'num' }, formatKpiText(v.availability, 'ratio')),
      el('td', { class: 'num' }, formatKpiText(v.mtbf_hours, 'h')));
    return tr;
  }));
}

export function renderWorstSystems(table, rows) {
  const body = table.tBodies[0];
  if (!rows.length) return body.replaceChildren(emptyRow(4, 'No failures in this window.'));
  body.replaceChildren(...rows.map((s) => {
    const tr = el('tr', { 'data-system': s.system });
    tr.append(el('td', {}, systemName(s.system)), el('td', { class: 'num' }, String(s.failures)),
      el('td', { class: 'num' }, formatKpiText(s.share, 'ratio')), el('td', { class: 'num' }, formatHours(s.mttr_hours)));
    return tr;
  }));
}

export function windowLabel(dashboard) {
  const w = dashboard.window;
  if (!w) return dashboard.title || '';
  const days = Math.round(w.days);
  const to = new Date(new Date(w.to).getTime() - 1);  // the window is half-open: show its last day
  const scope = dashboard.scope?.depot ? ` · ${dashboard.scope.depot}` : ' · whole fleet';
  return `${dashboard.title} · last ${days} days to ${formatDate(to.toISOString())}${scope}`;
}
