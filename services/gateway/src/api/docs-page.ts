/**
 * The documentation page at /api/docs: a small page of our own that renders /api/openapi.json in the
 * browser. Everything is served by the gateway (nothing fetched from elsewhere), and the page has no
 * inline script or style, so it works under `default-src 'self'` (a strict Content-Security-Policy).
 * The script builds the page with DOM calls and textContent only: nothing of the document is parsed as HTML.
 */
export const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Data volumes platform API</title>
<link rel="stylesheet" href="/api/docs/docs.css">
<script src="/api/docs/docs.js" defer></script>
</head>
<body>
<header><h1 id="title">Data volumes platform API</h1><p id="intro"></p><p><a href="/api/openapi.json">openapi.json</a></p></header>
<nav id="toc"></nav>
<main id="operations"><p>Loading the API description…</p></main>
<section id="schemas"></section>
<noscript><p>This page renders <a href="/api/openapi.json">/api/openapi.json</a> with a script of this server; without scripts, read that document.</p></noscript>
</body>
</html>
`;

export const DOCS_JS = String.raw`'use strict';
(function () {
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return node;
  }
  function anchor(text) { return text.replace(/[^A-Za-z0-9_-]/g, '-'); }
  function schemaBlock(schema) {
    var pre = el('pre', { class: 'schema' });
    var text = JSON.stringify(schema, null, 2);
    var re = /"#\/components\/schemas\/([^"]+)"/g, last = 0, m;
    while ((m = re.exec(text)) !== null) {
      pre.appendChild(document.createTextNode(text.slice(last, m.index + 1)));
      pre.appendChild(el('a', { href: '#schema-' + anchor(m[1]) }, ['#/components/schemas/' + m[1]]));
      last = m.index + m[0].length - 1;
    }
    pre.appendChild(document.createTextNode(text.slice(last)));
    return pre;
  }
  function operation(path, method, op) {
    var id = 'op-' + anchor(op.operationId || method + path);
    var parts = [el('h3', {}, [el('span', { class: 'method ' + method }, [method.toUpperCase()]), ' ', el('code', {}, [path])])];
    parts.push(el('p', { class: 'summary' }, [op.summary || '']));
    if (op.description) parts.push(el('p', {}, [op.description]));
    if (op.security && op.security.length === 0) parts.push(el('p', { class: 'note' }, ['No token needed.']));
    if (op.parameters && op.parameters.length) {
      var rows = op.parameters.map(function (p) {
        return el('tr', {}, [el('td', {}, [el('code', {}, [p.name])]), el('td', {}, [p.in]), el('td', {}, [p.required ? 'required' : '']),
          el('td', {}, [p.description || '']), el('td', {}, [schemaBlock(p.schema)])]);
      });
      parts.push(el('h4', {}, ['Parameters']), el('table', {}, [el('tr', {}, ['name', 'in', '', 'description', 'schema'].map(function (h) { return el('th', {}, [h]); }))].concat(rows)));
    }
    if (op.requestBody) {
      parts.push(el('h4', {}, ['Body']));
      Object.keys(op.requestBody.content).forEach(function (type) { parts.push(el('p', {}, [el('code', {}, [type])]), schemaBlock(op.requestBody.content[type].schema)); });
    }
    parts.push(el('h4', {}, ['Answers']));
    Object.keys(op.responses).forEach(function (status) {
      var r = op.responses[status];
      var item = [el('strong', {}, [status]), ' ', r.description];
      Object.keys(r.content || {}).forEach(function (type) { item.push(el('details', {}, [el('summary', {}, [type]), schemaBlock(r.content[type].schema)])); });
      parts.push(el('div', { class: 'response' }, item));
    });
    if (op['x-dv-nats-subjects'] && op['x-dv-nats-subjects'].length) parts.push(el('p', { class: 'note' }, ['NATS: ' + op['x-dv-nats-subjects'].join(', ')]));
    return { id: id, node: el('section', { id: id, class: 'operation' }, parts) };
  }
  function render(doc) {
    document.getElementById('title').textContent = doc.info.title + ' ' + doc.info.version;
    document.getElementById('intro').textContent = doc.info.description || '';
    var byTag = {};
    Object.keys(doc.paths).forEach(function (path) {
      Object.keys(doc.paths[path]).forEach(function (method) {
        var op = doc.paths[path][method];
        var tag = (op.tags && op.tags[0]) || 'Other';
        (byTag[tag] = byTag[tag] || []).push(operation(path, method, op));
      });
    });
    var main = document.getElementById('operations'), toc = document.getElementById('toc');
    main.textContent = '';
    Object.keys(byTag).sort().forEach(function (tag) {
      main.appendChild(el('h2', { id: 'tag-' + anchor(tag) }, [tag]));
      var list = el('ul');
      byTag[tag].forEach(function (o) { main.appendChild(o.node); list.appendChild(el('li', {}, [el('a', { href: '#' + o.id }, [o.node.querySelector('h3').textContent])])); });
      toc.appendChild(el('h2', {}, [tag]));
      toc.appendChild(list);
    });
    var schemas = document.getElementById('schemas');
    schemas.appendChild(el('h2', {}, ['Schemas']));
    Object.keys((doc.components && doc.components.schemas) || {}).forEach(function (name) {
      schemas.appendChild(el('section', { id: 'schema-' + anchor(name) }, [el('h3', {}, [name]), schemaBlock(doc.components.schemas[name])]));
    });
  }
  fetch('/api/openapi.json').then(function (r) { return r.json(); }).then(render).catch(function (e) {
    document.getElementById('operations').textContent = 'The API description could not be loaded: ' + e;
  });
})();
`;

export const DOCS_CSS = `body { font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 72rem; padding: 1rem 2rem; color: #1b1f24; }
header { border-bottom: 1px solid #d0d7de; margin-bottom: 1rem; }
nav ul { columns: 2; }
h2 { margin-top: 2rem; border-bottom: 1px solid #d0d7de; }
.operation { border: 1px solid #d0d7de; border-radius: 6px; padding: 0 1rem 1rem; margin: 1rem 0; }
.method { display: inline-block; min-width: 4.5rem; text-align: center; border-radius: 4px; color: #fff; background: #57606a; font-size: 0.85em; padding: 0.1rem 0.4rem; }
.method.get { background: #0969da; } .method.post { background: #1a7f37; } .method.patch { background: #9a6700; } .method.put { background: #8250df; } .method.delete { background: #cf222e; }
.summary { font-weight: 600; }
.note { color: #57606a; font-size: 0.9em; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th:nth-child(-n + 3) { width: 9%; }
th:nth-child(5) { width: 50%; }
td, th { border-top: 1px solid #d0d7de; padding: 0.3rem; text-align: left; vertical-align: top; }
pre.schema { background: #f6f8fa; padding: 0.5rem; font-size: 0.85em; margin: 0.3rem 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.response { margin: 0.4rem 0; }
`;
