/** Polls until `probe` returns a defined, truthy value, or fails after `timeoutMs`. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | null | false>,
  opts: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, opts.intervalMs ?? 25));
  }
  throw new Error(
    `timed out waiting for ${opts.what ?? 'condition'}${last ? `: ${String(last)}` : ''}`,
  );
}
