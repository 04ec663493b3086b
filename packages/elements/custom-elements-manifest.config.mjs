// custom-elements.json, read from the classes' JSDoc (@summary @slot @csspart @cssproperty @event)
// and their Lit @property fields. `npm run build` runs it through scripts/build-manifest.mjs, which
// also writes the VS Code, JetBrains and React data from the result.

/**
 * Tag names: our elements register with `RealstreamChat.define('realstream-chat')` in their define
 * files, which the analyzer does not read as a definition. Give the class its tagName and the define
 * module its `custom-element-definition` export, as `customElements.define` would have.
 */
function defineCalls() {
  const found = [];
  return {
    name: 'realstream-define-calls',
    analyzePhase({ ts, node, moduleDoc }) {
      if (!ts.isCallExpression(node)) return;
      const callee = node.expression;
      const [tag] = node.arguments;
      if (
        ts.isPropertyAccessExpression(callee) &&
        callee.name.text === 'define' &&
        ts.isIdentifier(callee.expression) &&
        tag &&
        ts.isStringLiteral(tag)
      ) {
        found.push({ className: callee.expression.text, tag: tag.text, moduleDoc });
      }
    },
    packageLinkPhase({ customElementsManifest }) {
      for (const { className, tag, moduleDoc } of found) {
        const home = customElementsManifest.modules.find((m) =>
          m.declarations?.some((d) => d.kind === 'class' && d.name === className),
        );
        if (!home) throw new Error(`define('${tag}'): no class ${className} in the manifest`);
        const decl = home.declarations.find((d) => d.name === className);
        decl.tagName = tag;
        decl.customElement = true;
        moduleDoc.exports ??= [];
        moduleDoc.exports.push({
          kind: 'custom-element-definition',
          name: tag,
          declaration: { name: className, module: home.path },
        });
      }
    },
  };
}

/**
 * A closed set of values behind a type alias (`theme: Theme`, `Theme = 'light' | 'dark' | 'auto'`)
 * is spelled out, so editors and Storybook's controls can offer the values.
 */
function literalAliases() {
  const aliases = new Map();
  const expand = (text) =>
    text?.replace(/\b[A-Z]\w*\b/g, (name) => (aliases.has(name) ? aliases.get(name) : name));
  return {
    name: 'realstream-literal-aliases',
    collectPhase({ ts, node }) {
      if (!ts.isTypeAliasDeclaration(node) || !ts.isUnionTypeNode(node.type)) return;
      const literals = node.type.types.map((t) =>
        ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal) ? `'${t.literal.text}'` : null,
      );
      if (literals.every(Boolean)) aliases.set(node.name.text, literals.join(' | '));
    },
    packageLinkPhase({ customElementsManifest }) {
      for (const mod of customElementsManifest.modules) {
        for (const decl of mod.declarations ?? []) {
          for (const item of [...(decl.members ?? []), ...(decl.attributes ?? [])]) {
            if (item.type?.text) item.type.text = expand(item.type.text);
          }
        }
      }
    },
  };
}

export default {
  globs: ['src/**/*.ts'],
  exclude: [
    'src/**/*.test.ts',
    'src/**/*.stories.ts',
    'src/**/*.fixture.ts',
    'src/stories/**',
    'src/styles/sheet.generated.ts',
  ],
  outdir: 'dist',
  litelement: true,
  // package.json names the manifest itself ("customElements"); the analyzer must not rewrite it.
  packagejson: false,
  plugins: [defineCalls(), literalAliases()],
};
