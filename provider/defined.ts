/**
 * The fields whose value is not `undefined`, for spreading into options objects: an explicit `undefined`
 * would override a default in `{ ...DEFAULTS, ...options }` and shows up in `"key" in options`, so optional
 * fields are left out rather than set to `undefined`.
 */
export function defined<T extends object>(fields: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
