// shadecast chair-side app. Every value from the API is put on the page with textContent (never
// innerHTML), so a name like <img src=x onerror=...> shows as text. State-changing requests carry
// this server run's CSRF token from /api/session.
'use strict';
let csrf = '';

async function api(method, path, body) {
  const opts = { method, headers: {} };
  if (method !== 'GET') {
    opts.headers['X-CSRF-Token'] = csrf;
    opts.headers['Content-Type'] = 'application/json';
    opts.body = JSON.stringify(body || {});
  }
  const res = await fetch(path, opts);
  const data = await res.json().catch(() => ({ error: 'the server sent no JSON (' + res.status + ')' }));
  if (!res.ok) throw new Error(data.error || ('error ' + res.status));
  return data;
}

function cell(tr, text, cls) {
  const td = document.createElement('td');
  td.textContent = text == null ? '' : String(text);
  if (cls) td.className = cls;
  tr.appendChild(td);
  return td;
}

function clientLink(td, id) {
  td.textContent = '';
  const a = document.createElement('a');
  a.href = '#client/' + encodeURIComponent(id);
  a.textContent = id;
  td.appendChild(a);
}

async function showToday() {
  const within = document.getElementById('due-within').value;
  const data = await api('GET', '/api/due?within=' + encodeURIComponent(within));
  const body = document.querySelector('#due-table tbody');
  body.replaceChildren();
  for (const d of data.due) {
    const tr = document.createElement('tr');
    clientLink(cell(tr, ''), d.client_id);
    cell(tr, d.name);
    cell(tr, d.touch_up);
    cell(tr, d.touch_up_p10 + ' to ' + d.touch_up_p90);
    cell(tr, d.last_seen);
    cell(tr, d.overdue ? 'overdue' : '', d.overdue ? 'overdue' : '');
    body.appendChild(tr);
  }
  document.getElementById('due-empty').hidden = data.due.length > 0;
}

async function showClients() {
  const data = await api('GET', '/api/clients');
  const body = document.querySelector('#client-table tbody');
  body.replaceChildren();
  for (const c of data.clients) {
    const tr = document.createElement('tr');
    clientLink(cell(tr, ''), c.client_id);
    cell(tr, c.name);
    cell(tr, c.sessions);
    cell(tr, c.visits);
    cell(tr, c.last_session);
    cell(tr, c.last_visit);
    body.appendChild(tr);
  }
}

function lab(v) {
  if (!v) return '';
  return [v.l, v.a, v.b].map((x) => Number(x || 0).toFixed(1)).join(' ');
}

async function showClient(id) {
  const h = await api('GET', '/api/clients/' + encodeURIComponent(id));
  document.getElementById('client-title').textContent = h.client_id + (h.name ? ' - ' + h.name : '');
  const sessions = document.querySelector('#session-table tbody');
  sessions.replaceChildren();
  for (const s of h.sessions || []) {
    const tr = document.createElement('tr');
    cell(tr, s.date);
    const mix = ((s.recipe || {}).components || []).map((c) => c.pigment + ' ' + Math.round(c.fraction * 100) + ' %');
    cell(tr, mix.join(' + '));
    cell(tr, Number((s.recipe || {}).load || 0).toFixed(2));
    sessions.appendChild(tr);
  }
  const visits = document.querySelector('#visit-table tbody');
  visits.replaceChildren();
  for (const v of h.follow_ups || []) {
    const tr = document.createElement('tr');
    cell(tr, v.date);
    cell(tr, lab(v.dot_lab));
    cell(tr, lab(v.skin_lab));
    visits.appendChild(tr);
  }
}

function message(text, isError) {
  const m = document.getElementById('client-message');
  m.textContent = text;
  m.className = 'message' + (isError ? ' error' : '');
}

async function route() {
  const hash = location.hash.replace(/^#/, '') || 'today';
  const [page, arg] = hash.split('/');
  for (const s of document.querySelectorAll('.page')) s.hidden = s.id !== page;
  for (const a of document.querySelectorAll('nav a')) a.classList.toggle('active', a.dataset.page === page);
  try {
    if (page === 'today') await showToday();
    else if (page === 'clients') await showClients();
    else if (page === 'client') await showClient(decodeURIComponent(arg || ''));
  } catch (e) {
    message(e.message, true);
  }
}

document.addEventListener('DOMContentLoaded', async () => {
  const s = await api('GET', '/api/session');
  csrf = s.csrf_token;
  const h = await api('GET', '/api/health');
  document.getElementById('version').textContent = 'shadecast ' + h.version;
  document.getElementById('due-within').addEventListener('change', showToday);
  document.getElementById('client-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = new FormData(ev.target);
    try {
      const r = await api('POST', '/api/clients', { client_id: f.get('client_id'), name: f.get('name'), uv: Number(f.get('uv')) });
      message('Added client ' + r.client_id + '.', false);
      ev.target.reset();
      await showClients();
    } catch (e) {
      message(e.message, true);
    }
  });
  window.addEventListener('hashchange', route);
  await route();
});
