import { XMLParser } from 'fast-xml-parser';
import { type PackageCollector, unparsable } from './lockfile-bounds.js';
import type { LockfileLimits } from './lockfile.model.js';

type Node = Record<string, unknown>;
const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : undefined);
const ARRAYS = new Set(['project.dependencies.dependency', 'project.dependencyManagement.dependencies.dependency']);

/**
 * pom.xml: `dependencies` and `dependencyManagement` with a literal version, or `${property}`
 * defined in the file's own `properties` (`${project.version}` too). The file is the only
 * input: `parent`, `repositories`, imported BOMs and profiles are never fetched or followed, so a
 * version they would supply is reported `unresolved`, and a range (`[1.0,2.0)`) `range`.
 * Entities are not expanded (no XXE, no entity bombs).
 */
export function readPomXml(xml: string, limits: LockfileLimits, into: PackageCollector): void {
  const parser = new XMLParser({
    ignoreAttributes: true,
    processEntities: false,
    htmlEntities: false,
    parseTagValue: false,
    maxNestedTags: limits.maxDepth,
    isArray: (_tag, jPath) => typeof jPath === 'string' && ARRAYS.has(jPath),
  });
  let doc: unknown;
  try {
    doc = parser.parse(xml, true);
  } catch (error) {
    throw unparsable(error, 'pom.xml');
  }
  const project = isNode(doc) ? doc['project'] : undefined;
  if (!isNode(project)) throw unparsable(undefined, 'pom.xml');
  const properties = new Map<string, string>();
  if (isNode(project['properties'])) {
    for (const [key, value] of Object.entries(project['properties'])) {
      const v = text(value);
      if (v !== undefined) properties.set(key, v);
    }
  }
  const ownVersion = text(project['version']);
  if (ownVersion !== undefined) properties.set('project.version', ownVersion);
  const management = isNode(project['dependencyManagement']) ? project['dependencyManagement']['dependencies'] : undefined;
  const lists = [project['dependencies'], management];
  for (const list of lists) {
    const dependencies = isNode(list) ? list['dependency'] : undefined;
    if (!Array.isArray(dependencies)) continue;
    for (const dependency of dependencies as unknown[]) {
      if (!isNode(dependency)) continue;
      const groupId = resolve(text(dependency['groupId']), properties);
      const artifactId = resolve(text(dependency['artifactId']), properties);
      if (!groupId || !artifactId) continue;
      const name = `${groupId}:${artifactId}`;
      const declared = text(dependency['version']);
      const version = resolve(declared, properties);
      if (version === undefined || version.includes('${')) into.unpinnedDependency(name, 'unresolved');
      else if (/^[[(]|,/.test(version)) into.unpinnedDependency(name, 'range');
      else into.pinned({ type: 'maven', namespace: groupId, name: artifactId, version });
    }
  }
}

/** One level of `${name}` substitution from the file's own properties (no recursion, no environment). */
function resolve(value: string | undefined, properties: ReadonlyMap<string, string>): string | undefined {
  if (value === undefined || value === '') return undefined;
  return value.replace(/\$\{([^}]{1,200})\}/g, (whole, key: string) => properties.get(key) ?? whole);
}
