// /api: the API reference for people, rendered on the server from the same OpenAPI document that
// /openapi.json serves (no script, no CDN): each path and method with its parameters, request body
// and responses, and the schemas they refer to.
import { Router } from 'express';
import type { StateRef } from '../api/types.ts';
import { openApiDocument } from '../openapi.ts';
import { prepare, sendPrepared, type Prepared } from '../prepared.ts';
import { breakable, esc, layout } from './layout.ts';

export const API_PAGE_ROUTES = ['/api'];

type Obj = Record<string, any>;

/** A schema in one line: `Catalog`, `string`, `array of TypeSummary`, `enum: a | b`. */
function schemaText(schema: Obj | undefined): string {
  if (!schema) return '';
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.split('/').at(-1)!;
    return `<a href="#schema-${esc(name)}">${esc(name)}</a>`;
  }
  if (Array.isArray(schema.enum)) return `one of ${schema.enum.map((v: unknown) => `<code>${esc(JSON.stringify(v))}</code>`).join(', ')}`;
  if (schema.const !== undefined) return `<code>${esc(JSON.stringify(schema.const))}</code>`;
  const type = Array.isArray(schema.type) ? schema.type.join(' or ') : (schema.type ?? 'any');
  if (type === 'array') return `array of ${schemaText(schema.items) || 'any'}`;
  const limits = [schema.minimum !== undefined ? `≥ ${schema.minimum}` : '', schema.maxLength !== undefined ? `at most ${schema.maxLength} characters` : ''].filter(Boolean).join(', ');
  return `${esc(type)}${limits ? ` (${esc(limits)})` : ''}`;
}

function content(c: Obj | undefined): string {
  if (!c) return '';
  return Object.entries(c)
    .map(([type, v]) => `<code>${breakable(type)}</code>${(v as Obj).schema ? `: ${schemaText((v as Obj).schema)}` : ''}`)
    .join('<br>');
}

function operation(path: string, method: string, op: Obj): string {
  const anchor = `${method}-${path}`.replace(/[^a-zA-Z0-9]+/g, '-');
  const params = (op.parameters ?? []) as Obj[];
  const paramRows = params.map((p) => `<tr><td><code>${esc(p.name)}</code></td><td>${esc(p.in)}</td><td>${p.required ? 'yes' : ''}</td><td>${schemaText(p.schema)}${p.description ? `<div class="note">${esc(p.description)}</div>` : ''}</td></tr>`).join('');
  const body = op.requestBody as Obj | undefined;
  const responses = Object.entries((op.responses ?? {}) as Record<string, Obj>)
    .map(([status, r]) => `<tr><td>${esc(status)}</td><td>${esc(r.description ?? '')}${r.headers ? `<div class="note">Headers: ${Object.keys(r.headers).map((h) => `<code>${esc(h)}</code>`).join(', ')}</div>` : ''}</td><td>${content(r.content)}</td></tr>`)
    .join('');
  return `<section class="operation" id="${esc(anchor)}">
<h3><span class="method method-${esc(method)}">${esc(method.toUpperCase())}</span> <code>${breakable(path)}</code></h3>
<p>${esc(op.summary ?? '')}</p>
${op.description ? `<p class="note">${esc(op.description)}</p>` : ''}
${paramRows ? `<h4>Parameters</h4><div class="scroll" tabindex="0" role="region" aria-label="Parameters of ${esc(method.toUpperCase())} ${esc(path)}"><table><thead><tr><th>Name</th><th>In</th><th>Required</th><th>Schema</th></tr></thead><tbody>${paramRows}</tbody></table></div>` : ''}
${body ? `<h4>Request body${body.required ? ' (required)' : ''}</h4><p>${content(body.content)}</p>` : ''}
<h4>Responses</h4><div class="scroll" tabindex="0" role="region" aria-label="Responses of ${esc(method.toUpperCase())} ${esc(path)}"><table><thead><tr><th>Status</th><th>Meaning</th><th>Body</th></tr></thead><tbody>${responses}</tbody></table></div>
</section>`;
}

function schemaSection(name: string, schema: Obj): string {
  const required = new Set<string>((schema.required ?? []) as string[]);
  const props = Object.entries((schema.properties ?? {}) as Record<string, Obj>)
    .map(([key, s]) => `<tr><td><code>${esc(key)}</code></td><td>${required.has(key) ? 'yes' : ''}</td><td>${schemaText(s)}</td></tr>`)
    .join('');
  return `<section class="schema" id="schema-${esc(name)}"><h3>${esc(name)}</h3>
${schema.description ? `<p>${esc(schema.description)}</p>` : ''}
${props ? `<div class="scroll" tabindex="0" role="region" aria-label="Fields of ${esc(name)}"><table><thead><tr><th>Field</th><th>Required</th><th>Schema</th></tr></thead><tbody>${props}</tbody></table></div>` : `<p>${schemaText(schema)}</p>`}
</section>`;
}

export function apiReferencePage(document: Obj, catalogName: string): string {
  const info = document.info as Obj;
  const paths = Object.entries(document.paths as Record<string, Obj>);
  const toc = paths.flatMap(([path, ops]) => Object.keys(ops).map((m) => `<li><a href="#${esc(`${m}-${path}`.replace(/[^a-zA-Z0-9]+/g, '-'))}"><span class="method method-${esc(m)}">${esc(m.toUpperCase())}</span> <code>${breakable(path)}</code></a></li>`)).join('');
  const operations = paths.flatMap(([path, ops]) => Object.entries(ops).map(([m, op]) => operation(path, m, op as Obj))).join('\n');
  const schemas = Object.entries(((document.components as Obj)?.schemas ?? {}) as Record<string, Obj>).map(([n, s]) => schemaSection(n, s)).join('\n');
  const body = `<article class="api">
<h1>${esc(info.title)} <span class="id">version ${esc(info.version)}</span></h1>
<p class="desc">${esc(info.summary ?? '')}</p>
<p>The machine-readable description: <a href="/openapi.json">/openapi.json</a> (OpenAPI ${esc(document.openapi)}). Every API answer is JSON; errors are <code>{"error": {"code", "message"}}</code>.</p>
<nav aria-label="Operations"><h2>Operations</h2><ul class="toc">${toc}</ul></nav>
<h2>Paths</h2>
${operations}
<h2>Schemas</h2>
${schemas}
</article>`;
  return layout({ title: `API · ${catalogName}`, body, catalogName });
}

export function apiReferencePages(current: StateRef): Router {
  const router = Router();
  let cached: { version: string; page: Promise<Prepared> } | null = null;
  router.get('/api', async (req, res) => {
    const state = current();
    if (!cached || cached.version !== state.catalog.version) {
      cached = { version: state.catalog.version, page: prepare(apiReferencePage(openApiDocument(state.catalog.version), state.catalog.name), { type: 'text/html; charset=utf-8', cacheControl: 'public, max-age=60, must-revalidate' }) };
    }
    sendPrepared(req, res, await cached.page);
  });
  return router;
}
