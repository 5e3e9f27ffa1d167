// Types of cdktf's jest matchers, registered in setup.js.
/// <reference types="cdktf/lib/testing/adapters/jest" />
