import type { Plugin } from 'rollup';

export function minifyCssText(text: string): string;
export function minifyCssLiterals(code: string): string | null;
export function minifyCss(): Plugin;
