// qmri viewer front end: plain ES module, no build step. Talks to the JSON API of src/server/app.ts.
/* global URLSearchParams */
const $ = (id) => document.getElementById(id);
const state = { info: null, caseId: null, view: null, gallery: [], explained: null };
/** map labels come from the server's method registries (explain response `labels`) */
const mapName = (k) => (state.explained && state.explained.labels && state.explained.labels[k]) || k;

/** two decimals, or n/a (an empty map has no agreement figure) */
const num2 = (v) => (typeof v === 'number' ? v.toFixed(2) : 'n/a');

function status(text, isError = false) {
  const s = $('status');
  s.textContent = text;
  s.className = isError ? 'error' : '';
}

async function api(path, init) {
  const r = await fetch(path, init);
  const type = r.headers.get('content-type') || '';
  const body = type.includes('json') ? await r.json() : await r.text();
  if (!r.ok) throw new Error(body && body.error ? body.error : `HTTP ${r.status}`);
  return body;
}

function el(tag, props = {}, children = []) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'text') e.textContent = v;
    else if (k === 'class') e.className = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

function option(value, text) {
  return el('option', { value: String(value), text });
}

async function busy(button, fn) {
  button.disabled = true;
  try {
    await fn();
  } catch (err) {
    status(err.message, true);
  } finally {
    button.disabled = false;
  }
}

function className(i) {
  return state.info.classes[i] ?? String(i);
}

function probsTable(rows) {
  const head = el('tr', {}, [el('th', { text: 'model', scope: 'col' })]);
  state.info.classes.forEach((c) => head.append(el('th', { text: c, scope: 'col' })));
  const table = el('table', { class: 'probs' }, [el('thead', {}, [head])]);
  const body = el('tbody');
  for (const r of rows) {
    const tr = el('tr', {}, [el('th', { text: r.name, scope: 'row' })]);
    r.probs.forEach((p, i) => {
      const bar = el('span', { class: 'bar', 'aria-hidden': 'true' });
      bar.style.width = `${Math.round(p * 80)}px`;
      tr.append(el('td', { class: i === r.predicted ? 'top' : '' }, [bar, `${(p * 100).toFixed(1)}%`]));
    });
    body.append(tr);
  }
  table.append(body);
  return table;
}

function showCase(v) {
  state.caseId = v.id;
  state.view = v;
  state.explained = null;
  $('case').hidden = false;
  $('explain').hidden = false;
  $('case-title').textContent =
    `${v.label} (${v.kind}${v.slices > 1 ? `, slice ${v.slice} of ${v.slices}` : ''}), ${v.size}×${v.size} px model input`;
  $('slice-img').src = v.image;
  $('overlay-img').hidden = true;
  $('cam-caption').textContent = 'Computing Grad-CAM and SHAP…';
  $('audit').replaceChildren();
  $('shap').replaceChildren();
  const picker = $('slice-picker');
  picker.hidden = v.slices <= 1;
  $('slice').max = String(Math.max(0, v.slices - 1));
  $('slice').value = String(v.slice);
  $('slice-out').textContent = String(v.slice);
  const rows = [{ name: 'backbone classifier', ...v.backbone }];
  for (const p of v.predictions) rows.push({ name: `${p.kind} head (seed ${p.seed})`, ...p });
  $('probs').replaceChildren(probsTable(rows));
  const preds = v.predictions.map((p) => `${p.kind}: ${className(p.predicted)}`).join(', ');
  $('agreement').replaceChildren(
    el('span', {
      class: v.headsAgree ? 'flag-ok' : 'flag-bad',
      text: v.headsAgree ? 'The heads agree' : 'The heads disagree',
    }),
    ` (${preds || 'no heads in this run'}).`,
  );
  const keep = $('target').value;
  $('target').replaceChildren(option('', 'the classical prediction'));
  state.info.classes.forEach((c, i) => $('target').append(option(i, c)));
  $('target').value = keep;
  if (state.info.quantum) {
    $('quantum').hidden = false;
    $('quantum-out').replaceChildren();
    $('circuit-img').src = `/api/circuit.svg?case=${encodeURIComponent(v.id)}`;
  }
  return updateExplain();
}

function shapTable(shap) {
  const max = Math.max(...shap.top.map((t) => Math.abs(t.phi)), 1e-12);
  const head = el(
    'tr',
    {},
    ['feature', 'value', 'SHAP φ', ''].map((t) => el('th', { text: t, scope: 'col' })),
  );
  const body = el(
    'tbody',
    {},
    shap.top.map((t) => {
      const bar = el('span', { class: `bar ${t.phi >= 0 ? 'pos' : 'neg'}`, 'aria-hidden': 'true' });
      bar.style.width = `${Math.round((Math.abs(t.phi) / max) * 160)}px`;
      return el('tr', {}, [
        el('td', { text: `#${t.feature}` }),
        el('td', { text: t.value.toFixed(3) }),
        el('td', { text: `${t.phi >= 0 ? '+' : '−'}${Math.abs(t.phi).toFixed(4)}` }),
        el('td', {}, [bar]),
      ]);
    }),
  );
  return el('table', { class: 'shap' }, [
    el('caption', {
      class: 'muted',
      text: `${shap.method} SHAP of the explained class: base ${shap.base.toFixed(3)} → f(x) ${shap.fx.toFixed(3)} (additivity error ${shap.additivityError.toExponential(1)}). Red raises the class score, blue lowers it.`,
    }),
    el('thead', {}, [head]),
    body,
  ]);
}

/** where the map's peak (raw cell) and energy lie against the tumor box (green outline) */
function locText(loc) {
  if (!loc) return '';
  if (loc.empty) return ' — empty map (nothing positive)';
  if (loc.pointing === null) return '';
  return ` — peak ${loc.pointing ? 'inside' : 'outside'} the tumor box, ${(100 * loc.energyInBox).toFixed(0)}% of the map's energy in it`;
}

function renderExplain() {
  const e = state.explained;
  if (!e) return;
  const m = e.models.find((x) => x.name === $('model').value) || e.models[0];
  const mapKey = $('map').value in m.maps ? $('map').value : Object.keys(m.maps)[0];
  const img = $('overlay-img');
  if (mapKey) {
    img.src = m.maps[mapKey];
    img.hidden = false;
    img.style.opacity = String(Number($('opacity').value) / 100);
  } else img.hidden = true;
  $('cam-caption').textContent =
    `${mapKey ? mapName(mapKey) : 'no map'} of class “${e.className}” for the ${m.name} model (${m.source}), layer ${e.layer}` +
    locText(m.localization && m.localization[mapKey]);
  const flags = m.audit ? m.audit.flags : null;
  $('audit').replaceChildren(
    el('span', {
      class: e.agree ? 'flag-ok' : 'flag-bad',
      text: e.agree ? 'Grad-CAM and SHAP agree' : 'Grad-CAM and SHAP disagree',
    }),
    m.audit
      ? ` — ${m.name}: Spearman ${num2(m.audit.spearman)}, top-20% IoU ${num2(m.audit.iouTop20)}${flags.length ? `; flags: ${flags.join(', ')}` : ''}.`
      : ' — no audit for this model (SHAP unavailable).',
  );
  const parts = [];
  if (m.shap) parts.push(shapTable(m.shap));
  else parts.push(el('p', { class: 'muted', text: 'No SHAP values for this model.' }));
  if (m.circuitShap)
    parts.push(
      el('p', {
        text: `Circuit inputs (per qubit angle) SHAP: ${m.circuitShap.phi.map((p, i) => `q${i} ${p >= 0 ? '+' : '−'}${Math.abs(p).toFixed(3)}`).join(', ')}`,
      }),
    );
  $('shap').replaceChildren(...parts);
  $('explain-notes').textContent = e.notes.join(' · ');
}

async function updateExplain() {
  const q = new URLSearchParams({ layer: $('layer').value });
  if ($('target').value !== '') q.set('target', $('target').value);
  const e = await api(`/api/cases/${state.caseId}/explain?${q}`);
  state.explained = e;
  const keepModel = $('model').value;
  $('model').replaceChildren(...e.models.map((m) => option(m.name, `${m.name} (${m.source} head)`)));
  if (e.models.some((m) => m.name === keepModel)) $('model').value = keepModel;
  const keys = Object.keys(e.models[0]?.maps || {});
  const keepMap = $('map').value;
  $('map').replaceChildren(...keys.map((k) => option(k, mapName(k))));
  if (keys.includes(keepMap)) $('map').value = keepMap;
  renderExplain();
  status('Done.');
}

async function upload(ev) {
  ev.preventDefault();
  const f = $('file').files[0];
  if (!f) return status('Choose a file first.', true);
  status(`Uploading ${f.name}…`);
  await busy($('analyse'), async () => {
    const v = await api('/api/cases', {
      method: 'POST',
      body: f,
      headers: { 'content-type': 'application/octet-stream', 'x-file-name': encodeURIComponent(f.name) },
    });
    await showCase(v);
  });
}

async function runQuantum(ev) {
  ev.preventDefault();
  await busy($('quantum-go'), async () => {
    const q = new URLSearchParams({ profile: $('profile').value, seed: $('seed').value || '1' });
    if ($('shots').value !== '') q.set('shots', $('shots').value);
    const r = await api(`/api/cases/${state.caseId}/quantum?${q}`);
    const exact = state.view.predictions.find((p) => p.kind === 'quantum');
    const rows = [];
    if (exact) rows.push({ name: 'quantum head, exact', ...exact });
    rows.push({
      name: `quantum head, ${r.profile}, ${r.shots ? `${r.shots} shots` : 'exact shots'}`,
      probs: r.probs,
      predicted: r.predicted,
    });
    const same = exact && exact.predicted === r.predicted;
    $('quantum-out').replaceChildren(
      probsTable(rows),
      el('p', {
        text: `⟨Z⟩ per qubit: ${r.expvals.map((z) => z.toFixed(3)).join(', ')}. ${
          exact ? (same ? 'Same class as the exact head.' : 'Noise changes the predicted class.') : ''
        }`,
      }),
    );
    status('Done.');
  });
}

function renderGallery() {
  const mis = $('f-mis').checked;
  const flag = $('f-flag').checked;
  const list = $('gallery');
  const items = state.gallery.filter((g) => (!mis || g.misclassified) && (!flag || g.flagged));
  list.replaceChildren(
    ...items.map((g) => {
      const preds = Object.entries(g.predicted)
        .map(([k, c]) => `${k}: ${className(c)}`)
        .join(', ');
      const b = el('button', { type: 'button', class: g.misclassified ? 'mis' : '' }, [
        g.hasImage ? el('img', { src: `/api/gallery/${g.index}/thumb.png`, alt: '' }) : '',
        el('small', { text: `${g.file} — true: ${className(g.label)}` }),
        el('small', { text: preds }),
        g.flagged ? el('small', { class: 'flag-bad', text: `audit: ${g.flagReason}` }) : '',
      ]);
      b.disabled = !g.hasImage;
      b.setAttribute('aria-label', `open test case ${g.file}, true class ${className(g.label)}, ${preds}`);
      b.addEventListener('click', () =>
        busy(b, async () => {
          status(`Opening ${g.file}…`);
          await showCase(await api(`/api/gallery/${g.index}/open`, { method: 'POST' }));
          $('case-h').scrollIntoView();
        }),
      );
      return el('li', {}, [b]);
    }),
  );
  if (!items.length) list.replaceChildren(el('li', { text: 'No test case matches.' }));
}

async function init() {
  state.info = await api('/api/info');
  const heads = state.info.heads.map((h) => h.kind).join(', ') || 'none';
  $('run-info').textContent =
    `Classes: ${state.info.classes.join(', ')} · heads: ${heads} · input ${state.info.size}×${state.info.size} px`;
  $('layer').replaceChildren(...state.info.layers.map((l) => option(l, l)));
  $('layer').value = state.info.defaultLayer;
  $('profile').replaceChildren(...state.info.profiles.map((p) => option(p, p)));
  $('shots').max = String(state.info.maxShots);
  $('upload-form').addEventListener('submit', upload);
  $('quantum-form').addEventListener('submit', runQuantum);
  $('opacity').addEventListener('input', () => {
    $('overlay-img').style.opacity = String(Number($('opacity').value) / 100);
  });
  $('cam-go').addEventListener('click', () => busy($('cam-go'), updateExplain));
  $('model').addEventListener('change', renderExplain);
  $('map').addEventListener('change', renderExplain);
  $('slice').addEventListener('input', () => ($('slice-out').textContent = $('slice').value));
  $('slice-go').addEventListener('click', () =>
    busy($('slice-go'), async () => {
      status(`Loading slice ${$('slice').value}…`);
      await showCase(await api(`/api/cases/${state.caseId}/slice?k=${$('slice').value}`, { method: 'POST' }));
    }),
  );
  $('f-mis').addEventListener('change', renderGallery);
  $('f-flag').addEventListener('change', renderGallery);
  const g = await api('/api/gallery');
  state.gallery = g.items;
  $('gallery-notes').textContent = g.notes.join(' · ');
  renderGallery();
}

init().catch((err) => status(`Could not load the run: ${err.message}`, true));
