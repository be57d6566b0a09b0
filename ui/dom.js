// DOM building without innerHTML: every string goes in as a text node, so data is never parsed as markup.

const SVG_NS = 'http://www.w3.org/2000/svg';

// h('tag.class1.class2', {attr: value, on: {click: fn}, dataset: {...}}, child, [children], 'text')
export function h(spec, attrs, ...children) {
  const [tag, ...classes] = spec.split('.');
  const el = document.createElement(tag || 'div');
  if (classes.length) el.className = classes.join(' ');
  apply(el, attrs);
  append(el, children);
  return el;
}

// the same for SVG elements (charts and icons)
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'text') el.textContent = String(v);
      else el.setAttribute(k, String(v));
    }
  }
  append(el, children);
  return el;
}

function apply(el, attrs) {
  if (!attrs) return;
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'on') {
      for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    } else if (k === 'dataset') {
      for (const [dk, dv] of Object.entries(v)) if (dv !== undefined && dv !== null) el.dataset[dk] = String(dv);
    } else if (k === 'text') {
      el.textContent = String(v);
    } else if (k === 'class') {
      el.className = v;
    } else if (k === 'value' || k === 'checked' || k === 'disabled' || k === 'selected' || k === 'hidden') {
      el[k] = v;
    } else if (v === true) {
      el.setAttribute(k, '');
    } else {
      el.setAttribute(k, String(v));
    }
  }
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

// Small inline icons, so that severity and grade are never told by colour alone and never depend on a font.
const ICONS = {
  error: [['circle', {cx: 8, cy: 8, r: 7}], ['path', {d: 'M8 4v5M8 11.2v.6', class: 'ink'}]],
  warning: [['path', {d: 'M8 1.5 15 14.5H1z'}], ['path', {d: 'M8 6v4M8 12v.5', class: 'ink'}]],
  veto: [['path', {d: 'M5 1h6l4 4v6l-4 4H5l-4-4V5z'}], ['path', {d: 'M5 8h6', class: 'ink'}]],
  check: [['circle', {cx: 8, cy: 8, r: 7}], ['path', {d: 'M4.5 8.2 7 10.7l4.5-5', class: 'ink'}]],
  cross: [['circle', {cx: 8, cy: 8, r: 7}], ['path', {d: 'M5.5 5.5l5 5M10.5 5.5l-5 5', class: 'ink'}]],
  star: [['path', {d: 'M8 1l2.1 4.5 4.9.6-3.6 3.4.9 4.9L8 12l-4.3 2.4.9-4.9L1 6.1l4.9-.6z'}]],
  dot: [['circle', {cx: 8, cy: 8, r: 4}]],
  pause: [['circle', {cx: 8, cy: 8, r: 7}], ['path', {d: 'M6 5v6M10 5v6', class: 'ink'}]],
  video: [['rect', {x: 1, y: 4, width: 10, height: 8, rx: 1.5}], ['path', {d: 'M11 7l4-2.5v7L11 9z'}]],
  doc: [['path', {d: 'M3 1h7l3 3v11H3z'}], ['path', {d: 'M5.5 7h5M5.5 9.5h5M5.5 12h3', class: 'ink'}]],
  flag: [['path', {d: 'M3 1v14', class: 'ink-dark'}], ['path', {d: 'M3.5 2h9l-2 3 2 3h-9z'}]],
};

export function icon(name, extraClass) {
  const parts = ICONS[name] || ICONS.dot;
  return s('svg', {class: 'icon icon-' + name + (extraClass ? ' ' + extraClass : ''), viewBox: '0 0 16 16',
    width: 16, height: 16, 'aria-hidden': 'true', focusable: 'false'},
    parts.map(([tag, a]) => s(tag, a)));
}
