// The build's last guard before writing index.js: code generation and run-time imports are refused.
import { describe, expect, it } from 'vitest';
import { forbiddenCode } from '../../scripts/package/write-package.ts';

describe('forbiddenCode', () => {
  it('finds eval, Function, require, dynamic import and import statements', () => {
    expect(forbiddenCode('const f = new Function("return 1");')).toEqual(['Function(']);
    expect(forbiddenCode('x = eval(code)')).toEqual(['eval(']);
    expect(forbiddenCode('const a = require("ajv")')).toEqual(['require(']);
    expect(forbiddenCode('const m = await import("./x.js")')).toEqual(['import(']);
    expect(forbiddenCode('var a = 1;\nimport { b } from "./b.js";')).toEqual(['an import statement']);
  });

  it('lets ordinary code and require text inside strings through', () => {
    expect(forbiddenCode('var __require = () => 1; const code = \'require("ajv/dist/runtime/ucs2length").default\'; export { x };')).toEqual([]);
    expect(forbiddenCode('const evaluated = validate.evaluated; myFunction(1); importance(2);')).toEqual([]);
  });
});
