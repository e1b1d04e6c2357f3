// The real command line in a child process, as a user runs it: `bin/tracehold.js` with only
// the environment given (plus PATH and HOME).
import { spawn } from 'node:child_process';
import * as path from 'node:path';

export const TRACEHOLD_BIN = path.resolve(__dirname, '../../bin/tracehold.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runTracehold(args: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TRACEHOLD_BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A JSON API client for tests: one bearer key per call, the parsed answer. */
export function apiCaller(baseUrl: () => string) {
  return async (method: string, url: string, key: string, body?: unknown, type = 'application/json') => {
    const res = await fetch(baseUrl() + url, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': type } : {}) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
}
