/**
 * How many seeded cases the quilt3 oracle tests run: QUILT_ORACLE_SCALE times their `make test`
 * counts (default 1; `make bench` sets a larger scale). The seeds stay fixed, so a larger scale
 * runs the same first cases and more.
 * @module
 */

/** The case-count multiplier (a positive integer). */
export function oracleScale(): number {
  const raw = Deno.env.get("QUILT_ORACLE_SCALE");
  if (raw === undefined || raw === "") return 1;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1000) {
    throw new Error(
      `QUILT_ORACLE_SCALE must be an integer from 1 to 1000, got ${JSON.stringify(raw)}`,
    );
  }
  return n;
}
