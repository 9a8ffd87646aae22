// Packs frontend/.bpmnlintrc for the browser (what bpmnlint-pack-config does):
// resolves "extends" at build time with bpmnlint's own Linter, then emits an
// ES module that imports every enabled rule and serves them from bpmnlint's
// StaticResolver. Exposed to esbuild as `import lintConfig from 'ubp:bpmnlint-config'`.
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Linter } = require('bpmnlint');
const NodeResolver = require('bpmnlint/lib/resolver/node-resolver');

export async function packBpmnlintConfig(rcFile) {
  const config = JSON.parse(await fs.readFile(rcFile, 'utf8'));
  const linter = new Linter({ resolver: new NodeResolver({ require }) });
  const rules = await linter.resolveConfiguredRules(config);

  const imports = [];
  const cache = [];
  Object.entries(rules).forEach(([name, value], index) => {
    if (linter.parseRuleValue(value).category === 'off') {
      return;
    }
    const { pkg, ruleName } = linter.parseRuleName(name);
    imports.push(`import rule${index} from ${JSON.stringify(`${pkg}/rules/${ruleName}`)};`);
    cache.push(`  ${JSON.stringify(`rule:${pkg}/${ruleName}`)}: rule${index},`);
  });

  return [
    "import StaticResolver from 'bpmnlint/lib/resolver/static-resolver';",
    ...imports,
    'const cache = {',
    ...cache,
    '};',
    `export const config = ${JSON.stringify({ rules }, null, 2)};`,
    'export const resolver = new StaticResolver(cache);',
    'export default { config, resolver };',
    ''
  ].join('\n');
}

export function bpmnlintConfigPlugin({ rcFile, resolveDir }) {
  return {
    name: 'ubp-bpmnlint-config',
    setup(build) {
      build.onResolve({ filter: /^ubp:bpmnlint-config$/ }, () => ({
        path: rcFile,
        namespace: 'ubp-bpmnlint-config'
      }));
      build.onLoad({ filter: /.*/, namespace: 'ubp-bpmnlint-config' }, async () => ({
        contents: await packBpmnlintConfig(rcFile),
        loader: 'js',
        resolveDir,
        watchFiles: [rcFile]
      }));
    }
  };
}
