// Lints BPMN files with the browser's configuration (frontend/.bpmnlintrc) and prints, as JSON, the element ids
// each file has errors on and how many warnings it has:  node tests/bpmn/lint_report.mjs a.bpmn b.bpmn
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
const config = JSON.parse(await fs.readFile(path.join(root, 'frontend/.bpmnlintrc'), 'utf8'));
const linter = new Linter({ config, resolver: new NodeResolver({ require }) });

const report = {};
for (const file of process.argv.slice(2)) {
  const { rootElement } = await new BpmnModdle({ camunda }).fromXML(await fs.readFile(file, 'utf8'), 'bpmn:Definitions');
  const found = Object.values(await linter.lint(rootElement)).flat();
  report[path.basename(file)] = {
    errors: [...new Set(found.filter((r) => r.category === 'error').map((r) => r.id))].sort(),
    warnings: found.filter((r) => r.category === 'warn').length
  };
}
console.log(JSON.stringify(report));
