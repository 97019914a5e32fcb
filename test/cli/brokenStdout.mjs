// Preloaded with `node --import` by test/cli/usage.test.ts: the first write to stdout throws
// the TypeError a bug would (as `kernels README.md` once did), so the test sees how the
// command reports an exception that is none of its typed errors.
process.stdout.write = () => {
  throw new TypeError("Cannot read properties of undefined (reading 'toFixed')");
};
