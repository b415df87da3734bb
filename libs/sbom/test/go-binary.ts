import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The Go toolchain: `GO` env, the image's /usr/local/go, or PATH. */
function goCommand(): string {
  const fromEnv = process.env['GO'];
  if (fromEnv) return fromEnv;
  return existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : 'go';
}

/**
 * Builds a real, tiny Go program that depends on `example.com/greet v1.2.3` (replaced by a local
 * directory, so no network) and returns the binary's bytes. Build info is what the linker embeds.
 */
export async function buildGoBinary(): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'sbom-go-'));
  try {
    await mkdir(join(dir, 'greet'));
    await writeFile(join(dir, 'greet', 'go.mod'), 'module example.com/greet\n\ngo 1.21\n');
    await writeFile(join(dir, 'greet', 'greet.go'), 'package greet\n\nfunc Hello() string { return "hello" }\n');
    await writeFile(
      join(dir, 'go.mod'),
      'module example.com/hello\n\ngo 1.21\n\nrequire example.com/greet v1.2.3\n\nreplace example.com/greet => ./greet\n',
    );
    await writeFile(join(dir, 'main.go'), 'package main\n\nimport "example.com/greet"\n\nfunc main() { println(greet.Hello()) }\n');
    await run(goCommand(), ['build', '-trimpath', '-ldflags=-s -w', '-o', 'hello', '.'], {
      cwd: dir,
      env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=mod', GOPROXY: 'off', GOTOOLCHAIN: 'local', GOWORK: 'off', GOOS: 'linux', GOARCH: 'amd64' },
    });
    return await readFile(join(dir, 'hello'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The Go version of the toolchain, e.g. `1.26.8`. */
export async function goVersion(): Promise<string> {
  const { stdout } = await run(goCommand(), ['env', 'GOVERSION'], { env: { ...process.env, GOTOOLCHAIN: 'local' } });
  return stdout.trim().replace(/^go/, '');
}
