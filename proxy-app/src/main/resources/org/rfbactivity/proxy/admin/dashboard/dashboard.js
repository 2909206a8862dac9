// The rfb-activity dashboard: every session from GET /api/sessions, kept live by the event stream GET /api/events
// and re-fetched every REFRESH_MS to stay exact. Text from the server only ever reaches the page through textContent
// and attributes (never innerHTML), and the admin token only through sessionStorage, the Authorization header and the
// event stream's access_token parameter (EventSource cannot send headers); never the page's URL.
'use strict';

(() => {
  const TOKEN_KEY = 'rfba-admin-token';
  const REFRESH_MS = 2000;
  const HOUR_MS = 3600 * 1000;
  const STATES = ['ACTIVE', 'CONNECTED_IDLE', 'DISCONNECTED'];

  /** By session id: the newest answer, the state bands seen, the input-count samples. */
  const sessions = new Map();
  let events = null;
  let refreshTimer = null;
  let refreshSoon = null;

  const $ = (id) => document.getElementById(id);

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) {
      e.className = cls;
    }
    if (text !== undefined && text !== null) {
      e.textContent = String(text);
    }
    return e;
  }

  function stateClass(state) {
    return STATES.includes(state) ? 'state-' + state : 'state-unknown';
  }

  function status(text, error) {
    const s = $('status');
    s.textContent = text;
    s.classList.toggle('error', Boolean(error));
  }

  function token() {
    return sessionStorage.getItem(TOKEN_KEY);
  }

  async function api(path) {
    const headers = {};
    const t = token();
    if (t) {
      headers.Authorization = 'Bearer ' + t;
    }
    return fetch(path, { headers, cache: 'no-store', credentials: 'omit' });
  }

  function showLogin(message) {
    $('login').hidden = false;
    $('token').focus();
    status(message, true);
  }

  async function refresh() {
    let response;
    try {
      response = await api('/api/sessions');
    } catch (e) {
      status('admin API unreachable; retrying', true);
      return;
    }
    if (response.status === 401) {
      stop();
      const had = token() !== null;
      sessionStorage.removeItem(TOKEN_KEY);
      showLogin(had ? 'the admin token was refused' : 'this proxy needs its admin token');
      return;
    }
    if (!response.ok) {
      status('admin API answered ' + response.status + '; retrying', true);
      return;
    }
    const list = await response.json();
    const now = Date.now();
    const seen = new Set();
    for (const s of list) {
      seen.add(s.sessionId);
      merge(s, now);
    }
    for (const id of [...sessions.keys()]) {
      if (!seen.has(id)) {
        sessions.delete(id);
      }
    }
    $('login').hidden = true;
    status(list.length + ' session' + (list.length === 1 ? '' : 's') + ', updated '
        + new Date(now).toLocaleTimeString() + (events && events.readyState === EventSource.OPEN ? ', live' : ''));
    render();
  }

  function merge(s, now) {
    let entry = sessions.get(s.sessionId);
    const since = s.stateSince ? Date.parse(s.stateSince) : now;
    if (!entry) {
      entry = { bands: [{ state: s.state, since }], samples: [] };
      sessions.set(s.sessionId, entry);
    } else {
      band(entry, s.state, since);
    }
    entry.data = s;
    const counts = s.inputCounts || {};
    let total = 0;
    for (const k of Object.keys(counts)) {
      total += Number(counts[k]) || 0;
    }
    entry.samples.push({ t: now, total });
    while (entry.samples.length > 2 && entry.samples[0].t < now - HOUR_MS) {
      entry.samples.shift();
    }
  }

  /** A state from a given moment on, unless it is the state already shown. */
  function band(entry, state, since) {
    const last = entry.bands[entry.bands.length - 1];
    if (last.state !== state) {
      entry.bands.push({ state, since: Math.max(since, last.since) });
    }
    const cut = Date.now() - HOUR_MS;
    while (entry.bands.length > 1 && entry.bands[1].since < cut) {
      entry.bands.shift();
    }
  }

  /** A state change from the stream: shown at once; the next re-fetch brings the rest (viewers, counts). */
  function onStateChanged(message) {
    let e;
    try {
      e = JSON.parse(message.data);
    } catch (err) {
      return;
    }
    const entry = sessions.get(e.sessionId);
    if (!entry) {
      soon();
      return;
    }
    entry.data = Object.assign({}, entry.data, {
      state: e.to, stateSince: e.at, lastCause: e.cause || null,
      lastInputKind: e.cause && e.cause.inputKind ? e.cause.inputKind : entry.data.lastInputKind,
    });
    band(entry, e.to, Date.parse(e.at));
    render();
    soon();
  }

  function soon() {
    clearTimeout(refreshSoon);
    refreshSoon = setTimeout(refresh, 200);
  }

  function connectEvents() {
    const t = token();
    // The documented exception: EventSource cannot send headers, so the token travels in this request's URL only.
    const url = '/api/events' + (t ? '?access_token=' + encodeURIComponent(t) : '');
    events = new EventSource(url);
    events.addEventListener('session.state_changed', onStateChanged);
    events.addEventListener('viewer.opened', soon);
    events.addEventListener('viewer.closed', soon);
    events.onerror = () => status('event stream interrupted; reconnecting (the list is still re-fetched)', true);
    events.onopen = () => soon();
  }

  function stop() {
    if (events) {
      events.close();
      events = null;
    }
    clearInterval(refreshTimer);
    refreshTimer = null;
  }

  async function start() {
    stop();
    await refresh();
    if (!$('login').hidden) {
      return;
    }
    connectEvents();
    refreshTimer = setInterval(refresh, REFRESH_MS);
  }

  function duration(ms) {
    const s = Math.max(0, Math.floor(ms / 1000));
    if (s < 60) {
      return s + ' s';
    }
    if (s < 3600) {
      return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
    }
    return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
  }

  function why(d) {
    const parts = [];
    if (d.lastInputKind) {
      parts.push('last input ' + d.lastInputKind);
    }
    if (d.lastCause) {
      let c = 'changed by ' + d.lastCause.reason;
      if (d.lastCause.inputKind) {
        c += ' (' + d.lastCause.inputKind + ')';
      }
      if (d.lastCause.viewerId) {
        c += ' of viewer ' + d.lastCause.viewerId;
      }
      parts.push(c);
    }
    if (d.state === 'ACTIVE' && d.activeUntil) {
      parts.push('idle at ' + new Date(Date.parse(d.activeUntil)).toLocaleTimeString() + ' without input');
    }
    return parts.length ? parts.join('; ') : 'no input yet';
  }

  function viewersTable(viewers) {
    if (!viewers || viewers.length === 0) {
      return el('p', 'why', 'no viewers');
    }
    const table = el('table', 'viewers');
    const head = el('tr');
    for (const h of ['viewer', 'frontend', 'address', 'replica', 'state', 'stream', 'since']) {
      head.append(el('th', null, h));
    }
    table.append(head);
    for (const v of viewers) {
      const row = el('tr');
      row.append(el('td', null, v.id), el('td', null, v.frontend || '—'), el('td', null, v.remoteAddress || '—'),
          el('td', null, v.replica || '—'), el('td', stateClass(v.state) + '-text', v.state));
      row.append(v.inspectable
        ? el('td', 'inspectable', 'inspectable')
        : el('td', 'blind', 'blind: ' + (v.blindReason || 'unknown')));
      row.append(el('td', null, v.connectedSince ? new Date(Date.parse(v.connectedSince)).toLocaleTimeString() : '—'));
      row.dataset.viewer = v.id;
      table.append(row);
    }
    return table;
  }

  function timeline(entry, now) {
    const bar = el('div', 'timeline');
    bar.title = 'state over the last hour';
    const from = now - HOUR_MS;
    entry.bands.forEach((b, i) => {
      const end = i + 1 < entry.bands.length ? entry.bands[i + 1].since : now;
      const start = Math.max(b.since, from);
      if (end <= start) {
        return;
      }
      const part = el('div', 'band ' + stateClass(b.state));
      part.style.left = ((start - from) / HOUR_MS * 100) + '%';
      part.style.width = ((end - start) / HOUR_MS * 100) + '%';
      part.title = b.state + ' from ' + new Date(b.since).toLocaleTimeString();
      bar.append(part);
    });
    return bar;
  }

  function sparkline(entry, now) {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('class', 'spark');
    svg.setAttribute('viewBox', '0 0 1000 100');
    svg.setAttribute('preserveAspectRatio', 'none');
    const rates = [];
    for (let i = 1; i < entry.samples.length; i++) {
      const a = entry.samples[i - 1];
      const b = entry.samples[i];
      const dt = (b.t - a.t) / 1000;
      if (dt > 0) {
        rates.push({ t: b.t, r: Math.max(0, b.total - a.total) / dt });
      }
    }
    const max = Math.max(1, ...rates.map((x) => x.r));
    const points = rates.map((x) => ((x.t - (now - HOUR_MS)) / HOUR_MS * 1000).toFixed(1) + ','
        + (100 - x.r / max * 95).toFixed(1));
    const line = document.createElementNS(ns, 'polyline');
    line.setAttribute('points', points.join(' '));
    svg.append(line);
    const title = document.createElementNS(ns, 'title');
    title.textContent = 'inputs per second (peak ' + max.toFixed(1) + ')';
    svg.append(title);
    return svg;
  }

  function card(id, entry, now) {
    const d = entry.data;
    const section = el('section', 'session ' + stateClass(d.state));
    section.dataset.session = id;
    section.dataset.state = d.state;
    const h = el('h2');
    h.append(el('span', 'id', id), el('span', 'state ' + stateClass(d.state), d.state),
        el('span', 'since', 'for ' + duration(now - (d.stateSince ? Date.parse(d.stateSince) : now))));
    section.append(h, el('p', 'why', why(d)), viewersTable(d.viewers), timeline(entry, now), sparkline(entry, now));
    return section;
  }

  function render() {
    const now = Date.now();
    const main = $('sessions');
    const cards = [...sessions.keys()].sort().map((id) => card(id, sessions.get(id), now));
    main.replaceChildren(...cards);
    if (cards.length === 0) {
      main.append(el('p', 'why', 'no sessions'));
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('login').addEventListener('submit', (e) => {
      e.preventDefault();
      const t = $('token').value.trim();
      $('token').value = '';
      if (t) {
        sessionStorage.setItem(TOKEN_KEY, t);
        start();
      }
    });
    setInterval(() => { if (sessions.size) { render(); } }, 1000);
    start();
  });
})();
