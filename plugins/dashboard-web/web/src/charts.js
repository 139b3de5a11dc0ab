// Trend charts: one Chart.js chart per entry of the dashboard's "charts" array ({id, title, type,
// labels, datasets}: Chart.js data as the analytics plugin returns it). Charts are kept by id and
// updated in place on refresh, so live updates do not flicker or reset the layout.
import {
  BarController, BarElement, CategoryScale, Chart, Filler, Legend, LinearScale, LineController, LineElement,
  PointElement, Tooltip,
} from 'chart.js';
import { formatKpiText, formatLabel, formatTick } from './format.js';

Chart.register(BarController, BarElement, CategoryScale, Filler, Legend, LinearScale, LineController, LineElement,
  PointElement, Tooltip);

function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

function palette() {
  return [cssVar('--accent'), '#f2b134', '#8e6bbf', '#2a9d8f', '#e76f51', '#6c7a89'];
}

// Non-null points across the datasets: what the page (and its browser test) calls "has data".
function pointCount(datasets) {
  return datasets.reduce((n, d) => n + (d.data || []).filter((v) => v !== null && v !== undefined).length, 0);
}

function styledDatasets(spec) {
  const colours = palette();
  return (spec.datasets || []).map((d, i) => {
    // Two bar series are "this period" against "previous period": the previous one recedes.
    const colour = spec.type === 'bar' && i === 1 ? `${cssVar('--muted')}66` : colours[i % colours.length];
    const line = spec.type !== 'bar';
    return {
      ...d,
      borderColor: colour,
      backgroundColor: line ? `${colour}22` : colour,
      borderWidth: line ? 2 : 0,
      borderRadius: line ? 0 : 4,
      pointRadius: line ? 0 : undefined,
      pointHoverRadius: line ? 4 : undefined,
      tension: 0.25,
      fill: line && (spec.datasets || []).length === 1,
      spanGaps: true,
    };
  });
}

// Bars over categories (systems, not dates) lie horizontally, so every name stays readable.
function horizontal(spec) {
  return spec.type === 'bar' && (spec.labels || []).length > 0 && !(spec.labels || []).some((l) => /^\d{4}-/.test(l));
}

function options(unit, sideways, legend) {
  const grid = cssVar('--line');
  const ink = cssVar('--muted');
  const valueAxis = { beginAtZero: unit !== 'ratio', grid: { color: grid }, border: { display: false },
    ticks: { color: ink, callback: (v) => formatTick(v, unit) } };
  const categoryAxis = { grid: { display: false },
    ticks: { color: ink, maxRotation: 0, autoSkip: !sideways, autoSkipPadding: 12 } };
  return {
    indexAxis: sideways ? 'y' : 'x',
    responsive: true,
    maintainAspectRatio: false,
    animation: { duration: 250 },
    interaction: { mode: 'index', intersect: false },
    plugins: {
      legend: { display: legend, position: 'bottom', labels: { color: ink, boxWidth: 10, boxHeight: 10, usePointStyle: true } },
      tooltip: { callbacks: {
        label: (ctx) => `${ctx.dataset.label}: ${formatKpiText(sideways ? ctx.parsed.x : ctx.parsed.y, unit)}` } },
    },
    scales: sideways ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis },
  };
}

function labels(spec) {
  return (spec.labels || []).map(formatLabel);
}

export class ChartBoard {
  constructor(container) {
    this.container = container;
    this.charts = new Map();  // id -> { figure, chart }
  }

  // unitOf(id) gives the unit for axis labels ('count' when unknown).
  render(specs, unitOf) {
    const seen = new Set();
    for (const spec of specs) {
      seen.add(spec.id);
      const unit = unitOf(spec.id);
      let entry = this.charts.get(spec.id);
      if (entry && (entry.chart.config.type !== (spec.type || 'line') || entry.sideways !== horizontal(spec))) {
        entry.chart.destroy();
        entry.figure.remove();
        this.charts.delete(spec.id);
        entry = undefined;
      }
      if (!entry) entry = this.create(spec, unit);
      else {
        entry.chart.data.labels = labels(spec);
        entry.chart.data.datasets = styledDatasets(spec);
        entry.chart.update('none');
      }
      entry.figure.querySelector('h2').textContent = spec.title || spec.id;
      entry.figure.dataset.points = String(pointCount(spec.datasets || []));
      this.container.appendChild(entry.figure);  // keeps the dashboard's order
    }
    for (const [id, entry] of this.charts) {
      if (seen.has(id)) continue;
      entry.chart.destroy();
      entry.figure.remove();
      this.charts.delete(id);
    }
  }

  create(spec, unit) {
    const figure = document.createElement('figure');
    figure.className = 'chart';
    figure.dataset.chartId = spec.id;
    figure.append(document.createElement('h2'));
    const box = document.createElement('div');
    box.className = 'canvas-box';
    const canvas = document.createElement('canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', spec.title || spec.id);
    box.append(canvas);
    figure.append(box);
    this.container.append(figure);
    const sideways = horizontal(spec);
    if (sideways) figure.classList.add('sideways');  // room for one row per category
    const chart = new Chart(canvas, {
      type: spec.type || 'line',
      data: { labels: labels(spec), datasets: styledDatasets(spec) },
      options: options(unit, sideways, (spec.datasets || []).length > 1),  // the title names a lone series
    });
    const entry = { figure, chart, sideways };
    this.charts.set(spec.id, entry);
    return entry;
  }
}
