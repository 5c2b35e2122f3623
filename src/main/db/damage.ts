/** SQLite's word that a store's pages are damaged (or that the file is not a database at all). */
export const isStoreDamage = (err: unknown): boolean => /^SQLITE_(CORRUPT|NOTADB)/.test(String((err as { code?: unknown } | null)?.code ?? ''));
