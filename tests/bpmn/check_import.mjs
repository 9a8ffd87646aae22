// Checks that BPMN files import into bpmn-js cleanly, without a browser:
//   node tests/bpmn/check_import.mjs bpmn/*.bpmn
// - bpmn-moddle with the Camunda extension (what the modeler loads) reports no import warnings
//   (unknown elements or attributes, unresolved references);
// - every flow element, lane and participant has exactly one DI shape or edge, and every DI
//   element points at something that exists (bpmn-js warns about both on import);
// - bpmnlint passes with the project's configuration (frontend/.bpmnlintrc).
// Prints one line per problem and exits non-zero if there are any.
import fs from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import { BpmnModdle } from 'bpmn-moddle';

const require = createRequire(import.meta.url);
const camunda = require('camunda-bpmn-moddle/resources/camunda.json');
const { Linter } = require('bpmnlint');
const NodeResolver = require('bpmnlint/lib/resolver/node-resolver');

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function importProblems(xml) {
  const moddle = new BpmnModdle({ camunda });
  const { rootElement, warnings } = await moddle.fromXML(xml, 'bpmn:Definitions');
  const problems = warnings.map((w) => `import: ${w.message}`);
  return { rootElement, problems };
}

function diProblems(definitions) {
  const drawable = new Map();
  const visit = (element) => {
    for (const child of element.flowElements || []) {
      drawable.set(child.id, child);
      visit(child);
    }
    for (const laneSet of element.laneSets || []) {
      for (const lane of laneSet.lanes || []) drawable.set(lane.id, lane);
    }
  };
  for (const root of definitions.rootElements || []) {
    if (root.$type === 'bpmn:Process') visit(root);
    for (const participant of root.participants || []) drawable.set(participant.id, participant);
  }
  const drawn = new Map();
  const problems = [];
  for (const diagram of definitions.diagrams || []) {
    for (const di of diagram.plane.planeElement || []) {
      const target = di.bpmnElement;
      if (!target) {
        problems.push(`DI ${di.id} does not reference an element`);
        continue;
      }
      drawn.set(target.id, (drawn.get(target.id) || 0) + 1);
    }
  }
  for (const [id, element] of drawable) {
    const count = drawn.get(id) || 0;
    if (element.$type === 'bpmn:DataObject') continue; // drawn through its reference
    if (count !== 1) problems.push(`${id} has ${count} DI elements, not 1`);
  }
  return problems;
}

async function lintProblems(rootElement) {
  const config = JSON.parse(await fs.readFile(path.join(root, 'frontend/.bpmnlintrc'), 'utf8'));
  const linter = new Linter({ config, resolver: new NodeResolver({ require }) });
  const reports = await linter.lint(rootElement);
  return Object.entries(reports).flatMap(([rule, found]) =>
    found.filter((r) => r.category !== 'off').map((r) => `lint ${r.category} ${rule}: ${r.id} ${r.message}`));
}

let failed = false;
for (const file of process.argv.slice(2)) {
  const xml = await fs.readFile(file, 'utf8');
  const { rootElement, problems } = await importProblems(xml);
  problems.push(...diProblems(rootElement), ...(await lintProblems(rootElement)));
  for (const problem of problems) console.log(`${file}: ${problem}`);
  if (problems.length) failed = true;
  else console.log(`${file}: imports cleanly`);
}
process.exit(failed ? 1 : 0);
