export function minifyCssText(text: string, options?: { lines?: boolean }): string;
