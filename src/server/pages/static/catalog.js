// The catalog page's one script: search as you type and copy buttons. The server renders the same
// list and pages without it. Data comes from /assets/cards.json (fetched once, on first use); only one page
// of cards is ever in the DOM, so 10,000 types stay fast. Untrusted text goes in via textContent.
(() => {
  'use strict';

  document.addEventListener('click', async (event) => {
    const button = event.target instanceof Element ? event.target.closest('button.copy') : null;
    if (!button) return;
    const from = button.dataset.copyFrom ? document.getElementById(button.dataset.copyFrom) : null;
    const text = button.dataset.copy ?? (from ? from.textContent : '') ?? '';
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = 'Copied';
    } catch {
      button.textContent = 'Press Ctrl+C';
    }
    setTimeout(() => (button.textContent = 'Copy'), 1500);
  });

  const list = document.getElementById('types');
  const input = document.getElementById('search');
  const count = document.getElementById('result-count');
  const pager = document.querySelector('.pager');
  if (!list || !input || !count || !pager) return; // a type's page: the search box submits to /

  const pageSize = Number(list.dataset.pageSize) || 48;
  let all = null;
  let loading = null;
  let found = [];
  let page = 1;

  function load() {
    loading ??= fetch('/assets/cards.json', { headers: { accept: 'application/json' } })
      .then((response) => response.json())
      .then((data) => {
        // The server's own search text, so both filter alike.
        all = data.types.map((t) => ({ t, hay: t.search }));
      });
    return loading;
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
    for (const child of children) if (child != null) node.append(child);
    return node;
  }

  function tools(list) {
    const rows = [];
    for (const tool of list) {
      for (const verb of ['pull', 'push', 'run']) {
        if (!tool[verb]) continue;
        rows.push(el('div', { class: 'cmd' }, el('span', { class: 'verb' }, verb), breakable(tool[verb]), el('button', { type: 'button', class: 'copy', 'data-copy': tool[verb], 'aria-label': `Copy the ${tool.name} ${verb} command` }, 'Copy')));
      }
    }
    return rows.length ? el('div', { class: 'tools' }, ...rows) : null;
  }

  // Break chances after . / + = (as the server renders), so media types wrap between their parts.
  function breakable(text) {
    const code = el('code', {});
    for (const part of text.split(/(?<=[./+=])/)) code.append(part, el('wbr'));
    code.lastChild?.remove();
    return code;
  }

  function signals(list) {
    if (!list.length) return null;
    return el('ul', { class: 'signals', 'aria-label': 'Identified by' }, ...list.map((g) => el('li', {}, el('span', { class: 'role' }, g.roles.join(' · ')), breakable(g.text), g.generic ? ' ' : null, g.generic ? el('span', { class: 'fallback' }, 'fallback') : null)));
  }

  function card(t) {
    const title = el('h2', {}, el('a', { href: t.links.page }, t.displayName));
    if (t.status === 'deprecated') title.append(' ', el('span', { class: 'status' }, 'deprecated'));
    return el(
      'li',
      { class: 'card', 'data-id': t.id },
      el('img', { class: 'logo', src: t.links.logo, alt: '', width: '48', height: '48', loading: 'lazy' }),
      el('div', { class: 'body' }, title, el('p', { class: 'id' }, t.id), el('p', { class: 'desc' }, t.description), signals(t.signals), tools(t.tools)),
    );
  }

  function pageLink(q, p) {
    const params = new URLSearchParams();
    if (q) params.set('q', q);
    if (p > 1) params.set('page', String(p));
    const s = params.toString();
    return s ? `/?${s}` : '/';
  }

  function render(q) {
    const pages = Math.max(1, Math.ceil(found.length / pageSize));
    page = Math.min(Math.max(page, 1), pages);
    const start = (page - 1) * pageSize;
    const shown = found.slice(start, start + pageSize);
    list.replaceChildren(...shown.map(card));
    count.textContent = found.length === 0 ? 'No types match.' : `${found.length} type${found.length === 1 ? '' : 's'}${q ? ` matching “${q}”` : ''}, showing ${start + 1}–${start + shown.length}`;
    const prev = page > 1 ? el('a', { id: 'prev', href: pageLink(q, page - 1) }, 'Previous') : el('span');
    const next = page < pages ? el('a', { id: 'next', href: pageLink(q, page + 1) }, 'Next') : el('span');
    pager.replaceChildren(prev, el('span', { id: 'page-info' }, `Page ${page} of ${pages}`), next);
    history.replaceState(null, '', pageLink(q, page));
  }

  function filter() {
    const q = input.value.trim();
    const words = q.toLowerCase().split(/\s+/).filter(Boolean);
    found = words.length ? all.filter((e) => words.every((w) => e.hay.includes(w))).map((e) => e.t) : all.map((e) => e.t);
    render(q);
  }

  input.addEventListener('input', async () => {
    page = 1;
    await load();
    filter();
  });
  input.form?.addEventListener('submit', (event) => event.preventDefault());
  pager.addEventListener('click', async (event) => {
    const link = event.target instanceof Element ? event.target.closest('a') : null;
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    await load();
    if (found.length === 0 && all.length) filter();
    page += link.id === 'next' ? 1 : -1;
    render(input.value.trim());
    window.scrollTo(0, 0);
  });
  input.addEventListener('focus', () => load(), { once: true });
  const start = new URLSearchParams(location.search).get('page');
  if (start) page = Number(start) || 1;
})();
