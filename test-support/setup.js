// cdktf's matchers (toHaveResource, toHaveResourceWithProperties, ...).
const cdktf = require("cdktf");
cdktf.Testing.setupJest();
