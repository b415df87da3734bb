// Runs inside deploy/docker/Dockerfile's `app` stage: copies one app's build output and that of the
// libraries it needs at run time into an output folder, keeping the repository layout
// (apps/<app>/{package.json,dist}, libs/<lib>/{package.json,dist}).
//   node collect-app.mjs <app> <out-dir>
// "Needs" is the closure of the tsconfig `references` from apps/<app>/tsconfig.lib.json — the same
// graph `tsc -b` compiled, so a library the app imports but does not reference would already have
// failed the build. Type declarations and build info stay behind: nothing reads them at run time.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const [app, out] = process.argv.slice(2);
const root = process.cwd();
const apps = readdirSync(join(root, 'apps')).filter((name) => existsSync(join(root, 'apps', name, 'src', 'main.ts')));
if (!app || !out || !apps.includes(app)) {
  console.error(`build with --build-arg APP=<one of: ${apps.join(' ')}>`);
  process.exit(1);
}

const projects = new Set();
const visit = (tsconfigPath) => {
  const projectDir = dirname(tsconfigPath);
  const rel = relative(root, projectDir);
  if (projects.has(rel)) return;
  projects.add(rel);
  const tsconfig = JSON.parse(readFileSync(tsconfigPath, 'utf8'));
  for (const ref of tsconfig.references ?? []) {
    const target = resolve(projectDir, ref.path);
    visit(target.endsWith('.json') ? target : join(target, 'tsconfig.json'));
  }
};
visit(join(root, 'apps', app, 'tsconfig.lib.json'));

const runtimeFile = (source) => !/\.(d\.ts|d\.ts\.map|tsbuildinfo)$/.test(source);
for (const project of [...projects].sort()) {
  const dist = join(root, project, 'dist');
  if (!existsSync(dist)) {
    console.error(`${project} has no dist/ after the build`);
    process.exit(1);
  }
  mkdirSync(join(out, project), { recursive: true });
  cpSync(join(root, project, 'package.json'), join(out, project, 'package.json'));
  cpSync(dist, join(out, project, 'dist'), { recursive: true, filter: runtimeFile });
}
console.log(`${app}: ${[...projects].sort().join(', ')}`);
