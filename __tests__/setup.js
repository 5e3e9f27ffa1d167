// cdktf's jest matchers (toHaveResourceWithProperties, ...), and removal of
// the scratch directories a test file made.
require("cdktf").Testing.setupJest();
afterAll(() => require("./helpers").removeScratchDirs());
