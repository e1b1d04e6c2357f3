// Every test run checks each EVM hop step's taint, computed from what is new, against the
// whole case's (services/tracing/step-taint.ts): a step that differs fails its trace. Worker
// processes the tests start inherit it.
process.env.TRACEHOLD_VERIFY_STEPS ??= '1';
