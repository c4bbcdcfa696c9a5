// Writes a synthetic catalog of N valid definitions for benchmarks and scale tests. Every type is
// different (its own media types, logo drawing, schema pattern and examples), so no cache can hide
// the cost of checking it. Usage: npx tsx scripts/synthetic-catalog.ts <out-dir> <count>
import { createHash } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { optimizeSvg } from '../src/checks/svgo-config.ts';

const digest = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** A different drawing per index: a polygon whose corners depend on i. */
function logo(i: number): string {
  const hue = (i * 137) % 360;
  const points = Array.from({ length: 3 + (i % 5) }, (_, k) => {
    const angle = (k / (3 + (i % 5))) * Math.PI * 2 + i / 7;
    const radius = 6 + ((i >> k) % 4);
    return `${(12 + radius * Math.cos(angle)).toFixed(1)} ${(12 + radius * Math.sin(angle)).toFixed(1)}`;
  });
  return optimizeSvg(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><title>Synthetic ${i}</title><rect width="24" height="24" rx="5" fill="hsl(${hue},60%,35%)"/><path d="M${points.join('L')}z" fill="none" stroke="#fff" stroke-width="1.5"/></svg>`);
}

export async function writeSyntheticCatalog(out: string, count: number): Promise<void> {
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  await writeFile(path.join(out, 'catalog.json'), json({ name: 'synthetic', version: '1.0.0' }));
  for (let i = 0; i < count; i++) await writeSyntheticType(out, i);
}

/** Writes type number i (its folder under out), different from every other number's. */
export async function writeSyntheticType(out: string, i: number): Promise<string> {
  {
    const id = `synthetic.org${Math.floor(i / 100)}.type${i}`;
    const dir = path.join(out, id);
    await mkdir(path.join(dir, 'examples'), { recursive: true });
    const config = `application/vnd.synthetic${i}.thing.config.v1+json`;
    const layer = `application/vnd.synthetic${i}.thing.layer.v1.tar+gzip`;
    const artifactType = `application/vnd.synthetic${i}.thing.v1`;
    await writeFile(path.join(dir, 'definition.json'), json({
      $schema: '../../schemas/definition.schema.json',
      id,
      displayName: `Synthetic type ${i}`,
      description: `Synthetic artifact type number ${i}, generated for benchmarks.`,
      version: '1.0.0',
      status: 'active',
      manifestMediaTypes: ['application/vnd.oci.image.manifest.v1+json'],
      // Evidence as the checker requires it: a pinned permalink, and a quoted docs page.
      artifactTypes: [{ mediaType: artifactType, evidence: [{ url: `https://github.com/synthetic/org${Math.floor(i / 100)}/blob/${digest(`commit${i}`).slice(7, 47)}/pkg/types.go#L${10 + (i % 90)}` }] }],
      configMediaTypes: [{ mediaType: config, evidence: [{ url: `https://example.com/synthetic/${i}/spec`, quote: `The config media type is ${config}.` }] }],
      layers: [{ mediaType: layer, description: 'The content.', format: 'tar+gzip', required: true }],
      configSchema: 'config.schema.json',
      logo: 'logo.svg',
      homepage: `https://example.com/synthetic/${i}`,
      sources: [`https://example.com/synthetic/${i}/spec`],
      maintainers: ['@synthetic'],
      tools: [{ name: `tool${i}`, pull: `tool${i} pull {registry}/{repository}:{tag}` }],
      examples: {
        'basic.manifest.json': { writtenBy: `tool${i} push 2.0 and later`, era: 'current' },
        'config-only.manifest.json': { writtenBy: `tool${i} push 1.x (no artifactType)`, era: 'older' },
        'no-content.not-this.json': { writtenBy: 'a plain image layer instead of the content', era: 'near-miss' },
      },
    }));
    await writeFile(path.join(dir, 'logo.svg'), logo(i));
    await writeFile(path.join(dir, 'config.schema.json'), json({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      required: ['name', `field${i}`],
      properties: {
        name: { type: 'string', pattern: `^t${i}-[a-z]{1,${8 + (i % 50)}}(-[0-9]{1,4})?$`, maxLength: 80 },
        [`field${i}`]: { type: 'integer', minimum: i % 97 },
        tags: { type: 'array', items: { type: 'string', maxLength: 64 }, maxItems: 16 },
      },
    }));
    await writeFile(path.join(dir, 'README.md'), `---\ntitle: Synthetic type ${i}\nsummary: "Generated type ${i} for benchmarks."\n---\nPush it with \`tool${i} push\`.\n`);
    const manifest = (layers: string[], withType = true) => ({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      ...(withType ? { artifactType } : {}),
      config: { mediaType: config, digest: digest(`config${i}`), size: 40 + i },
      layers: layers.map((mediaType, k) => ({ mediaType, digest: digest(`layer${i}.${k}`), size: 1000 + i })),
    });
    await writeFile(path.join(dir, 'examples', 'basic.manifest.json'), json(manifest([layer])));
    await writeFile(path.join(dir, 'examples', 'config-only.manifest.json'), json(manifest([layer], false)));
    await writeFile(path.join(dir, 'examples', 'basic.config.json'), json({ name: `t${i}-abc`, [`field${i}`]: i, tags: ['x'] }));
    await writeFile(path.join(dir, 'examples', 'no-content.not-this.json'), json(manifest(['application/vnd.oci.image.layer.v1.tar'])));
    return id;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [out, count] = process.argv.slice(2);
  if (!out || !count || !/^\d+$/.test(count)) {
    console.error('usage: npx tsx scripts/synthetic-catalog.ts <out-dir> <count>');
    process.exit(2);
  }
  await writeSyntheticCatalog(path.resolve(out), Number(count));
}
