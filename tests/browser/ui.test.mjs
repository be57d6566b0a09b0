// Browser tests of the reviewers' page (ui/) in Debian's Chromium, driven by playwright-core against the daemon
// that tests/browser/run started. Environment: CASEAUDIT_UI_URL, CASEAUDIT_REVIEWER_TOKEN,
// CASEAUDIT_SUPERVISOR_TOKEN, CASEAUDIT_ARTIFACTS (screenshots), CASEAUDIT_CHROMIUM (default /usr/bin/chromium).
// Prints one "ok N - ..." / "not ok N - ..." line per check and, last, "N passed, M failed"; exits 1 on any failure.

import {chromium} from 'playwright-core';
import {mkdtemp, rm, mkdir, readFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';

const BASE = process.env.CASEAUDIT_UI_URL;
const TOKEN = process.env.CASEAUDIT_REVIEWER_TOKEN;
const SUPERVISOR = process.env.CASEAUDIT_SUPERVISOR_TOKEN;
const ART = process.env.CASEAUDIT_ARTIFACTS || path.join(tmpdir(), 'browser-artifacts');
const CHROMIUM = process.env.CASEAUDIT_CHROMIUM || '/usr/bin/chromium';
if (!BASE || !TOKEN || !SUPERVISOR) {
  console.error('CASEAUDIT_UI_URL, CASEAUDIT_REVIEWER_TOKEN and CASEAUDIT_SUPERVISOR_TOKEN must be set (tests/browser/run sets them)');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

let passed = 0, failed = 0, n = 0;
let page = null;
async function check(name, fn) {
  n++;
  try {
    await fn();
    passed++;
    console.log(`ok ${n} - ${name}`);
  } catch (e) {
    failed++;
    console.log(`not ok ${n} - ${name}`);
    if (page) {
      await page.screenshot({path: path.join(ART, `failed-${String(n).padStart(2, '0')}.png`)}).catch(() => {});
      console.log('  # page: ' + page.url() + ' — ' + ((await page.textContent('main h1').catch(() => '')) || ''));
    }
    for (const line of String(e && e.stack || e).split('\n').slice(0, 6)) console.log('  # ' + line);
  }
}

async function api(pathAndQuery, token = TOKEN) {
  const res = await fetch(BASE + pathAndQuery, {headers: {Authorization: 'Bearer ' + token}});
  if (!res.ok) throw new Error(`${pathAndQuery}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

const shot = (page, name, opts) => page.screenshot({path: path.join(ART, name), ...(opts || {})});

// "YYYY-MM" of a date, and the last day of a month, as the page computes them (UTC)
const ym = d => d.toISOString().slice(0, 7);
function monthEnd(m) {
  const [y, mo] = m.split('-').map(Number);
  return new Date(Date.UTC(y, mo, 0)).toISOString().slice(0, 10);
}
function last12(endMonth) {
  const [y, m] = endMonth.split('-').map(Number);
  return {from: ym(new Date(Date.UTC(y, m - 12, 1))), to: endMonth};
}

await mkdir(ART, {recursive: true});
const profile = await mkdtemp(path.join(tmpdir(), 'caseaudit-chromium-'));
let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    viewport: {width: 1280, height: 800},
    acceptDownloads: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
} catch (e) {
  console.log('not ok 1 - launch Chromium');
  console.log('  # ' + e.message.split('\n')[0]);
  console.log('0 passed, 1 failed');
  await rm(profile, {recursive: true, force: true});
  process.exit(1);
}

page = context.pages()[0] || await context.newPage();
page.setDefaultTimeout(15000);

// Console errors, page errors and CSP violations are failures, except the HTTP errors a step provokes on purpose.
const problems = [];
let allowed = [];
page.on('console', msg => {
  if (msg.type() !== 'error' && msg.type() !== 'warning') return;
  const text = msg.text();
  if (msg.type() === 'warning' && !/Content.Security.Policy|Refused/i.test(text)) return;
  if (allowed.some(re => re.test(text))) return;
  problems.push(`console ${msg.type()}: ${text}`);
});
page.on('pageerror', err => problems.push('page error: ' + err.message));
const cspViolations = [];
await context.exposeBinding('__caseauditCsp', (src, text) => { cspViolations.push(text); });
await context.addInitScript(() => {
  document.addEventListener('securitypolicyviolation', e => window.__caseauditCsp(e.violatedDirective + ' ' + e.blockedURI));
});
const requested = [];
page.on('request', req => requested.push(req.url()));

const rowScores = () => page.$$eval('#case-table tbody tr', trs => trs.map(tr => Number(tr.dataset.score)));
const rowIds = () => page.$$eval('#case-table tbody tr', trs => trs.map(tr => tr.dataset.caseId));
const waitList = () => page.waitForSelector('#case-table tbody tr, .empty');
let flaggedCount = 0;

try {
  await check('the login page asks for a token (Chinese by default)', async () => {
    await page.goto(BASE + '/ui/');
    await page.waitForSelector('#token');
    assert.equal(await page.textContent('h1'), '登录');
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    assert.equal(await page.textContent('label[for="token"]'), '访问令牌');
    await shot(page, '01-login.png');
  });

  await check('a bad token is refused with a message, and the page stays on the login form', async () => {
    allowed = [/status of 401/];
    await page.fill('#token', 'ca_notatoken_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx');
    await page.click('.login-form button[type=submit]');
    await page.waitForFunction(() => /无效/.test(document.querySelector('#login-error').textContent));
    allowed = [];
  });

  await check('signing in shows the flagged cases, worst score first, as the API lists them', async () => {
    await page.fill('#token', TOKEN);
    await page.click('.login-form button[type=submit]');
    await page.waitForSelector('#case-table tbody tr');
    assert.match(page.url(), /#\/cases/);
    assert.equal(await page.textContent('main h1'), '问题案卷');
    const scores = await rowScores();
    assert.ok(scores.length > 1, 'several rows');
    for (let i = 1; i < scores.length; i++) assert.ok(scores[i - 1] <= scores[i], `sorted by score: ${scores}`);
    const ref = await api('/api/v1/cases?flagged=true&sort=score&limit=20');
    assert.deepEqual(await rowIds(), ref.items.map(c => c.id));
    const open = await page.$$eval('#case-table tbody tr td:last-child', tds => tds.map(td => Number(td.textContent.trim())));
    assert.ok(open.every(x => x > 0), 'every listed case has open findings');
    // the user's name, role and agency are shown
    const me = await api('/api/v1/me');
    assert.equal(await page.textContent('.user-name'), me.name);
    assert.match(await page.textContent('.user-role'), /评查员 · 天津市西青区辛口镇人民政府/);
    await shot(page, '02-flagged-list.png');
  });

  await check('the token is kept in sessionStorage only, never in localStorage or a URL', async () => {
    const where = await page.evaluate(tok => ({
      session: sessionStorage.getItem('caseaudit.token') === tok,
      local: Object.keys(localStorage).some(k => (localStorage.getItem(k) || '').includes(tok)),
      url: location.href.includes(tok),
    }), TOKEN);
    assert.deepEqual(where, {session: true, local: false, url: false});
  });

  await check('keyset paging: 下一页 then 上一页 (cursor stack), scores keep rising across pages', async () => {
    const all = [];
    let cursor = null;
    do {
      const p = await api('/api/v1/cases?flagged=true&sort=score&limit=500' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
      all.push(...p.items);
      cursor = p.next_cursor;
    } while (cursor);
    flaggedCount = all.length;
    assert.ok(all.length > 20, `more than one page of flagged cases (${all.length})`);
    const first = await rowIds();
    const lastScore = (await rowScores()).at(-1);
    await page.click('#next-page');
    await page.waitForFunction(() => /第 2 页/.test(document.querySelector('#page-no')?.textContent || ''));
    const second = await rowIds();
    assert.deepEqual(second, all.slice(20, 40).map(c => c.id));
    assert.ok((await rowScores())[0] >= lastScore);
    assert.equal(await page.isDisabled('#next-page'), all.length <= 40);
    await page.click('#prev-page');
    await page.waitForFunction(() => /第 1 页/.test(document.querySelector('#page-no')?.textContent || ''));
    assert.deepEqual(await rowIds(), first);
    assert.equal(await page.isDisabled('#prev-page'), true);
  });

  let r01Cases = [];
  await check('filtering by system 全过程记录 and by rule R01 narrows the list to what the API finds', async () => {
    const before = flaggedCount;
    await page.selectOption('#f-system', {label: '全过程记录'});
    await page.click('#apply-filters');
    await page.waitForFunction(() => location.hash.includes('system=recording'));
    await waitList();
    const rec = await api('/api/v1/cases?flagged=true&sort=score&system=recording&limit=20');
    await page.waitForFunction(n => document.querySelectorAll('#case-table tbody tr').length === n, rec.items.length);
    assert.deepEqual(await rowIds(), rec.items.map(c => c.id));
    await page.selectOption('#f-system', '');
    await page.selectOption('#f-rule', 'R01');
    await page.click('#apply-filters');
    await page.waitForFunction(() => location.hash.includes('rule=R01'));
    const ref = await api('/api/v1/cases?flagged=true&sort=score&rule=R01&limit=20');
    r01Cases = ref.items;
    await page.waitForFunction(n => document.querySelectorAll('#case-table tbody tr').length === n, ref.items.length);
    assert.ok(ref.items.length > 0 && ref.items.length < before, `narrowed: ${ref.items.length} of ${before}`);
    assert.deepEqual(await rowIds(), ref.items.map(c => c.id));
    assert.ok((await page.textContent('#f-rule option:checked')).includes('应全程音像记录'), 'rule shown with its Chinese title');
    await shot(page, '03-filtered-list.png');
  });

  await check('CSV export downloads the current filter as a Blob, with the token only in a header', async () => {
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
    const file = await dl.path();
    const text = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');
    const lines = text.trim().split(/\r?\n/);
    assert.match(lines[0], /^id,agency,agency_name,case_no/);
    assert.equal(lines.length - 1, r01Cases.length);
    assert.ok(dl.suggestedFilename().endsWith('.csv'));
    assert.ok(!requested.some(u => u.includes(TOKEN)), 'no request URL carries the token');
  });

  // the case whose only defect is the late seizure recording: R01 (veto) on event E2
  let caseId, r01, scoreBefore;
  await check('a case page shows score and grade, and the R01 finding beside the seizure event E2', async () => {
    const target = r01Cases.find(c => c.case_no === '津西青辛综执罚〔2022〕18号');
    assert.ok(target, 'fixture case 18 is in the R01 list');
    caseId = target.id;
    await page.click(`#case-table a[href="#/case/${caseId}"]`);
    await page.waitForSelector('#timeline');
    const c = await api('/api/v1/cases/' + caseId);
    r01 = c.findings.find(f => f.rule === 'R01');
    assert.equal(r01.key, 'E2');
    scoreBefore = c.score;
    assert.equal(await page.textContent('#case-score'), String(c.score));
    assert.equal(await page.textContent('#case-grade'), '不合格');
    assert.equal(await page.textContent('#case-title'), c.case_no);
    const card = page.locator('li.tl-item[data-ref="event:E2"] article.finding[data-rule="R01"]');
    assert.equal(await card.count(), 1, 'R01 card inside the timeline item of E2');
    assert.match(await page.textContent('li.tl-item[data-ref="event:E2"] .tl-title'), /扣押（E2）/);
    const cardText = await card.textContent();
    assert.ok(cardText.includes(r01.message.zh), 'the Chinese message');
    assert.ok(cardText.includes('应全程音像记录的执法活动未全程记录'), 'the rule title');
    assert.ok(cardText.includes('否决项') && cardText.includes('扣 5 分') && cardText.includes('错误') && cardText.includes('待处理'));
    assert.ok(cardText.includes('国办发〔2018〕118号'), 'the legal basis');
    // the finding sits beside the item, not below it, at 1280 px
    const item = await page.locator('li.tl-item[data-ref="event:E2"] .tl-body').boundingBox();
    const box = await card.boundingBox();
    assert.ok(box.x > item.x + item.width - 1, 'to the right of the event');
    // the event's coverage strip shows the unrecorded stretch
    const strip = page.locator('li.tl-item[data-ref="event:E2"] .cov');
    assert.equal(await strip.getAttribute('data-gaps'), '1');
    assert.match(await strip.getAttribute('aria-label'), /10:15–10:25/);
    // the overview in the header jumps to the finding
    await page.click(`button.jump[data-finding="${r01.id}"]`);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'finding-' + r01.id);
    // the timeline is in date order
    const dates = await page.$$eval('#timeline > li .tl-date', els => els.map(e => e.textContent).filter(d => /^\d/.test(d)));
    assert.deepEqual(dates, [...dates].sort());
    await page.locator('li.tl-item[data-ref="event:E2"]').scrollIntoViewIfNeeded();
    await page.evaluate(() => window.scrollBy(0, -120));
    await page.waitForTimeout(300); // the pinned score bar slides in
    await shot(page, '04-case-finding-beside-event.png');
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(300);
    await shot(page, '04b-case-full-page.png', {fullPage: true});
  });

  await check('the case page scores the case by section under its agency\'s standard, and under another on demand', async () => {
    await page.waitForSelector('#standard-card');
    // the agency's standard is default: no sections, the stored score
    assert.equal(await page.inputValue('#std-select'), 'default');
    assert.match(await page.textContent('#std-select option:checked'), /本执法主体适用/);
    assert.equal(await page.textContent('#std-score'), String(scoreBefore));
    assert.equal(await page.locator('#std-sections').count(), 0);
    assert.ok((await page.textContent('#std-body')).includes('该标准不分项'));
    // switched to the sectioned standard: the API's sections, score and grade under it
    await page.selectOption('#std-select', 'sd-2023');
    await page.waitForSelector('#std-sections');
    const sd = await api('/api/v1/cases/' + caseId + '?standard=sd-2023');
    assert.equal(await page.locator('#std-sections tbody tr').count(), sd.sections.length);
    assert.equal(sd.sections.length, 7);
    assert.equal(await page.textContent('#std-score'), String(sd.score));
    assert.equal(await page.textContent('#std-body .badge'), {excellent: '优秀', good: '良好', pass: '合格', fail: '不合格'}[sd.grade]);
    const rec = sd.sections.find(s => s.id === 'records');
    assert.equal(await page.textContent('#std-sections tr[data-section="records"] th'), '全过程记录与公示');
    assert.equal(await page.textContent('#std-sections tr[data-section="records"] td:nth-of-type(3)'), String(rec.score));
    assert.equal(await page.textContent('#std-sections tfoot td:nth-of-type(3)'), String(sd.score));
    // the header keeps the stored score (the agency's standard)
    assert.equal(await page.textContent('#case-score'), String(scoreBefore));
    await page.locator('#standard-card').screenshot({path: path.join(ART, '04d-case-standard-sections.png')});
  });

  await check('case-level findings (key "") are in the section at the top', async () => {
    // case 19 has P01 (no publication) with key "", and D10 on document D14, R01 on E2, R02 on E3
    const list = await api('/api/v1/cases?q=' + encodeURIComponent('〔2022〕19号'));
    const c = await api('/api/v1/cases/' + list.items[0].id);
    const p01 = c.findings.find(f => f.rule === 'P01');
    assert.equal(p01.key, '');
    await page.goto(BASE + '/ui/#/case/' + c.id);
    await page.waitForSelector(`.case-level article[data-rule="P01"]`);
    const deadline = await page.textContent(`.case-level article[data-rule="P01"] .deadline dd`);
    assert.equal(deadline, p01.evidence.deadline, 'the computed deadline is shown');
    assert.equal(await page.locator('li.tl-item[data-ref="doc:D14"] article[data-rule="D10"]').count(), 1, 'D10 beside D14');
    assert.equal(await page.locator('li.tl-item[data-ref="event:E3"] article[data-rule="R02"]').count(), 1, 'R02 beside E3');
    assert.equal(await page.locator('.overview-list li').count(), c.findings.filter(f => f.status === 'open' || f.status === 'acknowledged').length);
    await shot(page, '04c-case-several-findings.png');
    await page.goBack();
    await page.waitForSelector('li.tl-item[data-ref="event:E2"] article.finding[data-rule="R01"]');
  });

  await check('waiving needs a comment; an API refusal is shown next to the form', async () => {
    const card = page.locator(`#finding-${r01.id}`);
    await card.locator('button[data-action="waive"]').click();
    await card.locator('form.review-form textarea').waitFor();
    await card.locator('form.review-form button[type=submit]').click();
    assert.equal(await card.locator('.review-form .form-error').textContent(), '豁免必须填写理由。');
    // a date in the past: the API answers 422 and its message is shown
    allowed = [/status of 422/];
    await card.locator('form.review-form textarea').fill('测试过期日期');
    await card.locator('form.review-form input[type=date]').fill('2020-01-01');
    await card.locator('form.review-form button[type=submit]').click();
    await page.waitForFunction(id => {
      const el = document.querySelector(`#finding-${id} .review-form .form-error`);
      return el && /服务器答复/.test(el.textContent);
    }, r01.id);
    const msg = await card.locator('.review-form .form-error').textContent();
    assert.match(msg, /2020-01-01/, 'error.message of the API: ' + msg);
    allowed = [];
    await card.locator('form.review-form input[type=date]').fill('');
    await card.locator('form.review-form textarea').fill('经核实，扣押开始时执法记录仪故障，已另行补录并附书面说明。');
    await card.scrollIntoViewIfNeeded();
    await shot(page, '05-waive-form.png');
  });

  await check('after waiving, the status is waived and the score rises by the finding\'s points', async () => {
    const card = page.locator(`#finding-${r01.id}`);
    await card.locator('form.review-form button[type=submit]').click();
    await page.waitForSelector(`#finding-${r01.id}[data-status="waived"]`);
    const after = Number(await page.textContent('#case-score'));
    assert.equal(after, Math.min(100, scoreBefore + r01.points));
    const c = await api('/api/v1/cases/' + caseId);
    assert.equal(after, c.score);
    assert.equal(await page.textContent(`#finding-${r01.id} .badge.status`), '已豁免');
    assert.equal(await page.textContent('#case-grade'), {excellent: '优秀', pass: '合格', fail: '不合格'}[c.grade]);
    await page.waitForFunction(() => /得分 \d+ → \d+/.test(document.getElementById('status').textContent));
  });

  await check('the review history shows who waived it, when, and the comment', async () => {
    const hist = page.locator(`#hist-${r01.id}`);
    await hist.locator('.history-entry').first().waitFor();
    const text = await hist.textContent();
    assert.ok(text.includes('经核实，扣押开始时执法记录仪故障'), 'comment');
    assert.ok(text.includes('豁免'), 'action');
    assert.ok(text.includes((await api('/api/v1/me')).name), 'reviewer');
    await page.locator(`#finding-${r01.id}`).scrollIntoViewIfNeeded();
    await page.evaluate(() => window.scrollBy(0, -200));
    await page.waitForTimeout(300);
    assert.equal(await page.textContent('#case-score-sticky'), await page.textContent('#case-score'), 'the pinned bar shows the new score');
    await shot(page, '06-after-waive.png');
  });

  await check('reopening counts the finding again', async () => {
    const card = page.locator(`#finding-${r01.id}`);
    await card.locator('button[data-action="reopen"]').click();
    await card.locator('form.review-form textarea').fill('复查：补录材料不足，重新打开。');
    await card.locator('form.review-form button[type=submit]').click();
    await page.waitForSelector(`#finding-${r01.id}[data-status="open"]`);
    assert.equal(Number(await page.textContent('#case-score')), scoreBefore);
    await page.locator(`#hist-${r01.id} .history-entry >> nth=1`).waitFor();
    // and waive it again for the dashboard figures below
    await page.locator(`#finding-${r01.id} button[data-action="waive"]`).click();
    await page.locator(`#finding-${r01.id} form.review-form textarea`).fill('经核实，扣押开始时执法记录仪故障，已另行补录并附书面说明。');
    await page.locator(`#finding-${r01.id} form.review-form button[type=submit]`).click();
    await page.waitForSelector(`#finding-${r01.id}[data-status="waived"]`);
  });

  await check('the dashboard opens on a period with cases: the reviewer\'s agency filed none in the last 12 months, so the 12 months up to its latest filing', async () => {
    await page.click('nav a[href="#/dashboard"]');
    await page.waitForSelector('#dash-out section.agency, #dash-out .empty');
    assert.equal(await page.locator('#dash-out .empty').count(), 0, 'the empty message');
    const ag = (await api('/api/v1/agencies')).items;
    assert.deepEqual(ag.map(a => a.agency), ['XQ-XK']);
    const p = last12(ag[0].last_filed_on.slice(0, 7));
    assert.ok(p.to < ym(new Date()), 'the fixture cases of XQ-XK are older than this month');
    assert.equal(await page.inputValue('#d-from'), p.from);
    assert.equal(await page.inputValue('#d-to'), p.to);
    assert.ok(await page.isVisible('#dash-period-moved'), 'the page says why it shows an older period');
    const st = await api(`/api/v1/stats?from=${p.from}-01&to=${monthEnd(p.to)}`);
    assert.ok(st.agencies[0].cases > 0);
    const sec = page.locator('section.agency[data-agency="XQ-XK"]');
    assert.equal(await sec.locator('[data-kpi="cases"] .kpi-value').textContent(), String(st.agencies[0].cases));
    // the agency by its name, its code beside it
    assert.equal(await sec.locator('h2.agency-title').textContent(), '天津市西青区辛口镇人民政府XQ-XK');
    assert.equal(await sec.locator('h2.agency-title .agency-code').textContent(), 'XQ-XK');
    await shot(page, '07a-dashboard-default-period.png');
  });

  let stats;
  await check('the dashboard draws SVG charts whose figures match GET /api/v1/stats', async () => {
    await page.click('nav a[href="#/dashboard"]');
    await page.waitForSelector('#d-from');
    await page.fill('#d-from', '2022-01');
    await page.fill('#d-to', '2022-12');
    await page.click('#dash-apply');
    await page.waitForFunction(() => location.hash.includes('from=2022-01'));
    await page.waitForSelector('section.agency [data-chart="trend"] svg.trend');
    stats = await api('/api/v1/stats?from=2022-01-01&to=2022-12-31');
    assert.equal(stats.agencies.length, 1);
    const a = stats.agencies[0];
    const sec = page.locator(`section.agency[data-agency="${a.agency}"]`);
    const kpi = k => sec.locator(`[data-kpi="${k}"] .kpi-value`).textContent();
    assert.equal(await kpi('cases'), String(a.cases));
    assert.equal(await kpi('flagged_cases'), String(a.flagged_cases));
    assert.equal(Number(await kpi('average_score')), Math.round(a.average_score * 10) / 10);
    for (const sys of ['publicity', 'recording', 'review', 'documents', 'archive']) {
      const v = await sec.locator(`[data-chart="systems"] svg g.bar[data-key="${sys}"]`).getAttribute('data-value');
      assert.equal(Number(v), a.findings_by_system[sys] || 0, 'findings of ' + sys);
    }
    for (const g of ['excellent', 'pass', 'fail']) {
      const v = await sec.locator(`[data-chart="grades"] svg g.bar[data-key="${g}"]`).getAttribute('data-value');
      assert.equal(Number(v), a.grades[g] || 0, 'grade ' + g);
    }
    for (const k of ['av_coverage', 'legal_review_coverage', 'publication_on_time']) {
      const v = await sec.locator(`svg.gauge[data-key="${k}"]`).getAttribute('data-value');
      assert.equal(v === '' ? null : Number(v), a[k].rate, k);
    }
    const ruleBars = await sec.locator('[data-chart="rules"] svg g.bar').count();
    assert.equal(ruleBars, Math.min(8, Object.keys(a.findings_by_rule).length));
    // the trend: one group per month, figures from a per-month call
    const months = await sec.locator('svg.trend g.month').count();
    assert.equal(months, 12);
    const march = await api('/api/v1/stats?from=2022-03-01&to=2022-03-31');
    const m3 = march.agencies.find(x => x.agency === a.agency) || {flagged_cases: 0, average_score: null};
    const g3 = sec.locator('svg.trend g.month[data-month="2022-03"]');
    assert.equal(Number(await g3.getAttribute('data-flagged')), m3.flagged_cases);
    assert.equal(Number(await g3.getAttribute('data-avg')), m3.average_score);
    // best and worst cases link to their case pages
    assert.equal(await sec.locator('[data-list="best"] li a').count(), a.best_cases.length);
    assert.equal(await sec.locator('[data-list="worst"] li a').first().textContent(), a.worst_cases[0].case_no);
    await shot(page, '07-dashboard.png', {fullPage: true});
  });

  await check('a worst case (差案) links to its case page', async () => {
    const a = stats.agencies[0];
    await page.click(`[data-list="worst"] li a >> nth=0`);
    await page.waitForSelector('#case-title');
    assert.equal(await page.textContent('#case-title'), a.worst_cases[0].case_no);
    assert.equal(await page.evaluate(() => window.scrollY), 0, 'a new page starts at its top');
    await page.goBack();
    await page.waitForSelector('svg.trend');
  });

  await check('switching to English changes the labels and is remembered', async () => {
    try {
      await englishChecks();
    } finally {
      // whatever happened, the checks below read Chinese
      if (await page.evaluate(() => localStorage.getItem('caseaudit.lang')) === 'en') {
        await page.evaluate(() => localStorage.setItem('caseaudit.lang', 'zh'));
        await page.reload();
      }
    }
  });
  async function englishChecks() {
    await page.click('button.lang-switch');
    await page.waitForSelector('html[lang="en"]');
    await page.waitForFunction(() => document.querySelector('main h1')?.textContent === 'Statistics');
    assert.equal(await page.textContent('nav a[href="#/dashboard"]'), 'Statistics');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.evaluate(() => localStorage.getItem('caseaudit.lang')), 'en');
    await page.waitForSelector('svg.trend');
    await shot(page, '08-dashboard-en.png');
    await page.reload();
    await page.waitForFunction(() => document.querySelector('main h1')?.textContent === 'Statistics');
    // the finding message follows the language
    await page.goto(BASE + '/ui/#/case/' + caseId);
    await page.waitForSelector(`#finding-${r01.id}`);
    assert.ok((await page.textContent(`#finding-${r01.id} .finding-msg`)).includes(r01.message.en));
    await page.click('button.lang-switch');
    await page.waitForFunction(() => document.querySelector('nav a[href="#/dashboard"]')?.textContent === '统计');
  }

  await check('at tablet width (768×1024) the list fits without sideways scrolling', async () => {
    await page.setViewportSize({width: 768, height: 1024});
    await page.goto(BASE + '/ui/#/cases');
    await page.waitForSelector('#case-table tbody tr');
    const fits = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    assert.ok(fits, 'no horizontal overflow');
    await shot(page, '09-list-tablet.png');
    await page.goto(BASE + '/ui/#/case/' + caseId);
    await page.waitForSelector('#timeline');
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'case page fits');
    await page.locator('li.tl-item[data-ref="event:E2"]').scrollIntoViewIfNeeded();
    await shot(page, '10-case-tablet.png');
    await page.goto(BASE + '/ui/#/dashboard?from=2022-01&to=2022-12');
    await page.waitForSelector('svg.trend');
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'dashboard fits');
    await shot(page, '12-dashboard-tablet.png', {fullPage: true});
    await page.setViewportSize({width: 1280, height: 800});
  });

  await check('keyboard: Tab reaches the skip link first, focus is visible, case links are real links', async () => {
    await page.goto(BASE + '/ui/#/cases');
    await page.reload();
    await page.waitForSelector('#case-table tbody tr');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'skip-link');
    assert.equal(await page.evaluate(() => getComputedStyle(document.activeElement).top), '8px', 'the skip link shows when focused');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'f-q', 'then the first filter');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(outline, 'none', 'visible focus');
    // a case link opens the case with the keyboard
    await page.focus('#case-table a.case-link');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#case-title');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'case-title', 'focus moves to the new page heading');
    await page.goBack();
    await page.waitForSelector('#case-table tbody tr');
    // every form control has a label
    const unlabelled = await page.$$eval('input, select, textarea', els => els.filter(e =>
      e.type !== 'hidden' && !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map(e => e.id || e.name));
    assert.deepEqual(unlabelled, []);
    assert.ok(await page.$('[aria-live="polite"]'), 'a live region for status messages');
  });

  await check('503 shows "数据库暂不可用，请稍后重试" with a retry that works', async () => {
    allowed = [/status of 503/];
    await page.route('**/api/v1/cases?*', route => route.fulfill({status: 503, contentType: 'application/json',
      headers: {'Retry-After': '1'}, body: JSON.stringify({error: {code: 'database_unavailable', message: 'database unavailable', details: []}})}));
    try {
      await page.goto(BASE + '/ui/#/cases?grade=fail');
      await page.waitForSelector('.notice-error');
      assert.ok((await page.textContent('.notice-error')).includes('数据库暂不可用，请稍后重试'));
    } finally {
      await page.unroute('**/api/v1/cases?*');
    }
    await page.click('.notice-error button');
    await page.waitForSelector('#case-table tbody tr');
    allowed = [];
  });

  await check('an empty result says so', async () => {
    await page.goto(BASE + '/ui/#/cases?q=' + encodeURIComponent('没有这个当事人'));
    await page.waitForSelector('.empty');
    assert.equal(await page.textContent('.empty p'), '没有符合条件的问题案卷。');
  });

  await check('a revoked or wrong token (401) asks for the token again', async () => {
    allowed = [/status of 401/];
    await page.evaluate(() => sessionStorage.setItem('caseaudit.token', 'ca_badbadbadbad_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'));
    await page.goto(BASE + '/ui/#/dashboard');
    await page.waitForSelector('#token');
    assert.ok((await page.textContent('#login-error')).includes('登录已失效'));
    assert.equal(await page.evaluate(() => sessionStorage.getItem('caseaudit.token')), null);
    allowed = [];
  });

  await check('a supervisor sees every agency and no review buttons; logout clears the token', async () => {
    await page.fill('#token', SUPERVISOR);
    await page.click('.login-form button[type=submit]');
    await page.waitForSelector('svg.trend, .empty');
    assert.match(await page.textContent('.user-role'), /监督员/);
    // the dashboard's default period is the last 12 months, which hold the market regulator's recent case
    assert.equal(await page.locator('#dash-out .empty').count(), 0, 'the empty message');
    assert.equal(await page.locator('#dash-period-moved').count(), 0);
    assert.equal(await page.inputValue('#d-to'), ym(new Date()));
    const scjg = page.locator('section.agency[data-agency="XQ-SCJG"]');
    assert.equal(await scjg.locator('h2.agency-title').textContent(), '天津市西青区市场监督管理局XQ-SCJG');
    assert.equal(await scjg.locator('[data-kpi="cases"] .kpi-value').textContent(), '1');
    // its standard (sd-2023, standards_by_agency) has four bands: the grade bars show 良好 too; a default agency's three
    const bars = async code => page.$$eval(`section.agency[data-agency="${code}"] [data-chart="grades"] svg g.bar`,
      gs => gs.map(g => g.dataset.key));
    assert.deepEqual(await bars('XQ-SCJG'), ['excellent', 'good', 'pass', 'fail']);
    const others = (await api('/api/v1/stats?from=' + ym(new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() - 11, 1))) + '-01', SUPERVISOR))
      .agencies.map(a => a.agency).filter(c => c !== 'XQ-SCJG');
    for (const code of others) assert.deepEqual(await bars(code), ['excellent', 'pass', 'fail'], code);
    // its case is scored, stored and shown under sd-2023: the header's score is the standard's, by section
    const scjgCase = (await api('/api/v1/cases?agency=XQ-SCJG', SUPERVISOR)).items[0];
    const sd = await api('/api/v1/cases/' + scjgCase.id, SUPERVISOR);
    assert.equal(sd.standard, 'sd-2023');
    assert.equal(sd.sections.length, 7);
    assert.equal(sd.score, sd.sections.reduce((n, s) => n + s.score, 0));
    await page.goto(BASE + '/ui/#/case/' + scjgCase.id);
    await page.waitForSelector('#std-sections');
    assert.equal(await page.inputValue('#std-select'), 'sd-2023');
    assert.match(await page.textContent('#std-select option:checked'), /本执法主体适用/);
    assert.equal(await page.textContent('#case-score'), String(sd.score));
    assert.equal(await page.textContent('#std-score'), String(sd.score));
    await page.goto(BASE + '/ui/#/dashboard');
    await page.waitForSelector('svg.trend, .empty');
    await shot(page, '10a-supervisor-dashboard.png', {fullPage: true});
    await page.goto(BASE + '/ui/#/cases?all=1');
    await page.waitForSelector('#case-table tbody tr');
    const agencies = await page.$$eval('#f-agency option', os => os.filter(o => o.value).map(o => o.value + ' ' + o.textContent));
    assert.deepEqual(agencies, ['XQ-SCJG 天津市西青区市场监督管理局', 'XQ-XK 天津市西青区辛口镇人民政府',
      'XQ-YLQ 天津市西青区杨柳青镇人民政府']);
    assert.equal(await page.locator('#case-table thead th', {hasText: '执法主体'}).count(), 1, 'an agency column');
    // the agency column reads names, never codes
    const col = await page.locator('#case-table thead th').allTextContents();
    const ai = col.indexOf('执法主体');
    const cells = await page.$$eval(`#case-table tbody tr > :nth-child(${ai + 1})`, tds => tds.map(td => td.textContent));
    assert.ok(cells.length > 0 && cells.every(c => c.startsWith('天津市西青区')), cells.join(' | '));
    await shot(page, '11-supervisor-all-cases.png');
    await page.goto(BASE + '/ui/#/case/' + caseId);
    await page.waitForSelector(`#finding-${r01.id}`);
    assert.equal(await page.locator(`#finding-${r01.id} button[data-action="waive"], #finding-${r01.id} button[data-action="reopen"]`).count(), 0);
    await page.click('#logout');
    await page.waitForSelector('#token');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('caseaudit.token')), null);
  });

  await check('no console errors, no page errors, no CSP violations', async () => {
    assert.deepEqual([...problems, ...cspViolations.map(c => 'CSP: ' + c)], []);
  });
} finally {
  await context.close().catch(() => {});
  await rm(profile, {recursive: true, force: true});
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
