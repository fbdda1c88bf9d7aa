// The curation review page's behaviour: renders the queues from the embedded JSON with DOM text
// nodes only (no innerHTML of data), keeps the reviewer's decisions, and downloads them as a
// corrections CSV (path,label; an empty label removes the file). window.curation is the page's
// interface for scripts and tests.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('data').textContent);
  var decisions = {}; // path -> label ('' removes)
  var filter = data.issues.length ? 'issues' : (data.duplicates.length ? 'duplicates' : 'uncertain');
  var cards = document.getElementById('cards');

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function num(x) { return typeof x === 'number'; } // NaN arrives as the string "NaN": an image without a label
  function pct(p) { return num(p) ? (p * 100).toFixed(1) + '%' : '?'; }
  function fileName(p) { var i = p.lastIndexOf('/'); return i >= 0 && i < p.length - 1 ? p.slice(i + 1) : p; }

  function csvField(s) { return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s; }
  function correctionsCsv() {
    var lines = ['path,label'];
    Object.keys(decisions).sort().forEach(function (p) { lines.push(csvField(p) + ',' + csvField(decisions[p])); });
    return lines.join('\n') + '\n';
  }

  function decide(path, label) {
    decisions[path] = label;
    document.getElementById('n-decided').textContent = Object.keys(decisions).length;
    document.querySelectorAll('figure.card').forEach(function (f) { if (f.dataset.path === path) mark(f); });
  }
  function mark(fig) {
    var d = decisions[fig.dataset.path];
    var out = fig.querySelector('.decision');
    if (d === undefined) { fig.classList.remove('decided'); out.textContent = ''; return; }
    fig.classList.add('decided');
    fig.dataset.decision = d;
    out.textContent = d === '' ? 'decision: remove' : 'decision: ' + d;
  }

  function card(path, extra) {
    var item = data.items[path] || {};
    var fig = el('figure', {'class': 'card', 'data-path': path, 'data-given': item.given || ''});
    var thumb = el('div', {'class': 'thumb'});
    if (item.thumb) thumb.appendChild(el('img', {src: item.thumb, alt: fileName(path), loading: 'lazy'}));
    else thumb.appendChild(el('span', {'class': 'dim'}, 'no preview'));
    fig.appendChild(thumb);
    var cap = el('figcaption');
    cap.appendChild(el('div', {'class': 'name', title: path}, fileName(path)));
    cap.appendChild(el('div', null, 'given: ' + (item.given || '?')));
    cap.appendChild(el('div', {'class': 'dim'}, 'model: ' + (item.predicted || '?') + ' ' + pct(item.p)
        + ' · margin ' + (num(item.margin) ? item.margin.toFixed(3) : '?')));
    (extra || []).forEach(function (e) { cap.appendChild(e); });
    var row = el('div', {'class': 'row'});
    var keep = el('button', {type: 'button', 'data-action': 'keep'}, 'Keep ' + (item.given || ''));
    keep.onclick = function () { decide(path, item.given); };
    row.appendChild(keep);
    var pick = el('select', {'data-action': 'relabel', 'aria-label': 'label'});
    pick.appendChild(el('option', {value: ''}, 'relabel…'));
    data.classes.forEach(function (c) { pick.appendChild(el('option', {value: c}, c)); });
    pick.onchange = function () { if (pick.value) decide(path, pick.value); };
    row.appendChild(pick);
    var remove = el('button', {type: 'button', 'data-action': 'remove'}, 'Remove');
    remove.onclick = function () { decide(path, ''); };
    row.appendChild(remove);
    cap.appendChild(row);
    cap.appendChild(el('div', {'class': 'decision'}));
    fig.appendChild(cap);
    mark(fig);
    return fig;
  }

  function render() {
    cards.textContent = '';
    document.querySelectorAll('#filters button').forEach(function (b) {
      b.setAttribute('aria-pressed', String(b.dataset.filter === filter));
    });
    document.getElementById('measure-box').style.display = filter === 'uncertain' ? '' : 'none';
    if (filter === 'issues') {
      data.issues.forEach(function (i) {
        var take = el('button', {type: 'button', 'data-action': 'suggested'}, 'Use ' + i.suggested);
        take.onclick = function () { decide(i.path, i.suggested); };
        var f = card(i.path, [el('div', {'class': 'reason'}, '#' + i.rank + ' suggested ' + i.suggested + ' (' + pct(i.p) + '): ' + i.reason),
          take]);
        f.dataset.queue = 'issues';
        f.dataset.suggested = i.suggested;
        cards.appendChild(f);
      });
    } else if (filter === 'duplicates') {
      var group = null;
      data.duplicates.forEach(function (m) {
        if (m.group !== group) {
          group = m.group;
          cards.appendChild(el('h2', {'class': 'group', 'data-group': String(group)}, 'Group ' + group));
        }
        var f = card(m.path, [el('div', {'class': 'dim'}, (m.exact ? 'exact copy · ' : '') + 'similarity ' + m.similarity.toFixed(3))]);
        f.dataset.queue = 'duplicates';
        f.dataset.group = String(m.group);
        cards.appendChild(f);
      });
    } else {
      var measure = document.getElementById('measure').value;
      var sign = measure === 'margin' ? 1 : -1; // the least sure first: smallest margin, largest others
      data.uncertain.slice().sort(function (a, b) {
        var d = sign * ((data.items[a] || {})[measure] - (data.items[b] || {})[measure]) || 0;
        return d !== 0 ? d : (a < b ? -1 : a > b ? 1 : 0);
      }).forEach(function (p) {
        var f = card(p);
        f.dataset.queue = 'uncertain';
        cards.appendChild(f);
      });
    }
  }

  document.getElementById('title').textContent = data.title;
  var counts = document.getElementById('counts');
  Object.keys(data.counts).forEach(function (k) {
    var d = el('div');
    d.appendChild(el('dt', null, k.replace(/_/g, ' ')));
    d.appendChild(el('dd', {'data-count': k}, data.counts[k]));
    counts.appendChild(d);
  });
  document.getElementById('n-issues').textContent = data.issues.length;
  document.getElementById('n-duplicates').textContent = new Set(data.duplicates.map(function (m) { return m.group; })).size;
  document.getElementById('n-uncertain').textContent = data.uncertain.length;
  document.querySelectorAll('#filters button').forEach(function (b) {
    b.onclick = function () { filter = b.dataset.filter; render(); };
  });
  document.getElementById('measure').onchange = render;
  document.getElementById('download').onclick = function () {
    var a = el('a', {download: 'corrections.csv'});
    a.href = URL.createObjectURL(new Blob([correctionsCsv()], {type: 'text/csv'}));
    document.body.appendChild(a);
    a.click();
    a.remove();
  };
  window.curation = {
    correctionsCsv: correctionsCsv,
    decisions: function () { return Object.assign({}, decisions); },
    show: function (f) { filter = f; render(); }
  };
  render();
}());
