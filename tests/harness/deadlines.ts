/**
 * The harness's outer deadlines. Each bounds a wait for an event (a process listening, a log line,
 * an exit) and only fires when that event never comes, so it is set for the slowest machine the
 * suite runs on — two cores shared with other work, under a CPU hog — not for a typical run: a
 * tight deadline turns a loaded machine into a failed test without anything being wrong.
 * @module
 */

/** A child process (server, emulator) prints that it is ready. */
export const START_DEADLINE_MS = 60_000;
/** A log record the code under test writes in response to what the test just did. */
export const LOG_DEADLINE_MS = 30_000;
/** A CLI run of the server to completion (a refused start, --help, healthcheck). */
export const CLI_DEADLINE_MS = 60_000;
/** SIGTERM to exit before the harness sends SIGKILL. */
export const STOP_GRACE_MS = 10_000;
