// A type page's "How it is recognized" table: every string the definition declares, with its role,
// whether it identifies the type (per identifyingStrings, the checker's own list) and its evidence.
import { identifyingStrings } from '../../catalog/identifying.ts';
import type { ArtifactType, Evidence } from '../../model/catalog.ts';
import { breakable, esc } from './layout.ts';

interface Row {
  role: string;
  text: string;
  /** JSON pointer of the string, to find it in identifyingStrings. */
  pointer: string;
  flags: string[];
  note?: string;
  evidence: Evidence[];
}

/** `github.com/owner/repo …/file.go#L12` — enough to see where a link goes before following it. */
function linkText(url: string): string {
  try {
    const u = new URL(url);
    const parts = u.pathname.split('/').filter(Boolean);
    const file = parts.length > 3 ? `…/${parts.at(-1)}` : parts.slice(2).join('/');
    return `${u.hostname}/${parts.slice(0, 2).join('/')}${file ? ` ${file}` : ''}${u.hash}`;
  } catch {
    return url;
  }
}

export function evidenceList(evidence: Evidence[]): string {
  if (evidence.length === 0) return '';
  const items = evidence.map(
    // Evidence in this repository (the project's own type) has no public URL: shown as its path and line.
    (e) => `<li>${'url' in e ? `<a href="${esc(e.url)}" rel="noopener nofollow">${esc(linkText(e.url))}</a>` : `this repository: <code>${esc(e.file)}</code>`}${e.quote ? ` <q>${esc(e.quote)}</q>` : ''}${e.note ? ` <span class="note">${esc(e.note)}</span>` : ''}</li>`,
  );
  return `<ul class="evidence">${items.join('')}</ul>`;
}

function rows(type: ArtifactType): Row[] {
  const flags = (m: { legacy?: boolean; deprecated?: boolean }) => [m.legacy ? 'legacy' : '', m.deprecated ? 'deprecated' : ''].filter(Boolean);
  const media = (list: ArtifactType['artifactTypes'], name: string, role: string): Row[] =>
    list.map((m, i) => ({ role, text: m.mediaType, pointer: `/${name}/${i}`, flags: flags(m), ...(m.note ? { note: m.note } : {}), evidence: m.evidence ?? [] }));
  return [
    ...media(type.artifactTypes, 'artifactTypes', 'artifactType'),
    ...media(type.configMediaTypes, 'configMediaTypes', 'config'),
    ...type.layers.map((l, i) => ({ role: 'layer', text: l.mediaType, pointer: `/layers/${i}`, flags: flags(l), ...(l.note ? { note: l.note } : {}), evidence: l.evidence ?? [] })),
    ...type.annotations.map((a, i) => ({ role: `annotation (on ${a.on})`, text: a.value !== undefined ? `${a.key}=${a.value}` : a.key, pointer: `/annotations/${i}`, flags: [], ...(a.description ? { note: a.description } : {}), evidence: a.evidence ?? [] })),
    ...type.configLabels.map((l, i) => ({ role: 'label', text: l.value !== undefined ? `${l.key}=${l.value}` : l.key, pointer: `/configLabels/${i}`, flags: [], ...(l.description ? { note: l.description } : {}), evidence: l.evidence ?? [] })),
    ...media(type.manifestMediaTypes, 'manifestMediaTypes', 'manifest'),
  ];
}

export function signalTable(type: ArtifactType): string {
  // identifyingStrings' pointers end in /mediaType or /key for object entries; compare by entry.
  const identifying = new Map(identifyingStrings(type).map((s) => [s.pointer.replace(/\/(mediaType|key)$/, ''), s]));
  const body = rows(type)
    .map((r) => {
      const id = identifying.get(r.pointer);
      const identifies = id ? (id.generic ? 'fallback only (generic)' : 'yes') : 'no';
      const cls = id ? (id.generic ? 'fallback' : 'yes') : 'no';
      const flags = r.flags.map((f) => ` <span class="status">${esc(f)}</span>`).join('');
      return `<tr class="signal-${cls}"><td>${esc(r.role)}</td><td><code>${breakable(r.text)}</code>${flags}${r.note ? `<div class="note">${esc(r.note)}</div>` : ''}</td><td class="identifies">${identifies}</td><td>${evidenceList(r.evidence) || (id ? '<span class="missing">none given</span>' : '')}</td></tr>`;
    })
    .join('');
  return `<div class="scroll" tabindex="0" role="region" aria-label="Signals"><table class="signals-table"><thead><tr><th>Role</th><th>String</th><th>Identifies</th><th>Evidence</th></tr></thead><tbody>${body}</tbody></table></div>`;
}
