// `artifact-types new <id>`: scaffolds definitions/<id>/ so that an author only fills in facts.
// What the author has not told us becomes a "TODO: …" placeholder that the checker refuses
// (bad URL, no full stop, not a media type, missing summary), so nothing half-filled gets merged.
// Prompts only when both stdin and stdout are a terminal; CI never waits for input.
import { access, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Command } from 'commander';
import { ID_PATTERN } from '../../catalog/load.ts';
import { EMPTY_MEDIA_TYPE, mediaTypeProblems } from '../../classify/index.ts';
import { optimizeSvg } from '../../checks/svgo-config.ts';
import { fail } from '../io.ts';
import { PLACEHOLDER } from '../../model/placeholder.ts';
import { DEFAULT_OWNER } from '../../catalog/codeowners.ts';

export interface ScaffoldFacts {
  id: string;
  displayName?: string;
  description?: string;
  artifactType?: string;
  configMediaType?: string;
  layerMediaType?: string;
  homepage?: string;
  /** GitHub handles (@user) or teams (@org/team); they become the folder's CODEOWNERS. */
  maintainers?: string[];
}

/** Marks every value the author still has to write; CONTRIBUTING.md tells them to search for it. */
export { PLACEHOLDER };

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const EMPTY_DESCRIPTOR = { mediaType: EMPTY_MEDIA_TYPE, digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a', size: 2, data: 'e30=' };

/** Evidence is a pinned line of the tool's own code; the placeholder fails the URL pattern until filled. */
const evidenceTodo = (what: string) => ({ url: `${PLACEHOLDER} https://github.com/<owner>/<repo>/blob/<40-hex commit>/<path>#L<n>: the line of your tool's code that writes this ${what} (press y on GitHub for a permalink)` });

const digestOf = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

/** What the definition schema accepts in `maintainers`, read from the schema so the two never disagree. */
interface MaintainersRule {
  pattern: RegExp;
  maxLength: number;
  maxItems: number;
}
let maintainersRule: MaintainersRule | undefined;
function maintainersSchema(): MaintainersRule {
  if (!maintainersRule) {
    const schema = JSON.parse(readFileSync(new URL('../../../schemas/definition.schema.json', import.meta.url), 'utf8')) as {
      properties: { maintainers: { maxItems: number; items: { pattern: string; maxLength: number } } };
    };
    const { maxItems, items } = schema.properties.maintainers;
    maintainersRule = { pattern: new RegExp(items.pattern, 'u'), maxLength: items.maxLength, maxItems };
  }
  return maintainersRule;
}

/** `--maintainer` values (repeated and/or comma-separated) as a list without blanks or repeats. */
export function parseMaintainers(values: string | string[]): string[] {
  const all = (Array.isArray(values) ? values : [values]).flatMap((v) => v.split(',')).map((h) => h.trim()).filter(Boolean);
  return [...new Set(all)];
}

function maintainerProblems(maintainers: string[]): string[] {
  const { pattern, maxLength, maxItems } = maintainersSchema();
  if (maintainers.length === 0) return ['--maintainer needs at least one GitHub handle, e.g. --maintainer @octocat'];
  const problems: string[] = [];
  for (const handle of maintainers) {
    if (handle.length <= maxLength && pattern.test(handle)) continue;
    const hint = !handle.startsWith('@') && pattern.test(`@${handle}`) ? `; did you mean @${handle}?` : '';
    const long = handle.length > maxLength ? ` of at most ${maxLength} characters` : '';
    problems.push(`--maintainer "${handle}" is not a GitHub handle: use @user or @org/team${long}, e.g. @octocat or @acme/oci-team${hint}`);
  }
  if (maintainers.length > maxItems) problems.push(`--maintainer takes at most ${maxItems} handles, got ${maintainers.length}`);
  return problems;
}

/** "acme.widget-bundle" → "Widget bundle": a starting point the author will usually improve. */
export function displayNameFromId(id: string): string {
  const last = id.split('.').slice(1).join(' ').replace(/-/g, ' ');
  return last.charAt(0).toUpperCase() + last.slice(1);
}

/** Problems with the facts given on the command line (exit 2), empty when they are usable. */
export function factProblems(facts: ScaffoldFacts): string[] {
  const problems: string[] = [];
  if (facts.id.length > 64 || !ID_PATTERN.test(facts.id)) {
    problems.push(`"${facts.id}" is not a valid id: use at least two dotted lowercase segments, org first, e.g. acme.widget or cncf.helm.chart (letters, digits and hyphens, at most 64 characters)`);
  }
  for (const [flag, value] of [['--artifact-type', facts.artifactType], ['--config-media-type', facts.configMediaType], ['--layer-media-type', facts.layerMediaType]] as const) {
    if (value === undefined) continue;
    const found = mediaTypeProblems(value);
    if (found.length > 0) problems.push(`${flag} "${value}" ${found.map((p) => p.message).join('; ')}`);
    if (value === EMPTY_MEDIA_TYPE) problems.push(`${flag} cannot be the OCI empty media type: it identifies nothing`);
  }
  if (facts.homepage !== undefined && !/^https:\/\/\S+$/.test(facts.homepage)) problems.push(`--homepage "${facts.homepage}" must be an https:// URL`);
  if (facts.displayName !== undefined && !/^\S(.{0,58}\S)?$/.test(facts.displayName)) problems.push('--display-name must be 2 to 60 characters without leading or trailing space');
  if (facts.description !== undefined && !/^\S[^\n]{8,298}\.$/.test(facts.description)) problems.push('--description must be one sentence of 10 to 300 characters ending with a full stop');
  if (facts.maintainers !== undefined) problems.push(...maintainerProblems(facts.maintainers));
  return problems;
}

function hue(id: string): string {
  const h = createHash('sha256').update(id).digest();
  // A mid-dark colour from the id, so white strokes stay readable and neighbours differ.
  return `#${[h[0]!, h[1]!, h[2]!].map((b) => (40 + (b % 120)).toString(16).padStart(2, '0')).join('')}`;
}

export interface ScaffoldFile {
  /** Path inside the definition folder. */
  path: string;
  text: string;
}

/** The files of a new definition folder, as text. Pure. */
export function renderScaffold(facts: ScaffoldFacts): ScaffoldFile[] {
  const { id } = facts;
  const displayName = facts.displayName ?? displayNameFromId(id);
  const vendor = id.split('.')[0]!;
  const thing = id.split('.').slice(1).join('.');
  const artifactType = facts.artifactType ?? (facts.configMediaType ? undefined : `${PLACEHOLDER} the manifest artifactType your tool writes, e.g. application/vnd.${vendor}.${thing}.v1`);
  // Both signals identify the type, so each needs an example in which it decides (examples/signal-unreached).
  const bothForms = artifactType !== undefined && facts.configMediaType !== undefined;
  const layerMediaType = facts.layerMediaType ?? `${PLACEHOLDER} the layer media type your tool writes, e.g. application/vnd.${vendor}.${thing}.layer.v1.tar+gzip`;
  const definition = {
    $schema: '../../schemas/definition.schema.json',
    id,
    displayName,
    description: facts.description ?? `${PLACEHOLDER} say in one sentence what the artifact is and which tool pushes it, ending with a full stop`,
    version: '1.0.0',
    status: 'active',
    manifestMediaTypes: [OCI_MANIFEST],
    ...(artifactType ? { artifactTypes: [{ mediaType: artifactType, evidence: [evidenceTodo('artifactType')] }] } : {}),
    ...(facts.configMediaType ? { configMediaTypes: [{ mediaType: facts.configMediaType, evidence: [evidenceTodo('config media type')] }] } : {}),
    layers: [{ mediaType: layerMediaType, required: true, description: `${PLACEHOLDER} what the blob holds and how to open it`, format: 'tar+gzip' }],
    logo: 'logo.svg',
    homepage: facts.homepage ?? `${PLACEHOLDER} https://… the project's home page`,
    sources: [`${PLACEHOLDER} https://… the project's docs or code that the media types above come from`],
    // Without --maintainer the catalog maintainers own it for now; `new` tells the author to put their handle here.
    maintainers: facts.maintainers ?? [DEFAULT_OWNER],
    tools: [
      {
        name: vendor,
        homepage: `${PLACEHOLDER} https://… the tool's docs`,
        pull: `${PLACEHOLDER} the real pull command, e.g. ${vendor} pull {registry}/{repository}:{tag}`,
        push: `${PLACEHOLDER} the real push command, e.g. ${vendor} push {registry}/{repository}:{tag}`,
      },
    ],
    examples: {
      [`${thing}.manifest.json`]: { writtenBy: `${PLACEHOLDER} the tool and versions that push exactly this shape, e.g. ${vendor} push 1.2 and later`, era: 'current' },
      ...(bothForms ? { [`${thing}.config-only.manifest.json`]: { writtenBy: `${PLACEHOLDER} the tool and versions that write the config media type without artifactType (if none does, delete this example and mark the config entry identifying: false)`, era: 'older' } } : {}),
      'plain-image.not-this.json': { writtenBy: 'a plain container image holding the same file', era: 'near-miss' },
    },
  };
  const config = facts.configMediaType
    ? { mediaType: facts.configMediaType, digest: digestOf(`${id} config`), size: 2 }
    : EMPTY_DESCRIPTOR;
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    ...(artifactType ? { artifactType } : {}),
    config,
    layers: [{ mediaType: layerMediaType, digest: digestOf(`${id} layer`), size: 1024, annotations: { 'org.opencontainers.image.title': `${thing}.tar.gz` } }],
  };
  // A near miss: the same file pushed as a plain container image layer. It must not classify as this type.
  const notThis = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf(`${id} image config`), size: 410 },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: digestOf(`${id} image layer`), size: 1024 }],
  };
  const readme = [
    '---',
    `title: ${JSON.stringify(displayName)}`,
    facts.description ? `summary: ${JSON.stringify(facts.description)}` : `# ${PLACEHOLDER} add a line "summary: …" with one or two sentences shown under the title (the checker fails until you do)`,
    '---',
    '## What it is',
    '',
    `${PLACEHOLDER} what a ${displayName} is, which tool pushes it, and what each media type in definition.json holds. If the type shares a media type with another project, say so here.`,
    '',
    '## Push and pull',
    '',
    '```sh',
    `# ${PLACEHOLDER} the real commands from the project's docs`,
    `${vendor} push registry.example.com/team/example:1.0.0`,
    `${vendor} pull registry.example.com/team/example:1.0.0`,
    '```',
    '',
    '## Opening the blobs',
    '',
    `${PLACEHOLDER} how to open each layer (tar, JSON, a binary format…).`,
    '',
  ].join('\n');
  const logo = optimizeSvg(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><title>${displayName.replace(/[<>&"]/g, '')}</title>` +
      `<rect width="24" height="24" rx="5" fill="${hue(id)}"/>` +
      '<path d="M6 8.5 12 5l6 3.5v7L12 19l-6-3.5z M6 8.5l6 3.5 6-3.5 M12 12v7" fill="none" stroke="#fff" stroke-width="1.6" stroke-linejoin="round"/></svg>',
  );
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  return [
    { path: 'definition.json', text: json(definition) },
    { path: 'README.md', text: readme },
    { path: 'logo.svg', text: logo },
    { path: `examples/${thing}.manifest.json`, text: json(manifest) },
    ...(bothForms ? [{ path: `examples/${thing}.config-only.manifest.json`, text: json({ ...manifest, artifactType: undefined }) }] : []),
    { path: 'examples/plain-image.not-this.json', text: json(notThis) },
  ];
}

const exists = (p: string) => access(p).then(() => true, () => false);

/** Asks for each missing fact; an empty answer leaves the placeholder (or the default). */
async function promptForMissing(facts: ScaffoldFacts): Promise<ScaffoldFacts> {
  const questions: Array<[Exclude<keyof ScaffoldFacts, 'id'>, string]> = [
    ['displayName', `Display name [${displayNameFromId(facts.id)}]: `],
    ['description', 'One sentence: what is it and which tool pushes it? '],
    ['artifactType', 'manifest artifactType the tool writes (empty if none): '],
    ['configMediaType', 'config media type the tool writes (empty for the OCI empty config): '],
    ['layerMediaType', 'layer media type the tool writes: '],
    ['homepage', 'project home page (https://…): '],
    ['maintainers', `your GitHub handle(s), who review changes to this type (@user or @org/team, comma-separated) [${DEFAULT_OWNER}]: `],
  ];
  // Lines are read through the async iterator, which queues them: pasted answers are not lost.
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  const lines = rl[Symbol.asyncIterator]();
  const answered = { ...facts };
  try {
    for (const [key, question] of questions) {
      if (answered[key] !== undefined) continue;
      for (;;) {
        rl.setPrompt(question);
        rl.prompt();
        const next = await lines.next();
        if (next.done) return answered; // end of input: the rest stays a placeholder
        const answer = String(next.value).trim();
        if (!answer) break;
        const fact: Partial<ScaffoldFacts> = key === 'maintainers' ? { maintainers: parseMaintainers(answer) } : { [key]: answer };
        const problems = factProblems({ id: facts.id, ...fact });
        if (problems.length === 0) {
          Object.assign(answered, fact);
          break;
        }
        process.stdout.write(`  ${problems.join('\n  ').replace(/--[a-z-]+ /g, '')}\n`);
      }
    }
  } finally {
    rl.close();
  }
  return answered;
}

export async function scaffold(root: string, facts: ScaffoldFacts): Promise<string> {
  const dir = path.join(root, facts.id);
  const staging = path.join(root, `.${facts.id}.new-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  try {
    for (const file of renderScaffold(facts)) {
      await mkdir(path.dirname(path.join(staging, file.path)), { recursive: true });
      await writeFile(path.join(staging, file.path), file.text);
    }
    // A folder appears whole or not at all.
    await rename(staging, dir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  return dir;
}

export function register(program: Command): void {
  program
    .command('new')
    .description('Scaffold definitions/<id>/ with a definition, logo, README and examples to fill in. Exit 0 written, 2 refused.')
    .argument('<id>', 'the new type\'s id: dotted lowercase segments, org first (e.g. acme.widget)')
    .option('--root <dir>', 'the definitions directory', 'definitions')
    .option('--display-name <name>', 'name shown to people, e.g. "Helm chart"')
    .option('--description <sentence>', 'one sentence: what the artifact is and who pushes it')
    .option('--artifact-type <media-type>', 'the manifest artifactType the tool writes')
    .option('--config-media-type <media-type>', 'the config media type the tool writes')
    .option('--layer-media-type <media-type>', 'the layer media type the tool writes')
    .option('--homepage <url>', 'the project\'s home page (https://)')
    .option(
      '--maintainer <handle>',
      `your GitHub handle (@user) or team (@org/team): reviews changes to the type as its CODEOWNER; repeatable or comma-separated (default: ${DEFAULT_OWNER}, a stand-in to replace with your own)`,
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .addHelpText(
      'after',
      [
        '',
        'In a terminal it asks for each fact not given; elsewhere (CI, scripts) it writes a TODO: placeholder instead.',
        '',
        'Example:',
        '  artifact-types new acme.widget --display-name "Acme widget" \\',
        '    --artifact-type application/vnd.acme.widget.v1 \\',
        '    --layer-media-type application/vnd.acme.widget.layer.v1.tar+gzip \\',
        '    --homepage https://acme.example --maintainer @octocat --maintainer @acme/oci-team',
      ].join('\n'),
    )
    .action(async (id: string, options: Omit<ScaffoldFacts, 'id' | 'maintainers'> & { root: string; maintainer?: string[] }) => {
      const { root: rootOption, maintainer, ...given } = options;
      let facts: ScaffoldFacts = { id, ...given, ...(maintainer !== undefined ? { maintainers: parseMaintainers(maintainer) } : {}) };
      const problems = factProblems(facts);
      if (problems.length > 0) fail(problems.join('\n'), 2);
      const root = path.resolve(rootOption);
      if (!(await exists(path.join(root, 'catalog.json')))) fail(`--root ${rootOption} is not a definitions directory (no catalog.json in it)`, 2);
      if (await exists(path.join(root, id))) fail(`${path.join(rootOption, id)} already exists; edit it, or pick another id`, 2);
      if (process.stdin.isTTY && process.stdout.isTTY) facts = await promptForMissing(facts);
      const dir = await scaffold(root, facts);
      const shown = path.relative(process.cwd(), dir) || dir;
      const todo = renderScaffold(facts).filter((f) => f.text.includes(PLACEHOLDER)).map((f) => f.path);
      process.stdout.write(
        `created ${shown}\n` +
          (todo.length > 0 ? `fill in every "${PLACEHOLDER}" in: ${todo.join(', ')}\n` : '') +
          (facts.maintainers === undefined
            ? `"maintainers" is ${DEFAULT_OWNER}, a stand-in: replace it in ${path.join(shown, 'definition.json')} with your own GitHub handle (@you or @org/team), so that changes to the type come to you for review (--maintainer sets it)\n`
            : `maintainers: ${facts.maintainers.join(', ')} (npm run build makes them the folder's CODEOWNERS)\n`) +
          `replace logo.svg with your own mark, make the example match what your tool really pushes, then run:\n  node bin/artifact-types.js validate ${shown}\n` +
          `before you open the pull request, bump "version" in ${path.relative(process.cwd(), path.join(root, 'catalog.json')) || 'catalog.json'}, then run npm run build (it regenerates the README table and CODEOWNERS)\n`,
      );
    });
}
