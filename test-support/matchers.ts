// Brings the types of cdktf's Jest matchers (toHaveResourceWithProperties, ...)
// into every test file; test-support/setup.js registers the matchers themselves.
import "cdktf/lib/testing/adapters/jest";
