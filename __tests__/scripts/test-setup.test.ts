// __tests__/setup.js formats stack traces captured into plain objects (cdktf's
// per-token creation stacks) with V8's own format, and leaves every Error to
// jest's source-map support: a failing test still points at its .ts line.

it("leaves an Error's stack naming the .ts line that threw it", () => {
  const error = new Error("here");
  expect(error.stack).toMatch(/test-setup\.test\.ts:6:\d+\)/);
});

it("formats a stack captured into a plain object (what cdktf does per token) with every frame", () => {
  const target = { stack: "" };
  const capture = function capture() {
    Error.captureStackTrace(target);
  };
  capture();
  const lines = target.stack.split("\n");
  expect(lines[0]).toBe("[object Object]");
  expect(lines[1]).toMatch(/^ {4}at capture \(.*test-setup\.test\.ts:\d+:\d+\)$/);
});
