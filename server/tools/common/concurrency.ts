/** Bounded concurrency for tools that make many independent AWS calls. @module */

/**
 * Maps `items` through `fn` with at most `limit` calls in flight; results keep the input order.
 * `fn` should not throw (tools turn per-item failures into results); if it does, the first
 * error rejects the whole map after in-flight calls settle.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
