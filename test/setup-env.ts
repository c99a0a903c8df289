/** Quiet test output: warnings and errors only (a test that checks logs sets its own level). */
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
// EMF metric lines on stdout would drown the test output; the no-PII test turns them on and reads them.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
