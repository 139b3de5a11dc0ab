// Numbers as the cards, axes and tables show them, by the KPI's unit.
const grouped = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const compact = new Intl.NumberFormat('en-GB', { notation: 'compact', maximumFractionDigits: 1 });

const twoDecimals = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

// The unit a KPI is shown in. The API's "ratio" is any dimensionless quotient: a share (shown as a
// percentage) except for turnover, which counts how often the stock turned over ("times").
export function displayUnit(name, unit) {
  return name === 'inventory_turnover' ? 'times' : unit;
}

// { number, unit } for a KPI value in its display unit; number is '—' when the KPI is undefined.
export function formatKpi(value, unit) {
  if (value === null || value === undefined || !Number.isFinite(value)) return { number: '—', unit: '' };
  switch (unit) {
    case 'ratio': return { number: oneDecimal.format(value * 100), unit: '%' };
    case 'times': return { number: twoDecimals.format(value), unit: '×' };
    case 'currency/km': return { number: twoDecimals.format(value), unit: 'per km' };
    case 'count': return { number: grouped.format(value), unit: '' };
    default: {
      const abs = Math.abs(value);
      const number = abs >= 100 ? grouped.format(value) : abs >= 1 ? oneDecimal.format(value) : value.toFixed(3);
      return { number, unit };
    }
  }
}

export function formatKpiText(value, unit) {
  const { number, unit: u } = formatKpi(value, unit);
  return u === '%' || u === '×' ? `${number}${u}` : u ? `${number} ${u}` : number;
}

const smallTick = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });

// Axis ticks: percentages for ratios, compact numbers otherwise (two decimals below 10).
export function formatTick(value, unit) {
  if (unit === 'ratio') return `${Math.round(value * 1000) / 10}%`;
  return Math.abs(value) < 10 ? smallTick.format(value) : compact.format(value);
}

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// Chart labels: "2025-12-01" -> "1 Dec", "2025-12" -> "Dec 2025", a system name -> "Doors", "HVAC".
export function formatLabel(label) {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(label);
  if (day) return `${Number(day[3])} ${months[Number(day[2]) - 1]}`;
  const month = /^(\d{4})-(\d{2})$/.exec(label);
  if (month) return `${months[Number(month[2]) - 1]} ${month[1]}`;
  return systemName(label);
}

export function systemName(name) {
  if (typeof name !== 'string' || !name) return name;
  if (name === 'hvac') return 'HVAC';
  return name.charAt(0).toUpperCase() + name.slice(1).replaceAll('_', ' ');
}

export function formatChange(changePct) {
  if (changePct === null || changePct === undefined || !Number.isFinite(changePct)) return '';
  const sign = changePct > 0 ? '+' : changePct < 0 ? '−' : '±';
  return `${sign}${oneDecimal.format(Math.abs(changePct))}%`;
}

export function formatHours(hours) {
  return hours === null || hours === undefined ? '—' : `${oneDecimal.format(hours)} h`;
}

export function formatDate(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
}

export function formatTime(date) {
  return date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}
