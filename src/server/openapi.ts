// The OpenAPI 3.1 description of every route (the page routes included), served at /openapi.json.
// test/server/openapi.test.ts validates it and checks it against the routes the app registers.

const json = (schema: object) => ({ 'application/json': { schema } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const error = (description: string) => ({ description, content: json(ref('Error')) });
const idParam = { name: 'id', in: 'path', required: true, description: 'The type id (or a former id listed in its aliases).', schema: { type: 'string', maxLength: 200 } };
const cached = {
  ETag: { description: 'Strong validator of the body.', schema: { type: 'string' } },
  'Cache-Control': { schema: { type: 'string' } },
};
const conditional = [{ name: 'If-None-Match', in: 'header', required: false, schema: { type: 'string' } }];
const notModified = { description: 'Not modified: the If-None-Match ETag is current.' };

function get(summary: string, ok: object, extra: Record<string, unknown> = {}, parameters: object[] = []) {
  return {
    get: {
      summary,
      parameters: [...parameters, ...conditional],
      responses: { '200': ok, '304': notModified, '404': error('Unknown id or path.'), '405': error('Method not allowed; see the Allow header.'), ...extra },
    },
  };
}

export function openApiDocument(version: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'artifact-types API',
      version,
      summary: 'Read-only catalog of OCI artifact types: look types up, find who uses a media type, classify manifests.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    paths: {
      '/v1/catalog': get('The whole built catalog. ETag is the catalog digest; gzip and brotli by Accept-Encoding.', { description: 'The catalog.', headers: cached, content: json(ref('Catalog')) }),
      '/v1/types': get(
        'A summary per type, optionally filtered by text.',
        { description: 'Type summaries.', headers: cached, content: json(ref('TypeList')) },
        { '400': error('Bad query parameter.') },
        [{ name: 'q', in: 'query', required: false, description: 'Words matched (case-insensitively) against id, names, description and media types.', schema: { type: 'string', maxLength: 256 } }],
      ),
      '/v1/types/{id}': get('One artifact type, with links to its logo, config schema and docs.', { description: 'The type.', headers: cached, content: json(ref('ArtifactType')) }, {}, [idParam]),
      '/v1/types/{id}/logo.svg': get('The type logo (SVG, served sandboxed).', { description: 'The logo.', headers: cached, content: { 'image/svg+xml': { schema: { type: 'string' } } } }, {}, [idParam]),
      '/v1/types/{id}/config-schema': get('The JSON Schema of the type config object.', { description: 'The schema.', headers: cached, content: { 'application/schema+json': { schema: { type: 'object' } } } }, {}, [idParam]),
      '/v1/types/{id}/docs': get('The type documentation (README body) as Markdown.', { description: 'The docs.', headers: cached, content: { 'text/markdown': { schema: { type: 'string' } } } }, {}, [idParam]),
      '/v1/media-types': get(
        'Every type that uses a media type, and in which role.',
        { description: 'The uses.', headers: cached, content: json(ref('MediaTypeUses')) },
        { '400': error('Missing or malformed media type.') },
        [{ name: 'mediaType', in: 'query', required: true, schema: { type: 'string', maxLength: 255 } }],
      ),
      '/v1/media-types/{mediaType}': get(
        'Every type that uses a media type, and in which role. The media type may contain "/" and "+" unescaped.',
        { description: 'The uses.', headers: cached, content: json(ref('MediaTypeUses')) },
        { '400': error('Malformed media type.') },
        [{ name: 'mediaType', in: 'path', required: true, description: 'type/subtype, e.g. application/vnd.cncf.helm.config.v1+json', schema: { type: 'string', maxLength: 255 } }],
      ),
      '/v1/exports/{format}': get(
        'A registry allowlist generated from the catalog: quay (config.yaml fragment), pulp (pulp_container settings), allowlist (JSON map of config media type to layer media types).',
        { description: 'The allowlist.', headers: cached, content: { 'application/yaml': { schema: { type: 'string' } }, 'text/x-python': { schema: { type: 'string' } }, 'application/json': { schema: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } } } } },
        { '400': error('Unknown format or id.') },
        [
          { name: 'format', in: 'path', required: true, schema: { type: 'string', enum: ['quay', 'pulp', 'allowlist'] } },
          { name: 'ids', in: 'query', required: false, description: 'Comma-separated type ids to narrow the allowlist to.', schema: { type: 'string', maxLength: 4096 } },
        ],
      ),
      '/v1/classify': {
        post: {
          summary: 'Classify an OCI image manifest or index; with { manifest, config } also validate the config object.',
          requestBody: {
            required: true,
            description: 'At most 4 MiB. Duplicate keys and prototype keys (__proto__, constructor, prototype) are rejected.',
            content: {
              'application/json': { schema: { oneOf: [ref('Manifest'), ref('ClassifyRequest')] } },
              'application/vnd.oci.image.manifest.v1+json': { schema: ref('Manifest') },
              'application/vnd.oci.image.index.v1+json': { schema: ref('Manifest') },
              'application/vnd.docker.distribution.manifest.v2+json': { schema: ref('Manifest') },
              'application/vnd.docker.distribution.manifest.list.v2+json': { schema: ref('Manifest') },
            },
          },
          responses: {
            '200': { description: 'The classification (id null when no type matched).', content: json(ref('Classification')) },
            '400': error('Malformed JSON (with line and column) or not a manifest (with the field).'),
            '405': error('Method not allowed.'),
            '413': error('Body larger than 4 MiB.'),
            '415': error('Unsupported Content-Type, charset or Content-Encoding.'),
          },
        },
      },
      '/healthz': { get: { summary: 'Liveness.', responses: { '200': { description: 'Alive.', content: json({ type: 'object' }) } } } },
      '/readyz': { get: { summary: 'Readiness: a catalog is loaded and the server is not draining.', responses: { '200': { description: 'Ready.', content: json({ type: 'object' }) }, '503': { description: 'Draining.', content: json({ type: 'object' }) } } } },
      '/metrics': { get: { summary: 'Prometheus metrics.', responses: { '200': { description: 'Text exposition format 0.0.4.', content: { 'text/plain': { schema: { type: 'string' } } } } } } },
      '/openapi.json': { get: { summary: 'This document.', responses: { '200': { description: 'OpenAPI 3.1.', content: json({ type: 'object' }) } } } },
      '/': { get: { summary: 'The catalog web page.', parameters: [{ name: 'q', in: 'query', required: false, schema: { type: 'string' } }, { name: 'page', in: 'query', required: false, schema: { type: 'integer', minimum: 1 } }], responses: { '200': { description: 'HTML.', content: { 'text/html': { schema: { type: 'string' } } } } } } },
      '/types/{id}': { get: { summary: 'The web page of one type.', parameters: [idParam], responses: { '200': { description: 'HTML.', content: { 'text/html': { schema: { type: 'string' } } } }, '404': error('Unknown id.') } } },
      '/registry': { get: { summary: 'The registry given with `serve --registry <url>`, listed with every artifact named (404 when the server has none). Lists only that registry.', parameters: [{ name: 'url', in: 'query', required: false, description: 'Must name the configured registry; any other value is refused.', schema: { type: 'string' } }], responses: { '200': { description: 'HTML.', content: { 'text/html': { schema: { type: 'string' } } } }, '400': error('url names another registry.'), '404': error('No registry configured.'), '502': error('The registry could not be listed.') } } },
      '/api': { get: { summary: 'This API reference as a web page: Swagger UI, served from /assets/, renders /openapi.json in the browser.', responses: { '200': { description: 'HTML.', content: { 'text/html': { schema: { type: 'string' } } } } } } },
      '/assets/{file}': { get: { summary: 'Scripts and styles of the web pages (Swagger UI\'s bundle for /api among them), and cards.json.', parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string' } }], responses: { '200': { description: 'The asset.' }, '404': error('Unknown asset.') } } },
    },
    components: {
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } }, additionalProperties: true } },
        },
        MediaTypeInfo: { type: 'object', required: ['mediaType'], properties: { mediaType: { type: 'string' }, legacy: { type: 'boolean' }, deprecated: { type: 'boolean' }, generic: { type: 'boolean' }, identifying: { type: 'boolean' }, note: { type: 'string' } } },
        Links: { type: 'object', additionalProperties: { type: 'string' } },
        ArtifactType: {
          type: 'object',
          required: ['id', 'displayName', 'description', 'version', 'status', 'manifestMediaTypes', 'layers', 'digest'],
          properties: {
            id: { type: 'string' },
            displayName: { type: 'string' },
            description: { type: 'string' },
            version: { type: 'string' },
            status: { enum: ['active', 'deprecated'] },
            aliases: { type: 'array', items: { type: 'string' } },
            manifestMediaTypes: { type: 'array', items: ref('MediaTypeInfo') },
            artifactTypes: { type: 'array', items: ref('MediaTypeInfo') },
            configMediaTypes: { type: 'array', items: ref('MediaTypeInfo') },
            layers: { type: 'array', items: { type: 'object' } },
            annotations: { type: 'array', items: { type: 'object' } },
            tools: { type: 'array', items: { type: 'object' } },
            configSchema: { type: ['object', 'null'] },
            example: { type: ['object', 'null'] },
            digest: { type: 'string' },
            links: ref('Links'),
          },
        },
        Catalog: { type: 'object', required: ['formatVersion', 'name', 'version', 'digest', 'types'], properties: { formatVersion: { const: 1 }, name: { type: 'string' }, version: { type: 'string' }, digest: { type: 'string' }, types: { type: 'array', items: ref('ArtifactType') } } },
        TypeSummary: {
          type: 'object',
          required: ['id', 'displayName', 'description', 'status', 'mediaTypes', 'links'],
          properties: { id: { type: 'string' }, displayName: { type: 'string' }, description: { type: 'string' }, status: { enum: ['active', 'deprecated'] }, mediaTypes: { type: 'array', items: { type: 'string' } }, tools: { type: 'array', items: { type: 'object' } }, links: ref('Links') },
        },
        TypeList: { type: 'object', required: ['count', 'types'], properties: { name: { type: 'string' }, version: { type: 'string' }, digest: { type: 'string' }, q: { type: 'string' }, count: { type: 'integer' }, types: { type: 'array', items: ref('TypeSummary') } } },
        MediaTypeUses: {
          type: 'object',
          required: ['mediaType', 'uses'],
          properties: { mediaType: { type: 'string' }, uses: { type: 'array', items: { type: 'object', required: ['id', 'role', 'mediaType'], properties: { id: { type: 'string' }, displayName: { type: 'string' }, role: { enum: ['manifest', 'artifactType', 'config', 'layer'] }, mediaType: { type: 'string' }, format: { type: 'string' }, links: ref('Links') } } } },
        },
        Manifest: { type: 'object', description: 'An OCI image manifest or index, or a Docker v2 manifest or manifest list.' },
        ClassifyRequest: {
          type: 'object',
          required: ['manifest'],
          properties: {
            manifest: ref('Manifest'),
            config: { description: 'The config blob, parsed.' },
            tag: { type: 'string', description: 'The tag the manifest was pulled by; <alg>-<hex> marks a referrers list (referrers tag schema).' },
            referrersOf: { type: 'string', description: 'The subject digest, when the manifest is a registry\'s answer to GET /v2/<name>/referrers/<digest>.' },
          },
          additionalProperties: false,
        },
        Classification: {
          type: 'object',
          required: ['id', 'signal', 'kind', 'mediaTypes', 'conformance', 'validation'],
          properties: {
            id: { type: ['string', 'null'] },
            displayName: { type: ['string', 'null'] },
            signal: { enum: ['artifactType', 'config', 'layer', 'annotation', 'configLabel', 'fallback', null] },
            matched: { type: ['object', 'null'] },
            kind: { enum: ['manifest', 'index', null] },
            mediaTypes: { type: 'object' },
            conformance: { type: 'array', items: { type: 'object', required: ['code', 'severity', 'path', 'message'], properties: { code: { type: 'string' }, severity: { enum: ['error', 'warning'] }, path: { type: 'string' }, message: { type: 'string' } } } },
            validation: {
              type: 'array',
              description: 'Every violation of the OCI image-spec (or Docker schema 2) rules: MUST rules are errors, SHOULD rules warnings; spec is the pinned section.',
              items: { type: 'object', required: ['code', 'severity', 'path', 'message', 'spec'], properties: { code: { type: 'string' }, severity: { enum: ['error', 'warning'] }, path: { type: 'string' }, message: { type: 'string' }, spec: { type: 'string' } } },
            },
            subject: { type: 'object', required: ['mediaType', 'digest'], properties: { mediaType: { type: 'string' }, digest: { type: 'string' } } },
            referrersList: {
              type: 'object',
              description: 'Set when the index lists the referrers of a subject (id is then null).',
              required: ['source', 'subject', 'entries'],
              properties: {
                source: { enum: ['referrers-api', 'tag-schema', 'content'] },
                subject: { type: ['string', 'null'] },
                entries: { type: 'array', items: { type: 'object', required: ['pointer', 'digest', 'artifactType', 'id', 'displayName'], properties: { pointer: { type: 'string' }, digest: { type: ['string', 'null'] }, artifactType: { type: ['string', 'null'] }, id: { type: ['string', 'null'] }, displayName: { type: ['string', 'null'] } } } },
              },
            },
          },
        },
      },
    },
  };
}
