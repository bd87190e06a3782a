#!/usr/bin/env node
// Checks that the code's imports follow the layers docs/design.md documents: a folder of src/
// imports only from folders of a lower layer (or from itself), and no file imports itself
// back through others. Type-only and lazy imports count: a type is a dependency too, and a
// lazy import is a lazy dependency, not none. The table in docs/design.md is the only list of
// layers: add a new folder there, in the layer it belongs to, and this check follows.
//
// Usage: node scripts/check-layers.mjs [REPOSITORY]   (exit 1 and one line a break when broken)

import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The heading of the section of docs/design.md whose table lists the layers. */
export const LAYERS_HEADING = '## Layers';

/**
 * The layers from the design document: the first table after the heading, whose first column
 * is the layer's number and second the folders (`time/`) and root files (`errors.ts`) in it,
 * each in backticks.
 * @param {string} markdown
 * @returns {Map<string, number>} each module (a folder as `name/`, a root file as its name) and its layer
 */
export function parseLayers(markdown) {
  const start = markdown.indexOf(`\n${LAYERS_HEADING}\n`);
  if (start < 0) throw new Error(`docs/design.md has no "${LAYERS_HEADING}" section`);
  const after = markdown.slice(start + LAYERS_HEADING.length + 2);
  const section = after.split(/\n## /)[0] ?? '';
  /** @type {Map<string, number>} */
  const layers = new Map();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    // | 3 | `heartbeat/`, `logging/` | ... |
    if (cells[0] !== '' || cells[1] === undefined || !/^\d+$/.test(cells[1])) continue;
    const layer = Number(cells[1]);
    for (const [, module] of (cells[2] ?? '').matchAll(/`([^`]+)`/g)) {
      if (module === undefined) continue;
      if (layers.has(module)) throw new Error(`docs/design.md places ${module} in two layers`);
      layers.set(module, layer);
    }
  }
  if (layers.size === 0) throw new Error(`the "${LAYERS_HEADING}" section of docs/design.md has no table of layers`);
  return layers;
}

/**
 * Every relative import of every `.ts` file under `srcDir`, static, dynamic and type-only.
 * @param {string} srcDir
 * @returns {Map<string, string[]>} file → the files it imports, both relative to srcDir with `/`
 */
export function readImports(srcDir) {
  /** @type {Map<string, string[]>} */
  const imports = new Map();
  const walk = (/** @type {string} */ folder) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) {
        const file = relative(srcDir, path).split(sep).join('/');
        const found = ts.preProcessFile(readFileSync(path, 'utf8'), true, true).importedFiles;
        imports.set(
          file,
          found
            .map(({ fileName }) => fileName)
            .filter((target) => target.startsWith('.'))
            .map((target) => posix.join(posix.dirname(file), target).replace(/\.js$/, '.ts')),
        );
      }
    }
  };
  walk(srcDir);
  return imports;
}

/** The module a file of src/ belongs to: its top folder (`network/`) or, at the root, the file itself. */
export function moduleOf(/** @type {string} */ file) {
  const slash = file.indexOf('/');
  return slash < 0 ? file : file.slice(0, slash + 1);
}

/**
 * The breaks of the layering, one line each: modules the table does not place, imports that go
 * up or sideways, and cycles between files. Pure.
 * @param {Map<string, string[]>} imports
 * @param {Map<string, number>} layers
 * @returns {string[]}
 */
export function findLayerBreaks(imports, layers) {
  /** @type {string[]} */
  const breaks = [];
  const unplaced = new Set();
  for (const file of imports.keys()) {
    const module = moduleOf(file);
    if (!layers.has(module) && !unplaced.has(module)) {
      unplaced.add(module);
      breaks.push(`src/${module} is in no layer: add it to the table under "${LAYERS_HEADING}" in docs/design.md`);
    }
  }
  for (const [file, targets] of imports) {
    const from = moduleOf(file);
    const fromLayer = layers.get(from);
    for (const target of targets) {
      const to = moduleOf(target);
      const toLayer = layers.get(to);
      if (to === from || fromLayer === undefined || toLayer === undefined) continue;
      if (toLayer === fromLayer)
        breaks.push(
          `src/${file} imports src/${target}: ${from} and ${to} share layer ${fromLayer} and may not import each other`,
        );
      else if (toLayer > fromLayer)
        breaks.push(
          `src/${file} imports src/${target}: ${from} (layer ${fromLayer}) may not import ${to} (layer ${toLayer})`,
        );
    }
  }
  for (const cycle of findCycles(imports))
    breaks.push(`import cycle: ${cycle.map((file) => `src/${file}`).join(' → ')}`);
  return breaks;
}

/**
 * The cycles of the import graph, each as the files of one strongly connected component,
 * the first repeated at the end (Tarjan's algorithm).
 * @param {Map<string, string[]>} imports
 * @returns {string[][]}
 */
export function findCycles(imports) {
  let next = 0;
  /** @type {Map<string, number>} */ const index = new Map();
  /** @type {Map<string, number>} */ const low = new Map();
  /** @type {string[]} */ const stack = [];
  const onStack = new Set();
  /** @type {string[][]} */ const cycles = [];
  const visit = (/** @type {string} */ file) => {
    index.set(file, next);
    low.set(file, next);
    next += 1;
    stack.push(file);
    onStack.add(file);
    for (const target of imports.get(file) ?? []) {
      if (!imports.has(target)) continue;
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(Number(low.get(file)), Number(low.get(target))));
      } else if (onStack.has(target)) low.set(file, Math.min(Number(low.get(file)), Number(index.get(target))));
    }
    if (low.get(file) !== index.get(file)) return;
    /** @type {string[]} */ const component = [];
    let member;
    do {
      member = stack.pop();
      if (member === undefined) break;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    const selfImport = (imports.get(file) ?? []).includes(file);
    if (component.length > 1 || selfImport) cycles.push(shortestCycle(imports, new Set(component)));
  };
  for (const file of [...imports.keys()].sort()) if (!index.has(file)) visit(file);
  return cycles;
}

/**
 * One real cycle through a strongly connected component, as a path from its first file (by
 * name) back to it: the files in an order each imports the next.
 * @param {Map<string, string[]>} imports
 * @param {Set<string>} component
 * @returns {string[]}
 */
function shortestCycle(imports, component) {
  const start = [...component].sort()[0] ?? '';
  /** @type {Map<string, string>} */ const cameFrom = new Map();
  const queue = [start];
  while (queue.length > 0) {
    const file = /** @type {string} */ (queue.shift());
    for (const target of imports.get(file) ?? []) {
      if (!component.has(target)) continue;
      if (target === start) {
        const path = [file];
        for (let at = file; at !== start;) {
          at = /** @type {string} */ (cameFrom.get(at));
          path.unshift(at);
        }
        return [...path, start];
      }
      if (!cameFrom.has(target)) {
        cameFrom.set(target, file);
        queue.push(target);
      }
    }
  }
  return [start, start];
}

/** Checks a repository; the breaks found, one line each. */
export function checkLayers(/** @type {string} */ repository) {
  const layers = parseLayers(readFileSync(join(repository, 'docs', 'design.md'), 'utf8'));
  return findLayerBreaks(readImports(join(repository, 'src')), layers);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const repository = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..');
  const breaks = checkLayers(repository);
  for (const line of breaks) console.error(line);
  if (breaks.length > 0) {
    console.error(
      `\n${breaks.length} break${breaks.length === 1 ? '' : 's'} of the layers in docs/design.md ("${LAYERS_HEADING}")`,
    );
    process.exitCode = 1;
  } else console.log('layers: every import of src/ goes down a layer; no import cycle');
}
