/** Image references as Docker reads them: the registry a name is on, its repository. Pure. */

/** The registry host of a reference, as Docker reads it (`app:1` and `o/app` are on docker.io). */
export function registryOf(ref: string): string {
  const first = ref.split('/')[0];
  return ref.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : 'docker.io';
}

/** A reference without its tag or digest (`r:5000/a/b:1` is `r:5000/a/b`). */
export function repository(ref: string): string {
  return ref
    .trim()
    .replace(/@.*$/, '')
    .replace(/:[^:/]*$/, '');
}

/** A loopback registry speaks plain HTTP, as dockerd allows by default. */
export const isLoopback = (registry: string) => /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(registry);
