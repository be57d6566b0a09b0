// The case's timeline, built from the stored record, and the placement of each finding beside the item it
// concerns (an event, a document, a recording, a service...). Pure data: rendering is in app.js.

// Sort key within a day for items that carry only a date: early procedural steps before the timed actions of
// that day, later ones after them.
const DAY_RANK = {
  discovered: 0, filed: 20, event: 50, recording: 50, document: 60, service: 70, legal_review: 62, collective: 64,
  hearing: 66, defense: 63, decision: 68, publication: 80, withdrawn: 81, change: 82, closed: 90, archived: 95,
  extension: 69, suspension: 69,
};
const EARLY_DOCS = new Set(['case_source', 'filing_approval']);

function datePart(v) {
  return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v) ? v.slice(0, 10) : null;
}
function timePart(v) {
  const m = typeof v === 'string' ? /T(\d{2}):(\d{2})/.exec(v) : null;
  return m ? m[1] + ':' + m[2] : null;
}
function minutes(v) {
  const t = timePart(v);
  return t ? Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5)) : null;
}

export function buildTimeline(rec) {
  const items = [];
  const byRef = new Map(); // 'event:E2' / 'doc:D14' / 'rec:V2' / 'svc:0' ... -> item (recordings: their event's item)
  const add = (item) => {
    item.findings = [];
    item.date = datePart(item.when) || null;
    const min = minutes(item.when);
    item.order = min !== null ? 50 + min / 1440 * 10 : (DAY_RANK[item.kind] ?? 60) + (item.rankAdj || 0);
    items.push(item);
    if (item.ref) byRef.set(item.ref, item);
    return item;
  };
  const v = rec.violation || {};
  if (v.discovered_on) add({kind: 'discovered', ref: 'discovered', when: v.discovered_on, data: v});
  if (rec.filed_on) add({kind: 'filed', ref: 'filed', when: rec.filed_on, data: {}});

  const recordings = rec.recordings || [];
  const eventIds = new Set((rec.events || []).map(e => e.id));
  for (const e of rec.events || []) {
    const recs = recordings.filter(r => r.event_ref === e.id);
    const it = add({kind: 'event', ref: 'event:' + e.id, id: e.id, when: e.started_at, end: e.ended_at, data: e, recordings: recs});
    for (const r of recs) byRef.set('rec:' + r.id, it);
  }
  for (const r of recordings) {
    if (r.event_ref && eventIds.has(r.event_ref)) continue;
    add({kind: 'recording', ref: 'rec:' + r.id, id: r.id, when: r.started_at, end: r.ended_at, data: r});
  }
  for (const d of rec.documents || []) {
    add({kind: 'document', ref: 'doc:' + d.id, id: d.id, when: d.issued_on, data: d,
      rankAdj: EARLY_DOCS.has(d.type) ? -35 : 0});
  }
  (rec.services || []).forEach((sv, i) => {
    add({kind: 'service', ref: 'svc:' + i, when: sv.served_on || sv.announced_on, data: sv});
  });
  (rec.legal_reviews || []).forEach((lr, i) => {
    add({kind: 'legal_review', ref: 'review:' + i, when: lr.reviewed_on || lr.submitted_on, data: lr});
  });
  if (rec.collective_discussion) add({kind: 'collective', ref: 'collective', when: rec.collective_discussion.held_on, data: rec.collective_discussion});
  if (rec.hearing) {
    const hg = rec.hearing;
    add({kind: 'hearing', ref: 'hearing', when: hg.held_on || hg.notice_served_on || hg.requested_on, data: hg});
  }
  if (rec.defense && rec.defense.made) add({kind: 'defense', ref: 'defense', when: rec.defense.reexamined_on, data: rec.defense});
  if (rec.decided_on || rec.decision) add({kind: 'decision', ref: 'decision', when: rec.decided_on, data: rec.decision || {}});
  if (rec.publication) {
    add({kind: 'publication', ref: 'publication', when: rec.publication.published_on, data: rec.publication});
    if (rec.publication.withdrawn_on) add({kind: 'withdrawn', ref: 'withdrawn', when: rec.publication.withdrawn_on, data: rec.publication});
  }
  if (rec.decision_change) add({kind: 'change', ref: 'change', when: rec.decision_change.on, data: rec.decision_change});
  for (const x of rec.extensions || []) add({kind: 'extension', when: x.approved_on, data: x});
  for (const x of rec.suspensions || []) add({kind: 'suspension', when: x.from, end: x.to, data: x});
  if (rec.closed_on) add({kind: 'closed', ref: 'closed', when: rec.closed_on, data: {}});
  if (rec.archive) add({kind: 'archived', ref: 'archive', when: rec.archive.archived_on, data: rec.archive});

  items.forEach((it, i) => { it.seq = i; });
  items.sort((a, b) => {
    if (a.date && b.date && a.date !== b.date) return a.date < b.date ? -1 : 1;
    if (!a.date !== !b.date) return a.date ? -1 : 1; // undated at the end
    if (a.order !== b.order) return a.order - b.order;
    return a.seq - b.seq;
  });
  return {items, byRef};
}

// Where a finding belongs: the ref of a timeline item, or null for the case as a whole. The key names the item
// for most rules (R01 'E2', D10 'D14', R03 'V4'); otherwise the evidence does (event_id, document_id,
// recording_id, document_ref of a service, D13's item).
export function placeFinding(f, rec, byRef) {
  const key = f.key || '';
  if (key === '') return null;
  const ev = f.evidence || {};
  const has = ref => byRef.has(ref);
  for (const prefix of ['event:', 'rec:', 'doc:']) if (has(prefix + key)) return sub(prefix + key, key, prefix);
  if (ev.recording_id && has('rec:' + ev.recording_id)) return sub('rec:' + ev.recording_id, ev.recording_id, 'rec:');
  if (ev.event_id && has('event:' + ev.event_id)) return {ref: 'event:' + ev.event_id};
  for (const k of ['document_id', 'doc_id', 'notice_id']) if (ev[k] && has('doc:' + ev[k])) return {ref: 'doc:' + ev[k]};
  // services: keys like 'D14/leaving', evidence document_ref (+ method)
  const slash = key.indexOf('/');
  const docRef = ev.document_ref || (slash > 0 ? key.slice(0, slash) : null);
  if (docRef) {
    const method = ev.method || (slash > 0 ? key.slice(slash + 1) : null);
    const services = rec.services || [];
    let idx = services.findIndex(sv => sv.document_ref === docRef && (!method || sv.method === method));
    if (idx < 0) idx = services.findIndex(sv => sv.document_ref === docRef);
    if (idx >= 0 && has('svc:' + idx)) return {ref: 'svc:' + idx};
    if (has('doc:' + docRef)) return {ref: 'doc:' + docRef};
  }
  // D13: the item whose date is out of order
  const item = ev.item;
  if (item && typeof item === 'object') {
    if (item.document_id && has('doc:' + item.document_id)) return {ref: 'doc:' + item.document_id};
    const ref = fieldRef(item.field);
    if (ref && has(ref)) return {ref};
  }
  // L03: the legal review by the reviewer named in the key
  const reviews = rec.legal_reviews || [];
  const ri = reviews.findIndex(lr => lr.reviewer && (lr.reviewer.cert_no === key || lr.reviewer.cert_no === ev.reviewer_cert_no));
  if (ri >= 0 && has('review:' + ri)) return {ref: 'review:' + ri};
  // rules about one procedural step
  const byRule = {D08: 'hearing', D09: 'decision', L04: 'collective'};
  if (byRule[f.rule] && has(byRule[f.rule])) return {ref: byRule[f.rule]};
  return null;
}

function sub(ref, id, prefix) {
  return prefix === 'rec:' ? {ref, sub: id} : {ref};
}

function fieldRef(field) {
  if (typeof field !== 'string') return null;
  let m;
  if ((m = /^\/legal_reviews\/(\d+)/.exec(field))) return 'review:' + m[1];
  if ((m = /^\/services\/(\d+)/.exec(field))) return 'svc:' + m[1];
  if ((m = /^\/events\/(\d+)/.exec(field))) return null;
  if (field.startsWith('/collective_discussion')) return 'collective';
  if (field.startsWith('/hearing')) return 'hearing';
  if (field.startsWith('/decided_on') || field.startsWith('/decision')) return 'decision';
  if (field.startsWith('/filed_on')) return 'filed';
  if (field.startsWith('/closed_on')) return 'closed';
  if (field.startsWith('/archive')) return 'archive';
  if (field.startsWith('/violation')) return 'discovered';
  if (field.startsWith('/publication')) return 'publication';
  return null;
}

// The computed deadline of a finding, when its evidence has one.
export function deadlineOf(ev) {
  if (!ev) return null;
  for (const k of ['computed_deadline', 'deadline', 'due', 'due_on', 'deadline_on']) {
    if (typeof ev[k] === 'string' && ev[k]) return {key: k, value: ev[k]};
  }
  return null;
}

export {datePart, timePart};
