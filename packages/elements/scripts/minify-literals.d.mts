import type { Plugin } from 'rollup';

export function minifyHtmlText(text: string, state?: { raw: boolean }): string;
export function literalEdits(code: string, fileName?: string): [number, number, string][];
export function minifyLiterals(code: string): string;
export function minifyTemplates(): Plugin;
