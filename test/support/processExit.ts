import { type ExecFileOptions, execFile } from 'node:child_process';
import { promisify } from 'node:util';

/** How a command ended: its exit code and what it printed. */
export interface Exit {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `file args` to its end; a non-zero exit is an outcome to assert on, not a rejection. */
export async function exitOf(file: string, args: string[], options: ExecFileOptions): Promise<Exit> {
  try {
    const { stdout, stderr } = await promisify(execFile)(file, args, { maxBuffer: 16 * 1024 * 1024, ...options });
    return { code: 0, stdout: String(stdout), stderr: String(stderr) };
  } catch (error) {
    const { code, stdout, stderr } = error as Exit;
    return { code, stdout, stderr };
  }
}
