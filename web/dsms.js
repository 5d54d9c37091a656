/* dsms.js — what the dashboard's pages do with a script, and only that:
 * every page reads whole without it. It sorts tables by a column (a button
 * in each heading, with aria-sort), and submits a provider's file to the API
 * (drag and drop or the file picker, with progress), then shows the answer's
 * diagnostics row by row. Text from the server is set as text, never as
 * markup. */
'use strict';

function cellValue(td) {
  const t = td.textContent.trim();
  const n = Number(t.replace(/,/g, '').split(' ')[0]);
  return t !== '' && t !== '*' && t !== '-' && !Number.isNaN(n) ? n : t.toLowerCase();
}

function compare(a, b) {
  if (typeof a === typeof b) return a < b ? -1 : a > b ? 1 : 0;
  return typeof a === 'number' ? -1 : 1; /* figures before "*" and "-" */
}

function sortBy(table, col, th) {
  const body = table.tBodies[0];
  const dir = th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending';
  for (const h of table.tHead.rows[0].cells) h.removeAttribute('aria-sort');
  th.setAttribute('aria-sort', dir);
  const rows = Array.from(body.rows);
  rows.sort((x, y) => {
    const c = compare(cellValue(x.cells[col]), cellValue(y.cells[col]));
    return dir === 'ascending' ? c : -c;
  });
  for (const r of rows) body.appendChild(r);
}

function makeSortable(table) {
  if (!table.tHead || !table.tBodies[0] || table.tBodies[0].rows.length < 3) return;
  Array.from(table.tHead.rows[0].cells).forEach((th, col) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'sort';
    while (th.firstChild) b.appendChild(th.firstChild);
    th.appendChild(b);
    b.addEventListener('click', () => sortBy(table, col, th));
  });
}

function text(tag, s, cls) {
  const e = document.createElement(tag);
  e.textContent = s == null ? '' : String(s);
  if (cls) e.className = cls;
  return e;
}

function showAnswer(box, status, a) {
  box.replaceChildren();
  if (!a) {
    box.appendChild(text('p', 'The server did not answer in a way this page understands (' +
                         status + ').', 'problem'));
    return;
  }
  if (status >= 400 && !a.diagnostics) {
    box.appendChild(text('p', a.error || 'Refused (' + status + ').', 'problem'));
    return;
  }
  const sum = status === 422 ? 'Refused whole: nothing was stored. ' + (a.error || '')
    : a.same_as ? 'The same file as submission ' + a.same_as + ': nothing changed.'
    : 'Submission ' + a.submission + ': ' + a.rows + ' rows read, ' + a.accepted +
      ' accepted, ' + a.quarantined + ' held back. The figures are computed again now.';
  box.appendChild(text('p', sum, status === 422 || a.quarantined ? 'problem' : ''));
  if (a.submission) {
    const p = document.createElement('p');
    const l = text('a', 'See the rows held back and what to fix');
    l.href = '/submissions/' + encodeURIComponent(a.submission);
    p.appendChild(l);
    box.appendChild(p);
  }
  const d = a.diagnostics || [];
  if (!d.length) return;
  const wrap = document.createElement('div');
  wrap.className = 'table-wrap';
  const t = document.createElement('table');
  t.appendChild(text('caption', 'What to fix (' + (a.diagnostics_total || d.length) + ')'));
  const head = t.createTHead().insertRow();
  for (const h of ['Line', 'Field', 'What was wrong', 'What is expected', 'Severity']) {
    const th = text('th', h);
    th.scope = 'col';
    head.appendChild(th);
  }
  const body = t.createTBody();
  for (const x of d) {
    const r = body.insertRow();
    r.appendChild(text('td', x.line, 'num'));
    r.appendChild(text('td', x.field));
    r.appendChild(text('td', x.message));
    r.appendChild(text('td', x.expected));
    r.appendChild(text('td', x.severity));
  }
  wrap.appendChild(t);
  box.appendChild(wrap);
}

function upload(form, file) {
  const csrf = document.querySelector('meta[name="csrf-token"]');
  const bar = document.getElementById('upload-progress');
  const status = document.getElementById('upload-status');
  const box = document.getElementById('upload-result');
  const url = '/api/v1/submissions?source=' + encodeURIComponent(form.dataset.source) +
    '&name=' + encodeURIComponent(file.name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64));
  const x = new XMLHttpRequest();
  x.open('POST', url);
  x.setRequestHeader('Content-Type', 'text/csv');
  if (csrf) x.setRequestHeader('X-CSRF-Token', csrf.content);
  bar.hidden = false;
  bar.value = 0;
  status.textContent = 'Sending ' + file.name + '…';
  x.upload.onprogress = (e) => {
    if (e.lengthComputable) bar.value = Math.round(100 * e.loaded / e.total);
  };
  x.onload = () => {
    bar.value = 100;
    let a = null;
    try { a = JSON.parse(x.responseText); } catch (e) { a = null; }
    status.textContent = x.status < 300 ? 'Received.' : 'Not accepted.';
    showAnswer(box, x.status, a);
  };
  x.onerror = () => { status.textContent = 'The file could not be sent: try again.'; };
  x.send(file);
}

function makeUpload(form) {
  const input = document.getElementById('upload-file');
  const drop = document.getElementById('drop');
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (input.files.length) upload(form, input.files[0]);
    else document.getElementById('upload-status').textContent = 'Choose a file first.';
  });
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    if (e.dataTransfer.files.length) upload(form, e.dataTransfer.files[0]);
  });
}

document.addEventListener('DOMContentLoaded', () => {
  document.querySelectorAll('main table').forEach(makeSortable);
  const form = document.getElementById('upload-form');
  if (form) makeUpload(form);
});
