/** A module resolve hook (node:module register): `electron` is the fake in electron-module.js. */
const FAKE = new URL('./electron-module.js', import.meta.url).href;

export async function resolve(
  specifier: string,
  context: unknown,
  next: (specifier: string, context: unknown) => Promise<{ url: string }>,
): Promise<{ url: string; shortCircuit?: boolean }> {
  if (specifier === 'electron') return { url: FAKE, shortCircuit: true };
  return next(specifier, context);
}
