// Charts as inline SVG built with DOM calls (no library, no markup strings). Every chart is an image with a
// text alternative (aria-label and <title>), and carries its figures as data-* attributes and visible labels.

import {s} from './dom.js';

function frame(width, height, cls, aria) {
  return s('svg', {class: 'chart ' + cls, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': aria,
    preserveAspectRatio: 'xMinYMin meet'}, s('title', {text: aria}));
}

// Rough width of a label in SVG text of 13px: CJK characters are square, Latin ones about half as wide.
function textWidth(str, px = 13) {
  let w = 0;
  for (const ch of String(str)) w += /[\u2E80-\uFFFF]/.test(ch) ? px : px * 0.58;
  return w;
}

function fit(str, maxW) {
  if (textWidth(str) <= maxW + 0.5) return str;
  let out = '';
  for (const ch of String(str)) {
    if (textWidth(out + ch + '…') > maxW) break;
    out += ch;
  }
  return out + '…';
}

// Horizontal bars drawn at the container's width (one SVG unit = one CSS pixel, so text keeps its size):
// items [{key, label, value, cls, title}]
export function barChart(items, {aria, width = 460, unit = ''} = {}) {
  const row = 30, top = 6;
  const height = top * 2 + Math.max(1, items.length) * row;
  const svg = frame(width, height, 'bars', aria);
  svg.setAttribute('width', width);
  svg.setAttribute('height', height);
  const max = Math.max(1, ...items.map(i => i.value));
  const labelWidth = Math.min(width * 0.5, Math.max(40, ...items.map(i => textWidth(i.label))) + 12);
  const plot = Math.max(40, width - labelWidth - 44);
  items.forEach((it, i) => {
    const y = top + i * row;
    const w = it.value > 0 ? Math.max(3, (it.value / max) * plot) : 0;
    const g = s('g', {class: 'bar ' + (it.cls || ''), 'data-key': it.key, 'data-value': it.value});
    g.append(s('title', {text: (it.title || it.label) + '：' + it.value + unit}));
    g.append(s('text', {x: labelWidth - 10, y: y + row / 2, 'text-anchor': 'end', 'dominant-baseline': 'central',
      class: 'label', text: fit(it.label, labelWidth - 12)}));
    g.append(s('rect', {x: labelWidth, y: y + 6, width: plot, height: row - 12, rx: 3, class: 'track'}));
    if (w > 0) g.append(s('rect', {x: labelWidth, y: y + 6, width: w, height: row - 12, rx: 3, class: 'fill'}));
    g.append(s('text', {x: labelWidth + w + 6, y: y + row / 2, 'dominant-baseline': 'central', class: 'value',
      text: String(it.value) + unit}));
    svg.append(g);
  });
  return svg;
}

// A half-circle gauge of a rate in 0..1 (null: nothing to count)
export function gauge(rate, {aria, key}) {
  const W = 200, H = 118, cx = 100, cy = 100, r = 80;
  const svg = frame(W, H, 'gauge', aria);
  svg.setAttribute('data-key', key);
  svg.setAttribute('data-value', rate === null || rate === undefined ? '' : String(rate));
  const arc = (from, to) => {
    const a0 = Math.PI * (1 - from), a1 = Math.PI * (1 - to);
    const x0 = cx + r * Math.cos(a0), y0 = cy - r * Math.sin(a0);
    const x1 = cx + r * Math.cos(a1), y1 = cy - r * Math.sin(a1);
    return `M${x0.toFixed(2)} ${y0.toFixed(2)} A${r} ${r} 0 0 1 ${x1.toFixed(2)} ${y1.toFixed(2)}`;
  };
  svg.append(s('path', {d: arc(0, 1), class: 'track'}));
  if (rate !== null && rate !== undefined && rate > 0) {
    const level = rate >= 0.95 ? 'good' : rate >= 0.8 ? 'fair' : 'poor';
    svg.append(s('path', {d: arc(0, Math.min(1, rate)), class: 'fill ' + level}));
  }
  const pct = rate === null || rate === undefined ? '—' : (Math.round(rate * 1000) / 10).toFixed(1) + '%';
  svg.append(s('text', {x: cx, y: cy - 12, 'text-anchor': 'middle', class: 'gauge-value', text: pct}));
  svg.append(s('text', {x: cx - r, y: cy + 16, 'text-anchor': 'middle', class: 'axis', text: '0'}));
  svg.append(s('text', {x: cx + r, y: cy + 16, 'text-anchor': 'middle', class: 'axis', text: '100%'}));
  return svg;
}

// Months [{month: 'YYYY-MM', cases, flagged, avg}] as bars (flagged cases, left axis) and a line (average
// score, right axis).
export function trendChart(months, {aria, barLabel, lineLabel, width = 720}) {
  const W = Math.max(320, width), H = 280, L = 40, R = 44, T = 40, B = 40;
  const pw = W - L - R, ph = H - T - B;
  const svg = frame(W, H, 'trend', aria);
  svg.setAttribute('width', W);
  svg.setAttribute('height', H);
  const n = Math.max(1, months.length);
  const step = pw / n;
  const maxBar = Math.max(1, ...months.map(m => m.flagged || 0), ...months.map(m => m.cases || 0));
  const barTop = maxBar <= 4 ? 4 : Math.ceil(maxBar / 4) * 4;
  const avgs = months.map(m => m.avg).filter(v => v !== null && v !== undefined);
  // the score axis ends at 100 and goes down in 4 round steps far enough to show the lowest month
  const hi = 100;
  const span = avgs.length ? hi - Math.min(...avgs) + 2 : 100;
  const stepAvg = [1, 2, 2.5, 5, 10, 20, 25].find(x => x * 4 >= span) || 25;
  const lo = hi - stepAvg * 4;
  const yBar = v => T + ph - (v / barTop) * ph;
  const yAvg = v => T + ph - ((v - lo) / (hi - lo)) * ph;

  // grid and axes
  for (let i = 0; i <= 4; i++) {
    const y = T + (ph * i) / 4;
    svg.append(s('line', {x1: L, x2: L + pw, y1: y, y2: y, class: 'grid'}));
    svg.append(s('text', {x: L - 6, y, 'text-anchor': 'end', 'dominant-baseline': 'central', class: 'axis bar-axis',
      text: String(Math.round(barTop - (barTop * i) / 4))}));
    svg.append(s('text', {x: L + pw + 6, y, 'dominant-baseline': 'central', class: 'axis line-axis',
      text: String(Math.round((hi - stepAvg * i) * 10) / 10)}));
  }
  // legend
  svg.append(s('rect', {x: L, y: 8, width: 14, height: 12, class: 'legend-bar'}));
  svg.append(s('text', {x: L + 20, y: 14, 'dominant-baseline': 'central', class: 'legend', text: barLabel}));
  const lx = L + 20 + textWidth(barLabel) + 28;
  svg.append(s('line', {x1: lx, x2: lx + 24, y1: 14, y2: 14, class: 'legend-line'}));
  svg.append(s('circle', {cx: lx + 12, cy: 14, r: 4, class: 'dot'}));
  svg.append(s('text', {x: lx + 30, y: 14, 'dominant-baseline': 'central', class: 'legend', text: lineLabel}));

  const bw = Math.min(36, step * 0.55);
  const pts = [];
  months.forEach((m, i) => {
    const cx = L + step * i + step / 2;
    const g = s('g', {class: 'month', 'data-month': m.month, 'data-flagged': m.flagged, 'data-cases': m.cases,
      'data-avg': m.avg === null || m.avg === undefined ? '' : m.avg});
    if (m.flagged > 0) {
      g.append(s('rect', {x: cx - bw / 2, y: yBar(m.flagged), width: bw, height: T + ph - yBar(m.flagged), class: 'fill', rx: 2}));
      g.append(s('text', {x: cx, y: yBar(m.flagged) - 4, 'text-anchor': 'middle', class: 'value bar-value', text: String(m.flagged)}));
    }
    const [yy, mm] = m.month.split('-');
    g.append(s('text', {x: cx, y: T + ph + 16, 'text-anchor': 'middle', class: 'axis', text: mm}));
    if (i === 0 || mm === '01') g.append(s('text', {x: cx, y: T + ph + 32, 'text-anchor': 'middle', class: 'axis year', text: yy}));
    svg.append(g);
    if (m.avg !== null && m.avg !== undefined) pts.push([cx, yAvg(m.avg), m.avg]);
  });
  if (pts.length > 1) {
    svg.append(s('polyline', {points: pts.map(p => p[0].toFixed(1) + ',' + p[1].toFixed(1)).join(' '), class: 'line'}));
  }
  for (const [x, y, v] of pts) {
    svg.append(s('circle', {cx: x, cy: y, r: 4.5, class: 'dot'}));
    svg.append(s('text', {x, y: y - 9, 'text-anchor': 'middle', class: 'value line-value', text: String(Math.round(v * 10) / 10)}));
  }
  return svg;
}
