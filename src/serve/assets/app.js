// shadecast chair-side app. Every value from the API is put on the page with textContent (never
// innerHTML), so a name like <img src=x onerror=...> shows as text; swatch colours are SVG fill
// attributes (the Content-Security-Policy allows no inline style). State-changing requests carry
// this server run's CSRF token from /api/session. docs/api.md lists the endpoints.
'use strict';
let csrf = '';
const SVG = 'http://www.w3.org/2000/svg';

async function api(method, path, body, contentType) {
  const opts = { method, headers: {} };
  if (method !== 'GET') {
    opts.headers['X-CSRF-Token'] = csrf;
    if (contentType) {
      opts.headers['Content-Type'] = contentType;
      opts.body = body;
    } else {
      opts.headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(body || {});
    }
  }
  const res = await fetch(path, opts);
  const data = await res.json().catch(() => ({ error: 'the server sent no JSON (' + res.status + ')' }));
  if (res.status === 401) showLogin();  // the session ended: log in again
  if (!res.ok) throw new Error(data.error || ('error ' + res.status));
  return data;
}

// Staff logins (the app on the clinic's network, over TLS): without a session only the login form
// shows; after login the page carries the session's CSRF token.
function showLogin() {
  csrf = '';
  document.querySelector('nav').hidden = true;
  $('who').hidden = true;
  $('logout').hidden = true;
  for (const s of document.querySelectorAll('.page')) s.hidden = s.id !== 'login';
}

function showUser(s) {
  csrf = s.csrf_token;
  document.querySelector('nav').hidden = false;
  if (!s.login_required) return;
  $('client-erase').hidden = s.role !== 'manager';
  setText('who', s.user + ' (' + s.role.replace('_', ' ') + ')');
  $('who').hidden = false;
  $('logout').hidden = false;
}

// True when the page may go on (no logins, or a live session); else the login form is showing.
async function startSession() {
  const res = await fetch('/api/session');
  const s = await res.json().catch(() => ({}));
  if (res.status === 401) {
    showLogin();
    return false;
  }
  showUser(s);
  return true;
}

function $(id) { return document.getElementById(id); }
function setText(id, text) { $(id).textContent = text == null ? '' : String(text); }
function fixed(x, d) { return x == null ? 'n/a' : Number(x).toFixed(d); }
function lab(v) { return v ? [v.l, v.a, v.b].map((x) => fixed(x || 0, 1)).join(' ') : ''; }
function labArr(v) { return v ? v.map((x) => fixed(x, 1)).join(' ') : ''; }

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

function message(text, isError) {
  const m = $('message');
  m.textContent = text;
  m.className = 'message' + (isError ? ' error' : '');
}

// Long work (a consultation, a forecast, a calibration): the page says what it is doing and for
// how long, and the buttons wait.
async function busy(text, work) {
  const started = Date.now();
  setText('busy-text', text);
  $('busy').hidden = false;
  const timer = setInterval(() => setText('busy-text', text + ' ' + Math.round((Date.now() - started) / 1000) + ' s'), 1000);
  for (const b of document.querySelectorAll('button')) b.disabled = true;
  try {
    return await work();
  } finally {
    clearInterval(timer);
    $('busy').hidden = true;
    for (const b of document.querySelectorAll('button')) b.disabled = false;
  }
}

function closeness(de) {
  if (de <= 1.0) return 'looks the same';
  if (de <= 2.0) return 'barely different';
  if (de <= 3.5) return 'a slight difference';
  return 'a visible difference';
}

function touchUpText(t) {
  if (!t || !t.date) return 'not expected within the forecast horizon';
  return 'around ' + t.date + ' (likely ' + (t.p10 || '-') + ' to ' + (t.p90 || 'beyond the horizon') + ')' + (t.overdue ? ' — OVERDUE' : '');
}

// The fade chart: contrast of the dots against the skin over the years, the 10-90 % band and the median.
function fadeChart(container, forecast) {
  container.replaceChildren();
  const s = forecast.series || [];
  if (s.length < 2) return;
  const h3 = document.createElement('h3');
  h3.textContent = 'Fade forecast: dot contrast against the skin (ΔE00), median and 10-90 % band';
  container.appendChild(h3);
  const W = 640, H = 220, pad = 36;
  const t = s.map((p) => Date.parse(p.date));
  const ymax = Math.max(...s.map((p) => p.contrast_de00_p90)) * 1.05 || 1;
  const x = (v) => pad + (W - 2 * pad) * (v - t[0]) / (t[t.length - 1] - t[0]);
  const y = (v) => H - pad - (H - 2 * pad) * v / ymax;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
  svg.setAttribute('class', 'fade-chart');
  const band = document.createElementNS(SVG, 'polygon');
  const upper = s.map((p, i) => x(t[i]) + ',' + y(p.contrast_de00_p90));
  const lower = s.map((p, i) => x(t[i]) + ',' + y(p.contrast_de00_p10)).reverse();
  band.setAttribute('points', upper.concat(lower).join(' '));
  band.setAttribute('class', 'band');
  svg.appendChild(band);
  const line = document.createElementNS(SVG, 'polyline');
  line.setAttribute('points', s.map((p, i) => x(t[i]) + ',' + y(p.contrast_de00)).join(' '));
  line.setAttribute('class', 'median');
  svg.appendChild(line);
  const tu = forecast.touch_up || {};
  if (tu.p10 || tu.date) {
    const a = Date.parse(tu.p10 || tu.date), b = tu.p90 ? Date.parse(tu.p90) : t[t.length - 1];
    const win = document.createElementNS(SVG, 'rect');
    win.setAttribute('x', x(Math.max(a, t[0])));
    win.setAttribute('width', Math.max(2, x(Math.min(b, t[t.length - 1])) - x(Math.max(a, t[0]))));
    win.setAttribute('y', pad);
    win.setAttribute('height', H - 2 * pad);
    win.setAttribute('class', 'window');
    svg.appendChild(win);
  }
  for (let yr = new Date(t[0]).getFullYear() + 1; Date.parse(yr + '-01-01') < t[t.length - 1]; ++yr) {
    const lbl = document.createElementNS(SVG, 'text');
    lbl.setAttribute('x', x(Date.parse(yr + '-01-01')));
    lbl.setAttribute('y', H - 10);
    lbl.textContent = String(yr);
    svg.appendChild(lbl);
  }
  container.appendChild(svg);
  const p = document.createElement('p');
  p.textContent = 'Next touch-up: ' + touchUpText(tu) + '. Shaded: the touch-up window.';
  container.appendChild(p);
}

async function showToday() {
  const within = $('due-within').value;
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
  $('due-empty').hidden = data.due.length > 0;
  const clients = await api('GET', '/api/clients');
  const list = $('today-clients');
  list.replaceChildren();
  for (const c of clients.clients) {
    if (c.last_session !== data.as_of && c.last_visit !== data.as_of) continue;
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = '#client/' + encodeURIComponent(c.client_id);
    a.textContent = c.client_id + (c.name ? ' (' + c.name + ')' : '');
    li.appendChild(a);
    list.appendChild(li);
  }
  $('today-empty').hidden = list.children.length > 0;
}

async function loadClients() { return (await api('GET', '/api/clients')).clients; }

async function showClients() {
  const body = document.querySelector('#client-table tbody');
  body.replaceChildren();
  for (const c of await loadClients()) {
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

let currentClient = '';
async function showClient(id) {
  currentClient = id;
  const h = await api('GET', '/api/clients/' + encodeURIComponent(id));
  setText('client-title', h.client_id + (h.name ? ' - ' + h.name : ''));
  $('client-consult').href = '#consult/' + encodeURIComponent(id);
  $('client-visit').href = '#visit/' + encodeURIComponent(id);
  const sessions = document.querySelector('#session-table tbody');
  sessions.replaceChildren();
  for (const s of h.sessions || []) {
    const tr = document.createElement('tr');
    cell(tr, s.date);
    const mix = ((s.recipe || {}).components || []).map((c) => c.pigment + ' ' + Math.round(c.fraction * 100) + ' %');
    cell(tr, mix.join(' + '));
    cell(tr, fixed((s.recipe || {}).load || 0, 2));
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
  $('client-fade').replaceChildren();
  const ph = await api('GET', '/api/clients/' + encodeURIComponent(id) + '/photos');
  const box = $('client-photos');
  box.replaceChildren();
  for (const p of ph.photos) {
    const fig = document.createElement('figure');
    const img = document.createElement('img');
    img.src = p.url;
    img.alt = p.kind + ' photo of ' + p.date;
    const cap = document.createElement('figcaption');
    cap.textContent = p.date + ' (' + p.kind + ')';
    fig.appendChild(img);
    fig.appendChild(cap);
    box.appendChild(fig);
  }
  $('client-no-photos').hidden = ph.photos.length > 0;
}

async function fillClientSelect(select, chosen) {
  const clients = await loadClients();
  select.replaceChildren();
  for (const c of clients) {
    const o = document.createElement('option');
    o.value = c.client_id;
    o.textContent = c.client_id + (c.name ? ' - ' + c.name : '');
    if (c.client_id === chosen) o.selected = true;
    select.appendChild(o);
  }
}

async function fillRooms() {
  const data = await api('GET', '/api/profiles');
  for (const select of document.querySelectorAll('.room-select')) {
    const keep = select.value;
    select.replaceChildren();
    const none = document.createElement('option');
    none.value = '';
    none.textContent = data.profiles.length ? '(choose a room)' : '(no room calibrated yet)';
    select.appendChild(none);
    for (const p of data.profiles) {
      const o = document.createElement('option');
      o.value = p.room;
      o.textContent = p.room + ' (' + p.verdict + ', ' + p.created + ')';
      select.appendChild(o);
    }
    if (keep) select.value = keep;
    else if (data.profiles.length === 1) select.value = data.profiles[0].room;
  }
  return data.profiles;
}

async function upload(file) {
  if (!file) throw new Error('choose a photo first');
  return api('POST', '/api/uploads', file, file.type || 'application/octet-stream');
}

function colourSource(f) {
  return f.get('chart_in_frame') ? { chart_in_frame: true } : f.get('profile') ? { profile: f.get('profile') } : {};
}

function swatch(id, hex) { $(id).setAttribute('fill', hex || '#ffffff'); }

function showConsultation(r) {
  $('consult-result').hidden = false;
  swatch('sw-stubble', r.swatches.stubble);
  swatch('sw-skin', r.swatches.skin);
  swatch('sw-predicted', r.swatches.predicted);
  setText('c-stubble', labArr(r.follicle.near.lab));
  setText('c-skin', labArr(r.skin.lab));
  setText('c-predicted', labArr(r.recipe.predicted.near.lab));
  setText('c-follicles', r.follicle.count + ' follicles, ' + fixed(r.follicle.density_per_cm2, 0) + ' per cm²; the stubble is ' +
    fixed(-r.follicle.near.delta_l, 1) + ' L* darker than the skin close up.');
  setText('c-undertone', 'Undertone: ' + r.undertone.class + ' (ITA ' + fixed(r.undertone.ita_deg, 0) + '°, Monk ' + r.undertone.monk + ').');
  const w = $('c-warnings');
  w.replaceChildren();
  for (const f of r.quality.flags) {
    const li = document.createElement('li');
    li.textContent = 'Photo: ' + f;
    w.appendChild(li);
  }
  setText('c-advice', r.advice ? (r.reachable ? 'Note: ' : 'NOT REACHABLE: ') + r.advice : '');
  setText('c-mix', r.recipe.components.map((c) => c.pigment + ' ' + Math.round(c.fraction * 100) + ' %').join(' + '));
  setText('c-shade', r.recipe.shade);
  setText('c-water', fixed(r.recipe.water_ml_per_ml, 1));
  setText('c-needle', r.recipe.needle);
  setText('c-dot', fixed(r.recipe.dot_diameter_mm, 2));
  setText('c-density', fixed(r.recipe.density_per_cm2, 0));
  setText('c-near', fixed(r.recipe.near_de00, 1));
  setText('c-near-words', closeness(r.recipe.near_de00));
  setText('c-regional', fixed(r.recipe.regional_de00, 1));
  setText('c-regional-words', closeness(r.recipe.regional_de00));
  setText('c-touchup', touchUpText(r.touch_up));
  const body = document.querySelector('#c-sessions tbody');
  body.replaceChildren();
  r.sessions.forEach((s, i) => {
    const tr = document.createElement('tr');
    cell(tr, s.session);
    cell(tr, s.date);
    const td = cell(tr, '');
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('class', 'mini');
    svg.setAttribute('viewBox', '0 0 10 10');
    const rect = document.createElementNS(SVG, 'rect');
    rect.setAttribute('width', '10');
    rect.setAttribute('height', '10');
    rect.setAttribute('fill', r.swatches.sessions[i] || '#ffffff');
    svg.appendChild(rect);
    td.appendChild(svg);
    cell(tr, s.shade);
    cell(tr, fixed(s.water_ml_per_ml, 1));
    cell(tr, s.needle);
    cell(tr, fixed(s.density_per_cm2, 0));
    cell(tr, fixed(s.hairline_density_per_cm2, 0));
    cell(tr, s.note);
    body.appendChild(tr);
  });
  $('c-report').href = r.report_url;
  $('c-overlay').src = r.overlay_url;
}

async function submitConsult(ev) {
  ev.preventDefault();
  const f = new FormData(ev.target);
  const req = Object.assign({ client_id: f.get('client_id'), sessions: Number(f.get('sessions')) }, colourSource(f));
  if (f.get('start')) req.start = f.get('start');
  const r = await busy('Measuring the photo and planning the sessions…', async () => {
    req.upload_id = (await upload(f.get('photo'))).upload_id;
    return api('POST', '/api/consultations', req);
  });
  showConsultation(r);
  message('Consultation saved for ' + r.client_id + '.', false);
}

async function submitVisit(ev) {
  ev.preventDefault();
  const f = new FormData(ev.target);
  const req = Object.assign({ client_id: f.get('client_id') }, colourSource(f));
  if (f.get('date')) req.date = f.get('date');
  const r = await busy('Measuring the dots and refitting the fade…', async () => {
    req.upload_id = (await upload(f.get('photo'))).upload_id;
    return api('POST', '/api/visits', req);
  });
  $('visit-result').hidden = false;
  setText('v-dot', lab(r.visit.dot_lab));
  setText('v-skin', lab(r.visit.skin_lab));
  setText('v-touchup', touchUpText(r.forecast.touch_up));
  const fit = r.forecast.fit;
  setText('v-fit', (fit.converged ? 'converged' : 'did NOT converge') + ', ' + fit.follow_ups_used + ' follow-ups, residual ' +
    fixed(fit.residual_de00, 2) + ' ΔE00' + (fit.explains_visits ? '' : ' — the fade model does not explain these visits; the interval was widened'));
  const notes = $('v-notes');
  notes.replaceChildren();
  for (const n of r.forecast.notes.concat((fit.outlier_visits || []).map((d) => 'the follow-up of ' + d + ' is far from the others: check that photo'))) {
    const li = document.createElement('li');
    li.textContent = n;
    notes.appendChild(li);
  }
  fadeChart($('visit-fade'), r.forecast);
  message('Visit recorded for ' + r.forecast.client_id + '; forecast updated.', false);
}

async function submitCalibrate(ev) {
  ev.preventDefault();
  const f = new FormData(ev.target);
  const r = await busy('Finding the chart and fitting the profile…', async () => {
    const up = await upload(f.get('photo'));
    return api('POST', '/api/calibrations', { upload_id: up.upload_id, room: f.get('room'), camera: f.get('camera'), illuminant: f.get('illuminant') });
  });
  $('calibrate-result').hidden = false;
  setText('k-verdict', 'Profile ' + r.verdict);
  setText('k-loo', fixed(r.loo.mean_de00, 2));
  setText('k-skin', r.loo.skin_mean_de00 == null ? 'n/a' : fixed(r.loo.skin_mean_de00, 2));
  const fld = r.exposure_field;
  setText('k-light', fld.basis === 'none' ? 'Light across the chart: even enough.' :
    'Light across the chart: ' + Math.round(100 * fld.min) + ' % to ' + Math.round(100 * fld.max) + ' % of the centre\'s (removed from the fit).');
  setText('k-converged', r.converged ? 'The fit converged.' : 'WARNING: the fit did not converge (' + r.termination + ').');
  const body = document.querySelector('#k-patches tbody');
  body.replaceChildren();
  for (const p of r.patches) {
    const tr = document.createElement('tr');
    cell(tr, p.index + 1);
    cell(tr, p.name);
    cell(tr, p.loo_de00 == null ? 'n/a' : fixed(p.loo_de00, 2));
    cell(tr, p.excluded ? p.reason : '');
    body.appendChild(tr);
  }
  message('Saved as room ' + r.room + '\'s profile.', false);
  await fillRooms();
}

async function submitCheck(ev) {
  ev.preventDefault();
  const f = new FormData(ev.target);
  if (!f.get('room')) throw new Error('choose the room whose profile to re-check');
  const r = await busy('Comparing the chart with the profile…', async () => {
    const up = await upload(f.get('photo'));
    return api('POST', '/api/profiles/' + encodeURIComponent(f.get('room')) + '/check', { upload_id: up.upload_id });
  });
  $('check-result').hidden = false;
  setText('r-verdict', r.recalibrate ? 'RECALIBRATE:' : 'Still good:');
  setText('r-reason', r.reason);
  setText('r-drift', fixed(r.drift.mean_de00, 2));
  setText('r-drift-max', fixed(r.drift.max_de00, 2));
  setText('r-accuracy', fixed(r.accuracy.mean_de00, 2));
  message('Re-checked room ' + r.room + '.', false);
}

// Background work (a batch forecast, an import): its progress bar until it ends.
async function followJob(start, what) {
  const { job_id } = await start();
  const bar = $('job-progress');
  bar.hidden = false;
  for (;;) {
    const s = await api('GET', '/api/jobs/' + encodeURIComponent(job_id));
    bar.max = Math.max(1, s.total);
    bar.value = s.done;
    setText('job-text', what + ': ' + s.done + ' of ' + (s.total || '?'));
    if (s.state === 'done') return s.result;
    if (s.state === 'failed') throw new Error(s.error);
    await new Promise((r) => setTimeout(r, 400));
  }
}

async function showSettings() {
  const profiles = await fillRooms();
  const body = document.querySelector('#profile-table tbody');
  body.replaceChildren();
  for (const p of profiles) {
    const tr = document.createElement('tr');
    cell(tr, p.room);
    cell(tr, p.camera);
    cell(tr, p.created);
    cell(tr, p.model);
    cell(tr, fixed(p.loo_mean_de00, 2));
    cell(tr, p.verdict);
    body.appendChild(tr);
  }
  const settings = await api('GET', '/api/settings');
  $('clinic-name').value = settings.clinic_name;
  const lib = await api('GET', '/api/pigments');
  setText('library-name', lib.name + ' (' + lib.pigments.length + ' pigments)');
  const pig = document.querySelector('#pigment-table tbody');
  pig.replaceChildren();
  for (const p of lib.pigments) {
    const tr = document.createElement('tr');
    cell(tr, p.id);
    cell(tr, p.name);
    cell(tr, p.colour_index);
    cell(tr, p.role);
    cell(tr, p.characterisation_only ? 'characterisation only: never recommended' : p.proxy ? 'proxy data' : '');
    pig.appendChild(tr);
  }
}

async function route() {
  const hash = location.hash.replace(/^#/, '') || 'today';
  const [page, arg] = hash.split('/');
  for (const s of document.querySelectorAll('.page')) s.hidden = s.id !== page;
  for (const a of document.querySelectorAll('nav a')) a.classList.toggle('active', a.dataset.page === page);
  const id = decodeURIComponent(arg || '');
  try {
    if (page === 'today') await showToday();
    else if (page === 'clients') await showClients();
    else if (page === 'client') await showClient(id);
    else if (page === 'consult') { await fillClientSelect($('consult-client'), id); await fillRooms(); }
    else if (page === 'visit') { await fillClientSelect($('visit-client'), id); await fillRooms(); }
    else if (page === 'calibrate') await fillRooms();
    else if (page === 'settings') await showSettings();
  } catch (e) {
    message(e.message, true);
  }
}

function guarded(handler) {
  return async (ev) => {
    try {
      await handler(ev);
    } catch (e) {
      if (ev && ev.preventDefault) ev.preventDefault();
      message(e.message, true);
    }
  };
}

document.addEventListener('DOMContentLoaded', async () => {
  $('login-form').addEventListener('submit', guarded(async (ev) => {
    ev.preventDefault();
    const f = new FormData(ev.target);
    const r = await api('POST', '/api/login', { username: f.get('username'), password: f.get('password') });
    ev.target.reset();
    showUser(r);
    message('Logged in as ' + r.user + '.', false);
    await route();
  }));
  $('logout').addEventListener('click', guarded(async () => {
    await api('POST', '/api/logout', {});
    showLogin();
    message('Logged out.', false);
  }));
  const h = await api('GET', '/api/health');
  setText('version', 'shadecast ' + h.version);
  $('due-within').addEventListener('change', guarded(showToday));
  $('client-form').addEventListener('submit', guarded(async (ev) => {
    ev.preventDefault();
    const f = new FormData(ev.target);
    const r = await api('POST', '/api/clients', { client_id: f.get('client_id'), name: f.get('name'), uv: Number(f.get('uv')) });
    message('Added client ' + r.client_id + '.', false);
    ev.target.reset();
    await showClients();
  }));
  $('client-forecast').addEventListener('click', guarded(async () => {
    const r = await busy('Fitting the fade…', () => api('POST', '/api/forecasts/' + encodeURIComponent(currentClient), {}));
    fadeChart($('client-fade'), r);
  }));
  $('client-erase').addEventListener('click', guarded(async () => {
    if (!window.confirm('Erase client ' + currentClient + ' with every photo and report? This cannot be undone.')) return;
    const r = await api('DELETE', '/api/clients/' + encodeURIComponent(currentClient));
    location.hash = '#clients';
    message('Erased client ' + r.erased + ' and ' + r.files_removed + ' file(s).', false);
  }));
  $('consult-form').addEventListener('submit', guarded(submitConsult));
  $('visit-form').addEventListener('submit', guarded(submitVisit));
  $('calibrate-form').addEventListener('submit', guarded(submitCalibrate));
  $('check-form').addEventListener('submit', guarded(submitCheck));
  $('forecast-all').addEventListener('click', guarded(async () => {
    const r = await followJob(() => api('POST', '/api/jobs/forecast-all', {}), 'Forecasting');
    setText('job-text', r.forecast + ' forecast' + (r.skipped.length ? ', ' + r.skipped.length + ' skipped (' +
      r.skipped.map((x) => x.client_id + ': ' + x.error).join('; ') + ')' : ''));
    await showToday();
  }));
  $('import-form').addEventListener('submit', guarded(async (ev) => {
    ev.preventDefault();
    const file = new FormData(ev.target).get('file');
    const ext = (file.name.split('.').pop() || '').toLowerCase();
    const r = await busy('Importing…', () => api('POST', '/api/imports?format=' + encodeURIComponent(ext), file, 'text/plain'));
    const s = await (async () => { for (;;) { const j = await api('GET', '/api/jobs/' + r.job_id); if (j.state !== 'queued' && j.state !== 'running') return j; await new Promise((t) => setTimeout(t, 300)); } })();
    if (s.state === 'failed') throw new Error(s.error);
    message('Imported ' + s.result.imported + ' client(s).', false);
    await showClients();
  }));
  $('settings-form').addEventListener('submit', guarded(async (ev) => {
    ev.preventDefault();
    const r = await api('PUT', '/api/settings', { clinic_name: new FormData(ev.target).get('clinic_name') });
    message('Saved: reports now carry "' + r.clinic_name + '".', false);
  }));
  window.addEventListener('hashchange', () => { if (csrf) route(); });
  if (await startSession()) await route();
});
