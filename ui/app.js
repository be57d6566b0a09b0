// caseaudit's reviewers' page: flagged cases, a case's timeline with its findings and their review, and the
// agency dashboard. Hash routes (#/cases, #/case/{id}, #/dashboard) keep the back button working. Every string
// from the API goes into the page as text (dom.js), never as markup.

import {h, clear, icon} from './dom.js';
import {t, label, pick, getLang, setLang, fmtNumber, fmtRate, fmtMoney} from './i18n.js';
import {getToken, setToken, clearToken, getJSON, postJSON, getBlob, ApiError} from './api.js';
import {buildTimeline, placeFinding, deadlineOf, datePart, timePart} from './timeline.js';
import {barChart, gauge, trendChart} from './charts.js';

const SYSTEMS = ['publicity', 'recording', 'review', 'documents', 'archive'];
const GRADES = ['excellent', 'good', 'pass', 'fail'];
const PAGE_SIZE = 20;

const state = {
  me: null,
  rules: null,          // Map id -> rule
  rulesList: [],
  standards: null,      // GET /api/v1/standards: {items, standards_by_agency}
  agencyList: null,     // [{agency, agency_name, last_filed_on}]: the token's agencies (GET /api/v1/agencies)
  list: {key: null, stack: [null], page: 0},  // keyset paging of the case list
  lastListHash: '#/cases',
  nav: 0,               // increments on each route: late answers of an earlier route are dropped
  openHistory: new Set(),
  onlyFlaggedItems: false,
};

const main = document.getElementById('main');
const statusEl = document.getElementById('status');

function announce(msg) {
  statusEl.textContent = msg;
}

// a message also shown on screen for a few seconds (the live region above reads it out)
let toastTimer = null;
function toast(msg) {
  announce(msg);
  let el = document.getElementById('toast');
  if (!el) {
    el = h('div.toast', {id: 'toast', 'aria-hidden': 'true'});
    document.body.append(el);
  }
  el.textContent = msg;
  el.classList.add('shown');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => el.classList.remove('shown'), 7000);
}

// ---------------------------------------------------------------- routing

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, qs] = raw.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return {parts, params: new URLSearchParams(qs || '')};
}

function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

async function route() {
  const nav = ++state.nav;
  const tst = document.getElementById('toast');
  if (tst && nav > 1 && !parseHash().parts.includes('case')) tst.classList.remove('shown');
  renderChrome();
  if (!getToken()) {
    showLogin();
    return;
  }
  const {parts, params} = parseHash();
  try {
    if (!state.me) state.me = await getJSON('/api/v1/me');
    if (!state.rules) await loadRules();
    if (!state.standards) state.standards = await getJSON('/api/v1/standards');
    await agencyOptions();
  } catch (e) {
    if (nav === state.nav) showError(e, route);
    return;
  }
  if (nav !== state.nav) return;
  renderChrome();
  const view = parts[0] || 'cases';
  if (view === 'case' && parts[1]) return viewCase(parts[1], nav);
  if (view === 'dashboard') return viewDashboard(params, nav);
  return viewCases(params, nav);
}

async function loadRules() {
  const r = await getJSON('/api/v1/rules');
  state.rulesList = (r.items || []).slice().sort((a, b) => a.id.localeCompare(b.id));
  state.rules = new Map(state.rulesList.map(x => [x.id, x]));
}

window.addEventListener('hashchange', route);

// ---------------------------------------------------------------- page frame

function renderChrome() {
  document.title = t('app_title') + ' · caseaudit';
  const skip = document.getElementById('skip-link');
  skip.textContent = t('skip');
  skip.onclick = (e) => { e.preventDefault(); main.focus(); };

  const top = clear(document.getElementById('topbar'));
  const view = parseHash().parts[0] || 'cases';
  const brand = h('div.brand', null,
    h('img.logo', {src: 'favicon.svg', alt: '', width: 32, height: 32}),
    h('div.brand-text', null, h('span.brand-name', {text: t('app_title')}), h('span.brand-sub', {text: t('app_sub')})));
  top.append(brand);
  const langBtn = h('button.btn.btn-ghost.lang-switch', {type: 'button', lang: getLang() === 'zh' ? 'en' : 'zh-CN',
    'aria-label': t('lang_switch_label'), on: {click: () => { setLang(getLang() === 'zh' ? 'en' : 'zh'); route(); announceLang(); }}},
    t('lang_switch'));
  if (getToken() && state.me) {
    const link = (hash, key, active) => h('a.nav-link', {href: hash, 'aria-current': active ? 'page' : false}, t(key));
    top.append(h('nav.nav', {'aria-label': t('nav_label')},
      link(state.lastListHash, 'nav_cases', view === 'cases' || view === 'case'),
      link('#/dashboard', 'nav_dashboard', view === 'dashboard')));
    const me = state.me;
    const scope = me.agencies && me.agencies.length ? me.agencies.map(agencyName).join('、') : t('all_agencies');
    top.append(h('div.user', null,
      h('span.user-info', null, h('span.user-name', {text: me.name}),
        h('span.user-role', {text: t('role_' + me.role) + ' · ' + scope})),
      langBtn,
      h('button.btn.btn-ghost', {type: 'button', id: 'logout', on: {click: logout}}, t('logout'))));
  } else {
    top.append(h('div.user', null, langBtn));
  }
  const footer = clear(document.getElementById('footer'));
  footer.append(h('span', {text: 'caseaudit · ' + t('app_sub')}));
}

function announceLang() {
  announce(getLang() === 'zh' ? '已切换到中文界面' : 'Switched to English');
}

function logout() {
  clearToken();
  state.me = null;
  state.agencyList = null;
  state.rules = null;
  state.standards = null;
  state.list = {key: null, stack: [null], page: 0};
  announce(t('logged_out'));
  showLogin(t('logged_out'), 'info');
  renderChrome();
}

function setMain(...nodes) {
  clear(main);
  main.removeAttribute('aria-busy');
  main.append(...nodes);
}

function loading(where) {
  const el = where || main;
  if (!where && state.nav > 1) window.scrollTo(0, 0);
  clear(el);
  el.setAttribute('aria-busy', 'true');
  el.append(h('p.loading', null, h('span.spinner', {'aria-hidden': 'true'}), t('loading')));
}

// After a route change, focus goes to the new page's heading (screen readers announce it); on the first load the
// page starts at the top, where the skip link is the first stop.
function focusHeading() {
  if (state.nav <= 1) return;
  window.scrollTo(0, 0);
  const h1 = main.querySelector('h1');
  if (h1) { h1.setAttribute('tabindex', '-1'); h1.focus({preventScroll: true}); }
}

// The error of a request: 401 asks for the token again; 503 and network failures offer a retry.
function errorBox(err, retry) {
  let msg;
  if (err instanceof ApiError) {
    if (err.status === 503) msg = t('db_unavailable');
    else if (err.status === 0) msg = t('server_unreachable');
    else if (err.status === 403) msg = t('forbidden') + (err.message ? '（' + err.message + '）' : '');
    else if (err.status === 404) msg = t('not_found');
    else msg = t('error_generic', {msg: err.message});
  } else {
    msg = t('error_generic', {msg: String(err && err.message || err)});
  }
  const box = h('div.notice.notice-error', {role: 'alert'}, icon('error'), h('span', {text: msg}));
  if (retry && (!(err instanceof ApiError) || err.status === 503 || err.status === 0 || err.status >= 500)) {
    box.append(h('button.btn.btn-small', {type: 'button', on: {click: retry}}, t('retry')));
  }
  return box;
}

function showError(err, retry, where) {
  if (err instanceof ApiError && err.status === 401) {
    clearToken();
    state.me = null;
    state.agencyList = null;
    showLogin(t('login_expired'));
    renderChrome();
    return;
  }
  const box = errorBox(err, retry);
  if (where) { clear(where); where.removeAttribute('aria-busy'); where.append(box); } else setMain(box);
  announce(box.textContent);
}

// ---------------------------------------------------------------- login

function showLogin(message, kind) {
  const input = h('input.input', {id: 'token', name: 'token', type: 'password', autocomplete: 'off',
    spellcheck: 'false', autocapitalize: 'off', 'aria-describedby': 'login-help login-error', required: true});
  const err = h('p.form-error', {id: 'login-error', role: 'alert'});
  if (message) {
    err.textContent = message;
    if (kind === 'info') err.className = 'form-info';
  }
  const submit = h('button.btn.btn-primary', {type: 'submit'}, t('login_submit'));
  const form = h('form.login-form', {novalidate: true, on: {submit: async (e) => {
    e.preventDefault();
    const tok = input.value.trim();
    err.className = 'form-error';
    if (!tok) { err.textContent = t('login_empty'); input.focus(); return; }
    submit.disabled = true;
    err.className = 'form-info';
    err.textContent = t('login_checking');
    try {
      const me = await getJSON('/api/v1/me', null, {tokenOverride: tok});
      setToken(tok);
      state.me = me;
      state.agencyList = null;  // another token may read other agencies
      input.value = '';
      announce(me.name);
      if (!location.hash || location.hash === '#' || location.hash === '#/') go('#/cases');
      else route();
    } catch (ex) {
      submit.disabled = false;
      err.className = 'form-error';
      if (ex instanceof ApiError && ex.status === 401) err.textContent = t('login_bad');
      else err.textContent = errorBox(ex).textContent;
      input.focus();
    }
  }}},
  h('label', {for: 'token', text: t('login_token')}), input,
  h('p.help', {id: 'login-help', text: t('login_intro')}), err, submit);
  setMain(h('section.login.card', {'aria-labelledby': 'login-title'},
    h('h1', {id: 'login-title', text: t('login_title')}), form));
  input.focus();
}

// ---------------------------------------------------------------- shared pieces

function gradeBadge(grade, big) {
  if (!grade) return h('span');
  const ic = grade === 'excellent' ? 'star' : grade === 'good' || grade === 'pass' ? 'check' : 'cross';
  return h('span.badge.grade.grade-' + grade + (big ? '.badge-big' : ''), {dataset: {grade}}, icon(ic), label('grade', grade));
}

function severityBadge(sev) {
  return h('span.badge.sev.sev-' + sev, {dataset: {severity: sev}}, icon(sev === 'error' ? 'error' : 'warning'), label('severity', sev));
}

function statusBadge(st) {
  const ic = {open: 'dot', acknowledged: 'check', waived: 'pause', resolved: 'check'}[st] || 'dot';
  return h('span.badge.status.status-' + st, {dataset: {status: st}}, icon(ic), t('st_' + st));
}

function fmtDate(d) { return d || '—'; }

// an instant of the record in its own local time ("2022-03-08 10:15")
function fmtLocal(v) {
  const d = datePart(v), tm = timePart(v);
  return d ? (tm ? d + ' ' + tm : d) : (v || '');
}

// a server timestamp (UTC) in the case's time zone
function fmtStamp(v) {
  if (!v) return '';
  try {
    const f = new Intl.DateTimeFormat('sv-SE', {timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', hour12: false});
    return f.format(new Date(v)).replace(',', '');
  } catch (e) {
    return v.replace('T', ' ').slice(0, 16);
  }
}

function ruleTitle(id) {
  const r = state.rules && state.rules.get(id);
  return r ? pick(r.title) : '';
}

function field(labelText, control, extra) {
  return h('div.field' + (extra ? '.' + extra : ''), null, labelText, control);
}

function selectEl(id, options, value) {
  const sel = h('select.input', {id, name: id});
  for (const o of options) {
    if (o.group) {
      const g = h('optgroup', {label: o.group});
      for (const x of o.options) g.append(h('option', {value: x.value, selected: x.value === value}, x.text));
      sel.append(g);
    } else {
      sel.append(h('option', {value: o.value, selected: o.value === value}, o.text));
    }
  }
  sel.value = value || '';
  return sel;
}

// The agencies the token may read, each with its name (GET /api/v1/agencies, by code); a token's agency that has
// no case yet is listed by its code alone.
async function agencyOptions() {
  if (state.agencyList) return state.agencyList;
  let items = [];
  try {
    items = (await getJSON('/api/v1/agencies')).items || [];
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) throw e;
  }
  for (const code of state.me.agencies || []) {
    if (!items.some(a => a.agency === code)) items.push({agency: code, agency_name: null, last_filed_on: null});
  }
  state.agencyList = items.sort((a, b) => a.agency.localeCompare(b.agency));
  return state.agencyList;
}

// The standard an agency's cases are scored under (GET /api/v1/standards: standards_by_agency, else default).
function agencyStandard(code) {
  const st = state.standards || {items: [], standards_by_agency: {}};
  const id = (st.standards_by_agency || {})[code] || 'default';
  return st.items.find(s => s.id === id) || {id, grades: GRADES.filter(g => g !== 'good').map(grade => ({grade}))};
}

// A person reads the agency's name (天津市西青区市场监督管理局), not its code (XQ-SCJG).
function agencyName(code) {
  const a = (state.agencyList || []).find(x => x.agency === code);
  return (a && a.agency_name) || code;
}

function agencySelectOptions(agencies) {
  return [{value: '', text: t('all_agencies')}, ...agencies.map(a => ({value: a.agency, text: a.agency_name || a.agency}))];
}

// ---------------------------------------------------------------- flagged cases

const FILTER_KEYS = ['agency', 'system', 'rule', 'severity', 'grade', 'filed_from', 'filed_to', 'q', 'all', 'sort'];

function listQuery(params) {
  const q = {};
  for (const k of FILTER_KEYS) {
    const v = params.get(k);
    if (v) q[k] = v;
  }
  const api = {
    agency: q.agency, system: q.system, rule: q.rule, severity: q.severity, grade: q.grade,
    filed_from: q.filed_from, filed_to: q.filed_to, q: q.q,
    flagged: q.all === '1' ? undefined : 'true',
    sort: q.sort === 'id' ? 'id' : 'score',
  };
  return {ui: q, api};
}

async function viewCases(params, nav) {
  const {ui, api} = listQuery(params);
  state.lastListHash = location.hash && location.hash.startsWith('#/cases') ? location.hash : '#/cases';
  const key = JSON.stringify(api);
  if (state.list.key !== key) state.list = {key, stack: [null], page: 0};

  const agencies = await agencyOptions();
  if (nav !== state.nav) return;

  const title = h('h1', {text: ui.all === '1' ? t('cases_title_all') : t('cases_title')});
  const form = buildFilterForm(ui, agencies);
  const results = h('section.results', {id: 'results', 'aria-labelledby': 'results-caption'});
  setMain(h('div.page-head', null, title), form, results);
  focusHeading();
  await loadCasePage(api, results, nav);
}

function buildFilterForm(ui, agencies) {
  const opt = (values, kind) => [{value: '', text: t('f_all')}, ...values.map(v => ({value: v, text: label(kind, v)}))];
  const ruleOpts = [{value: '', text: t('f_all')}, ...SYSTEMS.map(sys => ({
    group: label('system', sys),
    options: state.rulesList.filter(r => r.system === sys).map(r => ({value: r.id, text: r.id + ' ' + pick(r.title)})),
  }))];
  const agencySel = selectEl('f-agency', agencySelectOptions(agencies), ui.agency || '');
  const controls = {
    agency: agencySel,
    system: selectEl('f-system', opt(SYSTEMS, 'system'), ui.system || ''),
    rule: selectEl('f-rule', ruleOpts, ui.rule || ''),
    severity: selectEl('f-severity', opt(['error', 'warning'], 'severity'), ui.severity || ''),
    grade: selectEl('f-grade', opt(GRADES, 'grade'), ui.grade || ''),
    filed_from: h('input.input', {id: 'f-filed_from', type: 'date', value: ui.filed_from || ''}),
    filed_to: h('input.input', {id: 'f-filed_to', type: 'date', value: ui.filed_to || ''}),
    q: h('input.input', {id: 'f-q', type: 'search', value: ui.q || '', placeholder: t('f_q_ph'), maxlength: 200}),
    sort: selectEl('f-sort', [{value: 'score', text: t('sort_score')}, {value: 'id', text: t('sort_id')}], ui.sort === 'id' ? 'id' : 'score'),
  };
  const allBox = h('input', {id: 'f-all', type: 'checkbox', checked: ui.all === '1'});
  const lab = (k, key) => h('label', {for: controls[k].id, text: t(key)});
  const values = () => {
    const p = new URLSearchParams();
    for (const k of Object.keys(controls)) {
      if (!controls[k].isConnected) continue;
      const v = controls[k].value.trim();
      if (v && !(k === 'sort' && v === 'score')) p.set(k, v);
    }
    if (allBox.checked) p.set('all', '1');
    return p;
  };
  const exportBtn = h('button.btn', {type: 'button', id: 'export-csv'}, t('export_csv'));
  exportBtn.addEventListener('click', () => exportCsv(listQuery(values()).api, exportBtn));
  const form = h('form.filters.card', {'aria-label': t('filters'), novalidate: true, on: {submit: (e) => {
    e.preventDefault();
    const qs = values().toString();
    go('#/cases' + (qs ? '?' + qs : ''));
  }}},
  h('div.filter-grid', null,
    field(lab('q', 'f_q'), controls.q, 'wide'),
    field(lab('system', 'f_system'), controls.system),
    field(lab('rule', 'f_rule'), controls.rule, 'wide'),
    field(lab('severity', 'f_severity'), controls.severity),
    field(lab('grade', 'f_grade'), controls.grade),
    field(lab('filed_from', 'f_filed_from'), controls.filed_from),
    field(lab('filed_to', 'f_filed_to'), controls.filed_to),
    // a token of one agency sees only that agency: no choice to offer
    agencies.length === 1 && !ui.agency ? null : field(lab('agency', 'f_agency'), controls.agency),
    field(lab('sort', 'f_sort'), controls.sort, 'wide')),
  h('div.filter-actions', null,
    h('label.check', {for: 'f-all'}, allBox, h('span', {text: t('f_show_all')})),
    h('span.spacer'),
    h('button.btn.btn-primary', {type: 'submit', id: 'apply-filters'}, t('apply')),
    h('button.btn', {type: 'button', on: {click: () => go('#/cases')}}, t('reset')),
    exportBtn));
  return form;
}

async function loadCasePage(api, results, nav) {
  loading(results);
  const cursor = state.list.stack[state.list.page];
  let page;
  try {
    page = await getJSON('/api/v1/cases', {...api, limit: PAGE_SIZE, cursor: cursor || undefined,
      count: state.list.total === undefined ? 'true' : undefined});
    if (page.total !== undefined) state.list.total = page.total;
  } catch (e) {
    if (nav === state.nav) showError(e, () => loadCasePage(api, results, nav), results);
    return;
  }
  if (nav !== state.nav) return;
  clear(results);
  results.removeAttribute('aria-busy');
  const items = page.items || [];
  const multiAgency = !(state.me.agencies && state.me.agencies.length === 1);
  if (!items.length && state.list.page === 0) {
    results.append(h('div.empty.card', null, icon('check', 'icon-big'),
      h('p', {text: api.flagged ? t('no_cases_flagged') : t('no_cases')})));
    announce(api.flagged ? t('no_cases_flagged') : t('no_cases'));
    return;
  }
  const table = h('table.cases', {id: 'case-table'},
    h('caption.sr-only', {id: 'results-caption', text: api.sort === 'score' ? t('list_caption') : t('list_caption_id')}),
    h('thead', null, h('tr', null,
      h('th', {scope: 'col', text: t('col_case_no')}),
      h('th', {scope: 'col', text: t('col_party')}),
      multiAgency ? h('th', {scope: 'col', text: t('col_agency')}) : null,
      h('th.col-date', {scope: 'col', text: t('col_filed')}),
      h('th.col-date.col-decided', {scope: 'col', text: t('col_decided')}),
      h('th.num', {scope: 'col', text: t('col_score')}),
      h('th', {scope: 'col', text: t('col_grade')}),
      h('th.num', {scope: 'col', text: t('col_open')}))));
  const tbody = h('tbody');
  for (const c of items) {
    tbody.append(h('tr', {dataset: {caseId: c.id, score: c.score, grade: c.grade}},
      h('th', {scope: 'row'}, h('a.case-link', {href: '#/case/' + encodeURIComponent(c.id), text: c.case_no})),
      h('td', {text: c.party_name || ''}),
      multiAgency ? h('td', {text: c.agency_name || c.agency, title: c.agency}) : null,
      h('td.col-date', {text: fmtDate(c.filed_on)}),
      h('td.col-date.col-decided', {text: fmtDate(c.decided_on)}),
      h('td.num.score-cell', null, h('span.score-num.score-' + c.grade, {text: String(c.score)})),
      h('td', null, gradeBadge(c.grade)),
      h('td.num', null, c.open_findings > 0
        ? h('span.count-open', null, icon('flag'), String(c.open_findings))
        : h('span.count-none', {text: '0'}))));
  }
  table.append(tbody);
  const p = state.list.page;
  const prev = h('button.btn', {type: 'button', id: 'prev-page', disabled: p === 0}, '‹ ' + t('prev_page'));
  const next = h('button.btn', {type: 'button', id: 'next-page', disabled: !page.next_cursor}, t('next_page') + ' ›');
  prev.addEventListener('click', () => {
    state.list.page = Math.max(0, p - 1);
    loadCasePage(api, results, state.nav).then(() => focusFirstRow(results));
  });
  next.addEventListener('click', () => {
    state.list.stack[p + 1] = page.next_cursor;
    state.list.stack.length = p + 2;
    state.list.page = p + 1;
    loadCasePage(api, results, state.nav).then(() => focusFirstRow(results));
  });
  results.append(h('div.table-wrap.card', null, table),
    h('nav.pager', {'aria-label': t('page_n', {n: p + 1})}, prev,
      h('span.page-no', {id: 'page-no', text: t('page_n', {n: p + 1}) + ' · ' + t('rows_shown', {n: items.length})}), next));
  if (state.list.total !== undefined) {
    results.prepend(h('p.result-count', {id: 'result-count'},
      t(api.flagged ? 'total_flagged' : 'total_all', {n: state.list.total})));
  }
  announce(t('cases_loaded', {n: items.length, p: p + 1}));
}

function focusFirstRow(results) {
  const a = results.querySelector('a.case-link');
  if (a) a.focus();
}

// The CSV of the current filter, fetched with the Authorization header and saved as a Blob: the token never goes
// into a URL.
async function exportCsv(api, btn) {
  btn.disabled = true;
  const old = btn.textContent;
  btn.textContent = t('exporting');
  try {
    const blob = await getBlob('/api/v1/cases', {...api, format: 'csv'}, 'text/csv');
    const url = URL.createObjectURL(blob);
    const a = h('a', {href: url, download: 'caseaudit-cases-' + new Date().toISOString().slice(0, 10) + '.csv'});
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    announce(t('exported', {n: blob.size}));
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) { showError(e); return; }
    const box = errorBox(e);
    btn.closest('form').append(box);
    announce(box.textContent);
  } finally {
    btn.disabled = false;
    btn.textContent = old;
  }
}

// ---------------------------------------------------------------- one case

async function viewCase(id, nav, after) {
  if (!after) loading();
  let c;
  try {
    c = await getJSON('/api/v1/cases/' + encodeURIComponent(id));
  } catch (e) {
    if (nav === state.nav) showError(e, () => viewCase(id, nav));
    return null;
  }
  if (nav !== state.nav) return null;
  renderCase(c);
  if (after) after(c); else focusHeading();
  return c;
}

function canReview() {
  return state.me && (state.me.role === 'reviewer' || state.me.role === 'admin');
}

const COUNTED = new Set(['open', 'acknowledged']);
const MANDATORY_AV = new Set(['sealing', 'seizure', 'forced_demolition', 'forced_execution', 'restriction_of_freedom']);
// documents served on the party, whose seal matters (internal forms carry none)
const SEALED_DOCS = new Set(['preservation_notice', 'seizure_decision', 'release_decision', 'prior_notice', 'hearing_notice',
  'penalty_decision', 'onsite_penalty_decision']);

function renderCase(c) {
  const rec = c.record || {};
  const findings = (c.findings || []).slice();
  const sevRank = f => (COUNTED.has(f.status) ? 0 : 10) + (f.severity === 'error' ? 0 : 1) - (f.veto ? 0.5 : 0);
  findings.sort((a, b) => sevRank(a) - sevRank(b) || b.points - a.points || a.rule.localeCompare(b.rule));
  const {items, byRef} = buildTimeline(rec);
  const caseLevel = [];
  for (const f of findings) {
    const place = placeFinding(f, rec, byRef);
    if (place && byRef.has(place.ref)) {
      f._sub = place.sub || null;
      f._item = byRef.get(place.ref);
      f._item.findings.push(f);
    } else {
      f._item = null;
      caseLevel.push(f);
    }
  }
  const counted = findings.filter(f => COUNTED.has(f.status));
  const deducted = counted.reduce((n, f) => n + (f.points || 0), 0);
  const vetoed = counted.some(f => f.veto);
  const ctx = {
    officers: new Map((rec.officers || []).map(o => [o.cert_no, o.name])),
    docs: new Map((rec.documents || []).map(d => [d.id, d])),
  };

  // header: the case, its score and grade, and the list of what counts against it
  const party = rec.party || {};
  const facts = h('dl.facts', null,
    factRow('k_party', party.name),
    factRow('k_agency', (rec.agency && rec.agency.name ? rec.agency.name + '（' + c.agency + '）' : c.agency)),
    factRow('k_category', [label('category', rec.category), label('procedure', rec.procedure)].filter(Boolean).join(' · ')),
    factRow('k_cause', rec.cause),
    factRow('k_filed', rec.filed_on), factRow('k_decided', rec.decided_on), factRow('k_closed', rec.closed_on));
  const scoreBox = h('div.scorebox.grade-box-' + c.grade, {id: 'case-score-box'},
    h('div.score-label', {text: t('score')}),
    h('div.score-big', null, h('span', {id: 'case-score', dataset: {score: c.score}, text: String(c.score)}),
      h('span.score-unit', {text: t('points_unit')})),
    h('div', {id: 'case-grade'}, gradeBadge(c.grade, true)),
    h('p.score-note', {text: t('findings_counted', {n: counted.length, p: deducted})}),
    vetoed ? h('p.score-note.veto-note', null, icon('veto'), t('veto_present')) : null);
  const overview = h('div.overview');
  overview.append(h('h2.overview-title', {text: t('overview_title')}));
  if (counted.length) {
    const ol = h('ol.overview-list');
    for (const f of counted) {
      const where = f._item ? itemTitle(f._item, ctx) : t('case_level');
      ol.append(h('li', null,
        h('button.jump', {type: 'button', dataset: {finding: f.id}, on: {click: () => jumpTo(f.id)}},
          icon(f.severity === 'error' ? 'error' : 'warning', 'sev-icon-' + f.severity),
          h('span.rule-id', {text: f.rule}),
          h('span.jump-title', {text: ruleTitle(f.rule)}),
          h('span.jump-where', {text: where}),
          h('span.jump-points', {text: f.points ? '−' + f.points : '0'}))));
    }
    overview.append(ol);
  } else {
    overview.append(h('p.overview-none', null, icon('check'), t('overview_none')));
  }
  const head = h('section.case-head.card', {'aria-labelledby': 'case-title', id: 'case-head'},
    h('div.case-title-block', null,
      h('p.eyebrow', {text: t('case_facts')}),
      h('h1', {id: 'case-title', text: c.case_no}),
      facts,
      overview),
    scoreBox);

  // the same essentials, pinned at the top once the header has scrolled away
  const sticky = h('div.case-sticky', {'aria-hidden': 'true'},
    h('span.sticky-no', {text: c.case_no}),
    h('span.sticky-score', null, t('score') + ' ', h('strong.score-num.score-' + c.grade, {id: 'case-score-sticky', text: String(c.score)})),
    gradeBadge(c.grade),
    h('span.muted', {text: t('findings_counted', {n: counted.length, p: deducted})}));

  // case-level findings
  const caseSection = h('section.case-level', {'aria-labelledby': 'case-level-title'},
    h('h2', {id: 'case-level-title'}, t('case_level'), h('span.count-pill', {text: String(caseLevel.length)})));
  if (caseLevel.length) {
    const list = h('div.finding-list.case-level-list');
    for (const f of caseLevel) list.append(renderFinding(f, c, null));
    caseSection.append(list);
  } else {
    caseSection.append(h('p.muted', {text: t('case_level_none')}));
  }

  // timeline
  const onlyBox = h('input', {id: 'only-flagged-items', type: 'checkbox', checked: state.onlyFlaggedItems});
  const ol = h('ol.timeline', {id: 'timeline'});
  let lastDate = null;
  for (const it of items) {
    ol.append(renderItem(it, c, ctx, it.date !== lastDate));
    lastDate = it.date;
  }
  const applyOnly = () => {
    state.onlyFlaggedItems = onlyBox.checked;
    ol.classList.toggle('only-flagged', onlyBox.checked);
  };
  onlyBox.addEventListener('change', applyOnly);
  applyOnly();
  const tl = h('section.timeline-section', {'aria-labelledby': 'timeline-title'},
    h('div.section-head', null,
      h('div', null, h('h2', {id: 'timeline-title', text: t('timeline')}), h('p.muted.small', {text: t('timeline_hint')})),
      h('label.check', {for: 'only-flagged-items'}, onlyBox, h('span', {text: t('only_flagged_items')}))),
    ol);

  const back = h('a.back-link', {href: state.lastListHash}, '‹ ' + t('back_to_list'));
  setMain(sticky, back, head, standardCard(c), caseSection, tl);
  const io = new IntersectionObserver(([e]) => {
    if (!sticky.isConnected) { io.disconnect(); return; }
    sticky.classList.toggle('shown', !e.isIntersecting);
  });
  io.observe(scoreBox);
  // re-open review histories the reviewer had open
  for (const fid of state.openHistory) {
    const card = document.getElementById('finding-' + fid);
    if (card) toggleHistory(card, fid, true);
  }
}

// The case's score by section under its agency's standard, and under any other standard of the pack on demand
// (GET /api/v1/cases/{id}?standard=ID): the reviewer sees what the official score sheet would give.
function standardCard(c) {
  const own = agencyStandard(c.agency).id;
  const sel = selectEl('std-select', (state.standards ? state.standards.items : []).map(s =>
    ({value: s.id, text: pick(s.name) + (s.id === own ? t('std_agency') : '')})), c.standard || own);
  const body = h('div.std-body', {id: 'std-body'});
  const draw = (r) => {
    const st = (state.standards ? state.standards.items : []).find(s => s.id === r.standard) || {sections: []};
    clear(body);
    body.removeAttribute('aria-busy');
    body.append(h('p.std-result', {id: 'std-result'}, t('std_result') + ' ',
      h('strong.score-num.score-' + r.grade, {id: 'std-score', text: String(r.score)}), ' ' + t('points_unit') + ' ',
      gradeBadge(r.grade)));
    if (!r.sections || !r.sections.length) {
      body.append(h('p.muted', {text: t('std_no_sections')}));
      return;
    }
    const title = id => { const s = (st.sections || []).find(x => x.id === id); return s ? pick(s.title) : id; };
    body.append(h('div.table-wrap', null, h('table.cases.small', {id: 'std-sections'},
      h('caption', {text: t('std_sections_caption')}),
      h('thead', null, h('tr', null, h('th', {scope: 'col', text: t('col_section')}),
        ...['col_points', 'col_deducted', 'col_section_score'].map(k => h('th.num', {scope: 'col', text: t(k)})))),
      h('tbody', null, r.sections.map(s => h('tr', {dataset: {section: s.id}},
        h('th', {scope: 'row', text: title(s.id)}), h('td.num', {text: String(s.points)}),
        h('td.num' + (s.deducted ? '.deducted' : ''), {text: s.deducted ? '−' + s.deducted : '0'}),
        h('td.num', {text: String(s.score)})))),
      h('tfoot', null, h('tr', null, h('th', {scope: 'row', text: t('std_total')}),
        h('td.num', {text: String(r.sections.reduce((n, s) => n + s.points, 0))}),
        h('td.num', {text: '−' + r.sections.reduce((n, s) => n + s.deducted, 0)}),
        h('td.num', {text: String(r.score)}))))));
  };
  draw({standard: c.standard || own, score: c.score, grade: c.grade, sections: c.sections});
  sel.addEventListener('change', async () => {
    loading(body);
    try {
      const r = await getJSON('/api/v1/cases/' + encodeURIComponent(c.id), {standard: sel.value});
      if (sel.isConnected) { draw(r); announce(t('std_result') + ' ' + r.score); }
    } catch (e) {
      showError(e, () => sel.dispatchEvent(new Event('change')), body);
    }
  });
  return h('section.card.standard-card', {'aria-labelledby': 'std-title', id: 'standard-card'},
    h('div.section-head', null, h('h2', {id: 'std-title', text: t('std_title')}),
      field(h('label', {for: 'std-select', text: t('std_label')}), sel)),
    body);
}

function jumpTo(fid) {
  const card = document.getElementById('finding-' + fid);
  if (!card) return;
  card.setAttribute('tabindex', '-1');
  card.scrollIntoView({block: 'center'});
  card.focus({preventScroll: true});
  card.classList.remove('flash');
  void card.offsetWidth;
  card.classList.add('flash');
}

function factRow(key, value) {
  if (value === undefined || value === null || value === '') return null;
  return h('div.fact', null, h('dt', {text: t(key)}), h('dd', {text: String(value)}));
}

function detail(dl, key, value) {
  if (value === undefined || value === null || value === '' || (Array.isArray(value) && !value.length)) return;
  dl.append(h('div.d', null, h('dt', {text: t(key)}), h('dd', null, value)));
}

function yesNo(v) {
  return v === true ? t('d_yes') : v === false ? t('d_no') : t('d_unknown');
}

function timeRange(a, b) {
  const ta = timePart(a), tb = timePart(b);
  if (!ta) return '';
  if (!b) return ta;
  return datePart(a) === datePart(b) ? ta + '–' + tb : fmtLocal(a) + ' – ' + fmtLocal(b);
}

const KIND_ICON = {event: 'flag', recording: 'video', document: 'doc', service: 'doc', decision: 'flag'};

function itemTitle(it, ctx) {
  const d = it.data || {};
  switch (it.kind) {
    case 'event': return label('event', d.type) + '（' + d.id + '）';
    case 'recording': return t('t_recording') + '（' + d.id + '）';
    case 'document': return label('document', d.type) + '（' + d.id + '）';
    case 'service': {
      const doc = ctx.docs.get(d.document_ref);
      return t('t_service') + '《' + (doc ? label('document', doc.type) : d.document_ref) + '》（' + d.document_ref + '）';
    }
    case 'change': return t('t_change') + '：' + label('change', d.kind);
    default: return t('t_' + it.kind);
  }
}

// offset in minutes of an RFC 3339 instant ("+08:00" -> 480), so times are shown as the record wrote them
function offsetOf(v) {
  const m = /([+-])(\d{2}):?(\d{2})$/.exec(v || '');
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

function hhmm(ms, off) {
  return new Date(ms + off * 60000).toISOString().slice(11, 16);
}

// An event and its recordings on one time axis, the stretches of the event that no recording covers hatched.
function coverageStrip(ev, recs) {
  const s0 = Date.parse(ev.started_at), e0 = Date.parse(ev.ended_at);
  if (!(e0 > s0)) return null;
  const spans = recs.map(r => [Date.parse(r.started_at), Date.parse(r.ended_at), r.id]).filter(x => x[1] > x[0]);
  const lo = Math.min(s0, ...spans.map(x => x[0])), hi = Math.max(e0, ...spans.map(x => x[1]));
  const off = offsetOf(ev.started_at);
  const pct = v => ((v - lo) / (hi - lo)) * 100;
  const seg = (cls, a, b, title) => {
    const el = h('span.cov-seg.' + cls, {title});
    el.style.left = pct(a).toFixed(3) + '%';
    el.style.width = Math.max(0.6, pct(b) - pct(a)).toFixed(3) + '%';
    return el;
  };
  // stretches of [s0, e0] outside every recording
  const gaps = [];
  let cur = s0;
  for (const [a, b] of spans.slice().sort((x, y) => x[0] - y[0])) {
    if (a > cur && cur < e0) gaps.push([cur, Math.min(a, e0)]);
    cur = Math.max(cur, b);
  }
  if (cur < e0) gaps.push([cur, e0]);
  const evTrack = h('span.cov-track', null, seg('cov-event', s0, e0, label('event', ev.type) + ' ' + hhmm(s0, off) + '–' + hhmm(e0, off)));
  for (const [a, b] of gaps) evTrack.append(seg('cov-gap', a, b, t('cov_gap', {from: hhmm(a, off), to: hhmm(b, off)})));
  const rows = [h('span.cov-row', null, h('span.cov-label', {text: t('cov_event')}), evTrack)];
  for (const [a, b, id] of spans) {
    rows.push(h('span.cov-row', null, h('span.cov-label', {text: id}),
      h('span.cov-track', null, seg('cov-rec', a, b, id + ' ' + hhmm(a, off) + '–' + hhmm(b, off)))));
  }
  if (!spans.length) rows.push(h('span.cov-row', null, h('span.cov-label', {text: t('t_recording')}), h('span.cov-track.cov-none', {text: t('d_no_recording')})));
  const gapText = gaps.map(([a, b]) => t('cov_gap', {from: hhmm(a, off), to: hhmm(b, off)}));
  const aria = t('cov_aria', {event: hhmm(s0, off) + '–' + hhmm(e0, off),
    recs: spans.map(([a, b, id]) => id + ' ' + hhmm(a, off) + '–' + hhmm(b, off)).join('、') || t('d_no_recording'),
    gaps: gapText.join('、') || t('cov_full')});
  return h('span.cov', {role: 'img', 'aria-label': aria, dataset: {gaps: gaps.length}},
    rows,
    h('span.cov-axis', null, h('span', {text: hhmm(lo, off)}),
      gaps.length ? h('span.cov-gap-text', null, icon('error'), gapText.join('；')) : h('span.cov-ok', null, icon('check'), t('cov_full')),
      h('span', {text: hhmm(hi, off)})));
}

function renderItem(it, c, ctx, firstOfDay) {
  const d = it.data || {};
  const title = itemTitle(it, ctx);
  const dl = h('dl.details');
  switch (it.kind) {
    case 'discovered':
      detail(dl, 'd_began', d.began_on); detail(dl, 'd_ended', d.ended_on);
      break;
    case 'event': {
      detail(dl, 'd_time', timeRange(d.started_at, d.ended_at));
      detail(dl, 'd_officers', (d.officers || []).map(cn => ctx.officers.get(cn) || cn).join('、'));
      detail(dl, 'd_docs', (d.document_refs || []).map(r => (ctx.docs.get(r) ? label('document', ctx.docs.get(r).type) : '') + '（' + r + '）').join('、'));
      const recs = it.recordings || [];
      if (recs.length) {
        const ul = h('ul.rec-list');
        for (const r of recs) {
          ul.append(h('li', {dataset: {recordingId: r.id}}, icon('video'),
            h('strong', {text: r.id}), ' ', timeRange(r.started_at, r.ended_at),
            r.device_id ? h('span.muted', {text: ' · ' + t('d_device') + ' ' + r.device_id}) : null,
            r.interruption_note ? h('span.muted', {text: ' · ' + r.interruption_note}) : null));
        }
        detail(dl, 'd_recordings', ul);
      } else {
        detail(dl, 'd_recordings', h('span.muted', {text: t('d_no_recording')}));
      }
      if (d.no_av_reason) detail(dl, 'd_no_av_reason', label('no_av', d.no_av_reason));
      break;
    }
    case 'recording':
      detail(dl, 'd_time', timeRange(d.started_at, d.ended_at));
      detail(dl, 'd_device', d.device_id);
      detail(dl, 'd_interruption', d.interruption_note);
      break;
    case 'document':
      detail(dl, 'd_number', d.number);
      detail(dl, 'd_pages', d.pages);
      if (SEALED_DOCS.has(d.type) || d.seal === false && it.findings.length) detail(dl, 'd_seal', yesNo(d.seal));
      break;
    case 'service':
      detail(dl, 'd_method', label('method', d.method));
      if (d.witness !== undefined && d.witness !== null) detail(dl, 'd_witness', yesNo(d.witness));
      detail(dl, 'd_tracking', d.tracking_no);
      break;
    case 'legal_review':
      detail(dl, 'd_reviewer', d.reviewer && d.reviewer.name);
      detail(dl, 'd_opinion', label('opinion', d.opinion));
      detail(dl, 'd_submitted', d.submitted_on);
      detail(dl, 'd_comments', d.comments);
      break;
    case 'collective':
      detail(dl, 'd_chair', d.chair);
      detail(dl, 'd_attendees', (d.attendees || []).join('、'));
      detail(dl, 'd_conclusion', d.conclusion);
      detail(dl, 'd_signed', yesNo(d.signed));
      break;
    case 'hearing':
      detail(dl, 'd_right_notified', yesNo(d.right_notified));
      if (d.waived) detail(dl, 'd_waived', t('d_yes'));
      detail(dl, 'd_requested', d.requested_on);
      detail(dl, 'd_notice_served', d.notice_served_on);
      break;
    case 'decision':
      detail(dl, 'd_outcome', label('outcome', d.outcome));
      detail(dl, 'd_penalties', (d.penalties || []).map(p => label('penalty', p.kind) + (p.amount ? ' ' + fmtMoney(p.amount) : '')).join('；'));
      if (d.major) detail(dl, 'd_major', t('d_yes'));
      if (d.complex) detail(dl, 'd_complex', t('d_yes'));
      break;
    case 'publication':
      detail(dl, 'd_number', d.document_number);
      if (d.url) detail(dl, 'd_url', h('span.url', {text: d.url}));
      break;
    case 'withdrawn':
      detail(dl, 'd_reason', d.withdraw_reason);
      break;
    case 'extension':
      detail(dl, 'd_kind', label('extension', d.kind));
      detail(dl, 'd_duration', d.days !== undefined ? t('d_days', {n: d.days}) : '');
      break;
    case 'suspension':
      detail(dl, 'd_kind', label('suspension', d.kind));
      detail(dl, 'd_time', (d.from || '') + ' – ' + (d.to || ''));
      break;
    case 'archived':
      detail(dl, 'd_retention', label('retention', d.retention));
      if (d.catalog) detail(dl, 'd_catalog', t('d_catalog_n', {n: d.catalog.length}));
      break;
    default:
      break;
  }
  const fs = it.findings;
  const live = fs.filter(f => COUNTED.has(f.status));
  const worst = live.some(f => f.severity === 'error') ? 'error' : live.length ? 'warning' : fs.length ? 'closed' : 'none';
  const when = h('div.tl-when' + (firstOfDay ? '' : '.same-day'), null,
    h('span.tl-date' + (firstOfDay ? '' : '.sr-only'), {text: it.date || t('undated')}),
    timePart(it.when) ? h('span.tl-time', {text: timeRange(it.when, it.end)}) : null);
  let strip = null;
  if (it.kind === 'event' && d.started_at && d.ended_at && ((it.recordings || []).length || MANDATORY_AV.has(d.type))) {
    strip = coverageStrip(d, it.recordings || []);
  }
  const body = h('div.tl-body', null,
    h('h3.tl-title', null, icon(KIND_ICON[it.kind] || 'dot'), h('span', {text: title})),
    dl.childNodes.length ? dl : null,
    strip);
  const li = h('li.tl-item.tl-' + it.kind + '.tl-sev-' + worst + (firstOfDay ? '.first-of-day' : ''), {dataset: {ref: it.ref || '', kind: it.kind}},
    h('span.tl-marker', {'aria-hidden': 'true'}), when, body);
  if (fs.length) {
    const col = h('div.tl-findings', {'aria-label': t('item_findings', {n: fs.length})});
    for (const f of fs) col.append(renderFinding(f, c, f._sub));
    li.append(col);
    li.classList.add('has-findings');
  }
  return li;
}

// ---------------------------------------------------------------- a finding and its review

function renderFinding(f, c, sub) {
  const rule = state.rules.get(f.rule);
  const ev = f.evidence || {};
  const card = h('article.finding.sev-' + f.severity + '.st-' + f.status, {id: 'finding-' + f.id,
    dataset: {findingId: f.id, rule: f.rule, status: f.status, points: f.points, key: f.key || ''},
    'aria-labelledby': 'ft-' + f.id});
  const head = h('header.finding-head', null,
    severityBadge(f.severity),
    h('h4.finding-title', {id: 'ft-' + f.id}, h('span.rule-id', {text: f.rule}), ' ', h('span', {text: rule ? pick(rule.title) : ''})),
    h('div.finding-tags', null,
      f.veto ? h('span.badge.veto', null, icon('veto'), t('f_veto')) : null,
      h('span.badge.points', {text: f.points ? t('f_points', {n: f.points}) : t('f_points_zero')}),
      statusBadge(f.status)));
  const msg = h('p.finding-msg', {text: pick(f.message)});
  const meta = h('dl.finding-meta');
  const dd = deadlineOf(ev);
  if (sub) meta.append(h('div.d', null, h('dt', {text: t('t_recording')}), h('dd', {text: sub})));
  if (dd) meta.append(h('div.d.deadline', null, h('dt', {text: dd.key === 'due' ? t('f_due') : t('f_deadline')}), h('dd', null, h('time', {datetime: dd.value, text: dd.value}))));
  if (f.waived_until && f.status === 'waived') meta.append(h('div.d', null, h('dt', {text: t('f_waived_until')}), h('dd', {text: f.waived_until})));
  if (rule && rule.basis) meta.append(h('div.d.basis', null, h('dt', {text: t('f_basis')}), h('dd', {text: rule.basis})));
  card.append(head, msg, meta);

  const actions = h('div.finding-actions');
  const formSlot = h('div.review-slot');
  const histId = 'hist-' + f.id;
  const histBtn = h('button.btn.btn-small.btn-link', {type: 'button', 'aria-expanded': 'false', 'aria-controls': histId,
    dataset: {action: 'history'}}, t('act_history'));
  histBtn.addEventListener('click', () => toggleHistory(card, f.id));
  if (canReview() && f.status !== 'resolved') {
    const allowed = {open: ['acknowledge', 'waive'], acknowledged: ['waive', 'reopen'], waived: ['acknowledge', 'reopen']}[f.status] || [];
    for (const a of allowed) {
      actions.append(h('button.btn.btn-small' + (a === 'waive' ? '.btn-waive' : ''), {type: 'button', dataset: {action: a},
        on: {click: () => openReviewForm(card, f, c, a, formSlot)}}, t('act_' + a)));
    }
  }
  actions.append(histBtn);
  card.append(actions, formSlot, h('div.history', {id: histId, hidden: true}));
  return card;
}

function openReviewForm(card, f, c, action, slot) {
  clear(slot);
  const fid = f.id;
  const cid = 'rc-' + fid, uid = 'ru-' + fid, eid = 're-' + fid;
  const comment = h('textarea.input', {id: cid, name: 'comment', rows: 3, maxlength: 4000, required: action === 'waive',
    'aria-describedby': eid});
  const until = action === 'waive' ? h('input.input', {id: uid, name: 'until', type: 'date'}) : null;
  const err = h('p.form-error', {id: eid, role: 'alert'});
  const submitKey = {waive: 'review_submit_waive', acknowledge: 'review_submit_ack', reopen: 'review_submit_reopen'}[action];
  const submit = h('button.btn.btn-primary.btn-small', {type: 'submit'}, t(submitKey));
  const form = h('form.review-form', {novalidate: true, dataset: {action}, 'aria-label': t('act_' + action) + ' ' + f.rule},
    action === 'waive' ? h('p.form-title', {text: t('waive_title')}) : null,
    h('div.field', null, h('label', {for: cid, text: action === 'waive' ? t('review_comment_req') : t('review_comment')}), comment),
    until ? h('div.field', null, h('label', {for: uid, text: t('review_until')}), until) : null,
    err,
    h('div.form-actions', null, submit,
      h('button.btn.btn-small', {type: 'button', on: {click: () => { clear(slot); card.querySelector('[data-action="' + action + '"]')?.focus(); }}}, t('cancel'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = {action};
    const text = comment.value.trim();
    if (text) body.comment = text;
    if (until && until.value) body.until = until.value;
    if (action === 'waive' && !text) {
      err.textContent = t('comment_required');
      comment.setAttribute('aria-invalid', 'true');
      comment.focus();
      return;
    }
    submit.disabled = true;
    err.className = 'form-info';
    err.textContent = t('review_saving');
    const before = c.score;
    try {
      await postJSON('/api/v1/findings/' + encodeURIComponent(fid) + '/reviews', body);
    } catch (ex) {
      submit.disabled = false;
      err.className = 'form-error';
      if (ex instanceof ApiError && ex.status === 401) { showError(ex); return; }
      err.textContent = ex instanceof ApiError && ex.status !== 0 && ex.status !== 503 && ex.status !== 403
        ? t('review_refused', {msg: ex.message || ex.code}) : errorBox(ex).textContent;
      return;
    }
    state.openHistory.add(fid);
    await viewCase(c.id, state.nav, (fresh) => {
      const again = document.getElementById('finding-' + fid);
      if (again) {
        again.setAttribute('tabindex', '-1');
        again.focus();
        again.classList.add('just-reviewed');
      }
      toast(t('review_done', {action: label('action', action), rule: f.rule + ' ' + ruleTitle(f.rule), from: before, to: fresh.score}));
    });
  });
  slot.append(form);
  comment.focus();
}

async function toggleHistory(card, fid, forceOpen) {
  const panel = card.querySelector('.history');
  const btn = card.querySelector('[data-action="history"]');
  const open = forceOpen || panel.hidden;
  panel.hidden = !open;
  btn.setAttribute('aria-expanded', String(open));
  btn.textContent = open ? t('act_history_hide') : t('act_history');
  if (!open) { state.openHistory.delete(fid); return; }
  state.openHistory.add(fid);
  clear(panel).append(h('p.muted.small', {text: t('history_loading')}));
  let f;
  try {
    f = await getJSON('/api/v1/findings/' + encodeURIComponent(fid));
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) { showError(e); return; }
    clear(panel).append(errorBox(e, () => toggleHistory(card, fid, true)));
    return;
  }
  clear(panel);
  panel.append(h('h5.history-title', {text: t('history_title')}));
  const reviews = f.reviews || [];
  if (!reviews.length) { panel.append(h('p.muted.small', {text: t('history_empty')})); return; }
  const ol = h('ol.history-list');
  for (const r of reviews) {
    ol.append(h('li.history-entry', {dataset: {action: r.action}},
      h('div.history-line', null,
        h('time', {datetime: r.at, text: fmtStamp(r.at)}), ' · ',
        h('strong', {text: r.by}), ' · ',
        h('span', {text: label('action', r.action)}),
        h('span.muted', {text: '（' + t('st_' + r.from) + ' → ' + t('st_' + r.to) + '）'}),
        r.until ? h('span.muted', {text: ' · ' + t('f_waived_until') + ' ' + r.until}) : null),
      r.comment ? h('p.history-comment', {text: r.comment}) : null));
  }
  panel.append(ol);
}

// ---------------------------------------------------------------- dashboard

function monthStr(d) { return d.getUTCFullYear() + '-' + String(d.getUTCMonth() + 1).padStart(2, '0'); }

function monthsBetween(from, to) {
  const out = [];
  let [y, m] = from.split('-').map(Number);
  const [ty, tm] = to.split('-').map(Number);
  while ((y < ty || (y === ty && m <= tm)) && out.length < 37) {
    out.push(y + '-' + String(m).padStart(2, '0'));
    m++; if (m > 12) { m = 1; y++; }
  }
  return out;
}

function monthEnd(ym) {
  const [y, m] = ym.split('-').map(Number);
  const d = new Date(Date.UTC(y, m, 0));
  return d.toISOString().slice(0, 10);
}

// The default period: the last 12 months; when no case of the agencies shown was filed in them, the 12 months up to
// the latest filing of those agencies (so that the first look is never an empty page while there are cases).
function defaultPeriod(agencies, agency) {
  const now = new Date();
  const last12 = end => ({from: monthStr(new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - 11, 1))), to: monthStr(end)});
  const p = last12(now);
  const shown = agency ? agencies.filter(a => a.agency === agency) : agencies;
  const latest = shown.map(a => a.last_filed_on).filter(Boolean).sort().pop();
  if (latest && latest.slice(0, 7) < p.from) {
    const [y, m] = latest.split('-').map(Number);
    return {...last12(new Date(Date.UTC(y, m - 1, 1))), moved: true};
  }
  return p;
}

async function viewDashboard(params, nav) {
  const okMonth = v => /^\d{4}-\d{2}$/.test(v || '');
  const agency = params.get('agency') || '';
  const agencies = await agencyOptions();
  if (nav !== state.nav) return;
  const def = defaultPeriod(agencies, agency);
  const from = okMonth(params.get('from')) ? params.get('from') : def.from;
  const to = okMonth(params.get('to')) ? params.get('to') : def.to;
  const moved = def.moved && !okMonth(params.get('from')) && !okMonth(params.get('to'));

  const fromIn = h('input.input', {id: 'd-from', type: 'month', value: from, required: true});
  const toIn = h('input.input', {id: 'd-to', type: 'month', value: to, required: true});
  const agSel = selectEl('d-agency', agencySelectOptions(agencies), agency);
  const ferr = h('p.form-error', {role: 'alert'});
  const form = h('form.filters.card.dash-form', {novalidate: true, 'aria-label': t('dash_title'), on: {submit: (e) => {
    e.preventDefault();
    const f = fromIn.value, tt = toIn.value;
    if (!okMonth(f) || !okMonth(tt) || f > tt || monthsBetween(f, tt).length > 36) { ferr.textContent = t('period_invalid'); return; }
    const p = new URLSearchParams({from: f, to: tt});
    if (agSel.isConnected && agSel.value) p.set('agency', agSel.value);
    go('#/dashboard?' + p.toString());
  }}},
  h('div.filter-grid.dash-grid' + (agencies.length === 1 && !agency ? '.one-agency' : ''), null,
    agencies.length === 1 && !agency ? null : field(h('label', {for: 'd-agency', text: t('f_agency')}), agSel),
    field(h('label', {for: 'd-from', text: t('dash_period_from')}), fromIn),
    field(h('label', {for: 'd-to', text: t('dash_period_to')}), toIn),
    h('div.field.field-button', null, h('button.btn.btn-primary', {type: 'submit', id: 'dash-apply'}, t('dash_apply')))),
  ferr);
  const out = h('div.dash-out', {id: 'dash-out'});
  setMain(h('div.page-head', null, h('h1', {text: t('dash_title')})), form, out);
  focusHeading();
  if (from > to) { ferr.textContent = t('period_invalid'); return; }
  await loadDashboard({agency, from, to, moved}, out, nav);
}

async function loadDashboard(p, out, nav) {
  loading(out);
  const fromDate = p.from + '-01', toDate = monthEnd(p.to);
  let st;
  try {
    st = await getJSON('/api/v1/stats', {agency: p.agency || undefined, from: fromDate, to: toDate});
  } catch (e) {
    if (nav === state.nav) showError(e, () => loadDashboard(p, out, nav), out);
    return;
  }
  if (nav !== state.nav) return;
  clear(out);
  out.removeAttribute('aria-busy');
  out.append(h('p.muted.period', {id: 'dash-period', text: t('dash_period', {from: fromDate, to: toDate})}));
  if (p.moved) out.append(h('p.notice.notice-info.period-moved', {id: 'dash-period-moved', text: t('dash_period_moved')}));
  const ags = (st.agencies || []).slice().sort((a, b) => a.agency.localeCompare(b.agency));
  if (!ags.length || ags.every(a => !a.cases)) {
    out.append(h('div.empty.card', null, h('p', {text: t('dash_no_data')})));
    announce(t('dash_no_data'));
    return;
  }
  if (ags.length > 1) out.append(compareTable(ags));
  const trendSlots = new Map();
  for (const a of ags) {
    const sec = agencySection(a);
    trendSlots.set(a.agency, sec.querySelector('.trend-slot'));
    out.append(sec);
  }
  announce(t('dash_period', {from: fromDate, to: toDate}));
  if (ags.length) await loadTrend(p, trendSlots, nav);
}

function compareTable(ags) {
  return h('section.card.compare', {'aria-labelledby': 'compare-title'},
    h('h2', {id: 'compare-title', text: t('compare_title')}),
    h('div.table-wrap', null, h('table.cases', null,
      h('thead', null, h('tr', null, ...['col_agency', 'kpi_cases', 'kpi_flagged', 'kpi_avg', 'cov_av', 'cov_review', 'cov_pub']
        .map((k, i) => h('th' + (i ? '.num' : ''), {scope: 'col', text: t(k)})))),
      h('tbody', null, ags.map(a => h('tr', null,
        h('th', {scope: 'row', title: a.agency, text: a.agency_name || a.agency}),
        h('td.num', {text: fmtNumber(a.cases)}), h('td.num', {text: fmtNumber(a.flagged_cases)}),
        h('td.num', {text: fmtNumber(a.average_score, 1)}),
        h('td.num', {text: fmtRate(a.av_coverage && a.av_coverage.rate)}),
        h('td.num', {text: fmtRate(a.legal_review_coverage && a.legal_review_coverage.rate)}),
        h('td.num', {text: fmtRate(a.publication_on_time && a.publication_on_time.rate)})))))));
}

function kpi(key, value, id, sub) {
  return h('div.kpi', {dataset: {kpi: id}}, h('div.kpi-label', {text: t(key)}),
    h('div.kpi-value', {text: value}), sub ? h('div.kpi-sub', {text: sub}) : null);
}

function agencySection(a) {
  const sid = 'ag-' + a.agency.replace(/[^A-Za-z0-9_-]/g, '_');
  const sec = h('section.agency', {id: sid, 'aria-labelledby': sid + '-t', dataset: {agency: a.agency}});
  sec.append(h('h2.agency-title', {id: sid + '-t'}, a.agency_name || a.agency,
    a.agency_name ? h('span.agency-code', {text: a.agency}) : null));
  const rate = a.cases ? a.flagged_cases / a.cases : null;
  sec.append(h('div.kpis', null,
    kpi('kpi_cases', fmtNumber(a.cases), 'cases'),
    kpi('kpi_flagged', fmtNumber(a.flagged_cases), 'flagged_cases'),
    kpi('kpi_avg', a.average_score === null || a.average_score === undefined ? '—' : fmtNumber(a.average_score, 1), 'average_score'),
    kpi('kpi_flag_rate', fmtRate(rate), 'flag_rate')));

  const bySys = a.findings_by_system || {};
  const sysItems = SYSTEMS.map(k => ({key: k, label: label('system', k), value: bySys[k] || 0, cls: 'sys-' + k}));
  const grades = a.grades || {};
  // the grades of the agency's standard (良好 only where its standard has that band), and any grade counted
  const bands = agencyStandard(a.agency).grades.map(b => b.grade);
  const gradeItems = GRADES.filter(g => bands.includes(g) || grades[g])
    .map(g => ({key: g, label: label('grade', g), value: grades[g] || 0, cls: 'grade-' + g}));
  const list = items => items.map(i => i.label + ' ' + i.value).join('，');
  const byRule = Object.entries(a.findings_by_rule || {}).sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0])).slice(0, 8);
  const ruleItems = byRule.map(([id, n]) => {
    const title = ruleTitle(id);
    return {key: id, label: id + ' ' + title, value: n, cls: 'sys-' + ((state.rules.get(id) || {}).system || '')};
  });
  const total = gradeItems.reduce((n, g) => n + g.value, 0);

  const cov = h('div.gauges');
  const covs = [
    ['cov_av', 'cov_av_sub', a.av_coverage, 'events', 'covered', 'av_coverage'],
    ['cov_review', 'cov_review_sub', a.legal_review_coverage, 'decisions', 'reviewed', 'legal_review_coverage'],
    ['cov_pub', 'cov_pub_sub', a.publication_on_time, 'decisions', 'on_time', 'publication_on_time'],
  ];
  for (const [lk, sk, o, totalKey, okKey, key] of covs) {
    const r = o ? o.rate : null;
    cov.append(h('figure.gauge-fig', {dataset: {key}},
      gauge(r, {aria: t('svg_gauge', {label: t(lk), value: fmtRate(r)}), key}),
      h('figcaption', null, h('strong', {text: t(lk)}),
        h('span.muted.small', {text: o && o[totalKey] ? t(sk, {a: o[okKey], b: o[totalKey]}) : t('cov_none')}))));
  }

  const grid = h('div.chart-grid');
  grid.append(chartCard(t('chart_coverage'), cov, 'coverage', null, 'wide'));
  grid.append(chartCard(t('chart_systems'), chartSlot(w => barChart(sysItems, {aria: t('svg_systems', {list: list(sysItems)}), width: w})), 'systems'));
  grid.append(chartCard(t('chart_grades'), chartSlot(w => barChart(gradeItems, {aria: t('svg_grades', {list: list(gradeItems)}), width: w})), 'grades',
    h('p.chart-note', {text: gradeItems.map(g => g.label + ' ' + (total ? Math.round(g.value / total * 100) : 0) + '%').join(' · ')})));
  grid.append(chartCard(t('chart_trend'), h('div.trend-slot', null, h('p.loading', null, h('span.spinner', {'aria-hidden': 'true'}), t('trend_loading'))), 'trend', null, 'wide'));
  grid.append(chartCard(t('chart_rules'), ruleItems.length
    ? chartSlot(w => barChart(ruleItems, {aria: t('svg_rules', {list: list(ruleItems)}), width: w}))
    : h('p.muted', {text: t('no_cases_list')}), 'rules', null, 'wide'));
  grid.append(caseListCard(t('best_cases'), a.best_cases || [], 'best'));
  grid.append(caseListCard(t('worst_cases'), a.worst_cases || [], 'worst'));
  sec.append(grid);
  return sec;
}

// A chart drawn at its container's width once it is in the page, and drawn again when that width changes.
function chartSlot(build) {
  const slot = h('div.chart-slot');
  let drawn = 0;
  const draw = () => {
    const w = Math.floor(slot.clientWidth);
    if (!w || w === drawn) return;
    drawn = w;
    clear(slot).append(build(w));
  };
  const ro = new ResizeObserver(() => {
    if (!slot.isConnected) { ro.disconnect(); return; }
    draw();
  });
  ro.observe(slot);
  return slot;
}

function chartCard(title, content, key, note, extra) {
  return h('figure.card.chart-card' + (extra ? '.' + extra : ''), {dataset: {chart: key}},
    h('figcaption.chart-title', {text: title}), content, note || null);
}

function caseListCard(title, cases, key) {
  const ol = h('ol.case-rank');
  for (const c of cases) {
    ol.append(h('li', null,
      h('a', {href: '#/case/' + encodeURIComponent(c.id), text: c.case_no}),
      h('span.rank-score', null, h('span.score-num', {text: String(c.score)}), gradeBadge(c.grade))));
  }
  return h('section.card.chart-card.rank-' + key, {dataset: {list: key}, 'aria-label': title},
    h('h3.chart-title', null, icon(key === 'best' ? 'star' : 'flag'), title),
    cases.length ? ol : h('p.muted', {text: t('no_cases_list')}));
}

// The trend: GET /api/v1/stats once per month of the period (at most 4 at a time).
async function loadTrend(p, slots, nav) {
  const months = monthsBetween(p.from, p.to);
  const results = new Array(months.length);
  let next = 0, failed = null;
  const worker = async () => {
    while (next < months.length && !failed) {
      const i = next++;
      try {
        results[i] = await getJSON('/api/v1/stats', {agency: p.agency || undefined, from: months[i] + '-01', to: monthEnd(months[i])});
      } catch (e) { failed = e; }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  if (nav !== state.nav) return;
  for (const [ag, slot] of slots) {
    if (!slot) continue;
    if (failed) { showError(failed, () => loadTrend(p, slots, nav), slot); continue; }
    const data = months.map((m, i) => {
      const a = (results[i].agencies || []).find(x => x.agency === ag) || {};
      return {month: m, cases: a.cases || 0, flagged: a.flagged_cases || 0,
        avg: a.average_score === undefined ? null : a.average_score};
    });
    clear(slot);
    slot.removeAttribute('aria-busy');
    slot.append(chartSlot(w => trendChart(data, {aria: t('svg_trend', {list: data.map(d => d.month + ' ' + (d.avg ?? '—') + '/' + d.flagged).join('，')}),
      barLabel: t('trend_flagged'), lineLabel: t('trend_avg'), width: w})));
    slot.append(h('details.data-table', null, h('summary', {text: t('data_table')}),
      h('table.cases.small', null,
        h('thead', null, h('tr', null, h('th', {scope: 'col', text: t('month')}), h('th.num', {scope: 'col', text: t('kpi_cases')}),
          h('th.num', {scope: 'col', text: t('trend_flagged')}), h('th.num', {scope: 'col', text: t('trend_avg')}))),
        h('tbody', null, data.map(d => h('tr', null, h('th', {scope: 'row', text: d.month}), h('td.num', {text: String(d.cases)}),
          h('td.num', {text: String(d.flagged)}), h('td.num', {text: d.avg === null ? '—' : fmtNumber(d.avg, 1)})))))));
  }
}

// ---------------------------------------------------------------- start

route();
